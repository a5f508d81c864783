"""The mailing-list bot: ``patchlens bot run`` and ``patchlens bot status``.

The bot watches a list (a maildir written by ``lei q -o maildir:DIR``, or one
mail per invocation piped in by korgalore or procmail), lints every patch,
waits for each series to be complete, and answers each series once: a reply
mail (outbox maildir and/or SMTP) and/or patchwork checks. State lives in one
SQLite file, so a restart resumes exactly where the last run stopped.

This module holds only the command-line glue and is imported when the parser
is built, so it imports nothing heavy; the work is in :mod:`lint.bot.run`.
This and ``cli.py`` are the only places of the bot that print.
"""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, BinaryIO, TextIO

    from lint.bot.config import BotConfig
    from lint.bot.intake import Examiner
    from lint.bot.run import PassCounts
    from lint.bot.status import StatusReport
    from lint.bot.watch import MailWatch

EXIT_CLEAN = 0
EXIT_ERROR = 2

STATE_HELP = """\
where the state is kept:
  The state (what was seen, answered and delivered) is one SQLite file: the
  one given by --state, else [bot] state of the config file, else
  patchlens-bot.sqlite in the current directory, or beside the config file
  when there is one (--config, or the .patchlens.toml at the top of the git
  repository). Replies go to the outbox maildir patchlens-outbox/ beside the
  state unless [bot.outbox] says otherwise. When the default file is used,
  the run says where it is on stderr; from cron, whose current directory is
  the home directory, name it with --state or [bot] state.

examples:
  patchlens bot run --dry-run --maildir ~/Mail/x86 --config bot.toml   try it: print, send nothing
  patchlens bot run --maildir ~/Mail/x86 --config bot.toml             answer what lei fetched
  patchlens bot run --watch --maildir ~/Mail/x86 --config bot.toml     keep running
  patchlens bot run --stdin --config bot.toml < message.eml           one mail from a pipe
"""


def add_parser(commands: Any) -> None:
    """Add ``bot run`` and ``bot status`` to the sub-command parser of ``cli.py``."""
    bot = commands.add_parser(
        "bot",
        help="mailing-list bot: lint every patch that arrives, reply once per series",
        description="Lint every patch or series that arrives on a list and answer each "
        "series once (reply mail, patchwork check). See README.md, 'Mailing-list bot'.",
    )
    actions = bot.add_subparsers(dest="bot_command", metavar="ACTION", required=True)
    run = actions.add_parser(
        "run",
        help="take new mail in, answer ready series, deliver",
        description="Take new mail in (a maildir, or one mail on stdin), record it, answer\n"
        "each series that is ready and deliver the replies.",
        epilog=STATE_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,  # keeps the file name whole
    )
    source = run.add_mutually_exclusive_group(required=True)
    source.add_argument("--maildir", type=Path, metavar="DIR", help="maildir written by lei")
    source.add_argument(
        "--stdin", action="store_true", help="one raw message on stdin (korgalore, procmail)"
    )
    run.add_argument(
        "--watch",
        nargs="?",
        const="events",
        choices=("events", "poll"),
        help="keep running until SIGTERM/SIGINT, woken by mail moved into the maildir's new/ "
        "(inotify; polling where inotify is missing or fails; stderr says which); "
        "--watch=poll: poll only (a maildir written from another host over NFS gives no events)",
    )
    run.add_argument(
        "--poll",
        type=float,
        default=5.0,
        metavar="SECONDS",
        help="with --watch: seconds between passes when no mail wakes the bot (with inotify "
        "only a fallback in case events are lost; when polling, the poll interval)",
    )
    run.add_argument(
        "-j", "--jobs", type=int, default=1, metavar="N", help="lint in N worker processes"
    )
    run.add_argument(
        "--dry-run",
        action="store_true",
        help="print the mails instead of sending; work on a copy of the state, claim nothing",
    )
    _common(run)
    run.set_defaults(handler=_handle_run)
    status = actions.add_parser("status", help="counts by state, last errors, queue depth")
    status.add_argument("--maildir", type=Path, metavar="DIR", help="also count unclaimed mail")
    _common(status)
    status.set_defaults(handler=_handle_status)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, help="config with a [bot] table (.patchlens.toml)")
    parser.add_argument(
        "--state",
        type=Path,
        help="SQLite state file (overrides [bot] state; default: patchlens-bot.sqlite in "
        "the current directory, or beside the config file)",
    )


