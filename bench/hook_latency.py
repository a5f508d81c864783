"""What the sendemail-validate hook adds to every mail git send-email sends.

Builds a throw-away repository, installs the hook with ``patchlens hook
install``, and times, in the same run and interleaved (this machine is
noisy), the median wall time of:

  baseline   python -c pass               (the interpreter the hook runs)
  hook       .git/hooks/sendemail-validate PATCH   (sh + python -P -c ..., see hooks_install)
  lint       patchlens lint -q PATCH      (the CLI, for comparison)

and prints each as a ratio to the baseline.  The target is hook <= 5x baseline (it was
4x while patchlens cached compiled regexes and code; see bench/README.md).

It also gives the median CPU time (user + system) each command's processes
used.  Wall time is what a user waits; CPU time is the work done, and does not
grow when another job takes the machine's cores for a moment, as wall time
does here: read the two together.

    .venv/bin/python bench/hook_latency.py [--runs N] [--patch FILE]
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
PATCH = ROOT / "examples" / "thread" / "v2-0001.patch"


def _time(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    """Wall time and CPU time (of the command's processes) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def _check(name: str, command: list[str], cwd: Path, env: dict[str, str]) -> None:
    """Refuse to time a command that fails: a quick error would pass for a quick hook."""
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    if done.returncode not in (0, 1):
        sys.exit(f"hook_latency: {name} exited {done.returncode}: {done.stderr.strip()}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--patch", type=Path, default=PATCH)
    args = parser.parse_args()
    patch = args.patch.resolve()  # the commands run in the throw-away repository
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PATCHLENS_"))}
    python = str(Path(sys.executable).absolute())
    with tempfile.TemporaryDirectory() as folder:
        repo = Path(folder) / "repo"
        repo.mkdir()
        # Measure what an installed patchlens costs: with byte code cached (pip writes it at
        # install time), even where PYTHONDONTWRITEBYTECODE is set for the shell.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(Path(folder) / "pycache")
        subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
        subprocess.run(
            [python, "-m", "lint", "hook", "install", "--sendemail-validate"],
            cwd=repo,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        hook_env = {**env, "GIT_DIR": str(repo / ".git")}
        commands = {
            "baseline": ([python, "-c", "pass"], env),
            "hook": (
                [str(repo / ".git" / "hooks" / "sendemail-validate"), str(patch)],
                hook_env,
            ),
            "lint": ([python, "-m", "lint", "lint", "-q", str(patch)], env),
        }
        walls: dict[str, list[float]] = {name: [] for name in commands}
        cpus: dict[str, list[float]] = {name: [] for name in commands}
        for name, (command, cmd_env) in commands.items():  # warm the caches once
            _check(name, command, repo, cmd_env)
        for _ in range(args.runs):
            for name, (command, cmd_env) in commands.items():
                wall, cpu = _time(command, repo, cmd_env)
                walls[name].append(wall)
                cpus[name].append(cpu)
    wall_base = statistics.median(walls["baseline"])
    cpu_base = statistics.median(cpus["baseline"])
    print(f"patch: {args.patch.name}, {args.runs} runs each, interleaved; medians")
    print(f"  {'':<9} {'wall':>9}            {'cpu':>9}")
    for name in commands:
        wall, cpu = statistics.median(walls[name]), statistics.median(cpus[name])
        print(
            f"  {name:<9} {wall * 1000:6.1f} ms {wall / wall_base:5.1f}x   "
            f"{cpu * 1000:6.1f} ms {cpu / cpu_base:5.1f}x"
        )
    wall_ratio = statistics.median(walls["hook"]) / wall_base
    cpu_ratio = statistics.median(cpus["hook"]) / cpu_base
    verdict = "OK" if wall_ratio <= 5.0 else "OVER"
    print(f"hook / baseline = {wall_ratio:.1f} wall, {cpu_ratio:.1f} cpu (target <= 5): {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
