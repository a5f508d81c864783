"""``bot run --watch`` wakes on mail moved into the maildir, and polls where it cannot.

The bot runs as a real process with a poll interval far longer than the
tests wait, so a reply can only come from an inotify event. Mail is delivered
the way lei or procmail deliver it: written into ``tmp/``, then renamed into
``new/``. Every wait has a deadline; none asserts a speed (bench/watch_latency.py
measures that).
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from lint.bot.watch import InotifyWatch, Polling, Woken, open_watch

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "bot_fixtures" / "list"
LONG_POLL = 300.0
"""The bot's --poll when events are under test: no poll falls due before the deadline."""
DEADLINE = 60.0
"""How long a test waits for a reply before failing (well under LONG_POLL)."""


def write_config(folder: Path) -> Path:
    config = folder / "bot.toml"
    config.write_text(
        '[bot]\nstate = "state.sqlite"\nfrom = "patchlens bot <patchlens@bot.example.org>"\n',
        encoding="utf-8",
    )
    return config


def patch_mail(number: int) -> bytes:
    """A patch without Signed-off-by (so it gets a reply), its own series each time."""
    data = (FIXTURES / "09-single-no-sob.eml").read_bytes()
    data = data.replace(b"<nosob-1.ben@example.com>", f"<nosob-{number}.ben@example.com>".encode())
    return data.replace(b"to milliseconds", f"to milliseconds, take {number}".encode())


def new_maildir(folder: Path) -> Path:
    for sub in ("new", "cur", "tmp"):
        (folder / sub).mkdir(parents=True)
    return folder


def deliver(maildir: Path, name: str, data: bytes) -> None:
    """As an MDA does: write the whole file into tmp/, then rename it into new/."""
    staging = maildir / "tmp" / name
    staging.write_bytes(data)
    staging.rename(maildir / "new" / name)


def replies(folder: Path) -> list[Path]:
    outbox = folder / "patchlens-outbox" / "new"
    return sorted(outbox.iterdir()) if outbox.is_dir() else []


def answered(folder: Path, process: subprocess.Popen[bytes], count: int) -> bool:
    """Whether ``count`` replies are in the outbox before the deadline (or the bot exited)."""
    wait_until(lambda: len(replies(folder)) >= count or process.poll() is not None, DEADLINE)
    return len(replies(folder)) == count


def wait_until(condition: Callable[[], bool], timeout: float) -> bool:
    """Whether ``condition`` became true before ``timeout`` seconds passed."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


@contextmanager
def bot_process(folder: Path, maildir: Path, *options: str) -> Iterator[subprocess.Popen[bytes]]:
    """``patchlens bot run`` over ``maildir``, stderr in ``folder/stderr``; killed at the end."""
    command = [sys.executable, "-m", "lint", "bot", "run", "--maildir", str(maildir)]
    command += ["--config", str(write_config(folder)), *options]
    with (folder / "stderr").open("wb") as stderr:
        process = subprocess.Popen(command, cwd=ROOT, stderr=stderr)
        try:
            yield process
        finally:
            process.kill()
            process.wait(timeout=30)


def stop_cleanly(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM ends the loop; with a long --poll, only a prompt wake ends it in time."""
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=DEADLINE) == 0


def test_mail_moved_into_new_wakes_the_bot_long_before_its_poll(tmp_path: Path) -> None:
    maildir = new_maildir(tmp_path / "list")
    (maildir / "new" / "1").write_bytes(patch_mail(1))
    with bot_process(tmp_path, maildir, "--watch", "--poll", str(LONG_POLL)) as process:
        # The first pass answers the mail already there. Its reply is delivered after that
        # pass read new/, so the second mail can only be taken in by a later pass: woken
        # by the event, or LONG_POLL seconds from now.
        assert answered(tmp_path, process, 1), "no first reply"
        deliver(maildir, "2", patch_mail(2))
        woken = answered(tmp_path, process, 2)
        assert woken, f"the mail waited for the poll: not answered within {DEADLINE} s"
        stop_cleanly(process)
    err = (tmp_path / "stderr").read_text()
    assert f"patchlens bot: watching {maildir / 'new'} with inotify" in err
    assert "patchlens bot: 2 new mails (0 failed, 0 seen before)" in err
    assert sorted(p.name for p in (maildir / "cur").iterdir()) == ["1:2,S", "2:2,S"]


def test_sigterm_stops_a_watch_that_saw_no_mail(tmp_path: Path) -> None:
    maildir = new_maildir(tmp_path / "list")
    with bot_process(tmp_path, maildir, "--watch", "--poll", str(LONG_POLL)) as process:
        # The watch starts its one helper thread when the loop first goes to sleep.
        tasks = Path(f"/proc/{process.pid}/task")
        assert wait_until(lambda: len(list(tasks.iterdir())) == 2, DEADLINE), "never slept"
        stop_cleanly(process)
    assert "with inotify" in (tmp_path / "stderr").read_text()


