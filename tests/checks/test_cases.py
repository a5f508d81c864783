"""Whole-pipeline cases: ``tests/cases/<rule-id>/{pass,fail}-<what>.{patch,mbox}``.

Each case is a ``git format-patch`` file written by us; for a series rule, an mbox
of the mails of one send (run here through the series pass the hook runs); for a
thread rule, an mbox of a thread (run by tests/thread/test_review.py). A ``pass-`` case
must give no diagnostic of its rule; a ``fail-`` case must give exactly the lines
of its ``.expected`` sidecar (``rule-id<TAB>severity<TAB>part:line<TAB>message``).
Only the rule named by the folder is compared, so a case may trip other rules.
Every packaged rule must have at least one case of each kind.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lint.config import Config
from lint.diagnostic import Diagnostic
from lint.engine.pipeline import read_patches
from lint.engine.rules import run
from lint.engine.series import run_series
from lint.mail.model import RawMail
from lint.resources import resource_dir
from lint.rulebook.ruleset import Ruleset, load_ruleset
from lint.sources.inputs import open_input
from lint.thread.series import SeriesEntry

CASES = Path(__file__).resolve().parents[1] / "cases"
PATCHES = sorted(CASES.glob("*/*.patch"))
SENDS = sorted(CASES.glob("series-*/*.mbox"))


@pytest.fixture(scope="module")
def ruleset() -> Ruleset:
    # Every rule on, whatever its default, so that each case sees its rule.
    return load_ruleset(Config()).select(
        only=[p.stem for p in Path(resource_dir("rules")).glob("*.toml")]
    )


def render(diagnostic: Diagnostic) -> str:
    location = diagnostic.location
    return "\t".join(
        (
            diagnostic.rule,
            diagnostic.severity.label,
            f"{location.part}:{location.line}",
            diagnostic.message,
        )
    )


def diagnostics_of(path: Path, rule_id: str, ruleset: Ruleset) -> list[str]:
    raw = RawMail(path.read_bytes(), str(path))
    found: list[str] = []
    for patch in read_patches([raw]):
        found.extend(render(d) for d in run(patch, ruleset) if d.rule == rule_id)
    return found


def series_diagnostics_of(path: Path, rule_id: str, ruleset: Ruleset) -> list[str]:
    """The findings of the series rule ``rule_id`` on the send the mbox ``path`` holds."""
    entries = [SeriesEntry.of(patch) for patch in read_patches(open_input(str(path)))]
    return [render(d) for d in run_series(entries, ruleset) if d.rule == rule_id]


def test_every_rule_has_passing_and_failing_cases() -> None:
    """A case is a patch, or for thread-level rules an mbox of a thread (run by
    tests/thread/test_review.py through the same thread pass ``patchlens lint`` uses)."""
    missing: list[str] = []
    for rule_file in sorted(Path(resource_dir("rules")).glob("*.toml")):
        folder = CASES / rule_file.stem
        for kind in ("pass", "fail"):
            if not [*folder.glob(f"{kind}-*.patch"), *folder.glob(f"{kind}-*.mbox")]:
                missing.append(f"{rule_file.stem}: no {kind}-*.patch or {kind}-*.mbox")
    assert missing == []


def test_every_case_folder_names_a_rule_and_every_fail_case_has_a_sidecar() -> None:
    rule_ids = {p.stem for p in Path(resource_dir("rules")).glob("*.toml")}
    assert {p.parent.name for p in [*PATCHES, *SENDS]} <= rule_ids
    for path in [*PATCHES, *SENDS]:
        assert path.stem.startswith(("pass-", "fail-")), path
        if path.stem.startswith("fail-"):
            assert path.with_suffix(".expected").is_file(), path


def assert_as_expected(path: Path, found: list[str]) -> None:
    """A pass case finds nothing; a fail case finds exactly the lines of its sidecar."""
    if path.stem.startswith("pass-"):
        assert found == []
    else:
        expected = path.with_suffix(".expected").read_text(encoding="utf-8").splitlines()
        assert expected, f"{path.with_suffix('.expected')} is empty"
        assert found == expected


@pytest.mark.parametrize("path", PATCHES, ids=[f"{p.parent.name}/{p.stem}" for p in PATCHES])
def test_case(path: Path, ruleset: Ruleset) -> None:
    assert_as_expected(path, diagnostics_of(path, path.parent.name, ruleset))


@pytest.mark.parametrize("path", SENDS, ids=[f"{p.parent.name}/{p.stem}" for p in SENDS])
def test_series_case(path: Path, ruleset: Ruleset) -> None:
    assert_as_expected(path, series_diagnostics_of(path, path.parent.name, ruleset))
