"""The command line's arguments: every sub-command, its options and its help.

The help is written for a first-time user: what INPUT may be, examples, where
rules and configuration come from, and what the exit status means. The
sub-commands themselves are in :mod:`lint.cli.main`.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from lint.cli.helptext import (
    DESCRIPTION,
    EXPLAIN_EPILOG,
    FIX_EPILOG,
    LINT_EPILOG,
    PARSE_EPILOG,
    RULES_EPILOG,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

Handler = Callable[[argparse.Namespace], int]
"""A sub-command: takes the parsed arguments, returns the exit status."""


def build_parser(
    handlers: Mapping[str, Handler], argv: Sequence[str] | None = None
) -> argparse.ArgumentParser:
    """The argument parser of the sub-commands; ``handlers`` run them, by name.

    With ``argv`` naming a sub-command, only that one is built: a git hook runs
    ``patchlens`` on every mail, and building every sub-command's options cost it
    more than reading the patch. Otherwise (``--help``, a typo) all of them are.
    """
    parser = argparse.ArgumentParser(
        prog="patchlens",
        description=DESCRIPTION,
        formatter_class=_raw_formatter,
    )
    parser.add_argument("--version", action="version", version=f"patchlens {version()}")
    parser.add_argument(
        "-v",
        "--verbose",
        dest="global_verbose",
        action="store_true",
        help="as the command's own -v (patchlens -v lint ... = patchlens lint -v ...)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    named = next((arg for arg in argv or () if not arg.startswith("-")), None)
    builders = {
        "lint": _add_lint,
        "parse": _add_parse,
        "explain": _add_explain,
        "rules": _add_rules,
        "fix": _add_fix,
        "hook": _add_hook,
        "bot": _add_bot,
    }
    for name, add in builders.items():
        if named is None or named == name or named not in builders:
            add(commands, handlers)
    for sub in commands.choices.values():
        # An option the command does not know is reported with the command's own usage.
        sub.set_defaults(command_parser=sub)
    return parser


def parse_arguments(parser: argparse.ArgumentParser, argv: Sequence[str]) -> argparse.Namespace:
    """``argv`` parsed; an unknown option is an error of the command it was given to
    (its usage, not the top level's), and ``patchlens -v CMD`` is ``patchlens CMD -v``."""
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        owner: argparse.ArgumentParser = getattr(args, "command_parser", parser)
        owner.error(f"unrecognized arguments: {' '.join(unknown)}")
    if args.global_verbose:
        args.verbose = True
    return args


def _add_lint(commands: Any, handlers: Mapping[str, Handler]) -> None:
    lint = commands.add_parser(
        "lint",
        help="check patches, series, threads or a git range against the rulebook",
        description="Check each patch of INPUT against the rulebook and report findings.",
        epilog=LINT_EPILOG,
        formatter_class=_raw_formatter,
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
    # checkpatch.pl's spellings, so that a checkpatch command line works unchanged.
    checkpatch = lint.add_argument_group(
        "checkpatch.pl options", "the same switches as checkpatch.pl, for its users' habits"
    )
    checkpatch.add_argument(
        "--terse", dest="format", action="store_const", const="terse", help="= --format terse"
    )
    checkpatch.add_argument(
        "--show-types",
        dest="rule_names",
        action="store_const",
        const="checkpatch",
        help="name each finding by its checkpatch type where it has one (the terse default)",
    )
    checkpatch.add_argument(
        "--no-tree",
        action="store_true",
        help="accepted and ignored: patchlens needs no kernel tree (see --tree)",
    )
    lint.add_argument(
        "-j",
        "--jobs",
        type=_positive_int,
        default=1,
        metavar="N",
        help="lint with N worker processes (default 1)",
    )
    lint.add_argument(
        "--time-budget",
        type=float,
        default=None,
        metavar="SECONDS",
        help="stop analysing a message after SECONDS, report it as not checked and go on "
        "(default: time_budget in .patchlens.toml, else 5; 0: no limit)",
    )
    lint.add_argument(
        "--part-limit",
        type=_size,
        default=None,
        metavar="SIZE",
        help="check a changelog or diff longer than SIZE characters (4M, 512K, 100000) on "
        "its first SIZE and say so (default: part_limit in .patchlens.toml, else 4M; 0: all)",
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
    lint.set_defaults(handler=handlers["lint"])


def _add_parse(commands: Any, handlers: Mapping[str, Handler]) -> None:
    parse = commands.add_parser(
        "parse",
        formatter_class=_raw_formatter,
        help="print the model of each message (subject, changelog, trailers, diff) as JSON",
        description=_wrapped(
            "Print what patchlens reads in each message of INPUT, one JSON object a line "
            "(keys documented in docs/json.md). Tools and bots build on this."
        ),
        epilog=PARSE_EPILOG,
    )
    _add_input_arguments(parse)
    parse.add_argument("--format", choices=("json",), default="json", help="output format")
    parse.add_argument("-o", "--output", type=Path, help="write to FILE, not stdout")
    parse.set_defaults(handler=handlers["parse"])


def _add_explain(commands: Any, handlers: Mapping[str, Handler]) -> None:
    explain = commands.add_parser(
        "explain",
        formatter_class=_raw_formatter,
        help="gather a patch, series or thread and its reviews into one explainer document",
        description=_wrapped(
            "Render one document per thread of INPUT: versions, people, background per topic "
            "(attributed), problem, fix, what changes, findings, tags and open review points. "
            "--format changelog prints the == Title == sections, ready to paste. --site DIR "
            "writes or updates a static site: an index of series and one page per series."
        ),
        epilog=EXPLAIN_EPILOG,
    )
    _add_input_arguments(explain)
    explain.add_argument(
        "--format", choices=("md", "html", "txt", "changelog"), help="output format (default: md)"
    )
    where = explain.add_mutually_exclusive_group()
    where.add_argument("-o", "--output", type=Path, help="write to FILE, not stdout")
    where.add_argument(
        "--site",
        type=Path,
        metavar="DIR",
        help="add INPUT to the HTML site in DIR (made if absent): pages of the series it "
        "touches are updated, the others kept; DIR/site.json maps Message-IDs to pages",
    )
    explain.set_defaults(handler=handlers["explain"])


def _add_rules(commands: Any, handlers: Mapping[str, Handler]) -> None:
    rules = commands.add_parser(
        "rules",
        formatter_class=_raw_formatter,
        help="list every rule, or explain one",
        description=_wrapped(
            "Without ID: every rule with its checkpatch alias, severity, profile and summary. "
            "With ID (a rule id or a checkpatch type name): its rationale and a bad and a good "
            "example. --check-examples runs the examples of every rule (or of ID) and exits 1 "
            "when one does not do what its rule file says: for writing rules."
        ),
        epilog=RULES_EPILOG,
    )
    rules.add_argument("id", nargs="?", metavar="ID", help="rule id or checkpatch type name")
    rules.add_argument(
        "--check-examples",
        action="store_true",
        help="run each rule's bad and good example; exit 1 if one is not as documented",
    )
    rules.add_argument(
        "--config", type=Path, help="use this config file (default: .patchlens.toml)"
    )
    rules.add_argument("-C", dest="directory", type=Path, default=None, help=argparse.SUPPRESS)
    rules.set_defaults(handler=handlers["rules"])


def _add_fix(commands: Any, handlers: Mapping[str, Handler]) -> None:
    fix = commands.add_parser(
        "fix",
        formatter_class=_raw_formatter,
        help="write a copy of a patch with the mechanical fixes applied",
        description=_wrapped(
            "Lint INPUT (a file holding one message, or a folder of git format-patch files) and "
            "write it with every mechanical fix applied: the right Fixes: line, the reordered "
            "tags, the capitalised summary... An mbox of several messages and git ranges are "
            "refused. INPUT is never changed unless --in-place."
        ),
        epilog=FIX_EPILOG,
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
    fix.set_defaults(handler=handlers["fix"])


def _add_hook(commands: Any, handlers: Mapping[str, Handler]) -> None:
    from lint.hooks.cli import add_parser as add_hook_parser  # its help is long: kept there

    add_hook_parser(commands, handlers["hook"], _raw_formatter)


def _add_bot(commands: Any, handlers: Mapping[str, Handler]) -> None:
    from lint.bot.cli import add_parser as add_bot_parser  # the bot's work loads lazily

    add_bot_parser(commands)


def _columns() -> int:
    """The terminal's width as ``shutil.get_terminal_size()`` gives it.

    argparse asks shutil, and importing shutil (with bz2, lzma and fnmatch) cost
    every run, help or not, more than this does.
    """
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return (columns or 80) - 2  # argparse's own margin


def _formatter(prog: str) -> argparse.HelpFormatter:
    return argparse.HelpFormatter(prog, width=_columns())


def _wrapped(text: str) -> str:
    """A description as the raw formatter shows it (which keeps the epilog's examples)."""
    from textwrap import fill

    return fill(text, min(_columns(), 80) - 2)


def _raw_formatter(prog: str) -> argparse.HelpFormatter:
    return argparse.RawDescriptionHelpFormatter(prog, width=_columns())


def _add_input_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "inputs",
        nargs="+",
        metavar="INPUT",
        help="patch file, folder of *.patch/*.eml/*.mbox/*.mbx, mbox, maildir, '-' for "
        "stdin, or a git range",
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
    parser.add_argument(
        "--no-recurse",
        action="store_true",
        help="read only the files directly in a folder INPUT; by default its sub-folders "
        "are read too, in name order (hidden and symlinked folders are skipped, a "
        "maildir found there is read as one)",
    )


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _size(text: str) -> int:
    from lint.config import parse_size

    try:
        return parse_size(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def version() -> str:
    from lint import __version__

    return __version__


# --- inputs ---------------------------------------------------------------------------
