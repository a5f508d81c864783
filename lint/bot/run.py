"""The bot's loop: take mail in, answer ready series, deliver, and stop cleanly.

One pass does three things, each safe to interrupt at any point:

1. **intake**: examine each unclaimed mail, record a batch in one
   transaction, then claim the files (``new/`` -> ``cur/``);
2. **answer**: for each series that is complete or past its grace period,
   compose the reply and commit it with its pending deliveries, in one
   transaction (the state allows one reply per series);
3. **deliver**: attempt each due delivery; failures are retried with
   exponential backoff, up to ``max_attempts``.

A restart after a crash simply runs the next pass: whatever was committed is
not redone, whatever was not is redone from scratch. ``--watch`` repeats
passes, sleeping in between until mail arrives (:mod:`lint.bot.watch`), until
SIGTERM or SIGINT sets the stop event, which every stage checks between mails.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from threading import Event

from lint.bot.config import BotConfig
from lint.bot.delivery import (
    Outcome,
    backoff,
    deliver_outbox,
    deliver_patchwork,
    deliver_smtp,
    retry_note,
)
from lint.bot.intake import Examiner, claim, examine, new_mail, read_new_mail
from lint.bot.model import Arrival, MailKind, Status
from lint.bot.reply import ReplyPlan, ReplyRenderer, packaged_rule_ids, plan_reply
from lint.bot.series import Placement, assess, placement
from lint.bot.state import BotState, Delivery, NewReply

Emit = Callable[[str], object]
"""Where ``--dry-run`` output goes (the entry point passes ``sys.stdout.write``)."""

_BAD = MailKind.MALFORMED
"""The kind of a mail that did not decode: recorded as failed, never passed on."""

CLEAN_OUTCOME = "clean: no mail"
"""The outcome stored for a series with nothing to report, which gets no reply."""


@dataclass(frozen=True, slots=True)
class RunOptions:
    """One ``bot run``: where mail comes from and how to treat it."""

    examiner: Examiner
    maildir: Path | None = None
    stdin_mail: bytes | None = None
    watch: Callable[[Event, float], object] | None = None  # sleep(stop, timeout): lint.bot.watch
    poll: float = 5.0
    dry_run: bool = False
    jobs: int = 1
    """Worker processes for linting (the state is written by the main process only)."""
    batch_size: int = 64
    lease_seconds: float = 300.0
    clock: Callable[[], float] = time.time
    on_examined: Callable[[list[tuple[bytes, str]]], object] | None = None
    """Also given each batch of mails read that decoded (``[bot] site``: lint.bot.sitekeeper)."""

    @property
    def bot(self) -> BotConfig:
        return self.examiner.bot


@dataclass(slots=True)
class PassCounts:
    """What a run did (a tally, mutated only by the loop that owns it)."""

    received: int = 0
    duplicates: int = 0
    failed: int = 0
    replies: int = 0
    """Series answered with a reply mail (composed and queued for delivery)."""
    clean: int = 0
    """Series with no findings: a verdict that needed no reply (``reply_when_clean`` off)."""
    held: int = 0
    """Series whose reply a rate limit held back: the verdict is stored, nothing mailed."""
    delivered: dict[str, int] = field(default_factory=dict)
    """Deliveries made, per channel (``outbox``, ``smtp``, ``patchwork``)."""
    printed: dict[str, int] = field(default_factory=dict)
    """With ``dry_run``, what was printed instead of delivered: ``mail`` or ``check``."""
    delivery_failures: int = 0
    passes: int = 0
    errors: list[str] = field(default_factory=list)


def source_name(path: Path) -> str:
    """A maildir file's name without its ``:2,`` flags: stable across new/ and cur/."""
    return path.name.split(":2,", 1)[0]


Examine = Callable[[list[tuple[bytes, str]]], list[Arrival]]
"""Examines a batch of ``(mail, origin)``: in this process, or in worker processes."""


def examine_here(examiner: Examiner) -> Examine:
    """Examine mails in this process."""
    return lambda items: [examine(data, origin, examiner) for data, origin in items]


