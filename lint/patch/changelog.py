"""The commit message body and the text below ``---``, analysed.

:func:`parse_changelog` reads what ``git mailinfo`` writes to its msg file:
paragraphs, ``== Title ==`` sections (the structured changelog x86
maintainers ask for) and the closing tag block of ``Key: value`` trailers.

:func:`split_patch_text` reads what follows the first patch break: the
``---`` separator, version notes, the diffstat, the diff, ``base-commit:``
and the ``-- `` mail signature that git format-patch appends.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from enum import Enum

from lint.lazyregex import lazy_regex
from lint.mail.model import TextLine
from lint.patch.model import Changelog, Paragraph, Section, Trailer
from lint.record import record

# "== FRED Background ==": the reviewer writes headings between runs of "=",
# indented when they sit inside a reply.
_HEADING = lazy_regex(r"(\s*)={2,}\s*(\S(?:.*\S)?)\s*={2,}\s*")
# Kernel trailer keys: any "Word-word:" key, followed by a space or nothing.
# "Key:value" without the space is not taken as a trailer, so that URLs and
# prose such as "https://..." never become one.
_TRAILER = lazy_regex(r"([A-Za-z0-9][A-Za-z0-9-]*):(?:\s+(.*)|)")
# The start of a line that names a known key without the ": " after it.
_MALFORMED = lazy_regex(r"([A-Za-z][A-Za-z0-9-]*)(:(?=\S)|\s)")
# Keys that git and the kernel process documents name; with one of them, a
# last paragraph counts as the tag block even if it has a few stray lines
# (git interpret-trailers' rule: one known key and at least 25% trailers).
_KNOWN_KEYS = frozenset(
    {
        "signed-off-by",
        "co-developed-by",
        "reviewed-by",
        "acked-by",
        "tested-by",
        "reported-by",
        "suggested-by",
        "fixes",
        "cc",
        "link",
        "closes",
    }
)

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
    start, trailers = _trailer_block(lines)
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


def _is_tolerated(text: str) -> bool:
    """Lines a maintainer may put among the tags that are not trailers."""
    stripped = text.strip()
    return stripped.startswith("(cherry picked from commit") or (
        stripped.startswith("[") and stripped.endswith("]")
    )


class _Line(Enum):
    """What a line of the last paragraph is, when looking for the tag block."""

    TRAILER = "trailer"
    CONTINUATION = "continuation"
    """A wrapped trailer's next line (it starts with whitespace)."""
    TOLERATED = "tolerated"
    """Allowed among tags: a ``[ bp: ... ]`` note, ``(cherry picked ...)``..."""
    MALFORMED = "malformed"
    """A known tag badly written: part of the block, not a trailer."""
    OTHER = "other"


_STARTS = frozenset({_Line.TRAILER, _Line.MALFORMED})
"""Lines that can start the tag block."""
_WRAPS = frozenset({_Line.TRAILER, _Line.CONTINUATION})
"""Lines a continuation line can follow."""


def _trailer_block(lines: Sequence[TextLine]) -> tuple[int, tuple[Trailer, ...]]:
    """Find the tag block: the start index in ``lines`` and its trailers.

    The block is the last paragraph when it starts with a trailer and is
    made of trailers (git interpret-trailers' rule, loosened to allow stray
    lines when a known key is present); otherwise it is the run of trailers
    at the end of the last paragraph, as when a reviewer writes "you can
    add:" directly above a Signed-off-by.
    """
    end = len(lines)
    # A mail signature ("-- ") ends the message for this purpose.
    for number in range(len(lines) - 1, -1, -1):
        if lines[number].text == "-- ":
            end = number
            break
    while end > 0 and not lines[end - 1].text.strip():
        end -= 1
    start = end
    while start > 0 and lines[start - 1].text.strip():
        start -= 1
    if start == end:
        return len(lines), ()

    kinds = _classify(lines[start:end])
    trailer_count = kinds.count(_Line.TRAILER)
    if trailer_count == 0:
        return len(lines), ()
    has_known = any(
        kind is _Line.TRAILER and _key_of(lines[start + i].text).lower() in _KNOWN_KEYS
        for i, kind in enumerate(kinds)
    )
    after = 0
    if _Line.OTHER in kinds and not (
        kinds[0] in _STARTS and has_known and trailer_count * 4 >= len(kinds)
    ):
        after = max(i for i, kind in enumerate(kinds) if kind is _Line.OTHER) + 1
    if _Line.TRAILER not in kinds[after:]:
        return len(lines), ()
    first = next((i for i in range(after, len(kinds)) if kinds[i] in _STARTS), None)
    if first is None:
        return len(lines), ()
    if after == 0 and _Line.OTHER not in kinds:
        # An all-tags paragraph keeps a leading "[ note ]" inside the block.
        first = 0
    return start + first, _collect(lines[start + first : end], kinds[first:])


