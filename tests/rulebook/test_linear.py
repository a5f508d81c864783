"""lint.rulebook.linear: rule-file regexes run on RE2, with Python's meaning."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from lint.config import Config
from lint.engine.budget import Budget, BudgetExceeded
from lint.kernel.facts import load_facts
from lint.kernel.topics import load_topics
from lint.patch.nature import load_vocabulary
from lint.resources import resource_dir
from lint.rulebook.linear import Untranslatable, translate
from lint.rulebook.regex import Regex, regexes_in
from lint.rulebook.ruleset import load_rule, load_ruleset

DATA = Path(resource_dir("rules")) / "data"


def packaged_regexes() -> list[Regex]:
    """Every regex of the packaged rule files and data files."""
    found = list(regexes_in(load_ruleset(Config())))
    found += regexes_in(load_topics(DATA / "topics.toml"))
    found += regexes_in(load_facts(DATA / "kernel-facts.toml"))
    found += regexes_in(load_vocabulary(DATA / "diff-nature.toml"))
    return found


PACKAGED = sorted({(r.pattern, r.flags) for r in packaged_regexes()})


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (r"\bfix\b", r"\bfix\b"),
        (r"\w+", r"[\pL\pN_]+"),
        (r"[\w.-]+", r"[\pL\pN_.-]+"),
        (r"\d{2}", r"[\p{Nd}]{2}"),
        (r"[^\d]", r"[^\p{Nd}]"),
        (r"\D", r"[^\p{Nd}]"),
        (r"a\sb", r"a[\t-\r \x{1c}-\x{1f}\x{85}\p{Z}]b"),
        (r"\W", r"[^\pL\pN_]"),
        (r"end\Z", r"end\z"),
        (r"x{,3}", r"x{0,3}"),
        (r"x{,}", r"x{,}"),  # not a quantifier in Python either: literal text
        (r"[]\w]", r"[\]\pL\pN_]"),
        (r"[^]a]", r"[^\]a]"),
        (r"\u00e9", r"\x{00e9}"),
        (r"\[\w\]", r"\[[\pL\pN_]\]"),
        (r"[a[]\w", r"[a[][\pL\pN_]"),  # "[" inside a class is a literal; "]" closes it
        (r"[a[^]b", r"[a[^]b"),
        (r"[]]", r"[\]]"),
        (r"[{,3}]x{,3}", r"[{,3}]x{0,3}"),
        (r"[\]\w]", r"[\]\pL\pN_]"),
    ],
)
def test_translation(source: str, expected: str) -> None:
    re.compile(source)  # every source is valid Python
    assert translate(source) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (r"\w+\d", r"[0-9A-Za-z_]+[0-9]"),
        (r"[^\w\s]", r"[^0-9A-Za-z_\t-\r \x{1c}-\x{1f}]"),
        (r"\S\W", r"[^\t-\r \x{1c}-\x{1f}][^0-9A-Za-z_]"),
    ],
)
def test_translation_for_ascii_text(source: str, expected: str) -> None:
    assert translate(source, ascii_text=True) == expected


def test_flags_become_inline_flags() -> None:
    assert translate("a", re.IGNORECASE | re.MULTILINE) == "(?im)a"
    with pytest.raises(Untranslatable, match="verbose"):
        translate("a", re.VERBOSE)


@pytest.mark.parametrize("source", [r"[\W.]", r"[\S]", r"\N{BULLET}"])
def test_what_has_no_re2_form_is_untranslatable(source: str) -> None:
    with pytest.raises(Untranslatable):
        translate(source)


@pytest.mark.parametrize(
    ("pattern", "text", "found"),
    [
        (r"\w+", "Jörg Rödel", "Jörg"),
        (r"\d+", "v٣", "٣"),  # an Arabic-Indic digit is a digit in Python
        (r"a\sb", "a\u00a0b", "a\u00a0b"),  # no-break space
        (r"a\sb", "a\vb", "a\vb"),  # RE2's own \s has no \v
        (r"(?i)straße", "STRASSE straße", "straße"),
        (r"x{,2}y", "xxxy", "xxy"),
    ],
)
def test_unicode_classes_match_as_python_does(pattern: str, text: str, found: str) -> None:
    regex = Regex.checked(pattern, "t", "k")
    assert regex.linear
    match = regex.search(text)
    assert match is not None and match.group(0) == found
    python = re.search(pattern, text)
    assert python is not None and python.group(0) == found


def test_every_packaged_pattern_runs_on_re2() -> None:
    slow = [r.pattern for r in packaged_regexes() if not r.linear]
    assert len(PACKAGED) > 40
    assert slow == []
    assert load_ruleset(Config()).notes == ()


# Text the packaged patterns read: ASCII kernel prose and code, Unicode digits, spaces
# and punctuation. (Letters outside ASCII are left out: RE2's \b sees ASCII words only,
# the one difference the rules documentation names.)
_ALPHABET = st.sampled_from(
    [
        *"aeiouxwWTtIlLsSpchnrdgfFmR EDXV_0123456789-:./'()[]<>@#,;=*\t",
        *("\u00a0", "\u2009", "\u2192", "\u00b7", "\u0663", "\u00bd", "\u2028"),
    ]
)
_WORDS = st.sampled_from(
    [
        "This patch ",
        "In this commit ",
        "We ",
        "we ",
        "Let's ",
        "let us ",
        "our ",
        "I changed ",
        "I've added ",
        "FRED",
        "X86_CR4_FRED",
        "CR pinning",
        "pinned CR",
        "SEV-SNP",
        "TDX",
        "#VC",
        "#VE",
        "v2:",
        "Changes in v3",
        "Changelog:",
        "fixes",
        "Fixed",
        "NFCI",
        "no functional change",
        "stable@vger.kernel.org",
        "arch/x86/kernel/fred.c",
        "Documentation/x86/",
        "README",
        "pr_info(",
        "instrumentation_begin();",
        "x86/fred",
        "cr4_pinned_bits",
        "start_secondary",
        "AP bringup",
        "secondary CPU bring-up",
    ]
)
_TEXT = st.lists(st.one_of(_ALPHABET, _WORDS), max_size=40).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(PACKAGED), _TEXT)
def test_packaged_patterns_find_what_python_finds(pattern: tuple[str, int], text: str) -> None:
    source, flags = pattern
    regex = Regex(source, flags)
    python = re.compile(source, flags)
    assert [m.span() for m in regex.finditer(text)] == [m.span() for m in python.finditer(text)]
    for line in text.splitlines():
        assert bool(regex.search(line)) == bool(python.search(line))


def test_an_exponential_pattern_runs_in_linear_time() -> None:
    """(x+x+)+y backtracks exponentially in Python's re on a run of x without y."""
    regex = Regex.checked("(x+x+)+y", "t", "k")
    assert regex.linear
    with Budget(30):  # fails, rather than hangs, if it were re
        assert regex.search("x" * 100_000) is None


