"""Line-level tests of ``git mailinfo``: which line is a header, a patch break, scissors.

Ports of the small predicates of git's ``mailinfo.c`` plus :class:`Output`,
which stands for mailinfo's msg and patch files while remembering the input
line of every line written.  All work on bytes with git's ``isspace()``.
"""

from __future__ import annotations

from lint.lazyregex import lazy_regex
from lint.mail.headers import SPACE
from lint.record import record

_RFC2822_NAME = lazy_regex(rb"[\x21-\x39\x3b-\x7e]*:")
_SEPARATOR = b"From e6807f3efca28b30decfecb1732a56c7db1137ee Mon Sep 17 00:00:00 2001\n"
_HEX_LOWER = frozenset(b"0123456789abcdef")


@record
class Header:
    """A header value (RFC 2047 decoded bytes) and the input line it starts on."""

    value: bytes
    line: int


class Output:
    """An output file of mailinfo (msg or patch): its bytes and the input line of each line.

    Almost every piece written is one whole line from one input line; those are
    numbered as they come. Other pieces (a partial line, a run copied from many
    input lines) are numbered by :meth:`_number`, which tracks an unfinished line.
    """

    __slots__ = ("chunks", "lines", "open_line")

    def __init__(self) -> None:
        self.chunks: list[bytes] = []
        self.lines: list[int] = []
        self.open_line = False
        """True when the bytes so far end inside a line (no newline yet)."""

    def add(self, data: bytes, line: int, step: int = 0) -> None:
        """Append ``data`` from input ``line``; ``step=1`` when it spans raw input lines."""
        if not data:
            return
        self.chunks.append(data)
        if not step and not self.open_line and data.find(b"\n") == len(data) - 1:
            self.lines.append(line)  # the common case: exactly one whole line
            return
        self._number(data, line, step)

    def _number(self, data: bytes, line: int, step: int) -> None:
        breaks = data.count(b"\n")
        first = 1 if self.open_line else 0
        ends_open = not data.endswith(b"\n")
        last = breaks + (1 if ends_open else 0)
        if step:
            self.lines.extend(range(line + first, line + last))
        else:
            self.lines.extend([line] * max(0, last - first))
        self.open_line = ends_open

    def finish(self) -> tuple[bytes, tuple[int, ...]]:
        """The bytes written and, for each of their lines, its input line."""
        return b"".join(self.chunks), tuple(self.lines)


def starts_header(line: bytes, name: bytes) -> int:
    """git's ``skip_header``: offset of the value of header ``name``, or -1."""
    size = len(name)
    if line[size : size + 1] != b":" or line[:size].lower() != name:
        return -1
    at = size + 1
    while at < len(line) and line[at] in SPACE:
        at += 1
    return at


def is_rfc2822_header(line: bytes) -> bool:
    # mbox "From " lines (and their quoted form) count as headers, so that a
    # format-patch file can be fed to mailinfo as it is.
    if line.startswith((b"From ", b">From ")):
        return True
    return _RFC2822_NAME.match(line) is not None


def is_format_patch_separator(line: bytes) -> bool:
    if len(line) != len(_SEPARATOR) or not line.startswith(b"From "):
        return False
    sha = line[5:45]
    if not all(c in _HEX_LOWER for c in sha) or line[45] in _HEX_LOWER:
        return False
    return line[45:] == _SEPARATOR[45:]


def patchbreak(line: bytes) -> bool:
    if line.startswith((b"diff -", b"Index: ")):
        return True
    if len(line) < 4 or not line.startswith(b"---"):
        return False
    # "--- <filename>" starts a patch without a diff header; "---" followed
    # only by white space is the manual separator before the diffstat.
    fifth = line[4] if len(line) > 4 else 0
    if line[3] == 0x20 and fifth not in SPACE:
        return True
    for c in line[3:]:
        if c == 0x0A:
            return True
        if c not in SPACE:
            return False
    return False


def is_scissors_line(line: bytes) -> bool:
    nul = line.find(b"\0")
    if nul >= 0:
        line = line[:nul]
    scissors = gap = perforation = 0
    in_perforation = False
    first_nonblank = last_nonblank = -1
    pos = 0
    size = len(line)
    while pos < size:
        c = line[pos]
        if c in SPACE:
            if in_perforation:
                perforation += 1
                gap += 1
            pos += 1
            continue
        last_nonblank = pos
        if first_nonblank < 0:
            first_nonblank = pos
        if c == 0x2D:
            in_perforation = True
            perforation += 1
            pos += 1
            continue
        if line[pos : pos + 2] in (b">8", b"8<", b">%", b"%<"):
            in_perforation = True
            perforation += 2
            scissors += 2
            pos += 2
            continue
        in_perforation = False
        pos += 1
    visible = last_nonblank - first_nonblank + 1 if first_nonblank >= 0 else 0
    # At least 8 columns ("-- >8 --"), perforation over a third of the line,
    # dashes and scissors over half of the perforation.
    return bool(scissors) and visible >= 8 and visible < perforation * 3 and gap * 2 < perforation
