"""The thread-level pass of ``patchlens lint``: rules that need a whole thread.

Per-patch rules see one mail at a time (possibly in worker processes). A
thread-level rule such as ``review-followup`` needs vN, its reviews and vN+1
together. :class:`ThreadPass` watches the stream of raw mails on its way to
the per-patch runner and keeps a small :class:`~lint.thread.MessageSummary`
of the mails that can matter to a thread rule: replies, re-rolls (``vN``
with N >= 2) and anything threaded by In-Reply-To/References. The mails are
recognised from their header bytes, so a mailing-list archive of unthreaded
v1 patches costs one byte search per mail. After the run, :meth:`diagnostics`
groups the summaries into threads and runs the thread rules, and
:meth:`merge` folds the findings into the per-patch reports, in input order.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from lint.checks import review_followup
from lint.diagnostic import Diagnostic
from lint.errors import InputError
from lint.model import RawMail
from lint.pipeline import DecodeOptions, read_patches
from lint.ruleset import Ruleset, RuleSpec
from lint.runner import PatchReport

if TYPE_CHECKING:
    from lint.thread import MessageSummary

THREAD_KINDS = frozenset({review_followup.KIND})
"""Check kinds that run on whole threads, after the per-patch rules."""

# Header facts that make a mail part of a conversation a thread rule follows.
_THREADED = re.compile(
    rb"(?im)^(?:in-reply-to|references):|^subject:.*(?:\bre:|\bv0*[2-9]|\bv\d\d)"
)


def is_thread_candidate(data: bytes) -> bool:
    """True when the header of ``data`` shows a reply, a re-roll or threading headers."""
    end = data.find(b"\n\n")
    return bool(_THREADED.search(data[: end if end >= 0 else len(data)]))


class ThreadPass:
    """Collects summaries while lint streams, then runs the thread rules (one run only)."""

    def __init__(self, rules: Sequence[RuleSpec], decode: DecodeOptions) -> None:
        self._rules = tuple(rules)
        self._decode = decode
        self._summaries: list[MessageSummary] = []

    @classmethod
    def for_ruleset(cls, ruleset: Ruleset, decode: DecodeOptions) -> ThreadPass | None:
        """A pass for the enabled thread rules of ``ruleset``, or ``None`` when there are none."""
        rules = [r for r in ruleset.rules if r.enabled and r.kind in THREAD_KINDS]
        return cls(rules, decode) if rules else None

    def watch(self, raws: Iterable[RawMail]) -> Iterator[RawMail]:
        """Pass ``raws`` through unchanged, summarising the mails thread rules need."""
        for seq, raw in enumerate(raws):
            if is_thread_candidate(raw.data):
                # Threading and review parsing are imported only when a mail needs them:
                # a single patch from a git hook should not pay for them.
                from lint.thread import summarize

                try:
                    for patch in read_patches([raw], self._decode):
                        self._summaries.append(summarize(patch, seq))
                except InputError:
                    pass  # the per-patch run reports the same problem, in its place
            yield raw

    def diagnostics(self) -> tuple[Diagnostic, ...]:
        """Every finding of the thread rules on the mails watched."""
        found: list[Diagnostic] = []
        if not self._summaries:
            return ()
        from lint.thread import group_threads

        for thread in group_threads(self._summaries):
            for rule in self._rules:
                found.extend(review_followup.check_thread(thread, rule))
        return tuple(found)

    def merge(self, reports: Sequence[PatchReport]) -> list[PatchReport]:
        """``reports`` with the thread findings added to (or as) the reports of their mails."""
        extra = self.diagnostics()
        if not extra:
            return list(reports)
        merged = {(r.origin, r.index): r for r in reports}
        for diag in extra:
            summary = next(
                s
                for s in self._summaries
                if (s.origin, s.message_id, s.subject)
                == (diag.location.origin, diag.message_id, diag.subject)
            )
            key = (summary.origin, summary.index)
            report = merged.get(key) or PatchReport(
                origin=summary.origin,
                index=summary.index,
                first_line=summary.first_line,
                subject=summary.subject,
                message_id=summary.message_id,
                diagnostics=(),
            )
            both = sorted((*report.diagnostics, diag), key=lambda d: d.sort_key)
            merged[key] = dataclasses.replace(report, diagnostics=tuple(both))
        # Reports given keep their order; a mail that had no report yet follows them.
        return list(merged.values())
