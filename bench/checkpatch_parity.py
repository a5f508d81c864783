"""Parity and speed of patchlens against checkpatch.pl on its commit-message checks.

    .venv/bin/python bench/checkpatch_parity.py                # the whole ../shared/data/corpus
    .venv/bin/python bench/checkpatch_parity.py --sample 60    # every k-th file, 60 in all
    .venv/bin/python bench/checkpatch_parity.py --show GIT_COMMIT_ID   # list its disagreements

Both tools read the same files in one process each: checkpatch.pl with
``--no-tree --strict --show-types --terse --types <ours>`` (``--strict`` shows
its CHECK-level types), run in an empty folder so that it finds no git
repository; patchlens with ``lint --format json --types <ours>`` and ``-C`` set
to the kernel tree checkpatch.pl comes from, so both use its
``scripts/spelling.txt``. Findings are compared by (file, line, type); the
types checkpatch reports once per patch with no line of their own (after the
last line of the file) are compared by (file, type).

checkpatch.pl also spells and looks for repeated words in the added diff lines;
patchlens does so only when asked (the rules' ``diff`` parameter), so this
script gives it a config whose extra rule folder holds copies of the two rules
with ``diff = true`` and ignores the packaged ones.

UNKNOWN_COMMIT_ID is not compared: without a repository checkpatch.pl reports
every commit reference as unknown and patchlens reports none
(docs/checkpatch-differences.md). Then speed: the whole sample in one process
each, and one patch in a fresh process each (medians).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "data" / "corpus"
GET_CHECKPATCH = SHARED / "tools" / "get-checkpatch"

TYPES = (
    "COMMIT_MESSAGE",
    "DIFF_IN_COMMIT_MSG",
    "BAD_SIGN_OFF",
    "BAD_STABLE_ADDRESS_STYLE",
    "BAD_REPORTED_BY_LINK",
    "BAD_FIXES_TAG",
    "MISSING_FIXES_TAG",
    "GIT_COMMIT_ID",
    "UNKNOWN_COMMIT_ID",
    "EMAIL_SUBJECT",
    "GERRIT_CHANGE_ID",
    "COMMIT_LOG_LONG_LINE",
    "COMMIT_LOG_VERSIONING",
    "COMMIT_LOG_USE_LINK",
    "COMMIT_LOG_WRONG_LINK",
    "COMMIT_COMMENT_SYMBOL",
    "PLACEHOLDER_USE",
    "PREFER_LORE_ARCHIVE",
    "UTF8_BEFORE_PATCH",
    "INVALID_UTF8",
    "TYPO_SPELLING",
    "REPEATED_WORD",
    "MISSING_SIGN_OFF",
    "NO_AUTHOR_SIGN_OFF",
    "FROM_SIGN_OFF_MISMATCH",
)
PATCH_LEVEL = frozenset(
    {
        "COMMIT_MESSAGE",
        "MISSING_FIXES_TAG",
        "MISSING_SIGN_OFF",
        "NO_AUTHOR_SIGN_OFF",
        "FROM_SIGN_OFF_MISMATCH",
    }
)
"""Types checkpatch reports after reading the whole patch, at no line of their own."""
NOT_COMPARED = frozenset({"UNKNOWN_COMMIT_ID"})
_TERSE = re.compile(r"^(.*?):(\d+): (?:ERROR|WARNING|CHECK):([A-Z0-9_]+):")

Finding = tuple[str, int, str]


@dataclass(frozen=True, slots=True)
class Run:
    findings: frozenset[Finding]
    seconds: float


def find_checkpatch() -> Path | None:
    """checkpatch.pl from ../shared/tools/get-checkpatch, or None when it cannot run here."""
    if not GET_CHECKPATCH.is_file() or not _has("perl"):
        return None
    try:
        out = subprocess.run(
            [str(GET_CHECKPATCH)], capture_output=True, text=True, check=True, timeout=900
        )
    except (OSError, subprocess.SubprocessError):
        return None
    path = Path(out.stdout.strip())
    return path if path.is_file() else None


def _has(program: str) -> bool:
    return any(
        (Path(folder) / program).is_file() for folder in os.environ.get("PATH", "").split(":")
    )


def sample_files(corpus: Path, count: int | None) -> list[Path]:
    """Every file of the corpus, or ``count`` of them evenly spread (the same ones each run)."""
    files = sorted(p for p in corpus.rglob("*") if p.is_file())
    if count is None or count >= len(files):
        return files
    step = len(files) / count
    return [files[int(i * step)] for i in range(count)]


def _key(file: str, line: int, type_: str) -> Finding:
    return (file, 0 if type_ in PATCH_LEVEL else line, type_)


def run_checkpatch(checkpatch: Path, files: list[Path], types: tuple[str, ...]) -> Run:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    with tempfile.TemporaryDirectory(prefix="cp-parity-") as empty:  # no .git: no lookups
        command = ["perl", str(checkpatch), "--no-tree", "--strict", "--show-types", "--terse"]
        command += ["--types", ",".join(types), *map(str, files)]
        start = time.perf_counter()
        out = subprocess.run(command, capture_output=True, cwd=empty, env=env, check=False)
        seconds = time.perf_counter() - start
    found = set()
    for line in out.stdout.decode("utf-8", "replace").splitlines():
        if matched := _TERSE.match(line):
            found.add(_key(matched.group(1), int(matched.group(2)), matched.group(3)))
    return Run(frozenset(found), seconds)


DIFF_RULES = {
    "typo-spelling-diff": ("cp-spelling", "TYPO_SPELLING"),
    "repeated-word-diff": ("cp-repeated-word", "REPEATED_WORD"),
}


def write_diff_config(folder: Path) -> Path:
    """A config adding the two word rules with ``diff = true`` (checkpatch's reach)."""
    rules = folder / "rules"
    rules.mkdir(parents=True, exist_ok=True)
    for rule_id, (kind, type_) in DIFF_RULES.items():
        (rules / f"{rule_id}.toml").write_text(
            f'id = "{rule_id}"\nkind = "{kind}"\nseverity = "warning"\n'
            f'checkpatch = "{type_}"\nsummary = "{type_} with the diff"\n'
            "[params]\ndiff = true\n",
            encoding="utf-8",
        )
    config = folder / "parity.toml"
    config.write_text('rule_dirs = ["rules"]\n', encoding="utf-8")
    return config


def patchlens_command(
    files: list[Path], tree: Path, types: tuple[str, ...], config: Path
) -> list[str]:
    return [
        sys.executable, "-m", "lint", "lint", "-q", "--format", "json",
        "--config", str(config), "--ignore", "typo-spelling,repeated-word",
        "--types", ",".join(types), "-C", str(tree), *map(str, files),
    ]  # fmt: skip


def run_patchlens(files: list[Path], tree: Path, types: tuple[str, ...], config: Path) -> Run:
    start = time.perf_counter()
    out = subprocess.run(
        patchlens_command(files, tree, types, config), capture_output=True, check=False, cwd=ROOT
    )
    seconds = time.perf_counter() - start
    if out.returncode not in (0, 1):
        sys.exit(f"patchlens failed: {out.stderr.decode(errors='replace')}")
    found = set()
    for patch in json.loads(out.stdout)["patches"]:
        for diagnostic in patch["diagnostics"]:
            type_ = diagnostic["checkpatch"]
            found.add(_key(diagnostic["file"], int(diagnostic["line"]), type_))
    return Run(frozenset(found), seconds)


@dataclass(frozen=True, slots=True)
class Agreement:
    type: str
    both: int
    only_checkpatch: int
    only_patchlens: int

    @property
    def percent(self) -> float:
        total = self.both + self.only_checkpatch + self.only_patchlens
        return 100.0 if total == 0 else 100.0 * self.both / total


def compare(checkpatch: Run, patchlens: Run, types: tuple[str, ...]) -> list[Agreement]:
    """Per type: findings of both tools, of checkpatch only, of patchlens only."""
    rows = []
    for type_ in types:
        ours = {f for f in patchlens.findings if f[2] == type_}
        theirs = {f for f in checkpatch.findings if f[2] == type_}
        rows.append(Agreement(type_, len(ours & theirs), len(theirs - ours), len(ours - theirs)))
    return rows


def median_seconds(command: list[str], repeat: int, cwd: Path) -> float:
    """Median wall time of ``command``, after one untimed warm-up run.

    PYTHONDONTWRITEBYTECODE is dropped: a user's Python caches byte code, and with
    it set every run would compile all of patchlens again (about 100 ms).
    """
    samples = []
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("GIT_") and k != "PYTHONDONTWRITEBYTECODE"
    }
    subprocess.run(command, capture_output=True, check=False, cwd=cwd, env=env)
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, capture_output=True, check=False, cwd=cwd, env=env)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--sample", type=int, default=None, help="files to use (default: all)")
    parser.add_argument("--show", metavar="TYPE", help="list the disagreements of TYPE")
    parser.add_argument("--repeat", type=int, default=5, help="runs of the single-patch timing")
    args = parser.parse_args()
    checkpatch = find_checkpatch()
    if checkpatch is None or not args.corpus.is_dir():
        print("checkpatch_parity: needs perl, ../shared/tools/get-checkpatch and the corpus")
        return 2
    tree = checkpatch.parents[1]
    files = sample_files(args.corpus, args.sample)
    compared = tuple(t for t in TYPES if t not in NOT_COMPARED)
    print(f"{len(files)} patches from {args.corpus}; checkpatch.pl: {checkpatch}")
    work = Path(tempfile.mkdtemp(prefix="cp-parity-"))
    config = write_diff_config(work)
    theirs = run_checkpatch(checkpatch, files, TYPES)
    ours = run_patchlens(files, tree, TYPES, config)
    print(f"\n{'type':28} {'both':>6} {'only cp':>8} {'only pl':>8} {'agree':>8}")
    for row in compare(theirs, ours, compared):
        print(
            f"{row.type:28} {row.both:6} {row.only_checkpatch:8} {row.only_patchlens:8}"
            f" {row.percent:7.1f}%"
        )
    skipped = Counter(f[2] for f in theirs.findings if f[2] in NOT_COMPARED)
    for type_, count in sorted(skipped.items()):
        print(f"{type_:28} not compared: checkpatch (no repository) reports {count}, we 0")
    if args.show:
        wanted = args.show.upper()
        for finding in sorted(theirs.findings - ours.findings):
            if finding[2] == wanted:
                print(f"only checkpatch: {finding[0]}:{finding[1]}")
        for finding in sorted(ours.findings - theirs.findings):
            if finding[2] == wanted:
                print(f"only patchlens:  {finding[0]}:{finding[1]}")

    print(f"\nspeed, {len(files)} patches in one process each:")
    print(f"    checkpatch.pl {theirs.seconds:8.2f} s")
    print(
        f"    patchlens     {ours.seconds:8.2f} s   ({theirs.seconds / ours.seconds:.1f}x faster)"
    )
    one = sorted(files, key=lambda p: p.stat().st_size)[len(files) // 2]
    with tempfile.TemporaryDirectory(prefix="cp-parity-") as empty:
        cp_one = median_seconds(
            [
                "perl",
                str(checkpatch),
                "--no-tree",
                "--strict",
                "--terse",
                "--show-types",
                "--types",
                ",".join(TYPES),
                str(one),
            ],
            args.repeat,
            Path(empty),
        )
    pl_one = median_seconds(patchlens_command([one], tree, TYPES, config), args.repeat, ROOT)
    print(f"one patch in a fresh process ({one.name}, median of {args.repeat}):")
    print(f"    checkpatch.pl {cp_one * 1000:8.0f} ms")
    print(f"    patchlens     {pl_one * 1000:8.0f} ms   ({pl_one / cp_one:.2f} of checkpatch's)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
