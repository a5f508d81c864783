"""The substring pre-test of rule regexes: a literal every match contains, or none."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lint.rulebook.literal import required_literal


@pytest.mark.parametrize(
    ("pattern", "literal"),
    [
        (r"\bX86_CR4_FRED\b", "X86_CR4_FRED"),
        (r"^cr4_init\(", "cr4_init("),
        (r"\bcpu_init_fred_(?:exceptions|rsps)\b", "cpu_init_fred_"),
        (r"X86_CR4_(?:SMEP|SMAP)\b", "X86_CR4_"),
        (r"setup_ghcb\s*\(", "setup_ghcb"),
        (r"fred|idt", ""),  # an alternation at the top: no text is required
        (r"(?i)fred_config", ""),  # case-blind: "FRED_CONFIG" matches too
        (r"cr4_pinned_bitsX?", "cr4_pinned_bits"),  # a quantified character leaves the run
        (r"ab[cd]ef", ""),  # runs shorter than three characters are no use
        (r"MSR_IA32_FRED_RSP[0-3]", "MSR_IA32_FRED_RSP"),
        (r"\.fred\.entry", ".fred.entry"),
        (r"a{2}bcd", "bcd"),
        (r"(?:fred)?_config_msr", "_config_msr"),
        (r"[\]x]yz_abc", "yz_abc"),  # a "]" first in a class is a member
    ],
)
def test_required_literal(pattern: str, literal: str) -> None:
    assert required_literal(re.compile(pattern)) == literal


def test_flags_given_to_compile_count_too() -> None:
    assert required_literal(re.compile("fred_config", re.IGNORECASE)) == ""
    assert required_literal(re.compile("fred _config", re.VERBOSE)) == ""


_PIECES = st.sampled_from(
    [
        *("fred", "_cr4", "X86", "a", "(", ")", "(?:", "|", "?", "*", "+", "{1,2}", "[a-c]"),
        *("\\b", "\\d", "\\(", ".", "^", "$", "[]x]", "\\\\", "{", "}"),
    ]
)


@settings(max_examples=500, deadline=None)
@given(st.lists(_PIECES, max_size=8), st.text(alphabet="fredX86_cr4a()[]x{},.\\ 12", max_size=30))
def test_every_match_contains_the_literal(pieces: list[str], text: str) -> None:
    try:
        pattern = re.compile("".join(pieces))
    except re.error:
        return
    literal = required_literal(pattern)
    for found in pattern.finditer(text):
        assert literal in found.group(0), (pattern.pattern, text)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=8), st.data())
def test_every_string_the_pattern_matches_whole_contains_the_literal(
    pieces: list[str], data: st.DataObject
) -> None:
    try:
        pattern = re.compile("".join(pieces))
    except re.error:
        return
    literal = required_literal(pattern)
    if not literal:
        return
    text = data.draw(st.from_regex(pattern, fullmatch=True))
    assert literal in text, (pattern.pattern, text)
