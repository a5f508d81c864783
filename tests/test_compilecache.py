"""The compile cache: patterns rebuilt from it behave exactly as re.compile's."""

from __future__ import annotations

import importlib
import marshal
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import pytest

import lint
from lint import compilecache
from lint.compilecache import compile_code, compile_regex
from lint.config import Config
from lint.rulebook.regex import Regex
from lint.rulebook.ruleset import load_ruleset

SAMPLES = [
    "x86/fred: Fix the CR4 pinning window for secondary CPUs",
    "Signed-off-by: Jane Developer <jane@example.org>",
    'Fixes: 0123456789ab ("x86/cpu: Pin CR4 bits")',
    'commit 0123456789abcdef ("x86: Do it")',
    "Link: https://lore.kernel.org/all/20240101.1234-1-jane@example.org/",
    "diff --git a/arch/x86/kernel/cpu/common.c b/arch/x86/kernel/cpu/common.c",
    "@@ -10,7 +10,8 @@ static void cr4_init(void)",
    "+\tcr4_set_bits(X86_CR4_FRED);",
    "From: =?UTF-8?q?J=C3=B6rg?= <joerg@example.org>",
    "Subject: [PATCH v2 3/7] x86/sev: Skip the GHCB MSR protocol",
    "",
    "  == Problem ==",
]


def package_patterns() -> list[re.Pattern[str]]:
    """Every regex the package compiles at import, and every regex of the rulebook."""
    found: dict[tuple[object, int], re.Pattern[str]] = {}
    for info in pkgutil.walk_packages(lint.__path__, "lint."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if isinstance(value, Regex):
                value = value.compiled
            if isinstance(value, re.Pattern):
                found[(value.pattern, value.flags)] = value
    for rule in load_ruleset(Config()).rules:
        for value in vars(rule.params).values() if hasattr(rule.params, "__dict__") else ():
            if isinstance(value, Regex):
                found[(value.pattern, value.flags)] = value.compiled
    return list(found.values())


def test_rebuilt_patterns_match_as_re_compile_does() -> None:
    patterns = package_patterns()
    assert len(patterns) > 100
    for pattern in patterns:
        program = compilecache._program(pattern.pattern, pattern.flags)
        program = marshal.loads(marshal.dumps(program))  # as stored
        rebuilt = compilecache._build(pattern.pattern, program)
        fresh = re.compile(pattern.pattern, pattern.flags)
        assert (rebuilt.pattern, rebuilt.flags, rebuilt.groups, rebuilt.groupindex) == (
            fresh.pattern,
            fresh.flags,
            fresh.groups,
            fresh.groupindex,
        )
        for sample in SAMPLES:
            text: str | bytes = sample if isinstance(pattern.pattern, str) else sample.encode()
            ours, theirs = rebuilt.search(text), fresh.search(text)  # type: ignore[arg-type]
            assert (ours and (ours.span(), ours.groups())) == (
                theirs and (theirs.span(), theirs.groups())
            ), (pattern.pattern, sample)


def test_bad_regexes_raise_as_re_does() -> None:
    with pytest.raises(re.error):
        compile_regex("fred(")


def test_a_pattern_is_built_once_per_process() -> None:
    # Checks build patterns from names in their loops (one per pinned bit, per
    # line); each must cost a dictionary lookup after the first, as re's own cache.
    first = compile_regex(r"\bX86_CR4_SMEP(?:_BIT)?\b")
    assert compile_regex(r"\bX86_CR4_SMEP(?:_BIT)?\b") is first
    assert compile_regex(r"\bX86_CR4_SMEP(?:_BIT)?\b", re.IGNORECASE) is not first


def test_code_is_compiled_once_and_runs() -> None:
    source = "def twice(x):\n return 2 * x\n"
    first = compile_code(source, "<test>")
    assert compile_code(source, "<test>") == first
    scope: dict[str, object] = {}
    exec(first, scope)
    assert scope["twice"](21) == 42  # type: ignore[operator]


def run_python(code: str, cache_home: Path) -> str:
    env = {"XDG_CACHE_HOME": str(cache_home), "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    return result.stdout.strip()


def test_a_later_process_finds_what_an_earlier_one_compiled(tmp_path: Path) -> None:
    probe = (
        "from lint import compilecache as c; "
        "print(('re', r'\\bCR4_FRED\\b', 0) in c._entries().entries); "
        "print(c.compile_regex(r'\\bCR4_FRED\\b').search('X86_CR4_FRED') is None)"
    )
    assert run_python(probe, tmp_path).split() == ["False", "True"]
    assert list(tmp_path.rglob("compiled-*.marshal"))
    assert run_python(probe, tmp_path).split() == ["True", "True"]


def test_a_damaged_cache_file_is_ignored(tmp_path: Path) -> None:
    probe = (
        "from lint import compilecache as c; "
        "print(c.compile_regex('a+').fullmatch('aaa') is not None)"
    )
    assert run_python(probe, tmp_path) == "True"
    (entry,) = tmp_path.rglob("compiled-*.marshal")
    entry.write_bytes(b"\x00damaged")
    assert run_python(probe, tmp_path) == "True"
    # A program this Python rejects is compiled anew, not trusted.
    import marshal

    bad_program = marshal.dumps((32, [1, 2, 3], 0, {}, (None,)))
    entry.write_bytes(marshal.dumps({("re", "a+", 0): bad_program}))
    assert run_python(probe, tmp_path) == "True"
