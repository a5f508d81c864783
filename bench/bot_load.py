"""Load benchmark of the list bot: N messages from ../shared/data/corpus through to the outbox.

    .venv/bin/python bench/bot_load.py                    # 10,000 messages, and 2,000 for RSS
    .venv/bin/python bench/bot_load.py --messages 3000 --no-durable --jobs 1

Each corpus patch is given a fresh Message-ID (the corpus holds about 4,100
patches, so they are reused) and delivered into a maildir's new/. Then one
`patchlens bot run --maildir` process lints, records, answers and writes every
reply to the outbox. Printed: messages per second (target: at least 200/s)
and the peak RSS of the bot process, for a smaller run too, so that "flat
memory" can be read off: the peak must not grow with the number of messages.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "data" / "corpus"
_MSGID = re.compile(rb"^Message-I[Dd]:.*\n(?:[ \t].*\n)*", re.MULTILINE)


def corpus_patches() -> list[bytes]:
    if not CORPUS.is_dir():
        sys.exit(f"bench: {CORPUS} is absent; the load benchmark needs ../shared/data/corpus")
    patches = [path.read_bytes() for path in sorted(CORPUS.rglob("*")) if path.is_file()]
    # Interleave the sources (openwrt, armbian, tip): the small and the big run then lint
    # the same mix, and their rates and peaks compare.
    return sorted(patches, key=lambda data: hashlib.sha256(data).digest())


def as_mail(patch: bytes, number: int) -> bytes:
    """The patch with its mbox From line dropped and a Message-ID of its own."""
    if patch.startswith(b"From "):
        patch = patch.split(b"\n", 1)[1]
    head, sep, body = patch.partition(b"\n\n")
    head = _MSGID.sub(b"", head + b"\n").rstrip(b"\n")
    return head + f"\nMessage-ID: <load-{number}@bench.example.org>".encode() + sep + body


def fill(maildir: Path, patches: list[bytes], count: int) -> None:
    for folder in ("new", "cur", "tmp"):
        (maildir / folder).mkdir(parents=True)
    for number in range(count):
        (maildir / "new" / f"{number:06d}.eml").write_bytes(
            as_mail(patches[number % len(patches)], number)
        )


def run(count: int, patches: list[bytes], durable: bool, jobs: int) -> tuple[float, float, str]:
    """(seconds, peak RSS in MiB, the bot's summary line) for one run over ``count`` mails."""
    with tempfile.TemporaryDirectory(prefix="patchlens-bot-load.") as scratch:
        work = Path(scratch)
        fill(work / "list", patches, count)
        config = work / "bot.toml"
        config.write_text(
            f'[bot]\nstate = "state.sqlite"\ndurable = {"true" if durable else "false"}\n'
            'thread_limit = 1000000\nauthor_limit = 1000000\n[bot.outbox]\npath = "outbox"\n',
            encoding="utf-8",
        )
        command = [sys.executable, "-m", "lint", "bot", "run", "--maildir", str(work / "list")]
        command += ["--config", str(config), "--jobs", str(jobs)]
        start = time.perf_counter()
        result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        seconds = time.perf_counter() - start
        if result.returncode != 0:
            sys.exit(f"bench: the bot failed: {result.stderr}")
        # The largest child so far: runs go smallest first, so a growing peak would show.
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        replies = len(list((work / "outbox" / "new").iterdir()))
        return seconds, peak, f"{replies} replies in the outbox"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--small", type=int, default=2_000, help="the run to compare RSS with")
    parser.add_argument("--jobs", type=int, default=2, help="bot run --jobs (default 2)")
    parser.add_argument("--no-durable", action="store_true", help="durable = false in [bot]")
    args = parser.parse_args()
    patches = corpus_patches()
    durable = not args.no_durable
    print(f"corpus: {len(patches)} patches; durable = {str(durable).lower()}; jobs = {args.jobs}")
    for count in (args.small, args.messages):
        seconds, peak, what = run(count, patches, durable, args.jobs)
        print(
            f"{count:6d} messages: {seconds:6.1f} s, {count / seconds:6.0f} messages/s, "
            f"peak RSS {peak:5.1f} MiB ({what})"
        )


if __name__ == "__main__":
    main()
