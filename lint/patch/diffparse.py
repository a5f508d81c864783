"""Diff text to a :class:`~lint.patch.diff.Diff`: files, hunks and changed lines.

This is the only module that imports :mod:`unidiff` (lazily: a git hook runs
on every send and should not pay for it unless there is a diff).  The diff is
cut at each ``diff --git`` line and every piece is parsed on its own, so one
malformed file costs only that file; a piece unidiff rejects is read again by
a tolerant parser that keeps whatever hunks are whole or half there.  Nothing
here raises on a bad diff.

The function each changed line sits in comes from :mod:`lint.patch.functions`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from lint.lazyregex import lazy_regex
from lint.patch.diff import ChangedLine, Diff, FileDiff, FileStatus, Hunk
from lint.patch.functions import C_LIKE_SUFFIXES, INSIDE, function_from_heading, step
from lint.record import record

# A line or count of more than nine digits is not a hunk header: no file has that many
# lines, and int() of thousands of digits raises.
_HUNK_HEADER = lazy_regex(r"@@ -(\d{1,9})(?:,(\d{1,9}))? \+(\d{1,9})(?:,(\d{1,9}))? @@ ?(.*)")
_DEV_NULL = "/dev/null"


@record
class _Header:
    """What the extended header lines of one ``diff --git`` say about the file."""

    old_path: str
    new_path: str
    status: FileStatus
    binary: bool
    old_mode: str
    new_mode: str
    git: bool
    old_index: str = ""
    new_index: str = ""


@record
class _RawHunk:
    """A hunk as read, before function detection: (kind, text, index) per line."""

    old_start: int
    old_length: int
    new_start: int
    new_length: int
    heading: str
    index: int
    lines: tuple[tuple[str, str, int], ...]


def parse_diff(
    text: str,
    first_line: int,
    *,
    lines: Sequence[int] | None = None,
    use_unidiff: bool = True,
) -> Diff:
    """Parse the diff ``text`` whose first line is input line ``first_line``.

    ``lines``, when given, is the input line of each line of ``text`` (for
    mails whose body was transfer-encoded, where lines do not run on one by
    one); it takes precedence over ``first_line``.  Never raises for a
    malformed diff: what parses is returned.

    Each file is read with unidiff; what unidiff rejects (a truncated hunk, a
    count that does not add up) is read again by a lean count-driven reader,
    the way ``git apply`` reads hunks, which keeps whatever is there.  Both
    give the same result on well-formed diffs; ``use_unidiff=False`` uses the
    lean reader alone (about twice as fast).  Lint throughput does not depend
    on it: :class:`~lint.patch.model.Patch` parses a diff only when a rule needs it.
    """
    if not text:
        return Diff()
    rows = text.split("\n")
    if text.endswith("\n"):
        rows.pop()
    count = len(rows)
    numbers: Sequence[int]
    if lines is None:
        numbers = range(first_line, first_line + count)
    elif len(lines) >= count:
        numbers = lines
    else:
        numbers = [*lines, *([0] * (count - len(lines)))]
    files: list[FileDiff] = []
    for start, end in _chunks(rows):
        files.extend(_parse_chunk(rows, start, end, numbers, use_unidiff))
    return Diff(files=tuple(files))


def _chunks(rows: Sequence[str]) -> list[tuple[int, int]]:
    """Index ranges of the per-file pieces: each starts at a ``diff `` line.

    A ``diff --git`` line cannot be hunk content (those start with a space,
    ``+``, ``-`` or ``\\``), so cutting there is always safe.  Text before the
    first such line is a piece of its own (plain ``---``/``+++`` diffs).
    """
    starts = [i for i, row in enumerate(rows) if row.startswith("diff ")]
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    return [(s, e) for s, e in zip(starts, [*starts[1:], len(rows)], strict=True) if s < e]


def _parse_chunk(
    rows: Sequence[str], start: int, end: int, numbers: Sequence[int], use_unidiff: bool
) -> list[FileDiff]:
    git = rows[start].startswith("diff --git")
    raw_files = _unidiff_chunk(rows, start, end) if use_unidiff else None
    if raw_files is None or (git and len(raw_files) != 1):
        raw_files = _read_chunk(rows, start, end)
    if git and not raw_files:
        raw_files = [(start, _DEV_NULL, _DEV_NULL, False, [])]
    result: list[FileDiff] = []
    for file_start, old_name, new_name, binary, hunks in raw_files:
        # A CRLF mail whose CRs are kept (git's quoted-cr sample): no name ends in CR,
        # and unidiff drops the old name's but keeps the new one's.
        old_name, new_name = old_name.rstrip("\r"), new_name.rstrip("\r")
        if git:
            header = _git_header(rows, start, end, old_name, new_name)
        else:
            header = _plain_header(old_name, new_name, binary)
        result.append(_build_file(header, file_start, hunks, numbers))
    return result


_RawFile = tuple[int, str, str, bool, list[_RawHunk]]


def _unidiff_chunk(rows: Sequence[str], start: int, end: int) -> list[_RawFile] | None:
    """Parse ``rows[start:end]`` with unidiff; ``None`` when it gives up."""
    from unidiff.patch import PatchSet  # lazy: see the module docstring

    try:
        patch_set = PatchSet([row + "\n" for row in rows[start:end]])
    except Exception:  # unidiff raises several types on malformed input
        return None
    headers = [i for i in range(start, end) if rows[i].startswith("@@ ")]
    files: list[_RawFile] = []
    position = 0
    for patched in patch_set:
        hunks: list[_RawHunk] = []
        for hunk in patched:
            if position >= len(headers):
                return None
            index = headers[position]
            position += 1
            body = tuple(
                (line.line_type, line.value.rstrip("\n"), start + line.diff_line_no - 1)
                for line in hunk
                if line.line_type in "+- " and line.line_type and line.diff_line_no
            )
            hunks.append(
                _RawHunk(
                    hunk.source_start,
                    hunk.source_length,
                    hunk.target_start,
                    hunk.target_length,
                    hunk.section_header.rstrip("\n"),
                    index,
                    body,
                )
            )
        file_start = start + (patched.diff_line_no or 1) - 1
        if file_start > start and rows[file_start - 1].startswith("--- "):
            # unidiff counts a plain diff's file from its "+++" line.
            file_start -= 1
        files.append(
            (file_start, patched.source_file, patched.target_file, patched.is_binary_file, hunks)
        )
    return files


def _read_chunk(rows: Sequence[str], start: int, end: int) -> list[_RawFile]:
    """Read what can be read: headers, and hunks as far as their lines go."""
    files: list[_RawFile] = []
    old_name = new_name = ""
    file_start = start
    binary = False
    hunks: list[_RawHunk] = []
    index = start
    while index < end:
        row = rows[index]
        header = _HUNK_HEADER.match(row) if row.startswith("@@ ") else None
        if header is not None:
            hunk, index = _read_hunk(rows, index, end, header)
            hunks.append(hunk)
            continue
        if row.startswith("--- ") and index + 1 < end and rows[index + 1].startswith("+++ "):
            if hunks and not rows[start].startswith("diff "):
                files.append((file_start, old_name, new_name, binary, hunks))
                hunks, binary, file_start = [], False, index
            old_name = row[4:].split("\t", 1)[0]
            new_name = rows[index + 1][4:].split("\t", 1)[0]
            index += 2
            continue
        if row.startswith(("Binary files ", "GIT binary patch")):
            binary = True
        index += 1
    if hunks or binary or rows[start].startswith("diff "):
        files.append((file_start, old_name, new_name, binary, hunks))
    return files


def _read_hunk(
    rows: Sequence[str], index: int, end: int, header: re.Match[str]
) -> tuple[_RawHunk, int]:
    old_length = int(header.group(2) or "1")
    new_length = int(header.group(4) or "1")
    old_left, new_left = old_length, new_length
    body: list[tuple[str, str, int]] = []
    position = index + 1
    while position < end and (old_left > 0 or new_left > 0):
        row = rows[position]
        kind = row[:1]
        if kind == "\\":
            position += 1
            continue
        if kind == "" or kind == " ":
            # Some mailers strip the space of an empty context line.
            old_left, new_left = old_left - 1, new_left - 1
            kind = " "
        elif kind == "-" and old_left > 0:
            old_left -= 1
        elif kind == "+" and new_left > 0:
            new_left -= 1
        else:
            break
        body.append((kind, row[1:], position))
        position += 1
    while position < end and rows[position].startswith("\\"):
        position += 1
    hunk = _RawHunk(
        int(header.group(1)),
        old_length,
        int(header.group(3)),
        new_length,
        header.group(5),
        index,
        tuple(body),
    )
    return hunk, position


def _strip_prefix(name: str, prefix: str) -> str:
    name = _unquote(name)
    return name[2:] if name.startswith(prefix) else name


def _unquote(name: str) -> str:
    """Undo git's C-style quoting of unusual path names (``"a/t\\303\\251st"``)."""
    if len(name) < 2 or not (name.startswith('"') and name.endswith('"')):
        return name
    try:
        return (
            name[1:-1]
            .encode("latin-1", "backslashreplace")
            .decode("unicode_escape")
            .encode("latin-1")
            .decode("utf-8", "replace")
        )
    except (UnicodeError, ValueError):
        return name[1:-1]


