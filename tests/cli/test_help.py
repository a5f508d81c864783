"""Every command's --help answers a first-time user's questions, with examples."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "command", ["lint", "parse", "explain", "rules", "fix", "hook", "hook install", "bot run"]
)
def test_each_command_has_examples_of_itself(command: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "lint", *command.split(), "--help"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert "\nexample" in done.stdout, command
    examples = done.stdout.split("\nexample", 1)[1]
    name = command.split()[0]
    assert f"  patchlens {name}" in examples, examples
