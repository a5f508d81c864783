"""The series rules on hand-made entries: each series check, and what it leaves alone."""

from __future__ import annotations

import pytest

from lint.config import Config
from lint.diagnostic import Diagnostic
from lint.engine.series import run_series
from lint.rulebook.ruleset import load_ruleset
from lint.thread.series import SeriesEntry


def check_series(entries: list[SeriesEntry]) -> tuple[Diagnostic, ...]:
    return run_series(entries, load_ruleset(Config()))


def entry(index: int | None, total: int | None, version: int = 1, base: str = "") -> SeriesEntry:
    tag = f"PATCH v{version}" if version > 1 else "PATCH"
    number = f" {index}/{total}" if index is not None else ""
    return SeriesEntry(
        origin=f"{index or 0:04d}.patch",
        subject=f"[{tag}{number}] x86/cpu: Change {index}",
        line=4,
        version=version,
        index=index,
        total=total,
        cover_letter=index == 0 and bool(total),
        base_commit=base,
        message_id=f"<{index}@example.org>",
    )


def messages(entries: list[SeriesEntry]) -> list[tuple[str, str]]:
    return [(d.rule, d.message) for d in check_series(entries)]


def test_a_good_series_and_a_single_mail_are_clean() -> None:
    assert check_series([entry(0, 2), entry(1, 2), entry(2, 2)]) == ()
    assert check_series([entry(None, None)]) == ()


@pytest.mark.parametrize(
    ("entries", "expected"),
    [
        (
            [entry(0, 3), entry(1, 3), entry(1, 3), entry(3, 3)],
            [
                ("series-numbering", "patch 1/3 is sent twice (0001.patch and 0001.patch)"),
                ("series-numbering", "the series of 3 is missing 2/3"),
            ],
        ),
        (
            [entry(0, 2), entry(2, 2), entry(1, 2)],
            [("series-numbering", "the patches are not sent in the order 1/N..N/N")],
        ),
        (
            [entry(0, 2), entry(1, 2), entry(2, 3)],
            [("series-numbering", "the mails disagree on the series length (2, 3)")],
        ),
        (
            [entry(None, None), entry(None, None)],
            [
                (
                    "series-numbering",
                    "'[PATCH] x86/cpu: Change None' has no M/N number but is sent with 1 "
                    "other mails (use git format-patch -n or a cover letter)",
                ),
            ]
            * 2
            + [
                (
                    "series-cover-letter",
                    "a series of 2 patches has no 0/2 cover letter saying what it does as a "
                    "whole (git format-patch --cover-letter, or b4 prep)",
                )
            ],
        ),
        (
            [entry(0, 1, version=3), entry(1, 1, version=2)],
            [
                (
                    "series-version",
                    "'[PATCH v2 1/1] x86/cpu: Change 1' is v2 but "
                    "'[PATCH v3 0/1] x86/cpu: Change 0' is v3",
                )
            ],
        ),
        (
            [entry(0, 1, base="a" * 40), entry(1, 1, base="a" * 40)],
            [],
        ),
    ],
    ids=["duplicate-and-gap", "order", "lengths", "unnumbered", "versions", "same-base"],
)
def test_series_findings(entries: list[SeriesEntry], expected: list[tuple[str, str]]) -> None:
    assert messages(entries) == expected


def test_entries_survive_the_state_file_round_trip() -> None:
    original = entry(2, 3, version=2, base="f" * 40)
    assert SeriesEntry.from_json(original.to_json()) == original
    with pytest.raises(KeyError):
        SeriesEntry.from_json({"origin": "x"})