BACKTRACKING_RULE = """\
id = "my-phrase"
kind = "changelog-phrase"
severity = "warning"
summary = "A phrase"

[params]
pattern = '(?<=[Ww])e\\b'
"""


def test_a_rule_re2_cannot_run_loads_with_a_note(tmp_path: Path) -> None:
    path = tmp_path / "my-phrase.toml"
    path.write_text(BACKTRACKING_RULE)
    rule = load_rule(path)
    [note] = rule.notes
    assert note.startswith(f"{path}: key 'params.pattern': RE2 cannot run it (")
    assert "(?<=" in note and "Python's re" in note
    assert not rule.params.pattern.linear
    assert rule.params.pattern.search("we")  # and it still works


def test_the_note_is_shown_when_the_rule_loads(tmp_path: Path) -> None:
    import subprocess
    import sys

    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "my-phrase.toml").write_text(BACKTRACKING_RULE)
    config = tmp_path / "patchlens.toml"
    config.write_text(f"rule_dirs = ['{rules}']\n")
    example = Path(__file__).resolve().parents[2] / "examples" / "thread" / "v2-0001.patch"
    command = [sys.executable, "-m", "lint", "lint", "--config", str(config), "--types"]
    done = subprocess.run(
        [*command, "my-phrase", str(example)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    [line] = done.stderr.splitlines()
    assert line.startswith(f"patchlens: note: {rules / 'my-phrase.toml'}: key 'params.pattern'")


def test_budget_guard_fails_instead_of_hanging() -> None:
    # The guard above really fires: a backtracking pattern on re is stopped.
    with pytest.raises(BudgetExceeded), Budget(0.2):
        re.search("(x+x+)+y", "x" * 40)


_ATOMS = st.sampled_from(
    [
        "a",
        "b",
        "é",
        ".",
        r"\w",
        r"\d",
        r"\s",
        r"\W",
        r"\D",
        r"\S",
        "[ab]",
        r"[^a\d]",
        r"[\w-]",
        "[]a]",
        r"[\s\d]",
        r"\.",
        "x",
    ]
)
_QUANTIFIERS = st.sampled_from(["", "", "*", "+", "?", "{,2}", "{1,2}", "*?"])


@st.composite
def _patterns(draw: st.DrawFn, depth: int = 0) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        quantifier = draw(_QUANTIFIERS)
        if depth < 2 and draw(st.booleans()) and draw(st.booleans()):
            inner = "|".join(draw(st.lists(_patterns(depth + 1), min_size=1, max_size=3)))
            atom = f"(?:{inner})"
            if re.fullmatch(atom, ""):
                quantifier = ""  # a repeated group that can match nothing: see below
        else:
            atom = draw(_ATOMS)
        parts.append(atom + quantifier)
    return "".join(parts)


_ANY_TEXT = st.text(
    alphabet=st.sampled_from([*"ab x.-_19\t\n]", "é", "Ö", "٣", "\u00a0", "\u2028", "\x1c", "\v"]),
    max_size=30,
)


@settings(max_examples=500, deadline=None)
@given(_patterns(), _ANY_TEXT)
def test_translated_patterns_find_what_python_finds(pattern: str, text: str) -> None:
    """Without \\b, a translated pattern finds what Python's re finds, on any text.

    (A pattern that matches the empty text is left out: after an empty match Python
    may match again at the same place, RE2's binding moves on first. A group that can
    match nothing is not repeated: Python ends such a loop on an empty pass where RE2
    goes on, so ``(?:a*|\\D)*\\w`` takes ``]_`` of ``]_1`` in one and all of it in the
    other. So is a pattern that
    Python's backtracking cannot finish on the text in a second, such as
    ``(?:(?:\\w*)*)*x``: the very thing RE2 is here for.)"""
    assume(re.fullmatch(pattern, "") is None)
    regex = Regex.checked(pattern, "t", "k")
    assert regex.linear
    try:
        with Budget(1.0):
            expected = [(m.span(), m.group(0)) for m in re.finditer(pattern, text)]
    except BudgetExceeded:
        assume(False)
    assert [(m.span(), m.group(0)) for m in regex.finditer(text)] == expected
