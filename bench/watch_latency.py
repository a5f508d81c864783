"""How long a mail waits for its reply under ``bot run --watch``: inotify against polling.

Starts two real bots, each over its own maildir, both at the default ``--poll``
(5 s): one woken by inotify (``--watch``), one polling (``--watch=poll``). Then,
turn about (this machine is noisy), it delivers N mails to each the way lei or
procmail does (written into ``tmp/``, renamed into ``new/``), each after a
random pause of up to one poll interval, so that a mail meets the polling bot
at any point of its cycle. A mail's latency runs from its rename to its reply's
rename into the outbox, seen through inotify, so that the measurement does not
poll itself. Each mail is a one-patch series with a finding: one reply each.

Prints the median and range of each, and the ratio of the medians.

    .venv/bin/python bench/watch_latency.py [--mails N] [--seed S]
"""

from __future__ import annotations

import argparse
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from inotify_simple import INotify, flags  # type: ignore[import-untyped]

ROOT = Path(__file__).resolve().parents[1]
MAIL = ROOT / "tests" / "bot_fixtures" / "list" / "09-single-no-sob.eml"
DEFAULT_POLL = 5.0
"""``bot run --poll``'s default (lint/bot/cli.py)."""
SETTLE = 0.3
"""Seconds after a reply before the next mail: the pass that sent it ends first."""


def mail(number: int) -> bytes:
    """The fixture patch as a series of its own: a new Message-ID and subject."""
    data = MAIL.read_bytes()
    data = data.replace(b"<nosob-1.ben@example.com>", f"<bench-{number}.ben@example.com>".encode())
    return data.replace(b"to milliseconds", f"to milliseconds, take {number}".encode())


class Bot:
    """One ``patchlens bot run --watch`` process over its own maildir and outbox."""

    def __init__(self, folder: Path, how: str) -> None:
        self.folder = folder
        self.maildir = folder / "list"
        for sub in ("new", "cur", "tmp"):
            (self.maildir / sub).mkdir(parents=True)
        config = folder / "bot.toml"
        config.write_text(
            '[bot]\nstate = "state.sqlite"\nfrom = "bench <bench@bot.example.org>"\n'
            "author_limit = 100000\n",
            encoding="utf-8",
        )
        (self.maildir / "new" / "warm-up").write_bytes(mail(0))
        self.stderr = (folder / "stderr").open("wb")
        self.process = subprocess.Popen(
            [
                *(sys.executable, "-m", "lint", "bot", "run", how),
                *("--maildir", str(self.maildir), "--config", str(config)),
            ],
            cwd=ROOT,
            stderr=self.stderr,
        )
        outbox = folder / "patchlens-outbox" / "new"
        deadline = time.monotonic() + 120
        while not (outbox.is_dir() and any(outbox.iterdir())):  # the warm-up reply
            if time.monotonic() > deadline or self.process.poll() is not None:
                sys.exit(f"watch_latency: the {how} bot never answered: see {folder / 'stderr'}")
            time.sleep(0.05)
        self.replies = INotify()
        self.replies.add_watch(outbox, flags.MOVED_TO)
        self.count = 0

    def latency(self) -> float:
        """Deliver one mail; seconds from its arrival in new/ to its reply in the outbox."""
        self.count += 1
        staging = self.maildir / "tmp" / str(self.count)
        staging.write_bytes(mail(self.count))
        arrived = time.perf_counter()
        staging.rename(self.maildir / "new" / str(self.count))
        if not self.replies.read(timeout=int(DEFAULT_POLL * 1000 * 4 + 60_000)):
            sys.exit(f"watch_latency: no reply to mail {self.count} in {self.folder}")
        return time.perf_counter() - arrived

    def stop(self) -> str:
        """End the bot with SIGTERM; its stderr."""
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)
        self.replies.close()
        self.stderr.close()
        return (self.folder / "stderr").read_text()


def summary(name: str, values: list[float]) -> str:
    ms = sorted(value * 1000 for value in values)
    return (
        f"{name:8} median {statistics.median(ms):8.1f} ms   "
        f"min {ms[0]:8.1f}   max {ms[-1]:8.1f}   (n={len(ms)})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mails", type=int, default=20, help="mails per bot")
    parser.add_argument("--seed", type=int, default=16)
    args = parser.parse_args()
    pauses = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="watch-latency.") as scratch:
        bots = {
            "inotify": Bot(Path(scratch) / "inotify", "--watch"),
            "polling": Bot(Path(scratch) / "polling", "--watch=poll"),
        }
        found: dict[str, list[float]] = {name: [] for name in bots}
        try:
            for _ in range(args.mails):
                for name, bot in bots.items():
                    time.sleep(SETTLE + pauses.uniform(0, DEFAULT_POLL))
                    found[name].append(bot.latency())
        finally:
            notes = {name: bot.stop() for name, bot in bots.items()}
    for name, text in notes.items():
        said = [line for line in text.splitlines() if "watching" in line or "polling" in line]
        print(f"{name:8} {said[0] if said else '(the bot did not say how it waits)'}")
    for name, values in found.items():
        print(summary(name, values))
    ratio = statistics.median(found["polling"]) / statistics.median(found["inotify"])
    print(f"polling / inotify: {ratio:.1f}x the median latency (--poll {DEFAULT_POLL:g} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
