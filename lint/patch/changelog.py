"""The commit message body and the text below ``---``, analysed.

:func:`parse_changelog` reads what ``git mailinfo`` writes to its msg file:
paragraphs, ``== Title ==`` sections (the structured changelog x86
maintainers ask for) and the closing tag block of ``Key: value`` trailers
(found by :mod:`lint.patch.trailers`).

:func:`split_patch_text` reads what follows the first patch break: the
``---`` separator, version notes, the diffstat, the diff, ``base-commit:``
and the ``-- `` mail signature that git format-patch appends.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from lint.lazyregex import lazy_regex
from lint.mail.model import TextLine
from lint.patch.model import Changelog, Paragraph, Section
from lint.patch.trailers import trailer_block
from lint.record import record

# "== FRED Background ==": the reviewer writes headings between runs of "=",
# indented when they sit inside a reply.
_HEADING = lazy_regex(r"(\s*)={2,}\s*(\S(?:.*\S)?)\s*={2,}\s*")

# Diffstat: " path/to/file.c | 12 +++---", " file.bin | Bin 0 -> 12 bytes",
# then " 3 files changed, 10 insertions(+), 2 deletions(-)".
_DIFFSTAT_ENTRY = lazy_regex(r" \S.*\|\s+(?:\d+(?: [+-]*)?|Bin\b.*)")
_DIFFSTAT_SUMMARY = lazy_regex(r" \d+ files? changed(?:, \d+ \w+\([+-]\))*")
# Lines that git adds after the summary for file-level changes.
_DIFFSTAT_EXTRA = (" create mode ", " delete mode ", " rename ", " copy ", " mode change ")
# format-patch --base writes these after the diff; b4 adds change-id.
_BASE_COMMIT = lazy_regex(r"base-commit: ([0-9a-fA-F]{7,64})\s*")
_DIFF_METADATA = ("base-commit: ", "prerequisite-patch-id: ", "change-id: ")
# The end of a commit message as git mailinfo defines the patch break.
_SEPARATOR = lazy_regex(r"---\s*")


@record
class PatchParts:
    """The text from the first patch break on, split into its parts."""

    separator_line: int
    """Input line of the ``---`` separator, 0 when the patch starts with the diff."""
    notes: tuple[TextLine, ...]
    """Lines between ``---`` and the diffstat (or the diff), blank edges removed."""
    diffstat: tuple[TextLine, ...]
    """The diffstat lines, summary and ``create mode`` lines included."""
    diff_text: str
    """The diff, from its first ``diff``/``---``/``Index:`` line up to the signature."""
    diff_first_line: int
    """Input line of the first line of :attr:`diff_text`, 0 when there is no diff."""
    diff_lines: tuple[int, ...]
    """Input line of each line of :attr:`diff_text`."""
    base_commit: str
    """The sha of a ``base-commit:`` line, or ``""``."""
    signature: tuple[TextLine, ...] = ()
    """The ``-- `` mail signature and what follows it (git's version)."""


def split_lines(text: str, numbers: Sequence[int]) -> list[TextLine]:
    """``text`` as :class:`TextLine` items numbered from ``numbers``.

    Lines are split on ``\\n`` only (never on form feeds, which C sources
    carry); a missing number is 0.
    """
    if not text:
        return []
    parts = text.split("\n")
    if text.endswith("\n"):
        parts.pop()
    count = len(numbers)
    return [
        TextLine(part.removesuffix("\r"), numbers[i] if i < count else 0)
        for i, part in enumerate(parts)
    ]


def parse_changelog(message: str, message_lines: Sequence[int]) -> Changelog:
    """Analyse a commit message body into paragraphs, sections and trailers."""
    lines = split_lines(message, message_lines)
    paragraphs = _paragraphs(lines)
    start, trailers = trailer_block(lines)
    sections = _sections(lines, start)
    return Changelog(
        lines=tuple(lines),
        paragraphs=paragraphs,
        sections=sections,
        trailers=trailers,
        trailer_line=lines[start].line if trailers else 0,
    )


def _paragraphs(lines: Sequence[TextLine]) -> tuple[Paragraph, ...]:
    paragraphs: list[Paragraph] = []
    current: list[TextLine] = []
    for item in lines:
        if item.text.strip():
            current.append(item)
        elif current:
            paragraphs.append(Paragraph(tuple(current)))
            current = []
    if current:
        paragraphs.append(Paragraph(tuple(current)))
    return tuple(paragraphs)


def _sections(lines: Sequence[TextLine], end: int) -> tuple[Section, ...]:
    """``== Title ==`` sections; each body runs to the next heading or ``end``."""
    headings: list[tuple[int, re.Match[str]]] = []
    for number, item in enumerate(lines[:end]):
        if "==" in item.text and (found := _HEADING.fullmatch(item.text)) is not None:
            headings.append((number, found))
    sections: list[Section] = []
    for position, (number, found) in enumerate(headings):
        stop = headings[position + 1][0] if position + 1 < len(headings) else end
        sections.append(
            Section(
                title=found.group(2),
                line=lines[number].line,
                body=tuple(lines[number + 1 : stop]),
                indented=bool(found.group(1)),
            )
        )
    return tuple(sections)


def split_patch_text(patch: str, patch_lines: Sequence[int]) -> PatchParts:
    """Split the text after the commit message into separator, notes, diffstat, diff."""
    # Plain strings here: a diff can run to many thousands of lines, and only
    # the few lines around it become TextLine records.
    rows = patch.split("\n") if patch else []
    if patch.endswith("\n"):
        rows.pop()
    count = len(rows)
    numbers = list(patch_lines[:count]) + [0] * (count - len(patch_lines))

    def items(first: int, last: int) -> list[TextLine]:
        return [TextLine(rows[i].removesuffix("\r"), numbers[i]) for i in range(first, last)]

    position = 0
    separator_line = 0
    if rows and _SEPARATOR.fullmatch(rows[0]):
        separator_line = numbers[0]
        position = 1

    diff_start = _find_diff_start(rows, position)
    summary = next(
        (i for i in range(position, diff_start) if _DIFFSTAT_SUMMARY.fullmatch(rows[i])),
        None,
    )
    notes_end = diff_start
    diffstat: list[TextLine] = []
    if summary is not None:
        first = summary
        while first > position and _DIFFSTAT_ENTRY.fullmatch(rows[first - 1]):
            first -= 1
        last = summary + 1
        while last < diff_start and rows[last].startswith(_DIFFSTAT_EXTRA):
            last += 1
        diffstat = items(first, last)
        notes_end = first

    signature_start = _find_signature(rows, diff_start)
    diff_end = _trim_metadata(rows, diff_start, signature_start)
    base_commit = ""
    for number in [*range(position, diff_start), *range(diff_end, count)]:
        if rows[number].startswith("base-commit:") and (
            found := _BASE_COMMIT.fullmatch(rows[number])
        ):
            base_commit = found.group(1)
            break

    diff_rows = rows[diff_start:diff_end]
    return PatchParts(
        separator_line=separator_line,
        notes=tuple(_strip_blank_edges(items(position, notes_end))),
        diffstat=tuple(diffstat),
        diff_text="\n".join(diff_rows) + "\n" if diff_rows else "",
        diff_first_line=numbers[diff_start] if diff_rows else 0,
        diff_lines=tuple(numbers[diff_start:diff_end]),
        base_commit=base_commit,
        signature=tuple(items(signature_start, count)),
    )


def _find_diff_start(rows: Sequence[str], position: int) -> int:
    """Index of the first line of the diff: ``diff -``, ``Index:`` or ``---``/``+++``."""
    count = len(rows)
    for number in range(position, count):
        text = rows[number]
        if text.startswith(("diff -", "Index: ")):
            return number
        if text.startswith("--- ") and number + 1 < count and rows[number + 1].startswith("+++ "):
            return number
    return count


def _find_signature(rows: Sequence[str], diff_start: int) -> int:
    """Index of the ``-- `` signature line after the diff, or ``len(rows)``.

    A removed diff line ``- `` also reads ``-- ``, so only the last one
    counts, and only when no diff line follows it.
    """
    for number in range(len(rows) - 1, diff_start - 1, -1):
        text = rows[number]
        if text == "-- ":
            return number
        if text.startswith(("+", "-", " ", "@@", "diff ", "\\")):
            break
    return len(rows)


def _trim_metadata(rows: Sequence[str], start: int, end: int) -> int:
    """End of the diff proper: before ``base-commit:`` and the blank line above it.

    git format-patch --base writes a blank line, ``base-commit: <sha>`` and
    ``prerequisite-patch-id:`` lines after the diff (b4 adds ``change-id:``).
    """
    position = end
    while position > start and not rows[position - 1].strip():
        position -= 1
    meta_end = position
    while position > start and rows[position - 1].startswith(_DIFF_METADATA):
        position -= 1
    if position == meta_end:
        return end
    if position > start and not rows[position - 1].strip():
        position -= 1
    return position


def _strip_blank_edges(lines: Sequence[TextLine]) -> list[TextLine]:
    first, last = 0, len(lines)
    while first < last and not lines[first].text.strip():
        first += 1
    while last > first and not lines[last - 1].text.strip():
        last -= 1
    return list(lines[first:last])
