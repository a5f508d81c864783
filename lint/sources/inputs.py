"""Where patches come from: files, mboxes, maildirs, stdin and git ranges.

Every source is a lazy iterator of :class:`lint.mail.model.RawMail`, one per
message, in the order a maintainer would apply them.  Nothing here decodes
mail: that is :mod:`lint.mail.decode`'s job.  Splitting a stream into
messages, undoing their mail transport, is :mod:`lint.sources.mbox`'s.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path

from lint.errors import InputError, os_reason
from lint.mail.model import RawMail
from lint.record import record
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


PATCH_SUFFIXES = (".patch", ".eml", ".mbox", ".mbx")
"""Names a folder walk reads, in any case: ``git format-patch`` writes ``*.patch``,
``b4 am``/``b4 mbox`` write ``*.mbx``, mail clients save one mail as ``*.eml`` and a
folder of them as ``*.mbox``.  ``*.diff`` is left out: it is usually a bare diff
without the mail that names its author and changelog."""


def _child(origin: str, *names: str) -> str:
    """``origin`` joined with ``names``, keeping the user's spelling of it."""
    return "/".join((origin.rstrip("/") or "/", *names)).replace("//", "/")


def _list_dir(path: Path, origin: str) -> list[os.DirEntry[str]]:
    """The entries of a folder but its dotfiles (``.git``, editor swap files), sorted.

    Sorted by :func:`natural_key`, then by name so that ``01`` and ``1`` keep one
    order whatever order the file system lists them in.
    """
    try:
        with os.scandir(path) as scan:
            entries = [entry for entry in scan if not entry.name.startswith(".")]
    except OSError as error:
        raise InputError(origin, os_reason(error)) from None
    entries.sort(key=lambda entry: (natural_key(entry.name), entry.name))
    return entries


def _is_file(entry: os.DirEntry[str]) -> bool:
    """True for a file, or a symbolic link to one (a series linked in is still read)."""
    try:
        return entry.is_file()
    except OSError:
        return False


@record
class _MailFile:
    """A file a folder walk found, and how it holds its mail."""

    path: Path
    origin: str
    """The path as the user spelled the folder, for messages."""
    one_mail: bool
    """A maildir file: one message that a ``From `` line in its body does not split."""


class _FolderWalk:
    """One walk of a folder tree, depth first, each folder in :func:`natural_key` order.

    Symbolic links to folders are never followed, so the walk stays in the tree it
    was given and cannot loop through them; a folder already seen (a bind mount of an
    ancestor) is not entered twice.  Hidden folders (``.git``) are skipped.  The
    walk lists one folder at a time as it goes, so a large tree streams.
    """

    __slots__ = ("_seen", "recurse", "skipped_links")

    def __init__(self, root: Path, recurse: bool) -> None:
        self.recurse = recurse
        self.skipped_links = 0
        self._seen: set[tuple[int, int]] = set()
        try:
            status = root.stat()
        except OSError:
            return  # listing it will say why
        self._seen.add((status.st_dev, status.st_ino))

    def files(self, path: Path, origin: str) -> Iterator[_MailFile]:
        """Every mail file under ``path``, a maildir's files as the maildir orders them."""
        for entry in _list_dir(path, origin):
            where = _child(origin, entry.name)
            if _is_file(entry):
                if entry.name.lower().endswith(PATCH_SUFFIXES):
                    yield _MailFile(Path(entry.path), where, one_mail=False)
            elif self.recurse and self._enter(entry):
                folder = Path(entry.path)
                # All three maildir folders, not just one as for a maildir named as
                # INPUT: a series folder may well hold a new/ of its own.
                if all((folder / name).is_dir() for name in ("cur", "new", "tmp")):
                    yield from _maildir_files(folder, where)
                else:
                    yield from self.files(folder, where)

    def _enter(self, entry: os.DirEntry[str]) -> bool:
        """True if the walk goes into ``entry``: a real folder it has not been in yet."""
        try:
            if entry.is_symlink():
                self.skipped_links += entry.is_dir()
                return False
            if not entry.is_dir(follow_symlinks=False):
                return False
            status = entry.stat(follow_symlinks=False)
        except OSError:
            return False
        key = (status.st_dev, status.st_ino)
        if key in self._seen:
            return False
        self._seen.add(key)
        return True

    def nothing_found(self) -> str:
        """The problem when the walk found no mail: what it looked for, and how far."""
        names = ", ".join(f"*{suffix}" for suffix in PATCH_SUFFIXES)
        if not self.recurse:
            return f"no patches found: no {names} file here (sub-folders not read: --no-recurse)"
        links = ""
        if self.skipped_links:
            links = f"; {self.skipped_links} symlinked folder(s) not followed"
        return (
            f"no patches found: no {names} file or maildir here or in any sub-folder "
            f"(hidden folders skipped{links})"
        )