def _is_malformed_trailer(text: str) -> bool:
    """``Signed-off-by A <a@b>`` or ``Reviewed-by:B``: a known tag, badly written.

    Such lines belong to the tag block (a check can point at them) but are
    not trailers.
    """
    found = _MALFORMED.match(text)
    if found is None or found.group(1).lower() not in _KNOWN_KEYS:
        return False
    return found.group(1).lower().endswith("-by") or found.group(2) == ":"


def _key_of(text: str) -> str:
    found = _TRAILER.fullmatch(text)
    return found.group(1) if found else ""


def _classify(lines: Sequence[TextLine]) -> list[_Line]:
    """What each line of a candidate tag block is."""
    kinds: list[_Line] = []
    in_note = False
    for item in lines:
        text = item.text
        if in_note:
            # A "[ bp: ... ]" note may wrap over several lines.
            kinds.append(_Line.TOLERATED)
            in_note = not text.rstrip().endswith("]")
        elif text[:1].isspace() and kinds and kinds[-1] in _WRAPS:
            # Wrapped trailers: continuation lines start with whitespace.
            kinds.append(_Line.CONTINUATION)
        elif _TRAILER.fullmatch(text) is not None:
            kinds.append(_Line.TRAILER)
        elif _is_malformed_trailer(text):
            kinds.append(_Line.MALFORMED)
        elif _is_tolerated(text):
            kinds.append(_Line.TOLERATED)
        elif text.lstrip().startswith("[") and not text[:1].isspace():
            kinds.append(_Line.TOLERATED)
            in_note = True
        else:
            kinds.append(_Line.OTHER)
    return kinds


def _collect(lines: Sequence[TextLine], kinds: Sequence[_Line]) -> tuple[Trailer, ...]:
    trailers: list[Trailer] = []
    group: list[TextLine] = []
    for item, kind in zip(lines, kinds, strict=True):
        if kind is _Line.TRAILER:
            if group:
                trailers.append(_make_trailer(group))
            group = [item]
        elif kind is _Line.CONTINUATION and group:
            group.append(item)
        elif group:
            trailers.append(_make_trailer(group))
            group = []
    if group:
        trailers.append(_make_trailer(group))
    return tuple(trailers)


def _make_trailer(group: Sequence[TextLine]) -> Trailer:
    found = _TRAILER.fullmatch(group[0].text)
    assert found is not None  # only trailer lines start a group
    parts = [found.group(2) or ""] + [item.text.strip() for item in group[1:]]
    value, comment = split_comment(" ".join(part.strip() for part in parts if part.strip()))
    return Trailer(
        key=found.group(1),
        value=value,
        comment=comment,
        line=group[0].line,
        raw="\n".join(item.text for item in group),
    )


def split_comment(value: str) -> tuple[str, str]:
    """Split ``"stable@vger.kernel.org # 6.9+"`` into the address and ``"6.9+"``.

    Only a ``#`` preceded by whitespace and outside quotes and parentheses
    starts a comment, so ``Link: https://host/page#frag`` and
    ``Fixes: ... ("Revert #2")`` keep their ``#``.
    """
    if "#" not in value:  # nearly every trailer: no need to walk it character by character
        return value, ""
    depth = 0
    quoted = False
    for position, char in enumerate(value):
        if char == '"':
            quoted = not quoted
        elif quoted:
            continue
        elif char == "(":
            depth += 1
        elif char == ")":
            depth = max(depth - 1, 0)
        elif char == "#" and depth == 0 and position > 0 and value[position - 1].isspace():
            return value[:position].rstrip(), value[position + 1 :].strip()
    return value, ""


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