def examine_batch(items: list[tuple[bytes, str]], examiner: Examiner) -> list[Arrival]:
    """Worker-process entry point (module level, so it pickles)."""
    return [examine(data, origin, examiner) for data, origin in items]


def intake_maildir(
    state: BotState, options: RunOptions, stop: Event, counts: PassCounts, examiner: Examine
) -> None:
    """Record and claim every unclaimed mail of the maildir, a batch at a time."""
    assert options.maildir is not None
    files = new_mail(options.maildir)
    for start in range(0, len(files), options.batch_size):
        if stop.is_set():
            return
        chunk = files[start : start + options.batch_size]
        names = [source_name(path) for path in chunk]
        known = state.known_sources(names)
        read = [(name, read_new_mail(path)) for path, name in zip(chunk, names, strict=True)]
        mails = [(name, got) for name, got in read if name not in known and got is not None]
        texts = [(got, name) for name, got in mails if isinstance(got, bytes)]
        arrivals = examiner(texts)
        if options.on_examined is not None:
            decoded = [t for t, a in zip(texts, arrivals, strict=True) if a.kind is not _BAD]
            if decoded:
                options.on_examined(decoded)
        examined = iter(arrivals)
        batch: list[tuple[str, Arrival, Placement]] = []
        for name, got in mails:
            arrival = next(examined) if isinstance(got, bytes) else got
            assert isinstance(arrival, Arrival)
            batch.append((name, arrival, placement(arrival, options.bot.reply_per)))
        _tally(counts, batch, state.record(batch, options.clock()))
        if not options.dry_run:
            # Claimed only now that the batch is committed: a crash before this
            # line leaves the files in new/, and the next run only moves them.
            for path in chunk:
                claim(path, options.maildir)


def intake_stdin(state: BotState, options: RunOptions, counts: PassCounts) -> None:
    """Record the one mail given on standard input."""
    assert options.stdin_mail is not None
    data = options.stdin_mail
    arrival = examine(data, "<stdin>", options.examiner)
    if options.on_examined is not None and arrival.kind is not _BAD:
        options.on_examined([(data, "<stdin>")])
    batch = [("", arrival, placement(arrival, options.bot.reply_per))]
    _tally(counts, batch, state.record(batch, options.clock()))


def _tally(
    counts: PassCounts, batch: Sequence[tuple[str, Arrival, Placement]], taken: Sequence[str]
) -> None:
    for (_, arrival, _), how in zip(batch, taken, strict=True):
        if how == "duplicate":
            counts.duplicates += 1
            continue
        counts.received += 1
        if arrival.status is Status.FAILED:
            counts.failed += 1
            counts.errors.append(f"{arrival.message_id}: {arrival.reason}")


def _deliveries(plan: ReplyPlan, mailed: bool, bot: BotConfig) -> tuple[tuple[str, str, str], ...]:
    import json

    made: list[tuple[str, str, str]] = []
    if mailed and bot.outbox is not None:
        made.append(("outbox", "", ""))
    if mailed and bot.smtp is not None:
        made.append(("smtp", "", ""))
    if bot.patchwork is not None:
        for msgid, state, description in plan.patch_ids:
            payload = json.dumps({"state": state, "description": description})
            made.append(("patchwork", msgid, payload))
    return tuple(made)


def answer_ready(
    state: BotState,
    options: RunOptions,
    renderer: Callable[[], ReplyRenderer],
    stop: Event,
    counts: PassCounts,
) -> None:
    """Compose and commit the reply of every ready series, a batch per transaction.

    A crash loses the batch in hand, never half of a reply: it is composed
    again from the same recorded mails on the next run.
    """
    ready = state.ready_series(options.clock(), options.bot.grace_period)
    for start in range(0, len(ready), options.batch_size):
        if stop.is_set():
            return
        now = options.clock()
        with state.transaction() as db:
            for key in ready[start : start + options.batch_size]:
                reply = _answer(state, db, key, options, renderer, now)
                if reply is not None:
                    _tally_reply(counts, reply)


