"""A byte stream to messages: mbox and mboxrd files, and a bare mail.

This undoes the *transport* of mail, exactly as ``git am`` does through
``git mailsplit``:

* An mbox is split on lines that pass mailsplit's ``is_from_line()`` test
  (``From <anything> ... HH:MM... YYYY``), wherever they occur.  git does
  not ask for a blank line before the separator, and ``git format-patch
  --stdout --no-signature`` output (and git's own t5100 sample mbox) relies
  on that: the next ``From <sha>`` line directly follows the last diff line.
  The separator line itself is dropped from :attr:`SplitMessage.data`.
* ``>From `` quoting is undone the mboxrd way, always: one ``>`` is removed
  from every line matching ``^>+From ``.  lore/public-inbox write mboxrd; for
  an mboxo file this restores its quoted ``From `` lines too, and only an
  original ``>From `` line of an mboxo file (rare, and ambiguous in that
  format anyway) loses a ``>``.  This is ``git mailsplit --mboxrd``.
* Like ``git am`` without ``--keep-cr``, a CR before LF is dropped (mail
  travels with CRLF line ends); pass ``keep_cr=True`` to keep the bytes.
* Leading whitespace of a file is skipped, and a file whose first line is
  not a ``From `` separator is one bare message that is never split (what
  ``git am`` does by running ``git mailsplit -b``).

The reader works on large binary chunks and only looks at the lines that
start with ``From ``, so a 1 GB mbox streams in memory bounded by
``max_message_bytes`` plus one read chunk.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lint.errors import InputError, os_reason
from lint.lazyregex import lazy_regex
from lint.record import record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import BinaryIO

DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024
"""Largest single message accepted; a patch mail is rarely above a few MiB."""

_CHUNK = 1 << 20
_SEPARATOR = b"\nFrom "
_MAX_FROM_LINE = 8192
"""A ``From `` line longer than this is body text, never a separator."""
_WHITESPACE = b" \t\n\r\v\f"
# RFC 5322 field name (printable ASCII except ':') followed by a colon.
_HEADER = lazy_regex(rb"[!-9;-~]+:")
_YEAR = lazy_regex(rb"[ \t\n\r\v\f]*([+-]?[0-9]+)")
# mboxrd quoting: a writer adds one '>' to any line matching ^>*From .
_GT_FROM = lazy_regex(rb"^>(>*From )", re.MULTILINE)
_DIGITS = b"0123456789"


@record
class SplitMessage:
    """One message cut out of a stream, before it becomes a :class:`RawMail`."""

    data: bytes
    """The message with transport undone (separator dropped, ``>From`` unquoted)."""
    first_line: int
    """Line of the stream holding the first byte of :attr:`data`."""
    separator: bytes
    """The ``From `` line that opened the message, or ``b""`` for a bare mail."""


def is_from_line(line: bytes) -> bool:
    """True if ``line`` is an mbox separator by ``git mailsplit``'s heuristic.

    git accepts ``From `` followed by anything that ends in something shaped
    like a time and a year after 1990 (``... 12:34:56 2008``); the sender
    address and weekday are not checked.  ``line`` may include its newline:
    the test looks back from the end exactly as git's ``is_from_line()``.
    """
    length = len(line)
    if length < 20 or not line.startswith(b"From "):
        return False
    colon = line.rfind(b":", 5, length - 2)
    if colon < 0:
        return False
    for offset in (-4, -2, -1, 1, 2):
        if line[colon + offset] not in _DIGITS:
            return False
    year = _YEAR.match(line, colon + 3)
    return year is not None and int(year.group(1)) > 90


def looks_like_mail_start(line: bytes) -> bool:
    """True if a file's first non-blank line can begin a mail.

    That is an mbox ``From `` line (``>From `` too, which ``git mailinfo``
    also takes as a header) or an RFC 5322 ``Name: value`` header.
    """
    return line.startswith((b"From ", b">From ")) or _HEADER.match(line) is not None


def format_size(size: int) -> str:
    """``67108864`` -> ``"64 MiB"``, for messages about the size limit."""
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= scale and size % scale == 0:
            return f"{size // scale} {unit}"
    return f"{size} bytes"


def _undo_transport(data: bytes, keep_cr: bool) -> bytes:
    # Plain substring tests first: most messages need neither rewrite.
    if not keep_cr and b"\r" in data:
        data = data.replace(b"\r\n", b"\n")
    if b">From " in data:
        data = _GT_FROM.sub(rb"\1", data)
    return data


class _Chunks:
    """A binary stream read in big chunks; ``read1`` keeps pipes responsive."""

    __slots__ = ("_read", "eof", "where")

    def __init__(self, stream: BinaryIO, where: str) -> None:
        self._read = getattr(stream, "read1", stream.read)
        self.where = where
        self.eof = False

    def more(self, into: bytearray) -> None:
        """Append the next chunk to ``into``, or set :attr:`eof`."""
        try:
            chunk: bytes = self._read(_CHUNK)
        except OSError as error:
            raise InputError(self.where, os_reason(error)) from None
        if chunk:
            into += chunk
        else:
            self.eof = True


def split_stream(
    stream: BinaryIO,
    where: str,
    *,
    split: bool = True,
    max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES,
    keep_cr: bool = False,
    empty_ok: bool = False,
) -> Iterator[SplitMessage]:
    """Cut a binary stream into messages the way ``git mailsplit -b`` does.

    With ``split=False`` the stream holds one message (a maildir file): a
    leading separator is dropped but nothing else ends the message.  Raises
    :class:`InputError` (naming ``where``) for empty input (unless
    ``empty_ok``), junk that is not mail, and a message above
    ``max_message_bytes``.
    """
    chunks = _Chunks(stream, where)
    buf = bytearray()
    line = 1
    # mailsplit skips whitespace (blank lines too) before the first message.
    while True:
        if not buf:
            chunks.more(buf)
            if chunks.eof:
                if empty_ok:
                    return
                raise InputError(where, "empty input")
        blank = len(buf) - len(buf.lstrip(_WHITESPACE))
        line += buf.count(b"\n", 0, blank)
        del buf[:blank]
        if buf:
            break
    end = buf.find(b"\n")
    while end < 0 and not chunks.eof and len(buf) <= max_message_bytes:
        if len(buf) > _MAX_FROM_LINE and not looks_like_mail_start(bytes(buf[:_MAX_FROM_LINE])):
            break  # /dev/zero or a binary: no need to read 64 MiB to say so
        start = len(buf)
        chunks.more(buf)
        end = buf.find(b"\n", start)
    first = bytes(buf[: end + 1]) if end >= 0 else bytes(buf)
    if not is_from_line(first):
        if not looks_like_mail_start(first):
            if first.startswith((b"diff ", b"--- ", b"Index: ")):
                problem = "a bare diff without mail headers: lint the output of git format-patch"
                raise InputError(f"{where}:{line}", problem)
            raise InputError(f"{where}:{line}", "not a mail or patch file")
        yield _bare(buf, chunks, where, line, max_message_bytes, keep_cr)
        return
    if not split:
        del buf[: len(first)]
        yield _bare(buf, chunks, where, line, max_message_bytes, keep_cr, first)
        return
    yield from _split_mbox(buf, chunks, where, line, max_message_bytes, keep_cr)


def _bare(
    buf: bytearray,
    chunks: _Chunks,
    where: str,
    line: int,
    limit: int,
    keep_cr: bool,
    separator: bytes = b"",
) -> SplitMessage:
    """The rest of the stream as one message (a bare mail or a maildir file)."""
    while not chunks.eof:
        if len(buf) > limit:
            raise InputError(where, f"message at line {line} is larger than {format_size(limit)}")
        chunks.more(buf)
    if len(buf) > limit:
        raise InputError(where, f"message at line {line} is larger than {format_size(limit)}")
    data = _undo_transport(bytes(buf), keep_cr)
    return SplitMessage(data=data, first_line=line + 1 if separator else line, separator=separator)


def _split_mbox(
    buf: bytearray, chunks: _Chunks, where: str, line: int, limit: int, keep_cr: bool
) -> Iterator[SplitMessage]:
    """Split ``buf`` (starting with a separator line) and the rest of the stream."""
    # Invariant: buf[0] is the newline that ended the current message's
    # separator line, so every separator is found as b"\nFrom "; the message
    # is buf[1:i + 1] and `line` is the separator's line.
    end = buf.find(b"\n")
    separator = bytes(buf[: end + 1]) if end >= 0 else bytes(buf)
    if end < 0:
        yield SplitMessage(data=b"", first_line=line + 1, separator=separator)
        return
    del buf[:end]
    search = 0
    while True:
        found = buf.find(_SEPARATOR, search)
        if found < 0:
            if chunks.eof:
                yield _message(buf, len(buf), line, separator, keep_cr)
                return
            if len(buf) - len(_SEPARATOR) > limit:
                raise InputError(
                    where, f"message at line {line} is larger than {format_size(limit)}"
                )
            search = max(len(buf) - len(_SEPARATOR) + 1, 0)
            chunks.more(buf)
            continue
        if found > limit:
            raise InputError(where, f"message at line {line} is larger than {format_size(limit)}")
        end = buf.find(b"\n", found + 1)
        if end < 0 and not chunks.eof and len(buf) - found <= _MAX_FROM_LINE:
            search = found
            chunks.more(buf)
            continue
        candidate = bytes(buf[found + 1 : end + 1] if end >= 0 else buf[found + 1 :])
        if len(candidate) > _MAX_FROM_LINE or not is_from_line(candidate):
            search = found + 1
            continue
        message = _message(buf, found + 1, line, separator, keep_cr)
        yield message
        line += buf.count(b"\n", 0, found + 1)
        separator = candidate
        if end < 0:
            # A separator as the very last line: git writes an empty message.
            yield SplitMessage(data=b"", first_line=line + 1, separator=separator)
            return
        del buf[:end]
        search = 0


def _message(buf: bytearray, stop: int, line: int, separator: bytes, keep_cr: bool) -> SplitMessage:
    with memoryview(buf) as view:
        data = _undo_transport(bytes(view[1:stop]), keep_cr)
    return SplitMessage(data=data, first_line=line + 1, separator=separator)
