"""Module-level regexes: compiled on first use, then exactly what re.compile gives."""

from __future__ import annotations

import importlib
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import pytest

import lint
from lint.lazyregex import LazyPattern, lazy_regex

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
ROOT = Path(__file__).resolve().parents[1]


def package_patterns() -> list[LazyPattern[str] | LazyPattern[bytes]]:
    """Every module-level lazy pattern of the package."""
    found: list[LazyPattern[str] | LazyPattern[bytes]] = []
    for info in pkgutil.walk_packages(lint.__path__, "lint."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        found += [value for value in vars(module).values() if isinstance(value, LazyPattern)]
    return found


def test_package_patterns_match_as_re_compile_does() -> None:
    patterns = package_patterns()
    assert len(patterns) > 100
    for pattern in patterns:
        fresh = re.compile(pattern.pattern, pattern._flags)
        assert (pattern.flags, pattern.groups) == (fresh.flags, fresh.groups)
        for sample in SAMPLES:
            text: str | bytes = sample if isinstance(pattern.pattern, str) else sample.encode()
            ours, theirs = pattern.search(text), fresh.search(text)  # type: ignore[arg-type]
            assert (ours and (ours.span(), ours.groups())) == (
                theirs and (theirs.span(), theirs.groups())
            ), (pattern.pattern, sample)


def test_a_pattern_compiles_on_first_use_and_then_is_the_compiled_one() -> None:
    pattern = lazy_regex(r"\bCR4_(\w+)")
    assert "_compiled" not in pattern.__dict__
    found = pattern.search("set CR4_FRED")
    assert found is not None and found.group(1) == "FRED"
    compiled = pattern.__dict__["_compiled"]
    assert compiled is pattern.compiled
    # Later calls find the compiled pattern's own method on the object first.
    assert pattern.search == compiled.search and pattern.sub == compiled.sub
    assert pattern.sub("X", "CR4_A CR4_B") == "X X"
    assert pattern.split("a CR4_B c") == ["a ", "B", " c"]


def test_a_bad_pattern_raises_on_first_use() -> None:
    pattern = lazy_regex("fred(")
    with pytest.raises(re.error):
        pattern.match("fred")


def test_a_hook_run_compiles_only_the_patterns_it_uses() -> None:
    code = (
        "import re, lint.lazyregex as z; from lint.hooks.run import main; "
        f"main(['sendemail-validate', {str(ROOT / 'examples/thread/v2-0001.patch')!r}]); "
        "import gc; lazy = [o for o in gc.get_objects() if isinstance(o, z.LazyPattern)]; "
        "print(len(lazy), sum('_compiled' in o.__dict__ for o in lazy))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    defined, compiled = map(int, done.stdout.split())
    assert 0 < compiled < defined / 2, done.stdout
