"""Real ``pre-commit`` running the hooks of our ``.pre-commit-hooks.yaml``.

pre-commit clones the hook repository and, for ``language: python``, builds a
virtualenv and pip-installs patchlens into it: that needs the network, which
tests do not have.  So the hook repository made here holds our
``.pre-commit-hooks.yaml`` with one change, ``language: system``, and PATH
leads to this interpreter's folder: the ids, stages, entries and arguments
pre-commit runs are ours, byte for byte.  PRE_COMMIT_HOME is in tmp_path.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from mails import AUTHOR, GOOD_MESSAGE

ROOT = Path(__file__).resolve().parents[2]


def _pre_commit() -> str:
    found = shutil.which("pre-commit", path=str(Path(sys.executable).parent)) or shutil.which(
        "pre-commit"
    )
    if found is None:
        pytest.skip("pre-commit is not installed (pip install -e '.[dev]' installs it)")
    return found


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PATCHLENS_"))}
    full["PRE_COMMIT_HOME"] = str(tmp_path / "pre-commit-home")
    full["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{full.get('PATH', '')}"
    full["HOME"] = str(tmp_path)
    return full


def _git(
    repo: Path, env: dict[str, str], *args: str, message: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *args], cwd=repo, env=env, capture_output=True, text=True, input=message
    )


def _hook_repo(tmp_path: Path, env: dict[str, str]) -> tuple[Path, str]:
    repo = tmp_path / "patchlens-hooks"
    repo.mkdir()
    text = (ROOT / ".pre-commit-hooks.yaml").read_text()
    assert text.count("language: python") == 2
    (repo / ".pre-commit-hooks.yaml").write_text(
        text.replace("language: python", "language: system")
    )
    _git(repo, env, "init", "-q")
    _git(repo, env, "add", ".")
    _git(
        repo,
        env,
        "-c",
        "user.name=A",
        "-c",
        "user.email=a@example.org",
        "commit",
        "-q",
        "-m",
        "hooks",
    )
    return repo, _git(repo, env, "rev-parse", "HEAD").stdout.strip()


@pytest.fixture
def project(tmp_path: Path, env: dict[str, str]) -> Path:
    hooks, rev = _hook_repo(tmp_path, env)
    repo = tmp_path / "linux"
    repo.mkdir()
    _git(repo, env, "init", "-q")
    _git(repo, env, "config", "user.name", "Mira Castell")
    _git(repo, env, "config", "user.email", "mira.castell@example.org")
    (repo / ".pre-commit-config.yaml").write_text(
        f"""repos:
  - repo: {hooks}
    rev: {rev}
    hooks:
      - id: patchlens-commit-msg
      - id: patchlens-range
        args: ["HEAD~1..HEAD"]
"""
    )
    done = subprocess.run(
        [_pre_commit(), "install", "--hook-type", "commit-msg"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    (repo / "example.rst").write_text("timeout = 60\n")
    _git(repo, env, "add", ".")
    return repo


def test_pre_commit_runs_our_commit_msg_hook(project: Path, env: dict[str, str]) -> None:
    bad = _git(project, env, "commit", "-q", "-F", "-", message="fixed the timeout\n")
    assert bad.returncode != 0
    output = bad.stdout + bad.stderr
    assert "patchlens (commit message and staged diff)" in output
    assert "Failed" in output
    assert "signed-off-by" in output
    assert _git(project, env, "rev-parse", "-q", "--verify", "HEAD").returncode != 0

    good = _git(project, env, "commit", "-q", "-F", "-", message=GOOD_MESSAGE)
    assert good.returncode == 0, good.stdout + good.stderr
    assert _git(project, env, "log", "-1", "--format=%an <%ae>").stdout.strip() == AUTHOR


def test_pre_commit_manual_stage_lints_a_range(project: Path, env: dict[str, str]) -> None:
    assert _git(project, env, "commit", "-q", "--no-verify", "-m", "first commit").returncode == 0
    (project / "example.rst").write_text("timeout = 90\n")
    _git(project, env, "commit", "-q", "-a", "--no-verify", "-m", "fixed it again")
    done = subprocess.run(
        [_pre_commit(), "run", "--hook-stage", "manual", "patchlens-range"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "patchlens (commits not yet upstream)" in done.stdout
    assert '("fixed it again")' in done.stdout
    assert "first commit" not in done.stdout  # only HEAD~1..HEAD


def test_pre_commit_range_with_nothing_unpushed_passes(project: Path, env: dict[str, str]) -> None:
    """The hook as shipped (``@{upstream}..HEAD``) on a branch level with its upstream."""
    config = project / ".pre-commit-config.yaml"
    config.write_text(config.read_text().replace('        args: ["HEAD~1..HEAD"]\n', ""))
    _git(project, env, "add", ".")
    assert _git(project, env, "commit", "-q", "--no-verify", "-m", "first").returncode == 0
    _git(project, env, "branch", "pushed")
    assert _git(project, env, "branch", "--set-upstream-to=pushed").returncode == 0
    done = subprocess.run(
        [_pre_commit(), "run", "--verbose", "--hook-stage", "manual", "patchlens-range"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "patchlens (commits not yet upstream)" in done.stdout
    assert "Passed" in done.stdout
    assert "patchlens: note: no commits in @{upstream}..HEAD\n" in done.stdout
