"""A checkpatch.pl user's command line and reading habits work (issue #13, point 6)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
V1 = ROOT / "examples" / "thread" / "v1-0001.patch"
V2 = ROOT / "examples" / "thread" / "v2-0001.patch"


def patchlens(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lint", *args], capture_output=True, text=True, cwd=ROOT
    )


def test_checkpatch_code_types_in_ignore_are_accepted_with_a_note() -> None:
    plain = patchlens("lint", str(V1))
    done = patchlens("lint", "--ignore", "FILE_PATH_CHANGES,SPDX_LICENSE_TAG,LONG_LINE", str(V1))
    assert done.returncode == plain.returncode == 1
    assert done.stdout == plain.stdout
    assert done.stderr == (
        "patchlens: note: --ignore: FILE_PATH_CHANGES, SPDX_LICENSE_TAG, LONG_LINE: "
        "checkpatch.pl checks of the code, which patchlens leaves to checkpatch.pl "
        "(it checks changelogs, tags, series and the pinned CR bits)\n"
    )


def test_only_code_types_run_nothing_and_say_so() -> None:
    done = patchlens("lint", "--types", "LONG_LINE", str(V1))
    assert done.returncode == 0
    assert "note: --types: LONG_LINE: checkpatch.pl checks of the code" in done.stderr
    assert done.stdout == "1 message, no findings\n"


def test_an_unknown_name_is_an_error_of_the_option_it_was_given_to() -> None:
    done = patchlens("lint", "--ignore", "NO_SUCH_TYPE", str(V1))
    assert (done.returncode, done.stderr) == (
        2,
        "patchlens: --ignore: unknown rule or checkpatch type 'NO_SUCH_TYPE'\n",
    )


def test_terse_and_show_types_are_checkpatch_spellings() -> None:
    mine = patchlens("lint", "--format", "terse", "--rule-names", "checkpatch", str(V1))
    theirs = patchlens("lint", "--terse", "--show-types", "--no-tree", str(V1))
    assert theirs.returncode == mine.returncode == 1
    assert theirs.stdout == mine.stdout
    assert theirs.stdout.startswith(f"{V1}:4: ERROR:")


def test_a_mistyped_option_gets_the_commands_usage() -> None:
    done = patchlens("lint", "--terce", str(V1))
    assert done.returncode == 2
    assert done.stderr.startswith("usage: patchlens lint ")
    assert done.stderr.endswith("patchlens lint: error: unrecognized arguments: --terce\n")


def test_verbose_before_the_command_and_what_it_loaded() -> None:
    done = patchlens("-v", "lint", str(V2))
    assert done.returncode == 0, done.stderr
    first = done.stderr.splitlines()[0]
    assert first.startswith("patchlens: configuration none found")
    assert f"rules from {ROOT / 'rules'}" in first


def test_a_finding_quotes_its_line_and_keeps_its_first_line_short() -> None:
    text = patchlens("lint", str(V1)).stdout.splitlines()
    line_28 = V1.read_text().splitlines()[27]
    heading = next(n for n, line in enumerate(text) if ":28: warning: pinned-bit-bringup:" in line)
    assert text[heading + 1] == f"    28 | {line_28}"
    findings = [line for line in text if line.startswith(f"{V1}:") and ": [PATCH]" not in line]
    assert len(findings) == 6
    assert all(len(line) <= 130 for line in findings), findings
    assert all(
        line.startswith("    ") for line in text[1:-2] if line and not line.startswith(f"{V1}:")
    )


def test_json_carries_the_quoted_line() -> None:
    document = json.loads(patchlens("lint", "--format", "json", str(V1)).stdout)
    [entry] = document["patches"]
    quotes = {d["line"]: d["quote"] for d in entry["diagnostics"]}
    lines = V1.read_text().splitlines()
    assert quotes == {4: f"Subject: {lines[3].removeprefix('Subject: ')}", 28: lines[27]}
