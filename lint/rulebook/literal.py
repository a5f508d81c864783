"""The literal text every match of a rule regex contains: a substring pre-test.

Most rule regexes name an identifier (``X86_CR4_FRED``, ``cr4_init``): a patch whose
text does not contain it cannot match, and ``in`` on a string is far cheaper than a
regex search. :func:`required_literal` reads that text from the pattern's source.
"""

from __future__ import annotations

import re

from lint.lazyregex import lazy_regex

TYPE_CHECKING = False
if TYPE_CHECKING:
    from lint.rulebook.regex import Regex


def required_literal(pattern: re.Pattern[str] | Regex) -> str:
    """The longest run of plain characters every match of ``pattern`` contains, or ``""``.

    Read from the pattern's source, conservatively: only the top-level sequence
    counts (an alternation anywhere at the top makes any text optional; a group,
    a class or an escape that stands for a character set ends the run), and a
    character followed by a quantifier leaves the run. Anything not understood, and
    a pattern that ignores case or is verbose, gives ``""``: no shortcut, never a
    wrong one.
    """
    if pattern.flags & (re.IGNORECASE | re.VERBOSE):
        return ""
    source = pattern.pattern
    best, run = "", ""
    position, end = 0, len(source)
    while position < end:
        char = source[position]
        literal = None
        width = 1
        if char == "\\":
            following = source[position + 1 : position + 2]
            if following in _ZERO_WIDTH:
                position += 2
                continue
            if not following or following.isalnum():  # \d, \w, \1, \x41...: not a plain char
                literal, width = "", 2
            else:
                literal, width = following, 2
        elif char == "|":
            return ""
        elif char in "^$":
            position += 1
            continue
        elif char == "(":
            close = _group_end(source, position)
            if close < 0 or source.startswith(("(?i", "(?x", "(?a", "(?L", "(?u"), position):
                return ""
            literal, width = "", close + 1 - position
        elif char == "[":
            close = _class_end(source, position)
            if close < 0:
                return ""
            literal, width = "", close + 1 - position
        elif char == "{":
            repeat = _REPEAT.match(source, position)
            literal, width = "", (repeat.end() - position if repeat else 1)
        elif char in ".*+?})]":
            literal = ""
        else:
            literal = char
        position += width
        if position < end and source[position] in "*+?{":
            literal = ""  # a quantified character (or group) is not required as written
        if literal:
            run += literal
        else:
            best, run = max(best, run, key=len), ""
    best = max(best, run, key=len)
    return best if len(best) >= 3 else ""


_REPEAT = lazy_regex(r"\{\d*(?:,\d*)?\}\??")
"""A ``{m,n}`` repeat (lazy or not): skipped whole, its digits are not text."""
_ZERO_WIDTH = frozenset("bBAZ")
"""Escapes that match no text: they neither add to a run nor end it."""


def _group_end(source: str, start: int) -> int:
    """The index of the ``)`` closing the group opened at ``start``, or -1."""
    depth, position = 0, start
    while position < len(source):
        char = source[position]
        if char == "\\":
            position += 2
            continue
        if char == "[":
            position = _class_end(source, position)
            if position < 0:
                return -1
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return position
        position += 1
    return -1


def _class_end(source: str, start: int) -> int:
    """The index of the ``]`` closing the character class opened at ``start``, or -1."""
    position = start + 1
    if source[position : position + 1] == "^":
        position += 1
    if source[position : position + 1] == "]":  # a "]" first is a member, not the end
        position += 1
    while position < len(source):
        char = source[position]
        if char == "\\":
            position += 2
            continue
        if char == "]":
            return position
        position += 1
    return -1