def _tally_reply(counts: PassCounts, reply: NewReply) -> None:
    """Count a stored verdict as what it is: a reply mail, clean, or held back."""
    if reply.mailed:
        counts.replies += 1
    elif reply.outcome == CLEAN_OUTCOME:
        counts.clean += 1
    else:
        counts.held += 1


def _answer(
    state: BotState,
    db: sqlite3.Connection,
    key: str,
    options: RunOptions,
    renderer: Callable[[], ReplyRenderer],
    now: float,
) -> NewReply | None:
    """Answer one series inside the caller's transaction; the stored verdict, if any."""
    bot = options.bot
    opened = state.open_series(db, key)
    if opened is None:
        return None  # answered by another process meanwhile
    total, first_seen = opened
    members = state.members(db, key)
    patches = [member for member in members if member.kind is MailKind.PATCH]
    if not patches:
        state.close_series(db, key, "no patch arrived (cover letter only)")
        return None
    parts = [placement(patch, bot.reply_per).part for patch in patches]
    readiness = assess(parts, total, first_seen, now, bot.grace_period)
    if not readiness.ready:
        return None
    plan = plan_reply(key, members, readiness.missing, total, bot)
    mailed, outcome = _mail_decision(state, db, plan, now, bot)
    reply = NewReply(
        message_id=plan.message_id,
        thread=plan.thread,
        author=plan.author,
        mailed=mailed,
        verdict=plan.verdict,
        mail=renderer().render(plan, now) if mailed else b"",
        deliveries=_deliveries(plan, mailed, bot),
        outcome=outcome,
    )
    state.add_reply(db, key, reply, now)
    return reply


def _mail_decision(
    state: BotState, db: sqlite3.Connection, plan: ReplyPlan, now: float, bot: BotConfig
) -> tuple[bool, str]:
    """Whether the reply is mailed, and why not: clean, or over a rate limit."""
    if not plan.has_findings and not plan.missing and not bot.reply_when_clean:
        return False, CLEAN_OUTCOME
    since = now - bot.rate_window
    if state.recent_mailed(db, "thread", plan.thread, since) >= bot.thread_limit:
        return False, "rate-limited: too many replies in this thread"
    if state.recent_mailed(db, "author", plan.author, since) >= bot.author_limit:
        return False, "rate-limited: too many replies to this author"
    return True, ""


def _print_instead(item: Delivery, options: RunOptions, emit: Emit) -> str:
    """``--dry-run``: print what ``item`` would deliver; ``mail``, ``check`` or ``""``.

    A reply going both to the outbox and by SMTP is printed once (``""`` for
    the second channel), so the printed count is the number of reply mails.
    """
    if item.channel == "patchwork":
        emit(f"# patchwork check for {item.target}: {item.payload}\n")
        return "check"
    if item.channel == "outbox" or (item.channel == "smtp" and options.bot.outbox is None):
        emit(item.mail.decode("utf-8", "replace") + "\n")
        return "mail"
    return ""


def _attempt(item: Delivery, options: RunOptions, emit: Emit, counts: PassCounts) -> Outcome:
    bot = options.bot
    if options.dry_run:
        printed = _print_instead(item, options, emit)
        if printed:
            counts.printed[printed] = counts.printed.get(printed, 0) + 1
        return Outcome(ok=True)
    if item.channel == "outbox" and bot.outbox is not None:
        return deliver_outbox(bot.outbox, item.reply_message_id, item.mail, durable=bot.durable)
    if item.channel == "smtp" and bot.smtp is not None:
        return deliver_smtp(bot.smtp, bot.sender, item.mail)
    if item.channel == "patchwork" and bot.patchwork is not None:
        return deliver_patchwork(bot.patchwork, item.target, item.payload)
    return Outcome(ok=False, error=f"channel {item.channel} is not configured any more")


