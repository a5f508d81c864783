"""The ``patchlens`` command line: the only module that prints and picks exit codes.

Exit status, for every sub-command: 0 nothing at or above ``--fail-on``; 1 findings;
2 usage, unreadable or malformed input, or a broken rule/config file (one line on
stderr naming the input and the problem, never a traceback).

Start-up is kept lean (a git hook runs this on every send): heavy modules are
imported inside the sub-command that needs them.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from lint.config import Config
    from lint.model import RawMail
    from lint.pipeline import DecodeOptions
    from lint.ruleset import Ruleset
    from lint.runner import PatchReport

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2

DESCRIPTION = """\
Read Linux-kernel patches the way maintainers receive them, and check their
changelogs and diffs against a rulebook made of data (rules/*.toml).

INPUT may be a git format-patch file, a folder of *.patch files, an mbox
(a whole lore thread), a maildir (cur/ and new/, as lei writes it), "-" for
standard input, or a git revision range such as HEAD~3..HEAD (with -C DIR to
name the repository)."""

LINT_EPILOG = """\
examples:
  patchlens lint 0001-x86-fred-Fix-boot.patch     one patch from git format-patch
  patchlens lint outgoing/                        a series (0000-cover-letter.patch first)
  patchlens lint thread.mbox                      every message of a saved lore thread
  patchlens lint -C ~/linux origin/master..HEAD   the commits you are about to send
  b4 am -o - <msgid> | patchlens lint -           a patch on standard input
  patchlens lint --format json series.mbox        machine-readable (docs/json.md)

Rules come from the packaged rulebook plus .patchlens.toml at the repository
root (or --config FILE): enable, disable or re-grade rules, add rule folders.
See every rule and why it exists with `patchlens rules` and `patchlens rules ID`.

exit status: 0 clean, 1 findings at or above --fail-on, 2 bad input or config."""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every sub-command."""
    parser = argparse.ArgumentParser(
        prog="patchlens",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"patchlens {_version()}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    lint = commands.add_parser(
        "lint",
        help="check patches, series, threads or a git range against the rulebook",
        description="Check each patch of INPUT against the rulebook and report findings.",
        epilog=LINT_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_input_arguments(lint)
    lint.add_argument(
        "--format",
        choices=("text", "terse", "json"),
        default="text",
        help="text (grouped per patch, the default), terse (checkpatch's one-line form) "
        "or json (one versioned document, see docs/json.md)",
    )
    lint.add_argument(
        "--fail-on",
        choices=("error", "warning", "note"),
        default=None,
        help="lowest severity that makes the exit status 1 (default: warning, "
        "or fail_on from the config)",
    )
    lint.add_argument(
        "--types",
        metavar="IDS",
        default="",
        help="comma-separated rule ids or checkpatch type names: run only these",
    )
    lint.add_argument(
        "--ignore",
        metavar="IDS",
        default="",
        help="comma-separated rule ids or checkpatch type names to skip",
    )
    lint.add_argument(
        "--profile",
        choices=("auto", "tip", "kernel"),
        default=None,
        help="rule profile: tip (x86, sched, locking... trees), kernel (general), or auto "
        "(picked from each subject's prefix; the default)",
    )
    lint.add_argument(
        "--rule-names",
        choices=("checkpatch", "patchlens"),
        default="checkpatch",
        help="with --format terse: print checkpatch's type names where they exist (default) "
        "or our rule ids",
    )
    lint.add_argument(
        "-j",
        "--jobs",
        type=_positive_int,
        default=1,
        metavar="N",
        help="lint with N worker processes (default 1)",
    )
    lint.add_argument("-o", "--output", type=Path, help="write the report to FILE, not stdout")
    lint.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour the text report (auto: on a terminal, unless NO_COLOR is set)",
    )
    lint.add_argument(
        "-q", "--quiet", action="store_true", help="no progress line on stderr, report only"
    )
    lint.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="also list clean patches and where rules came from",
    )
    lint.set_defaults(handler=cmd_lint)

    parse = commands.add_parser(
        "parse",
        help="print the model of each message (subject, changelog, trailers, diff) as JSON",
        description="Print what patchlens reads in each message of INPUT, one JSON object a "
        "line (keys documented in docs/json.md). Tools and bots build on this.",
    )
    _add_input_arguments(parse)
    parse.add_argument("--format", choices=("json",), default="json", help="output format")
    parse.add_argument("-o", "--output", type=Path, help="write to FILE, not stdout")
    parse.set_defaults(handler=cmd_parse)

    rules = commands.add_parser(
        "rules",
        help="list every rule, or explain one",
        description="Without ID: every rule with its checkpatch alias, severity, profile and "
        "summary. With ID (a rule id or a checkpatch type name): its rationale.",
    )
    rules.add_argument("id", nargs="?", metavar="ID", help="rule id or checkpatch type name")
    rules.add_argument(
        "--config", type=Path, help="use this config file (default: .patchlens.toml)"
    )
    rules.add_argument("-C", dest="directory", type=Path, default=None, help=argparse.SUPPRESS)
    rules.set_defaults(handler=cmd_rules)
    return parser


def _add_input_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "inputs",
        nargs="+",
        metavar="INPUT",
        help="patch file, folder of *.patch, mbox, maildir, '-' for stdin, or a git range",
    )
    parser.add_argument(
        "-C",
        dest="directory",
        type=Path,
        default=None,
        metavar="DIR",
        help="the git repository for revision ranges and .patchlens.toml (default: .)",
    )
    parser.add_argument(
        "--config", type=Path, help="use this config file (default: .patchlens.toml)"
    )
    parser.add_argument(
        "--scissors",
        action="store_true",
        help="drop everything above a '-- >8 --' line, as git am --scissors does",
    )


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _version() -> str:
    from lint import __version__

    return __version__


# --- inputs ---------------------------------------------------------------------------


def _open_inputs(specs: Sequence[str], directory: Path | None) -> Iterator[RawMail]:
    """Every mail of every input, in order; each input is opened (and so checked) up front."""
    from itertools import chain

    from lint.sources import open_input

    opened = []
    for spec in specs:
        mails = open_input(spec, git_dir=directory, stdin=sys.stdin.buffer)
        first = next(mails, None)  # surfaces a missing path or a bad range before any output
        if first is not None:
            opened.append(chain([first], mails))
    return chain.from_iterable(opened)


def _decode_options(args: argparse.Namespace) -> DecodeOptions:
    from lint.pipeline import DecodeOptions

    return DecodeOptions(scissors=bool(args.scissors))


def _load(args: argparse.Namespace) -> tuple[Config, Ruleset]:
    from lint.config import load_config
    from lint.ruleset import load_ruleset

    start = args.directory or Path.cwd()
    if args.directory is not None and not args.directory.is_dir():
        from lint.errors import InputError

        raise InputError(f"-C {args.directory}", "no such directory")
    config = load_config(args.config, start)
    return config, load_ruleset(config)


# --- sub-commands ---------------------------------------------------------------------


def cmd_lint(args: argparse.Namespace) -> int:
    """``patchlens lint``: report findings and return the exit status."""
    from lint.diagnostic import Severity
    from lint.engine import CheckContext
    from lint.report import Summary
    from lint.runner import LintJob, lint_mails

    config, ruleset = _load(args)
    ruleset = ruleset.select(_split_ids(args.types), _split_ids(args.ignore))
    fail_on = Severity.parse(args.fail_on) if args.fail_on else (config.fail_on or Severity.WARNING)
    context = CheckContext(profile=args.profile or config.profile)
    job = LintJob(ruleset=ruleset, context=context, decode=_decode_options(args))

    progress = _Progress(sys.stderr, enabled=not args.quiet and sys.stderr.isatty())
    kept: list[PatchReport] = []
    messages = 0
    worst = 0
    for report in lint_mails(_open_inputs(args.inputs, args.directory), job, args.jobs):
        messages += 1
        if report.diagnostics or args.format == "json" or args.verbose:
            kept.append(report)
        worst = max([worst, *(int(d.severity) for d in report.diagnostics)])
        progress.update(messages, sum(len(r.diagnostics) for r in kept))
    progress.finish()

    summary = Summary.of(kept, messages)
    if args.format == "json":
        from lint.report import json as json_report

        text = json_report.render(kept, summary)
    elif args.format == "terse":
        from lint.report import terse

        text = terse.render(kept, checkpatch_names=args.rule_names == "checkpatch")
    else:
        from lint.report import text as text_report

        colour = _use_colour(args.color, args.output)
        text = text_report.render(kept, summary, colour=colour, verbose=args.verbose)
    _emit(text, args.output)
    return EXIT_FINDINGS if worst >= int(fail_on) else EXIT_CLEAN


def cmd_parse(args: argparse.Namespace) -> int:
    """``patchlens parse``: print the model of each message as JSON Lines."""
    from lint.pipeline import read_patches
    from lint.report.model_json import render_message

    mails = _open_inputs(args.inputs, args.directory)
    chunks = (render_message(patch) for patch in read_patches(mails, _decode_options(args)))
    if args.output:
        _write_atomically(args.output, "".join(chunks))
    else:
        for chunk in chunks:
            sys.stdout.write(chunk)
    return EXIT_CLEAN


def cmd_rules(args: argparse.Namespace) -> int:
    """``patchlens rules [ID]``: list the rulebook, or print one rule's rationale."""
    _, ruleset = _load(args)
    if args.id:
        from lint.errors import InputError

        rule = ruleset.get(args.id)
        if rule is None:
            raise InputError(args.id, "no such rule (see `patchlens rules`)")
        alias = f" (checkpatch {rule.checkpatch})" if rule.checkpatch else ""
        lines = [
            f"{rule.id}{alias}",
            f"severity: {rule.severity.label}   kind: {rule.kind}   profile: {rule.profile}",
            f"defined in: {rule.path}",
            "",
            rule.summary,
            "",
            rule.rationale.strip(),
        ]
        if rule.reference:
            lines += ["", "Reference background:", "", rule.reference.strip()]
        _emit("\n".join(lines) + "\n", None)
        return EXIT_CLEAN
    rows = [
        (r.id, r.checkpatch or "-", r.severity.label, r.profile, r.summary) for r in ruleset.rules
    ]
    header = ("RULE", "CHECKPATCH", "SEVERITY", "PROFILE", "SUMMARY")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(4)]
    out = [
        "  ".join(cell.ljust(width) for cell, width in zip(row[:4], widths, strict=True))
        + "  "
        + row[4]
        for row in [header, *rows]
    ]
    out.append(f"\n{len(rows)} rules. `patchlens rules ID` explains one.")
    _emit("\n".join(out) + "\n", None)
    return EXIT_CLEAN


# --- output ---------------------------------------------------------------------------


def _split_ids(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def _use_colour(choice: str, output: Path | None) -> bool:
    if choice != "auto":
        return choice == "always"
    return output is None and sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
    else:
        _write_atomically(output, text)


def _write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that a failure never leaves half a file behind."""
    import tempfile

    from lint.errors import InputError

    directory = path.parent if str(path.parent) else Path()
    try:
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=directory, prefix=f".{path.name}.", delete=False
        ) as handle:
            handle.write(text)
        Path(handle.name).replace(path)
    except OSError as err:
        raise InputError(str(path), f"cannot write: {err.strerror or err}") from None


class _Progress:
    """A single self-overwriting status line on stderr, at most a few times a second."""

    def __init__(self, stream: TextIO, enabled: bool) -> None:
        import time

        self._clock = time.monotonic
        self._stream = stream
        self._enabled = enabled
        self._start = self._clock()
        self._last = self._start
        self._shown = False

    def update(self, messages: int, findings: int) -> None:
        if not self._enabled:
            return
        now = self._clock()
        if now - self._last < 0.25:
            return
        self._last = now
        rate = messages / max(now - self._start, 1e-9)
        self._stream.write(f"\r{messages} messages read, {rate:.0f}/s, {findings} findings so far")
        self._stream.flush()
        self._shown = True

    def finish(self) -> None:
        if self._shown:
            self._stream.write("\r\033[K")
            self._stream.flush()


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``patchlens`` command."""
    parser = build_parser()
    args = parser.parse_args(argv)
    from lint.errors import InputError

    try:
        status: int = args.handler(args)
    except InputError as err:
        sys.stderr.write(f"patchlens: {err}\n")
        return EXIT_ERROR
    except KeyboardInterrupt:
        sys.stderr.write("patchlens: interrupted\n")
        return 130
    except BrokenPipeError:
        # The reader went away (`patchlens lint ... | head`): not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_CLEAN
    return status
