"""Benchmarks for the core: every figure is a ratio against a baseline measured in the same run.

    .venv/bin/python bench/run.py                 # all four, 1 GB for the streaming test
    .venv/bin/python bench/run.py --big-mb 256    # a smaller streaming test
    .venv/bin/python bench/run.py --only startup

(a) throughput: `patchlens lint` over an mbox built from ../shared/data/corpus, against a plain
    stdlib `mailbox` + `email` decode of the same mbox (target: at least 1/3 of its speed);
(b) streaming: peak RSS of `patchlens lint` over a ~1 GB mbox (target: under 150 MB), in the
    text report or, with --format, another (json and sarif are spooled too);
(c) start-up: `patchlens lint one.patch` against `python3 -c pass` (target: at most 4x);
(d) parallelism: `-j 1` against `-j N`: processes seen and speed-up.

Machines here are noisy (2 shared cores): timings are medians of repeated runs, and only the
ratios mean anything.
"""

from __future__ import annotations

import argparse
import mailbox
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "data" / "corpus"
VENV_BIN = Path(sys.executable).parent
PATCHLENS = [sys.executable, "-m", "lint"]


def corpus_files() -> list[Path]:
    if not CORPUS.is_dir():
        sys.exit(f"bench: {CORPUS} is absent; the benchmarks need ../shared/data/corpus")
    return sorted(p for p in CORPUS.rglob("*") if p.is_file())


def mbox_lines(path: Path, thread_headers: bytes = b"") -> Iterator[bytes]:
    """The file as mbox lines: its own From line kept, a made-up one added, >From quoted.

    ``thread_headers`` are added after the first header line (a Message-ID and an
    In-Reply-To make the mail part of a thread, as every mail of a list archive is).
    """
    data = path.read_bytes()
    if not data.startswith(b"From "):
        yield b"From patchlens-bench Mon Sep 17 00:00:00 2001\n"
    for number, line in enumerate(data.splitlines(keepends=True)):
        if number and line.lstrip(b">").startswith(b"From "):
            line = b">" + line
        yield line
        if number == 1 and thread_headers:
            yield thread_headers
    if not data.endswith(b"\n"):
        yield b"\n"
    yield b"\n"