def deliver_due(
    state: BotState, options: RunOptions, emit: Emit, stop: Event, counts: PassCounts
) -> None:
    """Attempt every due delivery once; failures are rescheduled with backoff."""
    bot = options.bot
    while not stop.is_set():
        due = state.due_deliveries(options.clock(), limit=options.batch_size)
        if not due:
            return
        done: list[Delivery] = []
        for item in due:
            if stop.is_set():
                break
            # The outbox write is idempotent by name, so it needs no lease; other
            # channels take one so that two bot processes never both send.
            if item.channel != "outbox" and not state.take_lease(
                item, options.clock(), options.lease_seconds
            ):
                continue
            outcome = _attempt(item, options, emit, counts)
            if outcome.ok and item.channel == "outbox":
                done.append(item)
                continue
            if outcome.ok:
                # Sent: recorded at once, to keep the window for a double send tiny.
                state.delivered([item])
                _tally_delivered(counts, [item], options)
                continue
            counts.delivery_failures += 1
            attempts = item.attempts + 1
            delay = None
            if not outcome.permanent and attempts < bot.max_attempts:
                delay = backoff(attempts, bot.retry_base, bot.retry_max)
            error = outcome.error + retry_note(outcome, attempts, delay)
            counts.errors.append(f"{item.reply_message_id} {item.channel}: {error}")
            retry_at = None if delay is None else options.clock() + delay
            state.failed_attempt(item, error, retry_at)
        # One commit for the batch: a crash before it only repeats idempotent work
        # (outbox) or, for SMTP/patchwork, what their leases allow after expiry.
        state.delivered(done)
        _tally_delivered(counts, done, options)


def _tally_delivered(counts: PassCounts, items: Sequence[Delivery], options: RunOptions) -> None:
    """Count deliveries made; a dry run delivers nothing (see :func:`_print_instead`)."""
    if options.dry_run:
        return
    for item in items:
        counts.delivered[item.channel] = counts.delivered.get(item.channel, 0) + 1


def run_bot(state: BotState, options: RunOptions, emit: Emit, stop: Event) -> PassCounts:
    """Run passes until the work is done (or, with ``watch``, until ``stop`` is set).

    With ``jobs > 1`` mails are linted in that many worker processes; the
    state is still written by this process alone.
    """
    if options.jobs <= 1:
        return _passes(state, options, emit, stop, examine_here(options.examiner))
    from concurrent.futures import ProcessPoolExecutor
    from functools import partial

    with ProcessPoolExecutor(max_workers=options.jobs) as pool:
        size = max(options.batch_size // options.jobs, 1)

        def in_workers(items: list[tuple[bytes, str]]) -> list[Arrival]:
            parts = [items[i : i + size] for i in range(0, len(items), size)]
            work = partial(examine_batch, examiner=options.examiner)
            return [arrival for part in pool.map(work, parts) for arrival in part]

        return _passes(state, options, emit, stop, in_workers)


def _passes(
    state: BotState, options: RunOptions, emit: Emit, stop: Event, examiner: Examine
) -> PassCounts:
    counts = PassCounts()
    renderers: list[ReplyRenderer] = []

    def renderer() -> ReplyRenderer:
        if not renderers:  # Jinja2 is loaded only when a reply is first rendered
            ruleset = options.examiner.ruleset
            renderers.append(ReplyRenderer(options.bot, packaged_rule_ids(ruleset)))
        return renderers[0]

    stdin_done = False
    while True:
        counts.passes += 1
        if options.maildir is not None:
            intake_maildir(state, options, stop, counts, examiner)
        if options.stdin_mail is not None and not stdin_done:
            intake_stdin(state, options, counts)
            stdin_done = True
        answer_ready(state, options, renderer, stop, counts)
        deliver_due(state, options, emit, stop, counts)
        if not options.watch or stop.is_set():
            return counts
        options.watch(stop, _sleep_time(state, options))


def _sleep_time(state: BotState, options: RunOptions) -> float:
    """Until the next poll, or sooner when a delivery retry falls due or a series that
    waits for its missing patches reaches the end of its grace period."""
    now = options.clock()
    deadline = state.next_series_deadline(now, options.bot.grace_period)
    dues = [d for d in (state.next_delivery_time(), deadline) if d is not None]
    return min(options.poll, max(min(dues) - now, 0.05)) if dues else options.poll
