"""Threads, series and versions (lint.thread.threads) on mails written inline and in examples/."""

from __future__ import annotations

from pathlib import Path

import pytest

from lint.engine.pipeline import read_patches
from lint.mail.model import RawMail
from lint.sources.inputs import open_input
from lint.thread.grouping import group_threads
from lint.thread.threads import Thread, lore_link, summarize

ROOT = Path(__file__).resolve().parents[2]


def mail(subject: str, msgid: str, reply_to: str = "", refs: str = "", body: str = "x\n") -> bytes:
    head = f"From: A U Thor <a@example.org>\nSubject: {subject}\nMessage-ID: <{msgid}>\n"
    if reply_to:
        head += f"In-Reply-To: <{reply_to}>\n"
    if refs:
        head += f"References: {refs}\n"
    return (head + "\n" + body).encode()


def threads(*mails: bytes) -> tuple[Thread, ...]:
    raws = [RawMail(data, f"m{i}", i) for i, data in enumerate(mails)]
    return group_threads(summarize(p, i) for i, p in enumerate(read_patches(raws)))


def test_series_with_cover_letter_and_reroll_in_a_new_thread() -> None:
    found = threads(
        mail("[PATCH 0/2] x86: Two things", "c1"),
        mail("[PATCH 1/2] x86: First", "p1", "c1"),
        mail("[PATCH 2/2] x86: Second", "p2", "c1"),
        mail("Re: [PATCH 1/2] x86: First", "r1", "p1"),
        # v2 is a new thread (no In-Reply-To): joined by the cover letter's subject.
        mail("[PATCH v2 0/2] x86: Two things", "c2"),
        mail("[PATCH v2 1/2] x86: First", "q1", "c2"),
        mail("[PATCH v2 2/2] x86: Second", "q2", "c2"),
        mail("[PATCH] mm: Unrelated", "u1"),
    )
    assert len(found) == 2
    series, other = found
    assert [p.label for p in series.postings] == ["v1", "v2"]
    assert all(p.complete for p in series.postings)
    assert series.postings[1].cover is not None
    assert [m.number for m in series.postings[1].patches] == [1, 2]
    (review,) = series.reviews
    assert review.target is not None and review.target.message_id == "<p1>"
    assert other.title == "mm: Unrelated"


def test_partial_reroll_and_missing_patches() -> None:
    (thread,) = threads(
        mail("[PATCH 1/3] x86: One", "a1"),
        mail("[PATCH 2/3] x86: Two", "a2", "a1"),
        mail("[PATCH 3/3] x86: Three", "a3", "a1"),
        mail("[PATCH v2 2/3] x86: Two", "b2", "a2"),
    )
    v1, v2 = thread.postings
    assert v1.complete and not v1.partial_reroll
    assert v2.missing == (1, 3)
    assert v2.partial_reroll


def test_reply_with_missing_parent_joins_by_subject() -> None:
    (thread,) = threads(
        mail("[PATCH] x86/sev: Fix the thing", "p"),
        mail("Re: [PATCH] x86/sev: Fix the thing", "r", "not-in-this-mbox"),
    )
    (review,) = thread.reviews
    assert review.target is not None and review.target.message_id == "<p>"


def test_a_reply_before_its_parent_joins_it_not_its_subject() -> None:
    # Threads are grouped as mails come: a reply whose parent comes later waits for
    # the end before joining by subject, and then need not, as in any order.
    found = threads(
        mail("Re: [PATCH] x86: A", "r", "p2"),
        mail("[PATCH] x86: A", "p1"),  # an earlier, unrelated patch of the same subject
        mail("[PATCH] mm: B", "p2"),
    )
    by_title = {t.title: t for t in found}
    assert [m.message_id for m in by_title["mm: B"].messages] == ["<r>", "<p2>"]
    assert [m.message_id for m in by_title["x86: A"].messages] == ["<p1>"]


