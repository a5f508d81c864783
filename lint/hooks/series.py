"""The series record a send keeps between mails, for the series rules.

``git send-email`` runs the ``sendemail-validate`` hook once per mail, each in a new
process. So that the series rules (:mod:`lint.engine.series`) can see the whole send
on its last mail, each mail's :class:`~lint.thread.series.SeriesEntry` is kept in
``$GIT_DIR/patchlens/sendemail-series.json``, written less than an hour ago and
extended by each mail of the same send. A broken chain (an interrupted send) means no
series checks, never a refused send.

Which mails are one send: git 2.41 and later number them for the hook
(``GIT_SENDEMAIL_FILE_COUNTER``/``_TOTAL``), so mail k extends a record of k-1 mails.
Older git (Debian 12 has 2.39) says nothing: there the subject's ``[PATCH M/N]``
says where a mail sits and which one is last, and the ``git send-email`` process the
hook runs under (found among its parent processes on Linux: git send-email runs
``git hook run``, which runs the hook) says which send it belongs to, so that a
mis-numbered series (``0/2, 1/2, 3/3``) is still one send for the series rules.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

from lint.record import record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from lint.patch.model import Patch
    from lint.thread.series import SeriesEntry


STATE_DIR = "patchlens"
STATE_FILE = "sendemail-series.json"
STATE_MAX_AGE = 3600.0
"""Seconds after which a left-over series record (an interrupted send) is ignored."""


@record
class SeriesPosition:
    """Where the mail being validated sits in the send."""

    counter: int
    """1-based position (``GIT_SENDEMAIL_FILE_COUNTER``), or the subject's M (0 = cover)."""
    total: int
    first: bool
    last: bool
    from_git: bool
    """True when git gave the counters, False when read from ``[PATCH M/N]``."""
    send: str = ""
    """Without git's counters: the ``git send-email`` run this mail belongs to
    (:func:`send_identity`), ``""`` when it cannot be told."""


def position(patch: Patch, env: Mapping[str, str]) -> SeriesPosition | None:
    """The mail's place in the send, or ``None`` for a mail sent on its own.

    git 2.41 and later say it (``GIT_SENDEMAIL_FILE_COUNTER``/``_TOTAL``, the
    cover letter counted).  Older git does not; there the subject's
    ``[PATCH M/N]`` stands in, since git send-email validates every file
    before it sends any, in the order given.
    """
    counter, total = env.get("GIT_SENDEMAIL_FILE_COUNTER"), env.get("GIT_SENDEMAIL_FILE_TOTAL")
    if counter and total and counter.isdigit() and total.isdigit():
        position, count = int(counter), int(total)
        if count < 2:
            return None
        return SeriesPosition(position, count, position == 1, position >= count, True)
    index, number = patch.subject.index, patch.subject.total
    if index is None or not number or number < 2:
        return None
    return SeriesPosition(index, number, index <= 1, index >= number, False, send_identity())


def send_identity() -> str:
    """The ``git send-email`` process among this process's parents: its pid and start
    time (``/proc``, Linux), so that a reused pid is not taken for it; ``""`` elsewhere."""
    pid = os.getppid()
    for _ in range(6):  # git send-email > git hook run > (sh >) the hook
        if pid <= 1:
            return ""
        try:
            with open(f"/proc/{pid}/stat", "rb") as handle:
                stat = handle.read()
            with open(f"/proc/{pid}/cmdline", "rb") as handle:
                command = handle.read()
        except OSError:
            return ""
        # The fields after the command name, which is in parentheses and may hold any byte.
        fields = stat[stat.rindex(b")") + 2 :].split()
        if b"send-email" in command:
            return f"{pid}:{fields[19].decode()}"  # field 22 of stat(5): the start time
        pid = int(fields[1])  # field 4: the parent
    return ""


def entry_with_headers(patch: Patch, header_file: str | None) -> SeriesEntry:
    from lint.record import replace
    from lint.thread.series import SeriesEntry

    entry = SeriesEntry.of(patch)
    if entry.message_id or header_file is None:
        return entry
    try:
        from email.parser import BytesHeaderParser

        with open(header_file, "rb") as handle:
            headers = BytesHeaderParser().parsebytes(handle.read())
    except OSError:
        return entry  # the headers are advisory: a missing file changes no verdict
    return replace(entry, message_id=str(headers.get("Message-ID", "")).strip())


def state_path(env: Mapping[str, str], cwd: str) -> str | None:
    """``$GIT_DIR/patchlens/sendemail-series.json``; git send-email sets ``GIT_DIR``."""
    git_dir = env.get("GIT_DIR")
    if git_dir:
        return os.path.join(cwd, git_dir, STATE_DIR, STATE_FILE)
    import subprocess

    found = subprocess.run(
        ["git", "rev-parse", "--absolute-git-dir"],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    if found.returncode != 0:
        return None
    return os.path.join(found.stdout.strip(), STATE_DIR, STATE_FILE)


def load_state(path: str, position: SeriesPosition) -> list[SeriesEntry] | None:
    """The mails recorded before this one, ``[]`` at the start, ``None`` if the chain broke.

    The record is keyed by the counter sequence: mail k may only extend a
    record of k-1 mails of the same total, written less than an hour ago.
    """
    if position.from_git and position.first:
        return []
    import json
    import time

    from lint.thread.series import SeriesEntry

    start: list[SeriesEntry] | None = [] if position.first else None
    try:
        with open(path, encoding="utf-8") as handle:
            record = json.load(handle)
        if time.time() - float(record["updated"]) > STATE_MAX_AGE:
            return start
        if position.from_git:
            if record["total"] != position.total or record["last"] != position.counter - 1:
                return None
        elif position.send:
            # Older git: the same send, however its mails are numbered.
            if record.get("from_git") or record.get("send") != position.send:
                return start
        elif record["total"] != position.total or record["last"] != position.counter - 1:
            return start  # no way to tell the send: only an unbroken M/N chain extends it
        return [SeriesEntry.from_json(item) for item in record["entries"]]
    except (OSError, ValueError, TypeError, KeyError):
        return start


def save_state(path: str, position: SeriesPosition, entries: Sequence[SeriesEntry]) -> None:
    import json
    import time

    record = {
        "format": 1,
        "updated": time.time(),
        "total": position.total,
        "last": position.counter,
        "from_git": position.from_git,
        "send": position.send,
        "entries": [entry.to_json() for entry in entries],
    }
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        temporary = f"{os.path.splitext(path)[0]}.tmp"
        with open(temporary, "w", encoding="utf-8") as handle:
            json.dump(record, handle, indent=1)
        os.replace(temporary, path)
    except OSError:
        pass  # no record means no series checks, never a refused send


def clear_state(path: str) -> None:
    try:  # noqa: SIM105 (contextlib.suppress would import contextlib into every hook run)
        os.unlink(path)
    except FileNotFoundError:
        pass