def _git_header(rows: Sequence[str], start: int, end: int, old: str, new: str) -> _Header:
    """Read git's extended header lines (up to the first hunk or ``---``)."""
    old_path = _strip_prefix(old, "a/") if old and old != _DEV_NULL else ""
    new_path = _strip_prefix(new, "b/") if new and new != _DEV_NULL else ""
    status = FileStatus.MODIFIED
    binary = False
    old_mode = new_mode = ""
    old_index = new_index = ""
    rename_from = rename_to = ""
    for index in range(start + 1, end):
        row = rows[index]
        if row.startswith(("@@ ", "--- ")):
            break
        if row.startswith("new file mode "):
            status, new_mode = FileStatus.ADDED, row[14:].strip()
        elif row.startswith("deleted file mode "):
            status, old_mode = FileStatus.DELETED, row[18:].strip()
        elif row.startswith("old mode "):
            old_mode = row[9:].strip()
        elif row.startswith("new mode "):
            new_mode = row[9:].strip()
        elif row.startswith(("rename from ", "copy from ")):
            rename_from = _unquote(row.split(" ", 2)[2])
            status = FileStatus.RENAMED if row[0] == "r" else FileStatus.COPIED
        elif row.startswith(("rename to ", "copy to ")):
            rename_to = _unquote(row.split(" ", 2)[2])
        elif row.startswith(("Binary files ", "GIT binary patch")):
            binary = True
        elif row.startswith("index "):
            # "index abc..def 100644": the blobs before and after, and an unchanged mode.
            blobs, _, mode = row[6:].partition(" ")
            old_index, _, new_index = blobs.partition("..")
            if mode.strip().isdigit() and not old_mode:
                old_mode = new_mode = mode.strip()
    if rename_from:
        old_path = rename_from
    if rename_to:
        new_path = rename_to
    if not old_path or not new_path:
        from_line = _paths_from_git_line(rows[start])
        old_path = old_path or from_line[0]
        new_path = new_path or from_line[1]
    if status is FileStatus.ADDED:
        old_path = _DEV_NULL
    elif status is FileStatus.DELETED:
        new_path = _DEV_NULL
    return _Header(
        old_path,
        new_path,
        status,
        binary,
        old_mode,
        new_mode,
        git=True,
        old_index=old_index.strip(),
        new_index=new_index.strip(),
    )


