"""The ``patchlens`` command line: the only module that prints and picks exit codes.

Exit status, for every sub-command: 0 nothing at or above ``--fail-on``; 1 findings;
2 usage, unreadable or malformed input, or a broken rule/config file (one line on
stderr naming the input and the problem, never a traceback).

Start-up is kept lean (a git hook runs this on every send): heavy modules are
imported inside the sub-command that needs them.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from lint.cli_output import Progress, ReportSink, emit, write_atomically

if TYPE_CHECKING:
    from lint.config import Config
    from lint.model import RawMail
    from lint.pipeline import DecodeOptions
    from lint.ruleset import Ruleset
    from lint.spelling import Dictionary

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
        choices=("text", "terse", "json", "b4", "b4-json", "sarif", "github"),
        default="text",
        help="text (grouped per patch, the default), terse (checkpatch's one-line form), "
        "json (one versioned document, see docs/json.md), b4 and b4-json (b4's check "
        "command protocols), sarif (SARIF 2.1.0) or github (Actions annotations)",
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
    lint.add_argument(
        "--tree",
        type=Path,
        metavar="DIR",
        help="kernel tree (a checkout, or a git repository with --tree-ref) to read "
        "the pinned CR bits and the bringup call graph from",
    )
    lint.add_argument(
        "--tree-ref", default="", metavar="REF", help="read --tree at this git revision"
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

    explain = commands.add_parser(
        "explain",
        help="gather a patch, series or thread and its reviews into one explainer document",
        description="Render one document per thread of INPUT: versions, people, background "
        "per topic (attributed), problem, fix, what changes, findings, tags and open review "
        "points. --format changelog prints the == Title == sections, ready to paste.",
    )
    _add_input_arguments(explain)
    explain.add_argument(
        "--format", choices=("md", "html", "txt", "changelog"), default="md", help="output format"
    )
    explain.add_argument("-o", "--output", type=Path, help="write to FILE, not stdout")
    explain.set_defaults(handler=cmd_explain)

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

    fix = commands.add_parser(
        "fix",
        help="write a copy of a patch with the mechanical fixes applied",
        description="Lint INPUT (a file holding one message, or a folder of git format-patch "
        "files) and write it with every mechanical fix applied: the right Fixes: line, "
        "the reordered tags, the capitalised summary... An mbox of several messages and "
        "git ranges are refused. INPUT is never changed unless --in-place.",
    )
    fix.add_argument("input", metavar="INPUT", type=Path, help="patch file or folder of *.patch")
    fix_target = fix.add_mutually_exclusive_group(required=True)
    fix_target.add_argument(
        "-o", "--output", type=Path, help="write here (a folder when INPUT is a folder)"
    )
    fix_target.add_argument("--in-place", action="store_true", help="rewrite INPUT itself")
    fix.add_argument("--types", metavar="IDS", default="", help="only the fixes of these rules")
    fix.add_argument("--profile", choices=("auto", "tip", "kernel"), default=None)
    fix.add_argument(
        "-C",
        dest="directory",
        type=Path,
        default=None,
        metavar="DIR",
        help="the git repository that Fixes: lines are resolved against",
    )
    fix.add_argument("--config", type=Path, help="use this config file")
    fix.add_argument("--scissors", action="store_true", help=argparse.SUPPRESS)
    fix.set_defaults(handler=cmd_fix)

    hook = commands.add_parser(
        "hook",
        help="install, remove or show the git hooks (sendemail-validate, commit-msg)",
        description="Manage patchlens's git hooks in the current repository "
        "(core.hooksPath honoured). Without hook names: both.",
    )
    hook.add_argument("action", choices=("install", "uninstall", "status"))
    for name in ("sendemail-validate", "commit-msg"):
        hook.add_argument(f"--{name}", dest="hooks", action="append_const", const=name)
    hook.add_argument("--force", action="store_true", help="replace a hook that is not ours")
    hook.add_argument("--chain", action="store_true", help="keep a foreign hook, run it after")
    hook.add_argument("--allow-warnings", action="store_true", help="block on errors only")
    hook.add_argument("-C", dest="directory", type=Path, default=None, metavar="DIR")
    hook.set_defaults(handler=cmd_hook)

    from lint.bot import add_parser as add_bot_parser  # light: the bot's work loads lazily

    add_bot_parser(commands)
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
    from lint.checks import pinned_bit_bringup
    from lint.diagnostic import Severity
    from lint.engine import CheckContext
    from lint.runner import LintJob, lint_mails

    config, ruleset = _load(args)
    ruleset = ruleset.select(_split_ids(args.types), _split_ids(args.ignore))
    fail_on = Severity.parse(args.fail_on) if args.fail_on else (config.fail_on or Severity.WARNING)
    from lint.commits import resolver_for

    # Fixes: and commit references resolve against -C DIR or the kernel tree we run in.
    commits = resolver_for(args.directory, Path.cwd())
    spelling = _spelling(ruleset, args.directory or (commits.path if commits else None))
    context = CheckContext(
        profile=args.profile or config.profile,
        repo=commits.path if commits is not None else None,
        commits=commits,
        spelling=spelling,
        pinning_view=pinned_bit_bringup.run_view(ruleset, args.tree, args.tree_ref),
    )
    if args.verbose and spelling is not None:
        print(f"patchlens: spelling dictionary {spelling.describe}", file=sys.stderr)
    if args.verbose and (note := pinned_bit_bringup.facts_note(ruleset, context.pinning_view)):
        print(f"patchlens: {note}", file=sys.stderr)
    from lint.thread_pass import ThreadPass

    decode = _decode_options(args)
    # Thread-level rules (review-followup) see small summaries of the mails, after the run;
    # the per-patch run makes them while it decodes each mail.
    thread_pass = ThreadPass.for_ruleset(ruleset, decode)
    job = LintJob(ruleset, context, decode, summarize_threads=thread_pass is not None)
    progress = Progress(sys.stderr, enabled=not args.quiet and sys.stderr.isatty())
    mails = _open_inputs(args.inputs, args.directory)
    sink = ReportSink(args)
    for seq, report in enumerate(lint_mails(mails, job, args.jobs)):
        if thread_pass is not None:
            thread_pass.take(report, seq)
            report = dataclasses.replace(report, thread_summary=None)  # nothing else needs it
        sink.add(report)
        progress.update(sink.counts["messages"], sink.findings)
    progress.finish()
    if thread_pass is not None:
        sink.add_thread_findings(thread_pass)
    text = sink.render(ruleset)
    emit(text, args.output)
    return EXIT_FINDINGS if sink.worst >= int(fail_on) else EXIT_CLEAN


def cmd_hook(args: argparse.Namespace) -> int:
    """``patchlens hook install|uninstall|status`` (the logic is in lint.hooks_install)."""
    from lint.hooks_install import describe

    emit(describe(args.action, args.directory or Path.cwd(), args), None)
    return EXIT_CLEAN


def cmd_parse(args: argparse.Namespace) -> int:
    """``patchlens parse``: print the model of each message as JSON Lines."""
    from lint.pipeline import read_patches
    from lint.report.model_json import render_message

    mails = _open_inputs(args.inputs, args.directory)
    chunks = (render_message(patch) for patch in read_patches(mails, _decode_options(args)))
    if args.output:
        write_atomically(args.output, "".join(chunks))
    else:
        for chunk in chunks:
            sys.stdout.write(chunk)
    return EXIT_CLEAN


def cmd_explain(args: argparse.Namespace) -> int:
    """``patchlens explain``: render the explainer of every thread of the input."""
    from lint.engine import CheckContext
    from lint.explain import explain_mails, render

    config, ruleset = _load(args)
    mails = _open_inputs(args.inputs, args.directory)
    context = CheckContext(profile=config.profile)
    explainer = explain_mails(mails, ruleset, context, _decode_options(args))
    emit(render(explainer, args.format), args.output)
    return EXIT_CLEAN


def cmd_fix(args: argparse.Namespace) -> int:
    """``patchlens fix``: write INPUT with its mechanical fixes applied (see lint.fix)."""
    from lint.commits import resolver_for
    from lint.engine import CheckContext
    from lint.fix import fix_file, fix_inputs, output_path

    config, ruleset = _load(args)
    ruleset = ruleset.select(_split_ids(args.types))
    commits = resolver_for(args.directory, Path.cwd())
    context = CheckContext(
        profile=args.profile or config.profile,
        repo=commits.path if commits is not None else None,
        commits=commits,
    )
    for path in fix_inputs([args.input]):
        result = fix_file(path, ruleset, context, _decode_options(args))
        target = path if args.in_place else output_path(args.input, path, args.output)
        if target != path or result.changed:
            write_atomically(target, result.text)
        sys.stderr.write(
            f"{path}: {len(result.applied)} fixed, {len(result.skipped)} skipped -> {target}\n"
        )
        for skipped in result.skipped:
            where = skipped.diagnostic.location.line
            sys.stderr.write(f"  {where}: {skipped.diagnostic.rule}: not fixed: {skipped.reason}\n")
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
        emit("\n".join(lines) + "\n", None)
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
    emit("\n".join(out) + "\n", None)
    return EXIT_CLEAN


# --- output ---------------------------------------------------------------------------


def _spelling(ruleset: Ruleset, tree: Path | None) -> Dictionary | None:
    """The run's spelling dictionary (not read yet), when a TYPO_SPELLING rule is on."""
    if not any(rule.enabled and rule.kind == "cp-spelling" for rule in ruleset.rules):
        return None
    from lint.spelling import choose_dictionary

    return choose_dictionary(tree)


def _split_ids(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


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
