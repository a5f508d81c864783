"""Two checkouts of patchlens timed in the same run: the hook and a one-patch lint.

For a change that moves start-up cost (issue #14 removed the compiled-regex cache),
"before" and "after" must be measured in the same minutes on this noisy machine.
Each checkout runs from its own source folder (``PYTHONPATH``) with its own byte-code
cache, in fresh processes interleaved with ``python3 -c pass``:

  hook   python -P -c 'from lint.hooks import run; run()' sendemail-validate PATCH
         (what the installed sendemail-validate hook runs), in a throw-away repository
  lint   patchlens lint --quiet ONE.patch (the console script's entry point)

    git worktree add /tmp/before 298f153
    .venv/bin/python bench/compare_trees.py /tmp/before . [--runs 21]

Prints the median wall and CPU time of each, and its ratio to ``python3 -c pass``.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "data" / "corpus"


def _entry(tree: Path) -> str:
    """The command-line entry point of ``tree`` (the package layout changed in #14)."""
    module = "lint.cli.main" if (tree / "lint" / "cli" / "main.py").is_file() else "lint.cli"
    return f"from {module} import run; run()"


def _timed(command: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        sys.exit(f"compare_trees: {command} exited {done.returncode}: {done.stderr[-300:]!r}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("trees", nargs=2, type=Path, metavar="TREE", help="before, after")
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    trees = [tree.resolve() for tree in args.trees]
    patches = sorted(CORPUS.rglob("*.patch")) if CORPUS.is_dir() else []
    one = patches[0] if patches else ROOT / "examples" / "thread" / "v2-0001.patch"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PATCHLENS_"))}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed patchlens has its byte code
    python = sys.executable
    with tempfile.TemporaryDirectory() as folder:
        repo = Path(folder) / "repo"
        repo.mkdir()
        subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
        commands: dict[str, tuple[list[str], dict[str, str]]] = {
            "python -c pass": ([python, "-c", "pass"], env)
        }
        for label, tree in zip(("before", "after"), trees, strict=True):
            tree_env = {
                **env,
                "PYTHONPATH": str(tree),
                "PYTHONPYCACHEPREFIX": f"{folder}/pycache-{label}",
                "GIT_DIR": str(repo / ".git"),
            }
            hook = ["-P", "-c", "from lint.hooks import run; run()", "sendemail-validate"]
            example = tree / "examples" / "thread" / "v2-0001.patch"
            commands[f"hook {label}"] = ([python, *hook, str(example)], tree_env)
            lint = [python, "-P", "-c", _entry(tree), "lint", "--quiet", str(one)]
            commands[f"lint {label}"] = (lint, tree_env)
        for command, command_env in commands.values():  # byte code and caches, once
            for _ in range(2):
                _timed(command, command_env, repo)
        samples: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, (command, command_env) in commands.items():
                samples[name].append(_timed(command, command_env, repo))
    wall_base = statistics.median(wall for wall, _ in samples["python -c pass"])
    cpu_base = statistics.median(cpu for _, cpu in samples["python -c pass"])
    print(f"{args.runs} interleaved runs; before {trees[0]}, after {trees[1]}; lint: {one.name}")
    for name, values in samples.items():
        wall = statistics.median(w for w, _ in values)
        cpu = statistics.median(c for _, c in values)
        print(
            f"  {name:15} wall {wall * 1000:6.1f} ms {wall / wall_base:5.2f}x   "
            f"cpu {cpu * 1000:6.1f} ms {cpu / cpu_base:5.2f}x"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
