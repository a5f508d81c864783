"""How ``bot run --watch`` sleeps between passes: woken by inotify, or polling as a fallback.

A mail delivery agent (lei, procmail, getmail) writes each message into the
maildir's ``tmp/`` and renames it into ``new/`` once it is complete: that is
the maildir protocol. The rename is one ``IN_MOVED_TO`` event on ``new/``, and
the loop wakes on it, never on a file being created, so it never reads half a
message. ``IN_CLOSE_WRITE`` wakes it too, for a writer that skips ``tmp/`` (a
``cp`` by hand): a file closed after writing is complete.

inotify is Linux's, and can fail: no ``inotify_init1`` (macOS, the BSDs,
Windows), the per-user limit of instances or watches reached
(``fs.inotify.max_user_instances``, ``fs.inotify.max_user_watches``), ``new/``
missing, removed or unmounted later. Then the loop polls every ``--poll``
seconds and says so. A network file system written from another host gives a
watch but no events: even while watching, the loop makes a pass every
``--poll`` seconds, so the worst case there is the polling latency.

Only ``bot run --watch`` imports this module, and only :class:`InotifyWatch`
imports inotify_simple: a git hook never pays for either.
"""

from __future__ import annotations

import errno
import math
import os
import select
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from enum import Enum
from pathlib import Path
from threading import Event, Thread
from typing import Any, Protocol

Note = Callable[[str], object]
"""Where a watch says which way it waits (``bot run`` passes a writer to stderr)."""


class Woken(Enum):
    """Why :meth:`MailWatch.wait` returned."""

    MAIL = "mail"
    """A mail was moved (or written) into the folder, or events were dropped: pass now."""
    STOP = "stop"
    TIMEOUT = "timeout"
    LOST = "lost"
    """The watch ended (folder removed or unmounted): pass now, and poll from here on."""


class MailWatch(Protocol):
    """What the ``--watch`` loop sleeps in between passes."""

    def wait(self, stop: Event, timeout: float) -> Woken:
        """``stop.wait(timeout)``, but mail arriving wakes it too (why: the value)."""
        ...

    def close(self) -> None:
        """Release what the watch holds."""
        ...


class Polling:
    """Sleep the whole timeout (or until ``stop``): the fallback, and ``--watch=poll``."""

    __slots__ = ()

    def wait(self, stop: Event, timeout: float) -> Woken:
        return Woken.STOP if stop.wait(timeout) else Woken.TIMEOUT

    def close(self) -> None:
        """Nothing to release."""


def open_watch(folder: Path, poll: float, *, events: bool, note: Note) -> MailWatch:
    """The watch on ``folder`` (a maildir's ``new/``), having said through ``note`` which.

    ``events`` false forces polling (``--watch=poll``): for a maildir whose
    writer is on another host, where inotify would watch and never hear.
    """
    if not events:
        note(f"polling {folder} every {poll:g} s (--watch=poll)")
        return Polling()
    try:
        watch = InotifyWatch(folder, poll, note)
    except (ImportError, AttributeError, OSError) as err:
        note(f"polling {folder} every {poll:g} s: inotify is unavailable ({_why(err)})")
        return Polling()
    note(f"watching {folder} with inotify (and a pass every {poll:g} s in case events are lost)")
    return watch


def _why(err: Exception) -> str:
    """Why inotify could not watch, in the operator's terms (the sysctl to raise)."""
    if isinstance(err, OSError) and err.errno == errno.ENOSPC:
        return "the limit of inotify watches is reached: sysctl fs.inotify.max_user_watches"
    if isinstance(err, OSError) and err.errno == errno.EMFILE:
        return "too many inotify instances: sysctl fs.inotify.max_user_instances"
    if isinstance(err, OSError) and err.strerror:
        return err.strerror
    if isinstance(err, AttributeError | ImportError):
        return f"this system has no inotify: {err}"
    return str(err)


