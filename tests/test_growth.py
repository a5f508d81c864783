"""Hostile mails: no part of a message makes patchlens crash or take super-linear time."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_hostile_parts_of_a_mail_take_linear_time() -> None:
    """A slice of bench/growth.py: the shapes issue 15 found crashing or quadratic, at
    20 KB, each read and linted in well under a second (they took 0.3 s to minutes)."""
    import sys
    import time

    sys.path.insert(0, str(ROOT / "bench"))
    from growth import SHAPES

    from lint.config import Config
    from lint.engine.pipeline import read_patches
    from lint.engine.rules import run
    from lint.mail.model import RawMail
    from lint.rulebook.ruleset import load_ruleset
    from lint.thread.threads import summarize

    rules = load_ruleset(Config())
    rules = rules.select([rule.id for rule in rules.rules])
    hostile = ["from-comments", "subject-number", "hunk-header-digits", "signoff-x"]
    hostile += ["signoff-lt", "signoff-at-lt", "reviewed-by", "reported-by", "co-developed-by"]
    hostile += ["subject-colons", "subject-re", "subject-brackets", "qp-soft-breaks"]
    for name in hostile:
        data = SHAPES[name](20_000).encode()
        started = time.perf_counter()
        for seq, patch in enumerate(read_patches([RawMail(data, name)])):
            run(patch, rules)
            summarize(patch, seq, detail=True)
        assert time.perf_counter() - started < 2.0, name
    # A review reply's request sentence of thousands of blanks backtracked for seconds.
    data = SHAPES["reply-please-add"](20_000).encode()
    started = time.perf_counter()
    for patch in read_patches([RawMail(data, "reply")]):
        summary = summarize(patch, 0, detail=True)
        assert summary.review is not None
    assert time.perf_counter() - started < 2.0


def test_a_deep_reply_chain_is_walked_once() -> None:
    """Each review of a chain of replies finds the patch it reviews by walking up the
    chain; remembering what each step found keeps 5,000 replies linear."""
    import sys
    import time

    sys.path.insert(0, str(ROOT / "bench"))
    import io

    from growth import references_chain

    from lint.engine.pipeline import read_patches
    from lint.sources.mbox import split_stream
    from lint.thread.grouping import group_threads
    from lint.thread.threads import summarize

    data = references_chain(5000).encode()
    messages = split_stream(io.BytesIO(data), "chain")
    from lint.mail.model import RawMail

    raws = [RawMail(m.data, "chain", n, m.first_line) for n, m in enumerate(messages)]
    summaries = [summarize(p, seq, detail=True) for seq, p in enumerate(read_patches(raws))]
    started = time.perf_counter()
    (thread,) = group_threads(summaries)
    assert time.perf_counter() - started < 1.0
    assert all(review.target is not None for review in thread.reviews)
    assert {review.target.message_id for review in thread.reviews if review.target} == {
        "<growth-1@example.org>"
    }


def test_a_slice_of_the_fuzz_run_raises_nothing() -> None:
    """bench/fuzz.py's generated mails, a few hundred: refused as bad input or linted,
    never a traceback."""
    import sys

    sys.path.insert(0, str(ROOT / "bench"))
    from fuzz import run_slice

    refused, failed, failures = run_slice(7, 400)
    assert failed == 0, failures
    assert refused < 400  # most are mails, not refusals
