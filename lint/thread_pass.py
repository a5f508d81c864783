"""The thread-level pass of ``patchlens lint``: rules that need a whole thread.

Per-patch rules see one mail at a time (possibly in worker processes). A
thread-level rule such as ``review-followup`` needs vN, its reviews and vN+1
together. The per-patch run (``LintJob.summarize_threads``) attaches a small
:class:`~lint.thread.MessageSummary` to the report of every mail that can
matter to a thread rule: replies, re-rolls (``vN`` with N >= 2) and anything
threaded by In-Reply-To/References (:mod:`lint.thread_candidates`), while it
decodes the mail anyway. :class:`ThreadPass` collects them with :meth:`take`;
after the run, :meth:`diagnostics` groups them into threads and runs the
thread rules, and :meth:`merge` folds the findings into the reports.
"""

from __future__ import annotations

from collections.abc import Sequence

from lint.checks import review_followup
from lint.diagnostic import Diagnostic
from lint.pipeline import DecodeOptions
from lint.record import replace
from lint.ruleset import Ruleset, RuleSpec
from lint.runner import PatchReport
from lint.thread_candidates import is_thread_candidate

__all__ = ["THREAD_KINDS", "ThreadPass", "is_thread_candidate"]

TYPE_CHECKING = False
if TYPE_CHECKING:
    from lint.thread import MessageSummary

THREAD_KINDS = frozenset({review_followup.KIND})
"""Check kinds that run on whole threads, after the per-patch rules."""


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

    def take(self, report: PatchReport, seq: int) -> None:
        """Keep the thread summary the per-patch run made of the ``seq``-th mail, if any."""
        if report.thread_summary is not None:
            self._summaries.append(replace(report.thread_summary, seq=seq))

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

    def by_mail(self) -> dict[tuple[str, int], tuple[MessageSummary, list[Diagnostic]]]:
        """The thread findings, grouped by the mail they are on: (origin, index) -> findings."""
        found: dict[tuple[str, int], tuple[MessageSummary, list[Diagnostic]]] = {}
        extra = self.diagnostics()
        if not extra:
            return found
        # One look-up per finding: scanning every summary for each finding made a large
        # archive (thousands of threads with review findings) quadratic.
        mails: dict[tuple[str, str, str], MessageSummary] = {}
        for s in self._summaries:
            mails.setdefault((s.origin, s.message_id, s.subject), s)
        for diag in extra:
            summary = mails[(diag.location.origin, diag.message_id, diag.subject)]
            key = (summary.origin, summary.index)
            found.setdefault(key, (summary, []))[1].append(diag)
        return found

    def merge(self, reports: Sequence[PatchReport]) -> list[PatchReport]:
        """``reports`` with the thread findings added to (or as) the reports of their mails."""
        merged = {(r.origin, r.index): r for r in reports}
        for key, (summary, diagnostics) in self.by_mail().items():
            report = merged.get(key) or new_report(summary)
            both = sorted((*report.diagnostics, *diagnostics), key=lambda d: d.sort_key)
            merged[key] = replace(report, diagnostics=tuple(both))
        # Reports given keep their order; a mail that had no report yet follows them.
        return list(merged.values())


def new_report(summary: MessageSummary) -> PatchReport:
    """An empty report of the mail ``summary`` describes (for findings on a clean mail)."""
    return PatchReport(
        origin=summary.origin,
        index=summary.index,
        first_line=summary.first_line,
        subject=summary.subject,
        message_id=summary.message_id,
        diagnostics=(),
    )
