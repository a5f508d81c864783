"""Review replies (lint.thread.review) and the thread-level rule review-followup.

The cases in ``tests/cases/review-followup/`` are whole threads (mboxes written
by us): ``pass-*.mbox`` must give no finding of the rule, ``fail-*.mbox`` exactly
the lines of its ``.expected`` sidecar, through the same thread pass that
``patchlens lint`` runs after the per-patch rules.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from lint.cli.main import main
from lint.config import Config
from lint.engine.pipeline import DecodeOptions, read_patches
from lint.engine.runner import LintJob, lint_mails
from lint.engine.threads import ThreadPass, is_thread_candidate
from lint.mail.model import RawMail
from lint.rulebook.ruleset import load_ruleset
from lint.sources.inputs import open_input
from lint.thread.followup import followups
from lint.thread.grouping import group_threads
from lint.thread.review import parse_review
from lint.thread.threads import summarize

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "tests" / "cases" / "review-followup"
THREAD_CASES = sorted(CASES.glob("*.mbox"))
EXAMPLE = ROOT / "examples" / "thread"


def _reply(body: str, subject: str = "Re: [PATCH] x86/fred: Fix it") -> object:
    text = (
        "From: Rae Viewer <rae@example.org>\n"
        f"Subject: {subject}\n"
        "Message-ID: <r1@example.org>\n"
        "In-Reply-To: <p1@example.org>\n\n" + body
    )
    return next(read_patches([RawMail(text.encode(), "reply.eml")]))


def test_example_review_has_five_sections_a_request_and_a_tag() -> None:
    raw = RawMail((EXAMPLE / "review.eml").read_bytes(), "review.eml")
    review = parse_review(next(read_patches([raw])))
    assert [s.title for s in review.sections] == [
        "CR Pinning Background",
        "FRED Background",
        "SEV Background",
        "Problem",
        "Fix",
    ]
    fix = review.sections[-1]
    # The indented section ends where the indentation does: "With that, ..." is prose.
    assert fix.text.startswith("Apply the pinned bits in cr4_init()")
    assert "With that" not in fix.text
    assert not fix.text.startswith("\t")
    assert [t.text for t in review.offered] == [
        "Reviewed-by: Tomas Reyes <tomas.reyes@example.org>"
    ]
    assert review.quotes[0].text[0].startswith("When CR pinning is active")
    assert review.reviewer == "Tomas Reyes <tomas.reyes@example.org>"


def test_quoted_lines_and_attribution_are_not_own_text() -> None:
    reply = _reply(
        "On Mon, Mira wrote:\n> Signed-off-by: Mira <m@example.org>\n> > older\n\nLooks fine.\n"
    )
    review = parse_review(reply)  # type: ignore[arg-type]
    assert [item.text for item in review.own if item.text] == ["Looks fine."]
    assert review.offered == ()  # a quoted tag is the author's, not an offer
    assert review.quotes[0].depth == 1
    assert review.quotes[0].text == ("Signed-off-by: Mira <m@example.org>", "> older")


@pytest.mark.parametrize(
    ("body", "kind", "what"),
    [
        ("Please add a FRED Background section.\n", "section", "FRED Background"),
        ("This needs a '== Problem ==' section.\n", "section", "Problem"),
        ("This needs a Fixes: tag.\n", "tag", "Fixes"),
        ("Please add a Fixes tag for the\ncommit that broke it.\n", "tag", "Fixes"),
        ("Please run it on\nan SNP guest too.\n", "other", "Please run it on an SNP guest too."),
    ],
)
def test_requests(body: str, kind: str, what: str) -> None:
    review = parse_review(_reply(body))  # type: ignore[arg-type]
    assert [(r.kind, r.what) for r in review.requests] == [(kind, what)]


@pytest.mark.parametrize(
    "line",
    [
        "Acked-by: Rae Viewer <rae@example.org>",
        "Tested-by: Rae Viewer <rae@example.org>",
        "reviewed-by: Rae Viewer <rae@example.org>",
        "Signed-off-by: Rae Viewer <rae@example.org>",
    ],
)
def test_offered_tags(line: str) -> None:
    review = parse_review(_reply(f"With that, you can add:\n\n{line}\n"))  # type: ignore[arg-type]
    assert len(review.offered) == 1
    assert review.offered[0].key.lower() == line.split(":")[0].lower()
    assert review.offered[0].email == "rae@example.org"


def test_no_offer_without_an_address() -> None:
    review = parse_review(_reply("Reviewed-by: whoever wants\n"))  # type: ignore[arg-type]
    assert review.offered == ()


def _summaries(paths: list[Path]) -> list[object]:
    raws = [raw for path in paths for raw in open_input(str(path))]
    return [summarize(p, i) for i, p in enumerate(read_patches(raws))]


def test_example_thread_follow_up_is_satisfied() -> None:
    paths = [EXAMPLE / "v1-0001.patch", EXAMPLE / "review.eml", EXAMPLE / "v2-0001.patch"]
    (thread,) = group_threads(_summaries(paths))  # type: ignore[arg-type]
    (follow,) = followups(thread)
    assert follow.satisfied
    assert [i.what for i in follow.items if i.kind == "section"] == [
        "CR Pinning Background",
        "FRED Background",
        "SEV Background",
        "Problem",
        "Fix",
    ]
    assert follow.next_patch.version == 2


def _thread_findings(path: Path) -> list[str]:
    ruleset = load_ruleset(Config()).select(only=["review-followup"])
    thread_pass = ThreadPass.for_ruleset(ruleset, DecodeOptions())
    assert thread_pass is not None
    job = LintJob(ruleset, None, DecodeOptions(), summarize_threads=True)
    for seq, report in enumerate(lint_mails(open_input(str(path)), job)):
        thread_pass.take(report, seq)
    found = []
    for d in thread_pass.diagnostics():
        loc = d.location
        found.append("\t".join((d.rule, d.severity.label, f"{loc.part}:{loc.line}", d.message)))
    return found


def test_every_thread_rule_has_passing_and_failing_cases() -> None:
    assert [p for p in THREAD_CASES if p.stem.startswith("pass-")]
    fails = [p for p in THREAD_CASES if p.stem.startswith("fail-")]
    assert fails
    assert all(p.with_suffix(".expected").is_file() for p in fails)


@pytest.mark.parametrize("path", THREAD_CASES, ids=[p.stem for p in THREAD_CASES])
def test_thread_case(path: Path) -> None:
    found = _thread_findings(path)
    if path.stem.startswith("pass-"):
        assert found == []
    else:
        assert found == path.with_suffix(".expected").read_text(encoding="utf-8").splitlines()


def test_lint_command_reports_the_dropped_section_at_v2(
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = CASES / "fail-dropped-section.mbox"
    status = main(["lint", "--format", "terse", "--types", "review-followup", str(path)])
    out = capsys.readouterr().out
    assert status == 1
    assert out.startswith(f"{path}:106: WARNING:review-followup: v2 does not carry")
    assert "SEV Background" in out


def test_a_thread_delivered_twice_gets_its_findings_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each copy of a review once made every copy of v2 report it: quadratic output."""
    path = CASES / "fail-dropped-section.mbox"
    main(["lint", "--format", "terse", "--types", "review-followup", str(path)])
    once = capsys.readouterr().out.splitlines()
    twice = tmp_path / "twice.mbox"
    twice.write_bytes(path.read_bytes() * 2)
    main(["lint", "--format", "terse", "--types", "review-followup", str(twice)])
    found = capsys.readouterr().out.splitlines()
    assert once and found == [line.replace(str(path), str(twice)) for line in once]


