"""Parity with checkpatch.pl on a fixed sample of ../shared/data/corpus.

Runs the real checkpatch.pl (from ../shared/tools/get-checkpatch, with perl)
and patchlens over the same 40 patches, the way bench/checkpatch_parity.py
does, and requires every compared type to agree on every finding of the
sample. Skips cleanly when perl, checkpatch.pl or ../shared is unavailable.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _parity_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "checkpatch_parity", ROOT / "bench" / "checkpatch_parity.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def parity() -> ModuleType:
    return _parity_module()


def test_sample_agrees_with_checkpatch(
    shared_data: Path, parity: ModuleType, tmp_path: Path
) -> None:
    checkpatch = parity.find_checkpatch()
    if checkpatch is None:
        pytest.skip("checkpatch.pl or perl is not available here")
    files = parity.sample_files(shared_data / "corpus", 40)
    compared = tuple(t for t in parity.TYPES if t not in parity.NOT_COMPARED)
    theirs = parity.run_checkpatch(checkpatch, files, parity.TYPES)
    ours = parity.run_patchlens(
        files, checkpatch.parents[1], parity.TYPES, parity.write_diff_config(tmp_path)
    )
    # The sample is not empty of findings: otherwise agreement would prove nothing.
    assert len(theirs.findings) > 20
    disagreements = {
        row.type: (row.only_checkpatch, row.only_patchlens)
        for row in parity.compare(theirs, ours, compared)
        if row.only_checkpatch or row.only_patchlens
    }
    assert disagreements == {}


def test_patch_level_types_compare_without_line(parity: ModuleType) -> None:
    assert parity._key("a.patch", 93, "MISSING_SIGN_OFF") == ("a.patch", 0, "MISSING_SIGN_OFF")
    assert parity._key("a.patch", 9, "BAD_SIGN_OFF") == ("a.patch", 9, "BAD_SIGN_OFF")


def test_terse_lines_are_read(parity: ModuleType) -> None:
    line = "/x/a.patch:12: WARNING:TYPO_SPELLING: 'teh' may be misspelled - perhaps 'the'?"
    found = parity._TERSE.match(line)
    assert found is not None
    assert found.groups() == ("/x/a.patch", "12", "TYPO_SPELLING")
