"""b4's two check-command protocols, and real ``b4 prep --check`` running patchlens.

Line protocol (``b4.prep-perpatch-check-cmd``): nothing printed for a clean
patch; ``-:<line>: ERROR|WARNING|CHECK:<TYPE>: message`` per finding.  JSON
protocol (``b4.review-perpatch-check-cmd``): an array of check results, ``[]``
when nothing is to report; it is fed to b4's own parser of that protocol.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from mails import CLEAN_PATCH, WARNED_PATCH

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "thread"


def patchlens(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "lint", *args], input=stdin, capture_output=True, cwd=ROOT
    )


def test_line_protocol_prints_nothing_for_a_clean_patch() -> None:
    done = patchlens("lint", "--format", "b4", "-", stdin=CLEAN_PATCH.encode())
    assert (done.returncode, done.stdout, done.stderr) == (0, b"", b"")


def test_line_protocol_findings(golden: Callable[[str, str], None]) -> None:
    done = patchlens(
        "lint",
        "--format",
        "b4",
        "--types",
        "cr-pinning-background,problem-section,fix-section",
        "-",
        stdin=(EXAMPLES / "v1-0001.patch").read_bytes(),
    )
    # b4 reads our exit status only when we print nothing: 1 here is harmless.
    assert done.returncode == 1
    assert done.stderr == b""
    text = done.stdout.decode()
    for line in text.splitlines():
        assert line.startswith("-:4: ERROR:")
    golden("b4-v1.txt", text)


def test_line_protocol_levels() -> None:
    done = patchlens("lint", "--format", "b4", "-", stdin=WARNED_PATCH.encode())
    lines = done.stdout.decode().splitlines()
    assert any(line.startswith("-:11: WARNING:COMMIT_LOG_LONG_LINE: ") for line in lines)
    assert all(line.startswith("-:") and " WARNING:" in line for line in lines)


def test_json_protocol_empty_for_a_clean_patch() -> None:
    done = patchlens("lint", "--format", "b4-json", "-", stdin=CLEAN_PATCH.encode())
    assert json.loads(done.stdout) == []


def test_json_protocol_findings(golden: Callable[[str, str], None]) -> None:
    done = patchlens(
        "lint",
        "--format",
        "b4-json",
        "--types",
        "cr-pinning-background,problem-section,fix-section",
        "-",
        stdin=(EXAMPLES / "v1-0001.patch").read_bytes(),
    )
    results = json.loads(done.stdout)
    assert [(r["tool"], r["status"], r["summary"]) for r in results] == [
        ("patchlens", "fail", "3 errors")
    ]
    details = json.loads(results[0]["details"])
    assert {d["status"] for d in details} == {"fail"}
    golden("b4-v1.json", done.stdout.decode())


def _b4_module() -> object:
    return pytest.importorskip("b4.review.checks", reason="b4 is not installed (pip install b4)")


def test_b4_parses_our_json(tmp_path: Path) -> None:
    """b4's own runner of the JSON protocol reads what patchlens prints."""
    checks = _b4_module()
    message = message_from_bytes((EXAMPLES / "v1-0001.patch").read_bytes(), policy=policy.default)
    assert isinstance(message, EmailMessage)
    command = [sys.executable, "-m", "lint", "lint", "--format", "b4-json", "-"]
    results = checks._run_external_cmd(command, message, str(ROOT))  # type: ignore[attr-defined]
    assert [r["status"] for r in results] == ["fail"]
    assert results[0]["tool"] == "patchlens"
    clean = message_from_bytes(CLEAN_PATCH.encode(), policy=policy.default)
    assert checks._run_external_cmd(command, clean, str(ROOT)) == []  # type: ignore[attr-defined]


# --- real b4 prep --check ------------------------------------------------------------------


def _b4() -> str:
    found = shutil.which("b4", path=str(Path(sys.executable).parent)) or shutil.which("b4")
    if found is None:
        pytest.skip("b4 is not installed (pip install -e '.[dev]' installs it)")
    return found


def _patchlens_command() -> str:
    entry = Path(sys.executable).parent / "patchlens"
    # The entry point makes b4 name the tool "patchlens"; python -m works as well.
    return str(entry) if entry.exists() else f"{sys.executable} -m lint"


def test_b4_prep_check_lists_our_findings(tmp_path: Path) -> None:
    b4 = _b4()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PATCHLENS_"))}
    for name in ("HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME"):
        env[name] = str(tmp_path / name.lower())
        Path(env[name]).mkdir()
    repo = tmp_path / "linux"
    repo.mkdir()

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)

    git("init", "-q", "-b", "master")
    git("config", "user.name", "Mira Castell")
    git("config", "user.email", "mira.castell@example.org")
    git("config", "b4.prep-perpatch-check-cmd", f"{_patchlens_command()} lint --format b4 -")
    doc = repo / "Documentation" / "watchdog" / "example.rst"
    doc.parent.mkdir(parents=True)
    doc.write_text("Example configuration\ntimeout = 30\nnowayout = 0\n")
    git("add", ".")
    git("commit", "-q", "-m", "Initial")
    subprocess.run(
        [b4, "prep", "-n", "wdt", "-f", "master"],
        cwd=repo,
        env=env,
        check=True,
        capture_output=True,
    )
    body = CLEAN_PATCH.split("\n\n", 1)[1].split("\n---\n", 1)[0]
    message = f"docs: watchdog: Fix the default timeout in the example\n\n{body}"
    doc.write_text(doc.read_text().replace("30", "60"))
    git("commit", "-q", "-a", "-m", message)
    doc.write_text(doc.read_text() + "watchdog = on\n")
    git("commit", "-q", "-a", "-m", "fixed more stuff")

    done = subprocess.run(
        [b4, "prep", "--check"], cwd=repo, env=env, capture_output=True, text=True
    )
    out = done.stdout + done.stderr
    lines = out.splitlines()
    good = next(line for line in lines if "docs: watchdog: Fix the default timeout" in line)
    bad_at = next(i for i, line in enumerate(lines) if line.endswith(": fixed more stuff"))
    assert "\033[32m" in good  # b4's green dot: passed all checks
    findings = [line for line in lines[bad_at + 1 :] if line.startswith("  ")]
    assert any("ERROR:MISSING_SIGN_OFF: missing 'Signed-off-by:' line" in f for f in findings)
    assert all(": -" not in f for f in findings)  # b4 stripped our leading "-:"
    assert "Success: 1, Warning: " in out
    assert "Error: 0" not in out