def _handle_run(args: argparse.Namespace) -> int:
    return run_command(args, sys.stdin.buffer, sys.stdout, sys.stderr, _stop_on_signals)


def _handle_status(args: argparse.Namespace) -> int:
    return status_command(args, sys.stdout)


def _stop_on_signals(stop: Any) -> None:
    """SIGTERM and SIGINT set ``stop``: the loop finishes the mail in hand and exits."""

    def handler(signum: int, frame: object) -> None:
        del signum, frame
        stop.set()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)


def _settings(args: argparse.Namespace) -> tuple[Any, BotConfig]:
    from lint.bot.config import load_bot_config
    from lint.config import load_config

    config = load_config(args.config, Path.cwd())
    return config, load_bot_config(config.path, args.state)


def run_command(
    args: argparse.Namespace,
    stdin: BinaryIO,
    stdout: TextIO,
    stderr: TextIO,
    install_signals: Any,
) -> int:
    """``patchlens bot run``: one pass (or, with --watch, passes until a signal)."""
    import shutil
    import tempfile
    from threading import Event

    from lint.bot.intake import Examiner, ensure_maildir, stdin_mail
    from lint.bot.run import RunOptions, run_bot
    from lint.bot.state import BotState
    from lint.checks.api import CheckContext
    from lint.errors import InputError
    from lint.rulebook.ruleset import load_ruleset

    if args.watch and args.stdin:
        raise InputError("--watch", "a piped mail is one message: use --watch with --maildir")
    config, bot = _settings(args)
    if not bot.state_chosen:
        stderr.write(default_state_note(bot))
    from lint.checks.checkpatch.dictionary import choose_dictionary

    context = CheckContext(profile=config.profile, spelling=choose_dictionary(None))
    ruleset = load_ruleset(config)
    for note in ruleset.notes:
        stderr.write(f"patchlens bot: note: {note}\n")
    examiner = Examiner(
        bot, ruleset, context, time_budget=config.time_budget, part_limit=config.part_limit
    )
    if args.maildir is not None:
        if not args.maildir.is_dir():
            raise InputError(str(args.maildir), "no such maildir")
        if not args.dry_run:
            ensure_maildir(args.maildir)
    piped = next(stdin_mail(stdin)) if args.stdin else None
    scratch = tempfile.mkdtemp(prefix="patchlens-dry-run.") if args.dry_run else None
    state_path = bot.state
    if scratch is not None:
        # A dry run works on a copy: the real state and the maildir stay untouched.
        state_path = Path(scratch) / "state.sqlite"
        _copy_state(bot.state, state_path)
    stop = Event()
    install_signals(stop)
    state = BotState(state_path, durable=bot.durable)
    watch = _open_watch(args, stderr)
    try:
        options = RunOptions(
            examiner=examiner,
            maildir=args.maildir,
            stdin_mail=piped,
            watch=watch.wait if watch is not None else None,
            poll=args.poll,
            dry_run=args.dry_run,
            jobs=max(args.jobs, 1),
            on_examined=_site(bot, examiner, stderr, args.dry_run),
        )
        counts = run_bot(state, options, stdout.write, stop)
    finally:
        if watch is not None:
            watch.close()
        state.close()
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
    stderr.write(closing_line(counts, dry_run=args.dry_run))
    for error in counts.errors[-10:]:
        stderr.write(f"patchlens bot: {error}\n")
    return EXIT_CLEAN


def _open_watch(args: argparse.Namespace, stderr: TextIO) -> MailWatch | None:
    """With --watch, what the loop sleeps in between passes; it says on stderr which.

    Opened before the first pass, so that mail arriving while that pass reads
    ``new/`` wakes the next one instead of waiting for the poll.
    """
    if not args.watch:
        return None
    from lint.bot.watch import open_watch

    return open_watch(
        args.maildir / "new",
        args.poll,
        events=args.watch == "events",
        note=lambda text: stderr.write(f"patchlens bot: {text}\n"),
    )


def default_state_note(bot: BotConfig) -> str:
    """Where the state is kept when nothing named it (see :data:`STATE_HELP`)."""
    outbox = f"; replies go to the outbox {bot.outbox}" if bot.outbox is not None else ""
    return (
        f"patchlens bot: note: state kept in {bot.state} (the default: neither --state "
        f"nor [bot] state names one){outbox}\n"
    )


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