def test_thread_findings_are_placed_without_scanning_every_mail(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """merge() scanned all summaries for each finding: quadratic on a large archive."""

    class CountingList(list):  # type: ignore[type-arg]
        scans = 0

        def __iter__(self):  # type: ignore[no-untyped-def]
            CountingList.scans += 1
            return super().__iter__()

    original = ThreadPass._run

    def run(self: ThreadPass) -> object:
        found, loaded = original(self)
        return found, CountingList(loaded)

    monkeypatch.setattr(ThreadPass, "_run", run)
    path = tmp_path / "archive.mbox"
    sys.path.insert(0, str(ROOT / "bench"))
    from thread_scaling import distinct_threads

    path.write_bytes(distinct_threads((CASES / "fail-dropped-section.mbox").read_bytes(), 40))
    main(["lint", "--format", "terse", "--types", "review-followup", str(path)])
    found = capsys.readouterr().out.splitlines()
    assert len(set(found)) == 40  # one dropped section per thread
    assert CountingList.scans <= 1  # one index of the summaries: not a scan per finding


def test_the_thread_pass_finds_what_grouping_every_summary_finds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pass keeps summaries pickled in a file past SummarySpool.KEEP, and loads only
    threads with a review: it must find exactly what grouping them all finds."""
    sys.path.insert(0, str(ROOT / "bench"))
    from thread_scaling import distinct_threads

    from lint.checks.api import CheckContext
    from lint.engine.threads import SummarySpool, run_thread
    from lint.record import replace

    cases = b"".join(path.read_bytes() for path in sorted(CASES.glob("*.mbox")))
    path = tmp_path / "archive.mbox"
    path.write_bytes(distinct_threads(cases, 6))
    ruleset = load_ruleset(Config()).select(only=["review-followup"])
    (rule,) = ruleset.rules
    job = LintJob(ruleset, None, DecodeOptions(), summarize_threads=True)
    reports = list(lint_mails(open_input(str(path)), job))
    summaries = [
        replace(r.thread_summary, seq=seq)
        for seq, r in enumerate(reports)
        if r.thread_summary is not None
    ]
    everything = [
        d for t in group_threads(summaries) for d in run_thread(t, [rule], CheckContext())
    ]
    assert len(everything) >= 6  # a dropped section in each copy, at least

    monkeypatch.setattr(SummarySpool, "KEEP", 5)  # the rest go to a file, and come back
    thread_pass = ThreadPass.for_ruleset(ruleset, DecodeOptions())
    assert thread_pass is not None
    for seq, report in enumerate(reports):
        thread_pass.take(report, seq)
    assert len(summaries) > 5 * 4
    assert thread_pass.diagnostics() == tuple(everything)


def test_lint_command_is_clean_on_the_example_thread(capsys: pytest.CaptureFixture[str]) -> None:
    paths = [str(EXAMPLE / n) for n in ("v1-0001.patch", "review.eml", "v2-0001.patch")]
    assert main(["lint", "--format", "terse", "--types", "review-followup", *paths]) == 0
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (b"Subject: [PATCH] x86: a\n\nbody", False),
        (b"Subject: [PATCH v2] x86: a\n\nbody", True),
        (b"Subject: Re: [PATCH] x86: a\n\nbody", True),
        (b"Subject: [PATCH] x86: a\nIn-Reply-To: <x@y>\n\nbody", True),
        (b"Subject: [PATCH] x86: a\n\nIn-Reply-To: <x@y> in the body", False),
    ],
)
def test_thread_candidates_are_recognised_from_headers(header: bytes, expected: bool) -> None:
    assert is_thread_candidate(header) is expected
