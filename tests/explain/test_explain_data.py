"""``patchlens explain`` on real tip-bot2 notifications and replies to them from
``../shared/data`` (see its README): every notice becomes one "merged as" line
and none of its text reaches the explanation. Skips when that folder is absent."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_explain_cli import patchlens_explain

NOTICE = re.compile(
    r"^The following commit has been merged into the (\S+) branch of tip:\n\n"
    r"Commit-ID: +([0-9a-f]{40})$",
    re.MULTILINE,
)
FINDINGS = re.compile(r"(?s)Lint findings \(latest version\).*?(?=## Tags|<h2>Tags</h2>)")


def notifications(shared_data: Path) -> list[Path]:
    found = sorted((shared_data / "x86").glob("*/*.eml"))
    if not found:
        pytest.skip(f"no tip-bot2 notification under {shared_data / 'x86'}")
    return found


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_real_merge_notices_are_merges_not_sections(shared_data: Path, fmt: str) -> None:
    mails = notifications(shared_data)
    replies = sorted((shared_data / "replies").glob("*.eml"))
    out = patchlens_explain("--format", fmt, *map(str, mails + replies))
    merged = {
        match.group(2)[:12]: match.group(1)
        for path in mails
        for match in NOTICE.finditer(path.read_text(encoding="utf-8", errors="replace"))
    }
    assert len(merged) > 400
    for commit, branch in merged.items():
        shown = rf"merged(\*\*|</strong>) as (<code>)?{commit}(</code>)? into the {branch} branch"
        assert re.search(shown, out), commit
    # The lint findings quote the mail on purpose: everything else is the explanation.
    explained = FINDINGS.sub("", out)
    assert "has been merged into the" not in explained
    assert "Commit-ID:" not in explained and "CommitterDate:" not in explained
