"""Every file under ../shared/data goes through the whole lint pipeline without a crash.

Sources, decoding, analysis, every rule of the rulebook, and the diff parser (forced
for every patch, since rules parse it only when they need it). A file may be refused
with an InputError (not mail, say), never with anything else.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from lint.checks.api import CheckContext
from lint.config import load_config
from lint.engine.pipeline import DecodeOptions
from lint.engine.runner import LintJob, report_patch
from lint.errors import InputError
from lint.rulebook.ruleset import load_ruleset
from lint.sources.inputs import open_input

ROOT = Path(__file__).resolve().parents[1]


def test_every_shared_file_lints_or_is_refused_cleanly(
    shared_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from lint.engine.pipeline import read_patches

    config = load_config(None, ROOT)
    job = LintJob(load_ruleset(config), CheckContext(), DecodeOptions())
    outcome: Counter[str] = Counter()
    refused: list[str] = []
    for path in sorted(p for p in shared_data.rglob("*") if p.is_file()):
        try:
            for patch in read_patches(open_input(str(path)), job.decode):
                outcome["diff files"] += len(patch.diff.files)  # forces the lazy parse
                report_patch(patch, job)
                outcome["messages"] += 1
        except InputError as err:
            outcome["refused"] += 1
            refused.append(f"{path.relative_to(shared_data)}: {err.problem}")
        outcome["files"] += 1
    with capsys.disabled():
        print(
            f"\n[all shared data] {outcome['files']} files, {outcome['messages']} messages "
            f"linted ({outcome['diff files']} files in their diffs), "
            f"{outcome['refused']} files refused with a one-line reason"
        )
    # The corpus is real mail from kernel trees: none of it may be refused.
    assert not [r for r in refused if r.startswith("corpus/")], refused
    assert outcome["messages"] > 4000