def build_mbox(files: list[Path], target: Path, min_bytes: int = 0, threaded: bool = False) -> int:
    """Concatenate ``files`` into an mbox at ``target``, repeating until ``min_bytes``.

    ``threaded``: each mail gets its own Message-ID and answers a made-up cover letter
    shared by ten, as the patches of a series do.
    """
    messages = 0
    with target.open("wb") as out:
        while True:
            for path in files:
                headers = b""
                if threaded:
                    headers = b"Message-ID: <bench.%d@example.org>\n" % messages
                    headers += b"In-Reply-To: <bench-cover.%d@example.org>\n" % (messages // 10)
                out.writelines(mbox_lines(path, headers))
                messages += 1
            if out.tell() >= min_bytes:
                return messages


def median_time(action: Callable[[], object], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def stdlib_decode(path: Path) -> int:
    """The baseline: what any Python mail tool does at the least."""
    count = 0
    for message in mailbox.mbox(path, factory=None):
        for part in message.walk():
            if not part.is_multipart():
                part.get_payload(decode=True)
        count += 1
    return count


def patchlens_lint(path: Path) -> int:
    from lint.checks.api import CheckContext
    from lint.config import load_config
    from lint.engine.pipeline import DecodeOptions
    from lint.engine.runner import LintJob, lint_mails
    from lint.rulebook.ruleset import load_ruleset
    from lint.sources.inputs import open_input

    config = load_config(None, ROOT)
    job = LintJob(load_ruleset(config), CheckContext(), DecodeOptions())
    return sum(1 for _ in lint_mails(open_input(str(path)), job))


def bench_throughput(workdir: Path, repeat: int) -> None:
    mbox = workdir / "corpus.mbox"
    messages = build_mbox(corpus_files(), mbox)
    size = mbox.stat().st_size / 2**20
    print(f"(a) throughput on {mbox.name}: {messages} messages, {size:.1f} MiB")
    assert stdlib_decode(mbox) == patchlens_lint(mbox) == messages
    # Interleaved pairs, so that a busy spell on this shared machine hits both sides;
    # the figure is the median of the pairs' ratios.
    pairs = []
    for _ in range(repeat):
        base = median_time(lambda: stdlib_decode(mbox), 1)
        ours = median_time(lambda: patchlens_lint(mbox), 1)
        pairs.append((base, ours))
    base = statistics.median(b for b, _ in pairs)
    ours = statistics.median(o for _, o in pairs)
    ratios = sorted(b / o for b, o in pairs)
    print(f"    stdlib mailbox+email decode  {messages / base:8.0f} msg/s")
    print(f"    patchlens lint (in process)  {messages / ours:8.0f} msg/s")
    print(
        f"    ratio patchlens/stdlib       {statistics.median(ratios):8.2f}   "
        f"(median of {repeat} interleaved pairs, range {ratios[0]:.2f}-{ratios[-1]:.2f}; "
        "target >= 0.33)"
    )


def peak_rss_mb(command: list[str]) -> tuple[float, float]:
    """Run ``command`` in a fresh child and return (seconds, its peak RSS in MiB)."""
    start = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    subprocess.run(command, check=False, stdout=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # ru_maxrss of children is the maximum over all waited-for children: run this first.
    return time.perf_counter() - start, max(before, after) / 1024


def bench_streaming(workdir: Path, big_mb: int, form: str, threaded: bool) -> None:
    mbox = workdir / "big.mbox"
    messages = build_mbox(corpus_files(), mbox, min_bytes=big_mb * 2**20, threaded=threaded)
    size = mbox.stat().st_size / 2**20
    seconds, rss = peak_rss_mb([*PATCHLENS, "lint", "--quiet", "--format", form, str(mbox)])
    kind = " threaded" if threaded else ""
    print(
        f"(b) streaming {size:.0f} MiB, {messages}{kind} messages, --format {form}: "
        f"{seconds:.0f} s, "
        f"{messages / seconds:.0f} msg/s, peak RSS {rss:.0f} MiB   (target < 150 MiB)"
    )
    mbox.unlink()


def bench_startup(repeat: int) -> None:
    one = next(p for p in corpus_files() if p.suffix == ".patch")
    patchlens = [str(VENV_BIN / "patchlens"), "lint", "--quiet", str(one)]
    baseline = [sys.executable, "-c", "pass"]

    # A user's Python caches byte code; with PYTHONDONTWRITEBYTECODE set (as in some
    # shells) every run would compile all of patchlens again. One untimed warm-up run.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

    def run(command: list[str]) -> None:
        subprocess.run(command, check=False, stdout=subprocess.DEVNULL, env=env)

    run(patchlens)
    samples_base, samples_ours = [], []
    for _ in range(repeat):  # interleaved so that noise hits both alike
        samples_base.append(median_time(lambda: run(baseline), 1))
        samples_ours.append(median_time(lambda: run(patchlens), 1))
    base, ours = statistics.median(samples_base), statistics.median(samples_ours)
    print(
        f"(c) start-up: python3 -c pass {base * 1000:.0f} ms, "
        f"patchlens lint one.patch {ours * 1000:.0f} ms, ratio {ours / base:.2f}   "
        "(target <= 4)"
    )


def children_seen(command: list[str]) -> tuple[float, int]:
    """Run ``command``, polling /proc for its child processes; return (seconds, most seen)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    most = 0
    while process.poll() is None:
        children = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == process.pid:
                children += 1
        most = max(most, children)
        time.sleep(0.05)
    return time.perf_counter() - start, most


def bench_jobs(workdir: Path, jobs: int) -> None:
    mbox = workdir / "corpus.mbox"
    if not mbox.exists():
        build_mbox(corpus_files(), mbox)
    one, _ = children_seen([*PATCHLENS, "lint", "--quiet", "-j", "1", str(mbox)])
    many, seen = children_seen([*PATCHLENS, "lint", "--quiet", "-j", str(jobs), str(mbox)])
    # What this (shared) machine gives N processes of pure CPU work right now: the
    # ceiling any -j speed-up is measured against.
    ceiling = cpu_ceiling(jobs)
    print(
        f"(d) -j 1 {one:.1f} s, -j {jobs} {many:.1f} s: speed-up {one / many:.2f}x "
        f"with {seen} worker processes seen (cores: {os.cpu_count()}; the machine's own "
        f"speed-up for {jobs} busy processes just now: {ceiling:.2f}x)"
    )


def _burn(rounds: int) -> int:
    total = 0
    for i in range(rounds):
        total += i * i
    return total


def cpu_ceiling(jobs: int, rounds: int = 5_000_000) -> float:
    """Speed-up of ``jobs`` processes over one on pure Python arithmetic (no I/O, no IPC)."""
    import multiprocessing

    start = time.perf_counter()
    for _ in range(jobs):
        _burn(rounds)
    serial = time.perf_counter() - start
    with multiprocessing.Pool(jobs) as pool:
        start = time.perf_counter()
        pool.map(_burn, [rounds] * jobs)
        parallel = time.perf_counter() - start
    return serial / parallel


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=("throughput", "streaming", "startup", "jobs"))
    parser.add_argument("--big-mb", type=int, default=1024, help="size of the streaming mbox")
    parser.add_argument("--format", default="text", help="report format of the streaming run")
    parser.add_argument(
        "--threaded",
        action="store_true",
        help="streaming: every mail in a thread (the thread rules keep a summary of each)",
    )
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory(prefix="patchlens-bench-") as tmp:
        workdir = Path(tmp)
        if args.only in (None, "streaming"):  # first: ru_maxrss of children is a running max
            bench_streaming(workdir, args.big_mb, args.format, args.threaded)
        if args.only in (None, "throughput"):
            bench_throughput(workdir, args.repeat)
        if args.only in (None, "startup"):
            bench_startup(args.repeat * 4)
        if args.only in (None, "jobs"):
            bench_jobs(workdir, args.jobs)


if __name__ == "__main__":
    main()
