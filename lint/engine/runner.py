"""Run the pipeline over many mails, in this process or in ``-j N`` worker processes.

The runner is the only place that knows about parallelism.  It keeps a bounded
number of batches in flight so that a 1 GB mbox streams through in constant
memory whatever ``-j`` is, and it yields results in input order.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from itertools import islice

from lint.checks.api import CheckContext
from lint.diagnostic import Diagnostic, Location, Part, Severity
from lint.engine.budget import RULE_ID as BUDGET_RULE
from lint.engine.budget import Budget, BudgetExceeded
from lint.engine.pipeline import DecodeOptions, read_patches
from lint.engine.rules import run
from lint.mail.model import RawMail
from lint.patch.model import Patch
from lint.record import record
from lint.rulebook.ruleset import Ruleset
from lint.thread.candidates import is_thread_candidate

TYPE_CHECKING = False
if TYPE_CHECKING:
    from concurrent.futures import Future

    from lint.thread.series import SeriesEntry
    from lint.thread.threads import MessageSummary

BATCH_SIZE = 32
"""Mails sent to a worker at a time: big enough to amortise pickling, small enough to stream."""


@record
class PatchReport:
    """What linting one mail found, with enough of the mail to name it in a report."""

    origin: str
    index: int
    first_line: int
    subject: str
    message_id: str
    diagnostics: tuple[Diagnostic, ...]
    thread_summary: MessageSummary | None = None
    """What the thread rules need of this mail, when it may belong to a thread and the
    job asked for it: made while the mail is decoded anyway, so it is decoded once."""
    series_entry: SeriesEntry | None = None
    """What the series rules need of this mail, when it is a patch or a cover letter and
    the job asked for it (:class:`~lint.engine.series.SeriesPass`)."""


@record
class LintJob:
    """Everything a worker needs, passed explicitly (workers share no state)."""

    ruleset: Ruleset
    context: CheckContext | None
    decode: DecodeOptions
    summarize_threads: bool = False
    """Attach a thread summary to the reports of replies, re-rolls and threaded mails."""
    summarize_series: bool = False
    """Attach a series entry to the reports of patches and cover letters."""
    time_budget: float = 0.0
    """Seconds the work on one message may take (0: no limit; :mod:`lint.engine.budget`)."""


def report_patch(
    patch: Patch, job: LintJob, threaded: bool = False, budget: Budget | None = None
) -> PatchReport:
    """Lint one analysed patch (``threaded``: summarise it for the thread rules too)."""
    mail = patch.mail
    summary = None
    if threaded and job.summarize_threads:
        from lint.thread.threads import summarize  # only for thread mails: a hook never needs it

        summary = summarize(patch, 0)  # the run's order is set by whoever collects it
    entry = None
    if job.summarize_series and not patch.subject.reply:
        from lint.thread.series import SeriesEntry

        entry = SeriesEntry.of(patch)
    return PatchReport(
        origin=mail.origin,
        index=mail.index,
        first_line=mail.first_line,
        subject=patch.subject.raw,
        message_id=mail.message_id,
        diagnostics=run(patch, job.ruleset, job.context, budget),
        thread_summary=summary,
        series_entry=entry,
    )


def _reports(raws: Iterable[RawMail], job: LintJob) -> Iterator[PatchReport]:
    for raw in raws:
        threaded = job.summarize_threads and is_thread_candidate(raw.data)
        # The reports are made inside the budget and handed on after it: the timer must
        # not run while the caller works on them.
        with Budget(job.time_budget) as budget:
            try:
                made = [
                    report_patch(patch, job, threaded, budget)
                    for patch in read_patches((raw,), job.decode)
                ]
            except BudgetExceeded as stopped:
                made = [stopped_report(raw, stopped)]
        yield from made


def stopped_report(raw: RawMail, stopped: BudgetExceeded) -> PatchReport:
    """The report of a message whose analysis ran past its budget: one finding that says so."""
    where = Location(raw.origin, raw.first_line, Part.HEADER)
    finding = Diagnostic(
        rule=BUDGET_RULE,
        severity=Severity.ERROR,
        message=f"{stopped}: this message was not checked",
        location=where,
        help="A part of it takes the rules too long; patchlens went on with the next message.",
    )
    return PatchReport(raw.origin, raw.index, raw.first_line, "", "", (finding,))


def lint_batch(batch: list[RawMail], job: LintJob) -> list[PatchReport]:
    """Decode, analyse and lint a batch of mails."""
    return list(_reports(batch, job))


# The job of a worker process, set once by its initializer. Sending the job with
# every batch would pickle the ruleset each time, and unpickling recompiles every
# regex: with -j that cost more than the linting. This lives only in the worker
# processes this module starts; the parent never sets it.
_worker_job: list[LintJob] = []


def _start_worker(job: LintJob) -> None:
    _worker_job.append(job)


def _lint_batch_in_worker(batch: list[RawMail]) -> list[PatchReport]:
    return lint_batch(batch, _worker_job[0])


def lint_mails(
    raws: Iterable[RawMail],
    job: LintJob,
    jobs: int = 1,
    on_patch: Callable[[PatchReport], None] | None = None,
) -> Iterator[PatchReport]:
    """Lint every mail of ``raws`` and yield one report per mail, in input order."""
    if jobs <= 1:
        for result in _reports(raws, job):
            if on_patch:
                on_patch(result)
            yield result
        return
    # Imported here: multiprocessing costs start-up time a one-patch git hook should not pay.
    from concurrent.futures import ProcessPoolExecutor

    iterator = iter(raws)
    with ProcessPoolExecutor(max_workers=jobs, initializer=_start_worker, initargs=(job,)) as pool:
        pending: deque[Future[list[PatchReport]]] = deque()
        while True:
            while len(pending) < 2 * jobs:
                batch = list(islice(iterator, BATCH_SIZE))
                if not batch:
                    break
                pending.append(pool.submit(_lint_batch_in_worker, batch))
            if not pending:
                return
            for result in pending.popleft().result():
                if on_patch:
                    on_patch(result)
                yield result
