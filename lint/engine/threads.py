"""The thread-level pass of ``patchlens lint``: rules that need a whole thread.

Per-patch rules see one mail at a time (possibly in worker processes). A
thread-level rule such as ``review-followup`` needs vN, its reviews and vN+1
together. The per-patch run (``LintJob.summarize_threads``) attaches a small
:class:`~lint.thread.threads.MessageSummary` to the report of every mail that can
matter to a thread rule: replies, re-rolls (``vN`` with N >= 2) and anything
threaded by In-Reply-To/References (:mod:`lint.thread.candidates`), while it
decodes the mail anyway. :class:`ThreadPass` collects them with :meth:`take`;
after the run, :meth:`diagnostics` groups them into threads and runs the
thread rules, and :meth:`by_mail` gives the findings of each mail they are on.

In a list archive every mail is threaded, so the pass must not hold every
summary: it groups them as they come (:class:`~lint.thread.grouping.ThreadIndex`, a
few hundred bytes a mail), keeps the summaries themselves in a
:class:`SummarySpool` (pickled in a temporary file past the first thousands),
and at the end loads only the threads a rule can find something in: those
with a review.
"""

from __future__ import annotations

from collections.abc import Sequence

from lint.checks.api import CheckContext
from lint.checks.registry import KINDS
from lint.diagnostic import Diagnostic
from lint.engine.pipeline import DecodeOptions
from lint.engine.rules import diagnostic
from lint.engine.runner import PatchReport
from lint.engine.spool import ObjectSpool
from lint.record import replace
from lint.rulebook.ruleset import Ruleset, RuleSpec
from lint.thread.candidates import is_thread_candidate

__all__ = ["ThreadPass", "is_thread_candidate", "run_thread"]

TYPE_CHECKING = False
if TYPE_CHECKING:
    from lint.thread.grouping import ThreadIndex
    from lint.thread.threads import MessageSummary, Thread


class ThreadPass:
    """Collects summaries while lint streams, then runs the thread rules (one run only)."""

    def __init__(
        self,
        rules: Sequence[RuleSpec],
        decode: DecodeOptions,
        context: CheckContext | None = None,
    ) -> None:
        self._rules = tuple(rules)
        self._decode = decode
        self._context = context if context is not None else CheckContext(spelling=None)
        may_find = [KINDS[rule.kind].may_find for rule in self._rules]
        self._may_find = tuple(f for f in may_find if f is not None)
        self._always = len(self._may_find) < len(may_find)
        """A rule of a kind without a pre-test: every thread may give it something."""
        self._index: ThreadIndex | None = None
        """Made with the first summary: a run of one patch never imports lint.thread.threads."""
        self._store = SummarySpool()
        self._promising = bytearray()
        """Per summary kept: 1 when a rule may find something in its thread (for
        review-followup: a reply with a review); a thread without one is skipped."""
        self._found: tuple[tuple[Diagnostic, ...], tuple[MessageSummary, ...]] | None = None

    @classmethod
    def for_ruleset(
        cls, ruleset: Ruleset, decode: DecodeOptions, context: CheckContext | None = None
    ) -> ThreadPass | None:
        """A pass for the enabled thread rules of ``ruleset``, or ``None`` when there are none."""
        rules = [r for r in ruleset.rules if r.enabled and KINDS[r.kind].on_thread is not None]
        return cls(rules, decode, context) if rules else None

    def take(self, report: PatchReport, seq: int) -> None:
        """Keep the thread summary the per-patch run made of the ``seq``-th mail, if any."""
        summary = report.thread_summary
        if summary is None:
            return
        summary = replace(summary, seq=seq)
        if self._index is None:
            from lint.thread.grouping import ThreadIndex

            self._index = ThreadIndex()
        if self._index.add(summary):  # a later copy of a mail counts as its first copy
            self._store.append(summary)
            # Only threads holding a mail some rule may find something in are loaded again.
            self._promising.append(self._always or any(f(summary) for f in self._may_find))

    def diagnostics(self) -> tuple[Diagnostic, ...]:
        """Every finding of the thread rules on the mails watched."""
        return self._run()[0]

    def _run(self) -> tuple[tuple[Diagnostic, ...], tuple[MessageSummary, ...]]:
        """The findings, and the summaries of the mails they are on (worked out once).

        Threads are loaded and checked one at a time, in order of their first mail (the
        order :func:`~lint.thread.grouping.group_threads` gives them), so memory holds one thread
        and the mails with findings, however many threads were reviewed.
        """
        if self._found is None:
            found: list[Diagnostic] = []
            on: list[MessageSummary] = []
            groups = self._index.groups() if self._index is not None else []
            for group in groups:
                if not any(self._promising[position] for position in group):
                    continue
                from lint.thread.grouping import build_threads

                (thread,) = build_threads([[self._store.load(p) for p in group]])
                before = len(found)
                found.extend(run_thread(thread, self._rules, self._context))
                places = {_place(d) for d in found[before:]}
                on.extend(
                    m for m in thread.messages if (m.origin, m.message_id, m.subject) in places
                )
            self._found = (tuple(found), tuple(on))
            self._store.close()
        return self._found

    def by_mail(self) -> dict[tuple[str, int], tuple[MessageSummary, list[Diagnostic]]]:
        """The thread findings, grouped by the mail they are on: (origin, index) -> findings."""
        found: dict[tuple[str, int], tuple[MessageSummary, list[Diagnostic]]] = {}
        extra, loaded = self._run()
        if not extra:
            return found
        # One look-up per finding: scanning every summary for each finding made a large
        # archive (thousands of threads with review findings) quadratic.
        mails: dict[tuple[str, str, str], MessageSummary] = {}
        for s in loaded:
            mails.setdefault((s.origin, s.message_id, s.subject), s)
        for diag in extra:
            summary = mails[_place(diag)]
            key = (summary.origin, summary.index)
            found.setdefault(key, (summary, []))[1].append(diag)
        return found


def run_thread(
    thread: Thread, rules: Sequence[RuleSpec], context: CheckContext
) -> list[Diagnostic]:
    """The findings of the thread rules among ``rules`` on one thread."""
    found: list[Diagnostic] = []
    for rule in rules:
        check = KINDS[rule.kind].on_thread
        if check is None or not rule.enabled:
            continue
        for item in check(thread, rule.params, context):
            # A thread finding names its mail (Finding.on): the mail arguments are unused.
            found.append(diagnostic(rule, item, rule.severity, "", "", ""))
    return found


def _place(diag: Diagnostic) -> tuple[str, str, str]:
    """What names the mail a thread finding is on: its origin, Message-ID and subject."""
    return (diag.location.origin, diag.message_id, diag.subject)


class SummarySpool(ObjectSpool["MessageSummary"]):
    """The thread pass's summaries, in the order given (:class:`ObjectSpool`)."""


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
