"""cp-repeated-word: checkpatch.pl's REPEATED_WORD in the commit log.

Two equal words (ignoring case) separated by one space, such as ``the the``,
are reported, as checkpatch does: words are lower-case letters with an
optional capital first; ``long long`` is C, not a typo; pairs of hex-looking
words (``ff ff``) are skipped except ``add``, ``added``, ``bad`` and ``be``;
a line that looks like ``ls -l`` output is skipped; the pair must not be glued
to the text before it and must be followed by a space, punctuation or the
end of the line.

checkpatch.pl also checks the added lines of the diff; set ``diff = true`` to
do it here (off by default, for the reasons given in ``cp-spelling``).

Parameters: ``diff`` (default false).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lint.checks.api import CheckKind, Finding
from lint.checks.checkpatch.common import commit_log, commit_log_text, part_of
from lint.diagnostic import Part
from lint.lazyregex import lazy_regex
from lint.record import record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from lint.checks.api import CheckContext
    from lint.patch.model import Patch
    from lint.rulebook.conditions import Trigger


_WORD = r"\b[A-Z]?[a-z]{2,}\b"
_PAIR = lazy_regex(rf"\b({_WORD}) (?=({_WORD}))", re.ASCII)
# A cheap superset of _PAIR with equal words, for one search over a whole diff.
_ANY_PAIR = lazy_regex(r"\b([a-z]{2,}) \1\b", re.IGNORECASE | re.ASCII)
# A comment line ending in a word, followed by an added " * word" line.
_COMMENT_CONTINUES = lazy_regex(r"([A-Z]?[a-z]{2,})[ \t]*\n\+\s*\*\s*\1 ", re.ASCII)
_LAST_WORD = lazy_regex(rf"({_WORD})\s*$", re.ASCII)
_COMMENT_EDGE = lazy_regex(r"/\*|\*/")
_STAR_LINE = lazy_regex(r"^.\s*(?:\*\*+| \*)(?:\s|$)")
_FILE_MODE = lazy_regex(r"[bcCdDlMnpPs?-][rwxsStT-]{9}")
_HEX_WORD = lazy_regex(r"\b[0-9a-f]{2,}\b", re.IGNORECASE | re.ASCII)
_ALLOWED_HEX = frozenset({"add", "added", "bad", "be"})
_AFTER = " \t.,;?!"


@record
class Params:
    """Parameters of a ``cp-repeated-word`` rule."""

    diff: bool = False
    """Also check the added lines of the diff, as checkpatch.pl does."""


def check(
    patch: Patch, params: Params, trigger: Trigger | None, context: CheckContext
) -> Iterator[Finding]:
    """Report ``word word`` in the commit log (and the added lines if asked)."""
    log = commit_log(patch)
    # One search in C over the whole log first: almost no changelog repeats a word.
    hit = _ANY_PAIR.search(commit_log_text(patch))
    for item in log if hit else ():
        for word in repeated_words(item.text, 0):
            yield Finding(
                f"Possible repeated word: '{word}'",
                item.line,
                part_of(patch, item.line),
            )
    if params.diff and patch.has_diff:
        source = patch.diff_source
        for number, word in _diff_repeats(source.text):
            line = source.lines[number] if number < len(source.lines) else 0
            yield Finding(f"Possible repeated word: '{word}'", line, Part.DIFF)


def _diff_repeats(text: str) -> Iterator[tuple[int, str]]:
    """Repeated words of added lines, and across two lines of a comment block (``to\n * to``)."""
    same_line = _ANY_PAIR.search(text)
    across = _COMMENT_CONTINUES.search(text)
    if not same_line and not across:
        return  # one pass in C each: nothing repeated anywhere in the diff
    rows = text.split("\n")
    in_comment = False
    previous = ""
    for number, row in enumerate(rows):
        if row.startswith("@@"):
            in_comment, previous = _comment_at_hunk_start(rows, number + 1), ""
            continue
        if not row.startswith(("+", " ")) and row:
            continue  # removed lines and headers: checkpatch's previous line skips them
        if row.startswith("+"):
            if same_line:
                for word in repeated_words(row, 1):
                    yield number, word
            last = _LAST_WORD.search(previous) if across and in_comment else None
            if last and re.match(rf"\+\s*\*\s*{last.group(1)} ", row):
                yield number, last.group(1)
        in_comment = _comment_state(row[1:], in_comment)
        previous = row


def _comment_at_hunk_start(rows: list[str], start: int) -> bool:
    """checkpatch's guess: a ``*/`` before any ``/*``, or a first line like `` * text``."""
    for row in rows[start:]:
        if row.startswith("@@") or row.startswith("diff "):
            break
        if row.startswith("-"):
            continue
        edge = _COMMENT_EDGE.search(row)
        if edge:
            return edge.group(0) == "*/"
    return bool(start < len(rows) and _STAR_LINE.match(rows[start]))


def _comment_state(code: str, inside: bool) -> bool:
    """Whether a C comment is still open at the end of ``code``."""
    for edge in _COMMENT_EDGE.finditer(code):
        inside = edge.group(0) == "/*"
    return inside


def repeated_words(text: str, start: int) -> Iterator[str]:
    """The first word of each repeated pair in ``text`` from ``start`` (1 skips a diff's ``+``)."""
    if " " not in text or _FILE_MODE.search(text):
        return
    position = start
    while (found := _PAIR.search(text, position)) is not None:
        first, second = found.group(1), found.group(2)
        position = found.end()
        if re.search("struct|union|enum", first):
            position += len(first) + len(second) + 1
            continue
        if first.lower() != second.lower() or first == "long":
            continue
        begin, end = found.start(1), found.end() + len(second)
        if begin > start and not text[begin - 1].isspace():
            continue
        if end < len(text) and text[end] not in _AFTER:
            continue
        if _HEX_WORD.search(first) and first.lower() not in _ALLOWED_HEX:
            continue
        yield first


KIND = CheckKind(name="cp-repeated-word", params_type=Params, doc=__doc__ or "", on_patch=check)