_CHANNELS = (
    ("outbox", "reply mail", "reply mails", " to the outbox"),
    ("smtp", "reply mail", "reply mails", " by SMTP"),
    ("patchwork", "patchwork check", "patchwork checks", " posted"),
)


def closing_line(counts: PassCounts, *, dry_run: bool) -> str:
    """The line ``bot run`` ends with: mail taken in, verdicts, and what went out.

    A clean series is a verdict that needed no reply, not a reply; a dry run
    delivers nothing, whatever it printed.
    """
    intake = (
        f"{_count(counts.received, 'new mail', 'new mails')} ({counts.failed} failed, "
        f"{counts.duplicates} seen before)"
    )
    judged = counts.replies + counts.clean + counts.held
    verdicts = (
        f"{judged} series checked: {_count(counts.replies, 'reply', 'replies')} composed, "
        f"{counts.clean} clean (no reply needed)"
    )
    if counts.held:
        verdicts += f", {counts.held} held back by rate limits"
    if dry_run:
        mails = _count(counts.printed.get("mail", 0), "reply mail", "reply mails")
        checks = _count(counts.printed.get("check", 0), "patchwork check", "patchwork checks")
        out = f"dry run: nothing delivered ({mails} and {checks} printed instead)"
    else:
        made = [
            _count(counts.delivered[channel], one, many) + where
            for channel, one, many, where in _CHANNELS
            if counts.delivered.get(channel)
        ]
        failures = _count(counts.delivery_failures, "delivery failure", "delivery failures")
        out = f"delivered: {', '.join(made) or 'nothing'}; {failures}"
    return f"patchlens bot: {intake}; {verdicts}; {out}\n"


def _site(
    bot: BotConfig, examiner: Examiner, stderr: TextIO, dry_run: bool
) -> Callable[[list[tuple[bytes, str]]], object] | None:
    """The keeper of ``[bot] site``, or ``None`` (none configured, or a dry run)."""
    if bot.site is None or dry_run:
        return None
    from lint.bot.sitekeeper import site_keeper

    return site_keeper(bot.site, examiner, stderr.write)


def _copy_state(source: Path, target: Path) -> None:
    import sqlite3

    if not source.is_file():
        return
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def status_command(args: argparse.Namespace, stdout: TextIO) -> int:
    """``patchlens bot status``: counts by state, last errors, queue depth."""
    from lint.bot.intake import new_mail
    from lint.bot.state import BotState
    from lint.bot.status import status_report

    _, bot = _settings(args)
    if not bot.state.is_file():
        # Not an error: a bot set up but not yet started is a normal thing to ask about.
        stdout.write(f"no bot state yet at {bot.state}: the bot has not run there yet\n")
        return EXIT_CLEAN
    state = BotState(bot.state)
    try:
        report = status_report(state)
    finally:
        state.close()
    unclaimed = len(new_mail(args.maildir)) if args.maildir is not None else None
    stdout.write(render_status(report, bot.state, unclaimed))
    return EXIT_CLEAN


def render_status(report: StatusReport, path: Path, unclaimed: int | None) -> str:
    """The text of ``bot status``."""

    def line(pairs: tuple[tuple[str, int], ...]) -> str:
        return ", ".join(f"{name} {count}" for name, count in pairs) or "none"

    out = [
        f"state:      {path}",
        f"messages:   {line(report.messages)}",
        f"kinds:      {line(report.kinds)}",
        f"series:     {line(report.series)}",
        f"replies:    {report.replies} with a mail, {report.unmailed} without "
        "(clean or rate-limited)",
        "deliveries: " + (", ".join(f"{c} {s} {n}" for c, s, n in report.deliveries) or "none"),
        f"queue:      {report.open_series} open series, "
        f"{report.pending_deliveries} pending deliveries"
        + (f", {unclaimed} unclaimed mails" if unclaimed is not None else ""),
    ]
    if report.failed_messages:
        out.append("last failed mails:")
        out.extend(f"  {msgid}: {reason}" for msgid, reason in report.failed_messages)
    if report.delivery_errors:
        out.append("last delivery errors:")
        out.extend(
            f"  {msgid} {channel}: {error}" for msgid, channel, error in report.delivery_errors
        )
    return "\n".join(out) + "\n"
