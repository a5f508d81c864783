"""The command line end to end on the example thread: formats, exit codes, goldens."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from lint.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
V1 = ROOT / "examples" / "thread" / "v1-0001.patch"
V2 = ROOT / "examples" / "thread" / "v2-0001.patch"
SECTIONS = ("cr-pinning-background", "problem-section", "fix-section")


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(args)
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture(autouse=True)
def _in_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("NO_COLOR", raising=False)


def test_v1_reports_missing_sections_at_the_subject(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(["lint", "--format", "json", str(V1.relative_to(ROOT))], capsys)
    assert status == 1
    report = json.loads(out)
    found = {(d["rule"], d["line"]) for p in report["patches"] for d in p["diagnostics"]}
    # Line 4 of v1-0001.patch holds its Subject: header.
    for rule in SECTIONS:
        assert (rule, 4) in found


def test_v2_reports_none_of_them(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(["lint", "--format", "json", str(V2.relative_to(ROOT))], capsys)
    report = json.loads(out)
    rules = {d["rule"] for p in report["patches"] for d in p["diagnostics"]}
    assert not rules & {*SECTIONS, "fred-background", "sev-background"}
    # What remains is the pinned-bit finding, a note: the sections it asks for are there.
    assert rules == {"pinned-bit-bringup"}
    assert report["summary"]["errors"] == 0
    assert report["summary"]["warnings"] == 0
    assert status == 0
    status, _, _ = run(["lint", "--fail-on", "note", str(V2.relative_to(ROOT))], capsys)
    assert status == 1


@pytest.mark.parametrize("fmt", ["text", "terse", "json"])
def test_report_formats_match_goldens(
    fmt: str, capsys: pytest.CaptureFixture[str], golden: Callable[[str, str], None]
) -> None:
    inputs = [str(V1.relative_to(ROOT)), str(V2.relative_to(ROOT))]
    status, out, _ = run(["lint", "--format", fmt, "--color", "never", *inputs], capsys)
    assert status == 1
    golden(f"lint-thread.{fmt}", out)


def test_parse_json_matches_golden(
    capsys: pytest.CaptureFixture[str], golden: Callable[[str, str], None]
) -> None:
    status, out, _ = run(["parse", "--format", "json", str(V2.relative_to(ROOT))], capsys)
    assert status == 0
    record = json.loads(out)
    assert record["subject_clean"] == ("x86/fred: Fix early boot failures on SEV-ES/SNP guests")
    assert [s["title"] for s in record["sections"]] == [
        "CR Pinning Background",
        "FRED Background",
        "SEV Background",
        "Problem",
        "Fix",
    ]
    golden("parse-v2.jsonl", out)


def test_colour_only_when_asked(capsys: pytest.CaptureFixture[str]) -> None:
    _, plain, _ = run(["lint", "--color", "never", str(V1)], capsys)
    _, coloured, _ = run(["lint", "--color", "always", str(V1)], capsys)
    assert "\033[" not in plain
    assert "\033[1;31merror" in coloured


def test_fail_on_error_ignores_warnings(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, _ = run(["lint", "--fail-on", "error", str(V2)], capsys)
    assert status == 0


def test_ignore_accepts_ids(capsys: pytest.CaptureFixture[str]) -> None:
    ignored = [*SECTIONS, "fred-background", "sev-background", "pinned-bit-bringup"]
    status, out, _ = run(["lint", "--ignore", ",".join(ignored), str(V1)], capsys)
    assert status == 0, out
    assert not any(rule in out for rule in SECTIONS)


def test_rules_lists_every_rule_file(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(["rules"], capsys)
    assert status == 0
    for path in (ROOT / "rules").glob("*.toml"):
        assert path.stem in out
    # The series checks are rules like the others (listed, re-gradable, disable-able).
    for series in ("series-numbering", "series-version", "series-cover-letter", "series-base"):
        assert series in out


def test_rules_id_prints_rationale(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(["rules", "fred-background"], capsys)
    assert status == 0
    assert "FRED" in out and "fred-background" in out


def test_python_dash_m_and_piped_output_have_no_progress() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "lint", "lint", str(V1)],
        capture_output=True,
        cwd=ROOT,
        env={**os.environ, "NO_COLOR": "1"},
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr == b""
    assert b"\033[" not in done.stdout


def test_jobs_give_the_same_report(capsys: pytest.CaptureFixture[str]) -> None:
    inputs = [str(V1), str(V2), str(V1)]
    _, serial, _ = run(["lint", "--format", "json", *inputs], capsys)
    _, parallel, _ = run(["lint", "--format", "json", "-j", "2", *inputs], capsys)
    assert serial == parallel


def test_rules_marks_the_rules_that_are_off(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(["rules"], capsys)
    assert status == 0
    lines = {line.split()[0]: line for line in out.splitlines() if line.strip()}
    assert "(off)" in lines["changelog-body"]
    assert "(off)" not in lines["commit-message"]


def test_linting_a_lone_patch_loads_no_thread_machinery() -> None:
    # The thread pass is made for every run, but a mail that cannot belong to a thread
    # (no In-Reply-To, not a reply, not a re-roll) gives it nothing: lint.thread.threads, with
    # the review parser, must not be imported for it (one patch is a b4 or hook run).
    patch = ROOT / "examples" / "thread" / "v1-0001.patch"
    code = (
        "import sys; from lint.cli.main import main; "
        f"main(['lint', '-q', {str(patch)!r}]); "
        "print([m for m in ('lint.thread.threads', 'lint.thread.review') if m in sys.modules])"
    )
    done = subprocess.run(
        [sys.executable, "-P", "-c", code], capture_output=True, text=True, check=True
    )
    assert done.stdout.splitlines()[-1] == "[]"
