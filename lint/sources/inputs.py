"""Where patches come from: files, mboxes, maildirs, stdin and git ranges.

Every source is a lazy iterator of :class:`lint.mail.model.RawMail`, one per
message, in the order a maintainer would apply them.  Nothing here decodes
mail: that is :mod:`lint.mail.decode`'s job.  What this module does is undo the
*transport* of mail, exactly as ``git am`` does through ``git mailsplit``:

* An mbox is split on lines that pass mailsplit's ``is_from_line()`` test
  (``From <anything> ... HH:MM... YYYY``), wherever they occur.  git does
  not ask for a blank line before the separator, and ``git format-patch
  --stdout --no-signature`` output (and git's own t5100 sample mbox) relies
  on that: the next ``From <sha>`` line directly follows the last diff line.
  The separator line itself is dropped from :attr:`RawMail.data`.
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
import sys
from collections.abc import Iterator
from pathlib import Path

from lint.compilecache import compile_regex
from lint.errors import InputError
from lint.mail.model import RawMail
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
_HEADER = compile_regex(rb"[!-9;-~]+:")
_YEAR = compile_regex(rb"[ \t\n\r\v\f]*([+-]?[0-9]+)")
# mboxrd quoting: a writer adds one '>' to any line matching ^>*From .
_GT_FROM = compile_regex(rb"^>(>*From )", re.MULTILINE)
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
            raise InputError(self.where, _describe(error)) from None
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


def _describe(error: OSError) -> str:
    """A one-line, lower-case reason for an OS error ("permission denied")."""
    reason = error.strerror or type(error).__name__
    return reason[0].lower() + reason[1:]


def from_mbox(
    stream: BinaryIO,
    origin: str,
    *,
    max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES,
    keep_cr: bool = False,
    first_index: int = 0,
) -> Iterator[RawMail]:
    """Yield each message of an mbox stream (mboxo or mboxrd), streaming.

    A single ``git format-patch`` file is an mbox of one message.  A stream
    that does not start with a ``From `` line is one bare message.  A
    truncated last message is yielded as it is.
    """
    for index, message in enumerate(
        split_stream(stream, origin, max_message_bytes=max_message_bytes, keep_cr=keep_cr),
        start=first_index,
    ):
        yield RawMail(message.data, origin, index, message.first_line)


def from_stdin(
    stream: BinaryIO | None = None,
    *,
    max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES,
    keep_cr: bool = False,
) -> Iterator[RawMail]:
    """Yield the messages piped in (an mbox or one mail), named ``<stdin>``."""
    source = stream if stream is not None else sys.stdin.buffer
    return from_mbox(source, "<stdin>", max_message_bytes=max_message_bytes, keep_cr=keep_cr)


def from_file(
    path: Path,
    origin: str,
    *,
    max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES,
    keep_cr: bool = False,
    first_index: int = 0,
) -> Iterator[RawMail]:
    """Yield the messages of one file: a format-patch file, an mbox or one mail."""
    try:
        stream = path.open("rb")
    except OSError as error:
        raise InputError(origin, _describe(error)) from None
    with stream:
        yield from from_mbox(
            stream,
            origin,
            max_message_bytes=max_message_bytes,
            keep_cr=keep_cr,
            first_index=first_index,
        )


def natural_key(name: str) -> tuple[tuple[int, str], ...]:
    """Sort key comparing digit runs as numbers: ``0002-x`` < ``0010-x`` < ``v2-0001-x``.

    ``git format-patch`` names files ``0000-cover-letter.patch``,
    ``0001-<slug>.patch``... (``v2-0001-...`` with ``-v2``); this is also
    how ``git mailsplit`` orders maildir file names.
    """
    parts = re.split(r"([0-9]+)", name)
    return tuple((int(part), "") if i % 2 else (-1, part) for i, part in enumerate(parts))


def _child(origin: str, *names: str) -> str:
    """``origin`` joined with ``names``, keeping the user's spelling of it."""
    return "/".join((origin.rstrip("/") or "/", *names)).replace("//", "/")


def _list_dir(path: Path, origin: str) -> list[Path]:
    try:
        return [entry for entry in path.iterdir() if not entry.name.startswith(".")]
    except OSError as error:
        raise InputError(origin, _describe(error)) from None