class InotifyWatch:
    """Wakes on mail moved or written into one folder, on ``stop``, or at the timeout.

    The main thread sleeps in ``poll()`` on the inotify descriptor and on a
    pipe. ``stop`` is a :class:`threading.Event` (set by the SIGTERM/SIGINT
    handler, or by any thread), which ``poll()`` cannot wait on: a helper
    thread waits on it and writes to the pipe. That thread lives until ``stop``
    is set, which is how a watch run ends; it is a daemon, so a run ended by
    an exception does not wait for it.
    """

    __slots__ = (
        *("_closed", "_folder", "_forwarder", "_inotify", "_note", "_poll", "_poller"),
        *("_read_end", "_stop", "_write_end"),
    )

    def __init__(self, folder: Path, poll: float, note: Note) -> None:
        from inotify_simple import INotify, flags  # type: ignore[import-untyped]

        self._inotify: Any = INotify()
        try:
            wanted = flags.MOVED_TO | flags.CLOSE_WRITE | flags.DELETE_SELF | flags.MOVE_SELF
            self._inotify.add_watch(folder, wanted | flags.ONLYDIR)
        except BaseException:
            self._inotify.close()
            raise
        self._folder, self._poll, self._note = folder, poll, note
        self._read_end, self._write_end = os.pipe()
        self._poller = select.poll()
        self._poller.register(self._inotify.fileno(), select.POLLIN)
        self._poller.register(self._read_end, select.POLLIN)
        self._forwarder: Thread | None = None
        self._stop: Event | None = None
        self._closed = False

    def wait(self, stop: Event, timeout: float) -> Woken:
        if self._inotify.closed:  # lost: see _judge
            return Polling().wait(stop, timeout)
        self._forward(stop)
        deadline = time.monotonic() + timeout
        while not stop.is_set():
            left = max(math.ceil((deadline - time.monotonic()) * 1000), 0)
            ready = {fd for fd, _ in self._poller.poll(left)}
            if not ready:
                return Woken.TIMEOUT
            if self._read_end in ready:
                return Woken.STOP
            woken = self._judge(self._inotify.read(timeout=0))
            if woken is not None:
                return woken
        return Woken.STOP

    def _judge(self, events: list[Any]) -> Woken | None:
        """What a batch of events means for the loop; ``None``: sleep on."""
        from inotify_simple import flags

        gone = flags.IGNORED | flags.DELETE_SELF | flags.MOVE_SELF | flags.UNMOUNT
        if any(event.mask & gone for event in events):
            self._poller.unregister(self._inotify.fileno())
            self._inotify.close()
            self._note(
                f"inotify lost {self._folder} (removed, moved or unmounted): "
                f"polling every {self._poll:g} s from now on"
            )
            return Woken.LOST
        if any(event.mask & flags.Q_OVERFLOW for event in events):
            return Woken.MAIL  # the kernel dropped events: a pass finds what they announced
        arrived = flags.MOVED_TO | flags.CLOSE_WRITE
        # Dotfiles are not mail (lint.bot.intake.new_mail skips them too).
        if any(event.mask & arrived and not event.name.startswith(".") for event in events):
            return Woken.MAIL
        return None

    def _forward(self, stop: Event) -> None:
        """Start the thread that turns ``stop`` into a byte on the pipe (once)."""
        if self._stop is not None:
            if self._stop is not stop:
                raise ValueError("a watch serves one stop event")
            return
        self._stop = stop
        thread = Thread(target=self._forward_stop, args=(stop,), name="watch-stop", daemon=True)
        with _signals_blocked():
            thread.start()
        self._forwarder = thread

    def _forward_stop(self, stop: Event) -> None:
        stop.wait()
        with suppress(OSError):  # the read end is closed once the loop is done
            os.write(self._write_end, b"\0")
        os.close(self._write_end)  # this thread owns it from its start: see close()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._inotify.close()
        os.close(self._read_end)
        if self._forwarder is None:
            os.close(self._write_end)


@contextmanager
def _signals_blocked() -> Iterator[None]:
    """Block SIGTERM and SIGINT in threads started inside, so they reach the main thread.

    CPython runs signal handlers in the main thread, but a signal the kernel
    delivers to another thread does not interrupt the main thread's ``poll()``:
    the handler would wait for the poll's timeout, which may be many seconds.
    """
    blocked = {signal.SIGTERM, signal.SIGINT}
    before = signal.pthread_sigmask(signal.SIG_BLOCK, blocked)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)