def test_forced_polling_still_answers(tmp_path: Path) -> None:
    maildir = new_maildir(tmp_path / "list")
    with bot_process(tmp_path, maildir, "--watch=poll", "--poll", "0.2") as process:
        deliver(maildir, "1", patch_mail(1))
        assert answered(tmp_path, process, 1), (tmp_path / "stderr").read_text()
        stop_cleanly(process)
    err = (tmp_path / "stderr").read_text()
    assert f"patchlens bot: polling {maildir / 'new'} every 0.2 s (--watch=poll)\n" in err


def test_polling_is_the_fallback_where_inotify_cannot_watch(tmp_path: Path) -> None:
    notes: list[str] = []
    watch = open_watch(tmp_path / "missing", 5.0, events=True, note=notes.append)
    assert isinstance(watch, Polling)
    assert notes == [
        f"polling {tmp_path / 'missing'} every 5 s: inotify is unavailable "
        "(No such file or directory)"
    ]
    assert watch.wait(threading.Event(), 0.01) is Woken.TIMEOUT


def test_only_a_complete_mail_wakes_the_watch(tmp_path: Path) -> None:
    """inotify queues an event during the system call that causes it: had creating or
    writing a file woken the watch, the short wait would see it at once."""
    maildir = new_maildir(tmp_path / "list")
    watch = open_watch(maildir / "new", 60.0, events=True, note=lambda _: None)
    assert isinstance(watch, InotifyWatch)
    stop = threading.Event()
    try:
        (maildir / "tmp" / "1").write_bytes(patch_mail(1))  # tmp/ is not watched
        with (maildir / "new" / "2").open("wb") as writing:  # a writer that skips tmp/
            writing.write(patch_mail(2)[:100])
            writing.flush()
            assert watch.wait(stop, 0.2) is Woken.TIMEOUT
        assert watch.wait(stop, DEADLINE) is Woken.MAIL  # closed after writing: complete
        (maildir / "tmp" / "1").rename(maildir / "new" / ".1")  # dotfiles are not mail
        assert watch.wait(stop, 0.2) is Woken.TIMEOUT
        (maildir / "new" / ".1").rename(maildir / "new" / "1")
        assert watch.wait(stop, DEADLINE) is Woken.MAIL
    finally:
        stop.set()  # ends the watch's helper thread
        watch.close()


def test_stop_set_by_another_thread_wakes_the_watch(tmp_path: Path) -> None:
    watch = open_watch(tmp_path, 60.0, events=True, note=lambda _: None)
    stop = threading.Event()
    setter = threading.Timer(0.1, stop.set)
    setter.start()
    try:
        assert watch.wait(stop, DEADLINE) is Woken.STOP
    finally:
        setter.join(timeout=10)
        watch.close()


def test_a_removed_folder_falls_back_to_polling_and_says_so(tmp_path: Path) -> None:
    folder = tmp_path / "new"
    folder.mkdir()
    notes: list[str] = []
    watch = open_watch(folder, 7.0, events=True, note=notes.append)
    stop = threading.Event()
    try:
        shutil.rmtree(folder)
        assert watch.wait(stop, DEADLINE) is Woken.LOST
        assert notes[-1] == (
            f"inotify lost {folder} (removed, moved or unmounted): polling every 7 s from now on"
        )
        assert watch.wait(stop, 0.01) is Woken.TIMEOUT
    finally:
        stop.set()
        watch.close()


def test_a_run_without_watch_does_not_import_inotify(tmp_path: Path) -> None:
    """A git hook, ``bot status`` and a cron-driven ``bot run`` never load the watcher."""
    maildir = new_maildir(tmp_path / "list")
    code = (
        "import sys\nfrom lint.cli.main import main\n"
        f"main(['bot', 'run', '--maildir', {str(maildir)!r}, '--config', "
        f"{str(write_config(tmp_path))!r}])\n"
        "print(sorted({'inotify_simple', 'lint.bot.watch'} & set(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("[]")


def test_the_watch_wakes_when_a_series_grace_period_ends(tmp_path: Path) -> None:
    """An incomplete series is answered when its grace period ends, not at the next poll:
    with --poll 300 and grace_period 2, only a timed wake answers it within the deadline."""
    maildir = new_maildir(tmp_path / "list")
    shutil.copy(FIXTURES / "14-incomplete-1of3.eml", maildir / "new" / "1")
    config = tmp_path / "bot.toml"
    config.write_text(
        '[bot]\nstate = "state.sqlite"\ngrace_period = 2\n'
        'from = "patchlens bot <patchlens@bot.example.org>"\n',
        encoding="utf-8",
    )
    command = [sys.executable, "-m", "lint", "bot", "run", "--maildir", str(maildir)]
    command += ["--config", str(config), "--watch", "--poll", str(LONG_POLL)]
    with (tmp_path / "stderr").open("wb") as stderr:
        process = subprocess.Popen(command, cwd=ROOT, stderr=stderr)
        try:
            assert answered(tmp_path, process, 1), "the series waited for the next poll"
            stop_cleanly(process)
        finally:
            process.kill()
            process.wait(timeout=30)
    [reply] = replies(tmp_path)
    assert b"2/3" in reply.read_bytes()  # the reply says which patches never came