def _paths_from_git_line(row: str) -> tuple[str, str]:
    """Both paths of ``diff --git a/NAME b/NAME`` (the names agree when not renamed)."""
    rest = row[len("diff --git ") :]
    half = (len(rest) - 1) // 2
    left, right = rest[:half], rest[half + 1 :]
    if left[2:] == right[2:]:
        return _strip_prefix(left, "a/"), _strip_prefix(right, "b/")
    before, sep, after = rest.partition(" b/")
    if sep:
        return _strip_prefix(before, "a/"), after
    return rest, rest


def _plain_header(old: str, new: str, binary: bool) -> _Header:
    """Facts of a diff without a git header: only ``---``/``+++`` say anything."""
    status = FileStatus.MODIFIED
    if old == _DEV_NULL:
        status = FileStatus.ADDED
    elif new == _DEV_NULL:
        status = FileStatus.DELETED
    old_path = _DEV_NULL if old == _DEV_NULL else _strip_prefix(old, "a/")
    new_path = _DEV_NULL if new == _DEV_NULL else _strip_prefix(new, "b/")
    return _Header(old_path, new_path, status, binary, "", "", git=False)


def _build_file(
    header: _Header, file_start: int, raw_hunks: Sequence[_RawHunk], numbers: Sequence[int]
) -> FileDiff:
    path = header.new_path if header.status is not FileStatus.DELETED else header.old_path
    c_like = path.endswith(C_LIKE_SUFFIXES)
    hunks = tuple(_build_hunk(raw, c_like, numbers) for raw in raw_hunks)
    added = sum(1 for hunk in hunks for change in hunk.changes if change.added)
    removed = sum(1 for hunk in hunks for change in hunk.changes if not change.added)
    return FileDiff(
        old_path=header.old_path,
        new_path=header.new_path,
        status=header.status,
        binary=header.binary,
        line=numbers[file_start],
        hunks=hunks,
        added=added,
        removed=removed,
        old_mode=header.old_mode,
        new_mode=header.new_mode,
        old_index=header.old_index,
        new_index=header.new_index,
    )


def _build_hunk(raw: _RawHunk, c_like: bool, numbers: Sequence[int]) -> Hunk:
    old_function = new_function = function_from_heading(raw.heading) if c_like else ""
    changes: list[ChangedLine] = []
    context: list[str] = []
    append = changes.append
    old_line, new_line = raw.old_start, raw.new_start
    body = raw.lines
    for position, (kind, text, index) in enumerate(body):
        # Only a line starting at column 0 with an identifier or "}" can
        # start or end a function; indented lines keep the current one.
        boundary = c_like and text[:1] not in INSIDE
        if kind == "+":
            function = new_function
            if boundary:
                function, new_function = step(new_function, body, position, "-")
            append(ChangedLine(True, text, None, new_line, function, numbers[index]))
            new_line += 1
        elif kind == "-":
            function = old_function
            if boundary:
                function, old_function = step(old_function, body, position, "+")
            append(ChangedLine(False, text, old_line, None, function, numbers[index]))
            old_line += 1
        else:
            if boundary:
                old_function = step(old_function, body, position, "+")[1]
                new_function = step(new_function, body, position, "-")[1]
            context.append(text)
            old_line += 1
            new_line += 1
    return Hunk(
        old_start=raw.old_start,
        old_length=raw.old_length,
        new_start=raw.new_start,
        new_length=raw.new_length,
        heading=raw.heading,
        line=numbers[raw.index],
        changes=tuple(changes),
        context_before=tuple(context),
    )