def from_directory(
    path: Path,
    origin: str,
    *,
    max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES,
    keep_cr: bool = False,
) -> Iterator[RawMail]:
    """Yield the messages of every ``*.patch`` file of a folder, in series order.

    Files sort by :func:`natural_key`, so the cover letter comes first and
    ``0010-`` follows ``0009-``.  A file holding an mbox yields all its
    messages; :attr:`RawMail.index` counts across the whole folder.
    """
    patches = sorted(
        (entry for entry in _list_dir(path, origin) if entry.name.endswith(".patch")),
        key=lambda entry: natural_key(entry.name),
    )
    patches = [entry for entry in patches if entry.is_file()]
    if not patches:
        raise InputError(origin, "no patches found")
    index = 0
    for entry in patches:
        for raw in from_file(
            entry,
            _child(origin, entry.name),
            max_message_bytes=max_message_bytes,
            keep_cr=keep_cr,
            first_index=index,
        ):
            yield raw
            index += 1


def is_maildir(path: Path) -> bool:
    """True if ``path`` is a maildir: it has a ``cur/`` or ``new/`` folder."""
    return (path / "cur").is_dir() or (path / "new").is_dir()


def from_maildir(
    path: Path,
    origin: str,
    *,
    max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES,
    keep_cr: bool = False,
) -> Iterator[RawMail]:
    """Yield one message per file of ``cur/`` and ``new/``, in delivery order.

    Maildir names start with the delivery time and keep their base name when
    a reader moves them from ``new/`` to ``cur/``, so sorting the names of
    both folders together (digit runs as numbers, as ``git mailsplit``
    does) gives delivery order.  ``tmp/`` holds deliveries in progress and
    dotfiles are not mail: both are skipped.
    """
    found: list[tuple[tuple[tuple[int, str], ...], str, Path]] = []
    for folder in ("cur", "new"):
        if (path / folder).is_dir():
            for entry in _list_dir(path / folder, _child(origin, folder)):
                found.append((natural_key(entry.name), folder, entry))
    found.sort(key=lambda item: (item[0], item[1]))
    mails = [(folder, entry) for _, folder, entry in found if entry.is_file()]
    if not mails:
        raise InputError(origin, "no patches found")
    for index, (folder, entry) in enumerate(mails):
        where = _child(origin, folder, entry.name)
        try:
            stream = entry.open("rb")
        except OSError as error:
            raise InputError(where, _describe(error)) from None
        with stream:
            for message in split_stream(
                stream, where, split=False, max_message_bytes=max_message_bytes, keep_cr=keep_cr
            ):
                yield RawMail(message.data, where, index, message.first_line)


def from_git(
    rev_range: str,
    repo_dir: Path,
    *,
    max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES,
) -> Iterator[RawMail]:
    """Yield each non-merge commit of ``rev_range`` as ``git format-patch`` mails it.

    ``A..B`` is a range, a single revision is that one commit.  Commits come
    oldest first, named ``Commit <sha12> ("subject")``.  See
    :mod:`lint.sources.git`; GitPython is only imported when this runs.
    """
    from lint.sources import git as sources_git

    return sources_git.from_git(rev_range, repo_dir, max_message_bytes=max_message_bytes)


def open_input(
    spec: str,
    *,
    git_dir: Path | None = None,
    stdin: BinaryIO | None = None,
    max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES,
    keep_cr: bool = False,
) -> Iterator[RawMail]:
    """Open what the user named: ``-``, a file, a folder, a maildir or a git range.

    ``-`` is stdin; an existing directory is a maildir when it has ``cur/`` or
    ``new/``, else a folder of ``*.patch`` files; an existing file is an mbox
    or one mail; anything else must resolve as a revision or range in
    ``git_dir`` (the current directory by default).  Problems with the spec
    itself raise :class:`InputError` here; problems inside the input raise it
    while iterating.
    """
    if not spec:
        raise InputError(spec, "no such file, directory or git revision")
    if spec == "-":
        return from_stdin(stdin, max_message_bytes=max_message_bytes, keep_cr=keep_cr)
    path = Path(spec)
    try:
        exists = path.exists()
        is_dir = path.is_dir()
    except OSError as error:
        raise InputError(spec, _describe(error)) from None
    except ValueError:  # an embedded NUL: not a path, let git judge it
        exists = is_dir = False
    if is_dir:
        if is_maildir(path):
            return from_maildir(path, spec, max_message_bytes=max_message_bytes, keep_cr=keep_cr)
        return from_directory(path, spec, max_message_bytes=max_message_bytes, keep_cr=keep_cr)
    if exists:
        return from_file(path, spec, max_message_bytes=max_message_bytes, keep_cr=keep_cr)
    from lint.sources import git as sources_git

    return sources_git.open_revisions(spec, git_dir, max_message_bytes=max_message_bytes)
