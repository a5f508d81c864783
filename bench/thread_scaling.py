"""How the thread rules scale: an mbox of N review threads, then one of 4N.

    .venv/bin/python bench/thread_scaling.py [--threads N]

Each thread is a copy of ``tests/cases/review-followup/fail-dropped-section.mbox``
(v1 with structured sections, a review asking for a section, a v2 that drops
it) with its own Message-IDs and subjects, so every thread yields one
review-followup finding. ``patchlens lint --types review-followup`` runs on N
and on 4N threads in fresh processes; printed are the wall time and peak RSS
of each and the ratios. Linear work reads 4x time; a ratio well above it
means some step compares every mail with every other (merging thread
findings did, until it looked mails up by key).
"""

from __future__ import annotations

import argparse
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
THREAD = ROOT / "tests" / "cases" / "review-followup" / "fail-dropped-section.mbox"


def distinct_threads(source: bytes, count: int) -> bytes:
    """``count`` copies of the threads of an mbox, each with its own Message-IDs and subjects."""
    copies = []
    for n in range(count):
        copy = re.sub(rb"<([^<>@\s]+)@", rb"<\1." + str(n).encode() + b"@", source)
        copies.append(re.sub(rb"(Subject: (?:Re: )?\[PATCH[^\]]*\] )", rb"\g<1>t%d " % n, copy))
    return b"".join(copies)


def _run(mbox: Path) -> tuple[float, float, int]:
    """Wall seconds, peak RSS (MiB) and finding count of one lint run in a fresh process."""
    command = [sys.executable, "-m", "lint", "lint", "--format", "terse"]
    command += ["--types", "review-followup", str(mbox)]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if done.returncode not in (0, 1):
        sys.exit(f"thread_scaling: lint exited {done.returncode}: {done.stderr.strip()}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return wall, peak, len(done.stdout.splitlines())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1000, help="N (default 1000)")
    args = parser.parse_args()
    source = THREAD.read_bytes()
    results = []
    with tempfile.TemporaryDirectory() as folder:
        # The larger run goes second: RUSAGE_CHILDREN's peak is the largest child so far.
        for count in (args.threads, 4 * args.threads):
            mbox = Path(folder) / f"threads-{count}.mbox"
            mbox.write_bytes(distinct_threads(source, count))
            wall, peak, found = _run(mbox)
            results.append((count, wall, peak))
            print(f"{count:6} threads: {wall:6.2f} s, peak RSS {peak:6.1f} MiB, {found} findings")
    (small, small_wall, small_peak), (large, large_wall, large_peak) = results
    print(
        f"{large} vs {small} threads: {large_wall / small_wall:.1f}x the time "
        f"(4.0x is linear), {large_peak / small_peak:.1f}x the peak RSS"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
