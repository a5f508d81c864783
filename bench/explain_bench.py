"""`patchlens explain` against `patchlens lint` on the same 500-message mbox.

    .venv/bin/python bench/explain_bench.py [--messages 500] [--runs 3]

The mbox is built from ../shared/data: the review replies, then the x86 mails
(.eml), then the rebuilt x86 patches, until it holds --messages messages.
Target: explain (every format) takes under 2x the time of lint. Timings are
medians of --runs runs of the real command; only the ratio means anything.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
PATCHLENS = ROOT / ".venv" / "bin" / "patchlens"


def build_mbox(target: Path, messages: int) -> int:
    """Write an mbox of up to ``messages`` real mails; return how many it holds."""
    folders = [DATA / "replies", *sorted(p for p in (DATA / "x86").iterdir() if p.is_dir())]
    files = [f for folder in folders for f in sorted(folder.glob("*.eml"))]
    files += [f for folder in folders[1:] for f in sorted(folder.glob("*.patch"))]
    written = 0
    with target.open("wb") as out:
        for path in files[:messages]:
            data = path.read_bytes()
            if data.startswith(b"From ") and not data.startswith(b"From: "):
                data = data.split(b"\n", 1)[1]
            # mboxrd quoting, so that a "From " line in a body cannot split a message.
            body = b"\n".join(
                b">" + line if line.lstrip(b">").startswith(b"From ") else line
                for line in data.split(b"\n")
            )
            out.write(b"From mboxrd@z Thu Jan  1 00:00:00 1970\n" + body.rstrip(b"\n") + b"\n\n")
            written += 1
    return written


def timed(command: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, check=False)
        times.append(time.perf_counter() - start)
        if done.returncode not in (0, 1):
            sys.exit(f"{' '.join(command)} failed: {done.stderr.decode()[:300]}")
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if not DATA.is_dir():
        print(f"no data folder at {DATA}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        mbox = Path(tmp) / "bench.mbox"
        count = build_mbox(mbox, args.messages)
        lint = timed([str(PATCHLENS), "lint", "-q", "-o", f"{tmp}/lint.txt", str(mbox)], args.runs)
        print(f"{count} messages; lint: {lint:.2f} s")
        worst = 0.0
        for fmt in ("md", "html", "txt", "changelog"):
            out = f"{tmp}/explain.{fmt}"
            seconds = timed(
                [str(PATCHLENS), "explain", "--format", fmt, "-o", out, str(mbox)], args.runs
            )
            worst = max(worst, seconds / lint)
            print(f"explain --format {fmt}: {seconds:.2f} s = {seconds / lint:.2f}x lint")
    verdict = "OK" if worst < 2.0 else "TOO SLOW"
    print(f"worst ratio {worst:.2f}x (target < 2x): {verdict}")
    return 0 if worst < 2.0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