def test_grouping_does_not_depend_on_the_order_of_the_mails() -> None:
    mails = [
        mail("[PATCH 0/2] x86: Two things", "c1"),
        mail("[PATCH 1/2] x86: First", "p1", "c1"),
        mail("Re: [PATCH 1/2] x86: First", "r1", "p1"),
        mail("Re: [PATCH 2/2] x86: Second", "r2", "p2"),  # p2 is not in the input
        mail("[PATCH v2 1/2] x86: First", "q1"),
        mail("Re: [PATCH] mm: Lost", "r3", "gone"),
        mail("[PATCH] mm: Lost", "p3"),
    ]

    def partition(ordered: list[bytes]) -> set[frozenset[str]]:
        return {frozenset(m.message_id for m in t.messages) for t in threads(*ordered)}

    expected = partition(mails)
    assert partition(mails[::-1]) == expected
    assert partition(mails[3:] + mails[:3]) == expected
    assert frozenset({"<r3>", "<p3>"}) in expected  # a reply with its parent gone: by subject


def test_reply_to_a_reply_reviews_the_patch() -> None:
    (thread,) = threads(
        mail("[PATCH] x86: A", "p"),
        mail("Re: [PATCH] x86: A", "r1", "p"),
        mail("Re: [PATCH] x86: A", "r2", "r1", "<p> <r1>"),
    )
    assert [r.target.message_id for r in thread.reviews if r.target] == ["<p>", "<p>"]


@pytest.mark.parametrize(
    ("subject", "label"),
    [
        ("[RFC PATCH 1/1] x86: A", "RFC v1"),
        ("[PATCH RESEND v3] x86: A", "v3 RESEND"),
        ("[PATCHv2] x86: A", "v2"),
    ],
)
def test_posting_labels(subject: str, label: str) -> None:
    (thread,) = threads(mail(subject, "m"))
    assert [p.label for p in thread.postings] == [label]


def test_resend_is_its_own_posting() -> None:
    (thread,) = threads(mail("[PATCH v2] x86: A", "a"), mail("[PATCH RESEND v2] x86: A", "b"))
    assert [p.label for p in thread.postings] == ["v2", "v2 RESEND"]


def test_unrelated_messages_sharing_no_ids_stay_apart() -> None:
    found = threads(mail("[PATCH] x86: A", "a"), mail("[PATCH] x86: B", "b"))
    assert [t.title for t in found] == ["x86: A", "x86: B"]


def test_lore_link_strips_brackets_and_encodes() -> None:
    assert lore_link("<a.b@c>") == "https://lore.kernel.org/r/a.b@c"
    assert lore_link('<a"><script>@x>') == "https://lore.kernel.org/r/a%22%3E%3Cscript%3E@x"
    assert lore_link("") == ""


def test_example_series_mbox() -> None:
    raws = list(open_input(str(ROOT / "examples" / "series" / "thread.mbox")))
    (thread,) = group_threads(summarize(p, i) for i, p in enumerate(read_patches(raws)))
    assert [p.label for p in thread.postings] == ["v1", "v2"]
    assert [len(p.patches) for p in thread.postings] == [3, 3]
    assert len(thread.reviews) == 2
    targets = sorted(r.target.label for r in thread.reviews if r.target)
    assert targets == ["[PATCH 0/3]", "[PATCH 2/3]"]


def test_a_message_delivered_twice_counts_once(tmp_path: Path) -> None:
    """lei and list archives may deliver a cross-posted mail twice: one Message-ID."""
    once = (ROOT / "examples" / "series" / "thread.mbox").read_bytes()
    twice = tmp_path / "twice.mbox"
    twice.write_bytes(once * 2)
    raws = list(open_input(str(twice)))
    (thread,) = group_threads(summarize(p, i) for i, p in enumerate(read_patches(raws)))
    assert [len(p.patches) for p in thread.postings] == [3, 3]
    assert len(thread.reviews) == 2


def test_every_thread_of_the_real_data_assembles_and_renders(shared_data: Path) -> None:
    import sys

    sys.path.insert(0, str(ROOT / "bench"))
    from threads_report import count_threads

    counts = count_threads(shared_data)
    # 32 review replies and 422 x86 mails (.eml); every format rendered without error.
    assert counts.messages == 454
    assert counts.reviews == 32
    assert 0 < counts.threads_with_reviews <= 32
    assert counts.threads < counts.messages
    assert counts.rendered == 4
