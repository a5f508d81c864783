"""Where patches come from: files, mboxes, maildirs, stdin and git ranges.

Every source is a lazy iterator of :class:`lint.mail.model.RawMail`, one per
message, in the order a maintainer would apply them.  Nothing here decodes
mail: that is :mod:`lint.mail.decode`'s job.  Splitting a stream into
messages, undoing their mail transport, is :mod:`lint.sources.mbox`'s.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path

from lint.errors import InputError, os_reason
from lint.mail.model import RawMail
from lint.sources.mbox import DEFAULT_MAX_MESSAGE_BYTES, split_stream

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import BinaryIO


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
        raise InputError(origin, os_reason(error)) from None
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
        raise InputError(origin, os_reason(error)) from None


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
            raise InputError(where, os_reason(error)) from None
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
        raise InputError(spec, os_reason(error)) from None
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
