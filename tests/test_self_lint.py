"""Our own history lints clean under the general kernel profile.

Every commit from the project's first one to HEAD is linted as the patch
`git format-patch` would send, with ``--profile kernel``. Rules triggered by
the diff (the kernel-topic rules: a change to FRED needs a FRED Background
section...) do not apply: our diffs mention those symbols as test data, not
as kernel code. Skipped when the checkout has no history (a shallow clone).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from lint.cli.main import main
from lint.config import read_toml
from lint.resources import resource_dir

ROOT = Path(__file__).resolve().parents[1]
DIFF_KEYS = {"diff_path", "diff_line", "function"}
DIFF_KEYS |= {"topic", "topics_min", "code_lines_min", "mechanical"}
NAMED = read_toml(Path(resource_dir("rules")) / "data" / "conditions.toml")


def _mentions_diff(table: Any) -> bool:
    if isinstance(table, dict):
        return any(
            key in DIFF_KEYS
            or (key == "use" and _mentions_diff(NAMED.get(value, {}).get("when", {})))
            or _mentions_diff(value)
            for key, value in table.items()
        )
    if isinstance(table, list):
        return any(_mentions_diff(item) for item in table)
    return False


def diff_triggered_rules() -> list[str]:
    """Rules whose [when] names diff facts, read from the rule files themselves."""
    return sorted(
        path.stem
        for path in Path(resource_dir("rules")).glob("*.toml")
        if _mentions_diff(read_toml(path).get("when", {}))
    )


def first_commit() -> str:
    try:
        shallow = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--is-shallow-repository"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
        roots = subprocess.run(
            ["git", "-C", str(ROOT), "rev-list", "--max-parents=0", "HEAD"],
            capture_output=True, text=True, check=True,
        ).stdout.split()  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("no git history here (not a git checkout)")
    if shallow == "true" or len(roots) != 1:
        pytest.skip("shallow or grafted checkout: the project's first commit is not here")
    return roots[0]


def test_diff_triggered_rules_are_the_topic_rules() -> None:
    found = diff_triggered_rules()
    assert "fred-background" in found
    assert "subject-format" not in found and "tag-order" not in found


def test_our_history_lints_clean(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """No finding on our changelogs and mail headers.

    Findings inside the diff are left out, like the diff-triggered rules: our diffs
    carry test data on purpose (fixtures with invalid UTF-8, non-lore links...).
    """
    root = first_commit()
    report = tmp_path / "report.json"
    ignore = ",".join(diff_triggered_rules())
    args = ["lint", "-q", "--profile", "kernel", "--format", "json"]
    args += ["--ignore", ignore, "-C", str(ROOT), "-o", str(report)]
    # The root commit itself, then everything after it.
    status = main([*args, root, f"{root}..HEAD"] if _has_children(root) else [*args, root])
    assert status in (0, 1), capsys.readouterr().err
    findings = [
        f"{d['file']}:{d['line']}: {d['rule']}: {d['message']}"
        for patch in json.loads(report.read_text())["patches"]
        for d in patch["diagnostics"]
        if d["part"] != "diff"
    ]
    assert findings == []


def _has_children(root: str) -> bool:
    count = subprocess.run(
        ["git", "-C", str(ROOT), "rev-list", "--count", f"{root}..HEAD"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    return count != "0"