def _read_mail_file(
    found: _MailFile, first_index: int, max_message_bytes: int, keep_cr: bool
) -> Iterator[RawMail]:
    """The messages of one file a walk found, numbered from ``first_index``."""
    if not found.one_mail:
        yield from from_file(
            found.path,
            found.origin,
            max_message_bytes=max_message_bytes,
            keep_cr=keep_cr,
            first_index=first_index,
        )
        return
    try:
        stream = found.path.open("rb")
    except OSError as error:
        raise InputError(found.origin, os_reason(error)) from None
    with stream:
        for message in split_stream(
            stream,
            found.origin,
            split=False,
            max_message_bytes=max_message_bytes,
            keep_cr=keep_cr,
        ):
            yield RawMail(message.data, found.origin, first_index, message.first_line)


def _read_all(
    found: Iterator[_MailFile], max_message_bytes: int, keep_cr: bool
) -> Iterator[RawMail]:
    """The messages of every file of ``found``; :attr:`RawMail.index` counts across all."""
    index = 0
    for mail_file in found:
        for raw in _read_mail_file(mail_file, index, max_message_bytes, keep_cr):
            yield raw
            index += 1


def from_directory(
    path: Path,
    origin: str,
    *,
    recurse: bool = True,
    max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES,
    keep_cr: bool = False,
) -> Iterator[RawMail]:
    """Yield the messages of every mail file of a folder and its sub-folders, in order.

    A mail file is one named as in :data:`PATCH_SUFFIXES`; a sub-folder that is a
    maildir (``cur/``, ``new/`` and ``tmp/``) gives its mails as
    :func:`from_maildir` does.  Names sort by
    :func:`natural_key`, so the cover letter comes first and ``0010-`` follows
    ``0009-``, and a sub-folder is read where its name sorts.  A file holding an
    mbox yields all its messages; :attr:`RawMail.index` counts across the whole
    walk.  With ``recurse=False`` only the folder's own files are read.
    """
    walk = _FolderWalk(path, recurse)
    read = 0
    for raw in _read_all(walk.files(path, origin), max_message_bytes, keep_cr):
        yield raw
        read += 1
    if not read:
        raise InputError(origin, walk.nothing_found())


def is_maildir(path: Path) -> bool:
    """True if ``path`` is a maildir: it has a ``cur/`` or ``new/`` folder."""
    return (path / "cur").is_dir() or (path / "new").is_dir()


def _maildir_files(path: Path, origin: str) -> list[_MailFile]:
    """The mail files of a maildir's ``cur/`` and ``new/``, in delivery order.

    Maildir names start with the delivery time and keep their base name when
    a reader moves them from ``new/`` to ``cur/``, so sorting the names of
    both folders together (digit runs as numbers, as ``git mailsplit``
    does) gives delivery order.  ``tmp/`` holds deliveries in progress and
    dotfiles are not mail: both are skipped.
    """
    found: list[tuple[tuple[tuple[int, str], ...], str, str, os.DirEntry[str]]] = []
    for folder in ("cur", "new"):
        if (path / folder).is_dir():
            for entry in _list_dir(path / folder, _child(origin, folder)):
                found.append((natural_key(entry.name), entry.name, folder, entry))
    found.sort(key=lambda item: item[:3])
    return [
        _MailFile(Path(entry.path), _child(origin, folder, entry.name), one_mail=True)
        for _, _, folder, entry in found
        if _is_file(entry)
    ]


def from_maildir(
    path: Path,
    origin: str,
    *,
    max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES,
    keep_cr: bool = False,
) -> Iterator[RawMail]:
    """Yield one message per file of ``cur/`` and ``new/``, in delivery order.

    See :func:`_maildir_files` for the order; a ``From `` line inside a maildir
    file does not split it.
    """
    files = _maildir_files(path, origin)
    if not files:
        raise InputError(origin, "no patches found: no mail file in this maildir's cur/ or new/")
    yield from _read_all(iter(files), max_message_bytes, keep_cr)


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
    recurse: bool = True,
) -> Iterator[RawMail]:
    """Open what the user named: ``-``, a file, a folder, a maildir or a git range.

    ``-`` is stdin; an existing directory is a maildir when it has ``cur/`` or
    ``new/``, else a folder of mail files read by :func:`from_directory` (its
    sub-folders too unless ``recurse`` is false); an existing file is an mbox
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
        return from_directory(
            path, spec, recurse=recurse, max_message_bytes=max_message_bytes, keep_cr=keep_cr
        )
    if exists:
        return from_file(path, spec, max_message_bytes=max_message_bytes, keep_cr=keep_cr)
    from lint.sources import git as sources_git

    return sources_git.open_revisions(spec, git_dir, max_message_bytes=max_message_bytes)
