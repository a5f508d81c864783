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

from lint.cli.args import Handler, build_parser, parse_arguments
from lint.cli.output import Progress, ReportSink, emit, leave, start, write_atomically
from lint.record import replace

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import NoReturn

    from lint.checks.checkpatch.dictionary import Dictionary
    from lint.config import Config
    from lint.diagnostic import Diagnostic
    from lint.engine.pipeline import DecodeOptions
    from lint.mail.model import RawMail
    from lint.rulebook.ruleset import Ruleset

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2


def _open_inputs(
    specs: Sequence[str], directory: Path | None, *, recurse: bool = True
) -> Iterator[RawMail]:
    """Every mail of every input, in order; each input is opened (and so checked) up front.

    ``recurse`` false reads only the files directly in a folder input (``--no-recurse``).
    """
    from itertools import chain

    from lint.sources.inputs import open_input

    opened = []
    for spec in specs:
        mails = open_input(spec, git_dir=directory, stdin=sys.stdin.buffer, recurse=recurse)
        first = _first_mail(mails)  # surfaces a missing path or a bad range before any output
        if first is not None:
            opened.append(chain([first], mails))
    return chain.from_iterable(opened)


def _first_mail(mails: Iterator[RawMail]) -> RawMail | None:
    """The first mail of an input; None when it has none, as an empty git range has.

    ``@{upstream}..HEAD`` on a branch with nothing unpushed (the pre-commit
    ``patchlens-range`` hook) is a clean pass with a note, not bad input.
    """
    from lint.errors import InputError

    try:
        return next(mails, None)
    except InputError as error:
        from lint.sources.git import EmptyRange  # only a git range raises it

        if not isinstance(error, EmptyRange):
            raise
        print(f"patchlens: note: no commits in {error.where}", file=sys.stderr)
        return None


def _decode_options(args: argparse.Namespace, config: Config | None) -> DecodeOptions:
    """How to decode: ``--scissors``; the part limit of ``--part-limit`` or ``config``
    (no config: no limit, for ``patchlens parse``, which shows everything it reads)."""
    from lint.engine.pipeline import DecodeOptions

    limit = getattr(args, "part_limit", None)
    if limit is None:
        limit = config.part_limit if config is not None else 0
    return DecodeOptions(scissors=bool(args.scissors), part_limit=limit)


def _load(args: argparse.Namespace) -> tuple[Config, Ruleset]:
    from lint.config import load_config
    from lint.rulebook.ruleset import load_ruleset

    start = args.directory or Path.cwd()
    if args.directory is not None and not args.directory.is_dir():
        from lint.errors import InputError

        raise InputError(f"-C {args.directory}", "no such directory")
    config = load_config(args.config, start)
    ruleset = load_ruleset(config)
    if getattr(args, "verbose", False):
        print(f"patchlens: {_loaded(config, ruleset)}", file=sys.stderr)
    for note in ruleset.notes:
        print(f"patchlens: note: {note}", file=sys.stderr)
    return config, ruleset


def _loaded(config: Config, ruleset: Ruleset) -> str:
    """What ``-v`` says was loaded: the configuration file and the rule folders."""
    from lint.resources import resource_dir

    where = config.path or "none found (.patchlens.toml at the repository root): defaults"
    folders = ", ".join([resource_dir("rules"), *config.rule_dirs])
    return f"configuration {where}; {len(ruleset.rules)} rules from {folders}"


# --- sub-commands ---------------------------------------------------------------------


def cmd_lint(args: argparse.Namespace) -> int:
    """``patchlens lint``: report findings and return the exit status."""
    from lint.checks.api import CheckContext
    from lint.diagnostic import Severity
    from lint.engine.context import facts_note, run_view
    from lint.engine.runner import LintJob, lint_mails

    config, ruleset = _load(args)
    only, ignore = _split_ids(args.types), _split_ids(args.ignore)
    for option, names in (("--types", only), ("--ignore", ignore)):
        if outside := ruleset.outside_scope(names):
            print(f"patchlens: note: {option}: {_outside_note(outside)}", file=sys.stderr)
    ruleset = ruleset.select(only, ignore)
    fail_on = Severity.parse(args.fail_on) if args.fail_on else (config.fail_on or Severity.WARNING)
    from lint.sources.commits import resolver_for

    # Fixes: and commit references resolve against -C DIR or the kernel tree we run in.
    commits = resolver_for(args.directory, Path.cwd())
    spelling = _spelling(ruleset, args.directory or (commits.path if commits else None))
    context = CheckContext(
        profile=args.profile or config.profile,
        repo=commits.path if commits is not None else None,
        commits=commits,
        spelling=spelling,
        pinning_view=run_view(ruleset, args.tree, args.tree_ref),
    )
    if args.verbose and spelling is not None:
        print(f"patchlens: spelling dictionary {spelling.describe}", file=sys.stderr)
    if args.verbose and (note := facts_note(ruleset, context.pinning_view)):
        print(f"patchlens: {note}", file=sys.stderr)
    from lint.engine.series import SeriesPass
    from lint.engine.threads import ThreadPass

    decode = _decode_options(args, config)
    # Thread rules (review-followup) and series rules (series-*) see small summaries of
    # the mails, after the run; the per-patch run makes them while it decodes each mail.
    thread_pass = ThreadPass.for_ruleset(ruleset, decode, context)
    series_pass = SeriesPass.for_ruleset(ruleset, context)
    job = LintJob(
        ruleset,
        context,
        decode,
        summarize_threads=thread_pass is not None,
        summarize_series=series_pass is not None,
        time_budget=max(config.time_budget if args.time_budget is None else args.time_budget, 0.0),
    )
    progress = Progress(sys.stderr, enabled=not args.quiet and sys.stderr.isatty())
    mails = _open_inputs(args.inputs, args.directory, recurse=not args.no_recurse)
    sink = ReportSink(args, ruleset)
    for seq, report in enumerate(lint_mails(mails, job, args.jobs)):
        if thread_pass is not None:
            thread_pass.take(report, seq)
            report = replace(report, thread_summary=None)  # nothing else needs it
        if series_pass is not None:
            series_pass.take(report)
            report = replace(report, series_entry=None)
        sink.add(report)
        progress.update(sink.counts["messages"], sink.findings)
    progress.finish()
    extra: dict[tuple[str, int], list[Diagnostic]] = {}
    if thread_pass is not None:
        for key, (_, found) in thread_pass.by_mail().items():
            extra.setdefault(key, []).extend(found)
    if series_pass is not None:
        for key, found in series_pass.by_mail().items():
            extra.setdefault(key, []).extend(found)
    emit(sink.render(extra), args.output)
    return EXIT_FINDINGS if sink.worst >= int(fail_on) else EXIT_CLEAN


def cmd_hook(args: argparse.Namespace) -> int:
    """``patchlens hook install|uninstall|status`` (the logic is in lint.hooks.install)."""
    from lint.hooks.install import describe

    emit(describe(args.action, args.directory or Path.cwd(), args), None)
    return EXIT_CLEAN


def cmd_parse(args: argparse.Namespace) -> int:
    """``patchlens parse``: print the model of each message as JSON Lines."""
    from lint.engine.pipeline import read_patches
    from lint.report.model_json import render_message

    mails = _open_inputs(args.inputs, args.directory, recurse=not args.no_recurse)
    chunks = (render_message(patch) for patch in read_patches(mails, _decode_options(args, None)))
    if args.output:
        write_atomically(args.output, "".join(chunks))
    else:
        for chunk in chunks:
            sys.stdout.write(chunk)
    return EXIT_CLEAN


def cmd_explain(args: argparse.Namespace) -> int:
    """``patchlens explain``: render the explainer of every thread of the input, or add the
    input to the static site of ``--site DIR`` (lint.explain.site)."""
    from lint.checks.api import CheckContext
    from lint.explain.render import explain_mails, render

    config, ruleset = _load(args)
    mails = _open_inputs(args.inputs, args.directory, recurse=not args.no_recurse)
    context = CheckContext(profile=config.profile, spelling=_spelling(ruleset, args.directory))
    decode = _decode_options(args, config)
    if args.site is None:
        explainer = explain_mails(mails, ruleset, context, decode)
        emit(render(explainer, args.format or "md"), args.output)
        return EXIT_CLEAN
    from contextlib import suppress

    from lint.errors import InputError
    from lint.explain.site_build import update_site

    if args.format is not None:
        raise InputError(f"--format {args.format}", "--site writes HTML pages of its own")
    update = update_site(args.site, mails, ruleset, context, decode)
    for item in update.files:  # each written whole: the index and map last
        path = args.site / item.path
        with suppress(OSError):  # a folder that cannot be made: write_atomically says why
            path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, item.text)
    print(f"patchlens: {args.site}: {update.summary}", file=sys.stderr)
    return EXIT_CLEAN


def cmd_fix(args: argparse.Namespace) -> int:
    """``patchlens fix``: write INPUT with its mechanical fixes applied (see lint.cli.fix)."""
    from lint.checks.api import CheckContext
    from lint.cli.fix import fix_file, fix_inputs, output_path
    from lint.sources.commits import resolver_for

    config, ruleset = _load(args)
    ruleset = ruleset.select(_split_ids(args.types))
    commits = resolver_for(args.directory, Path.cwd())
    context = CheckContext(
        profile=args.profile or config.profile,
        repo=commits.path if commits is not None else None,
        commits=commits,
        spelling=_spelling(ruleset, args.directory or (commits.path if commits else None)),
    )
    for path in fix_inputs([args.input]):
        result = fix_file(path, ruleset, context, _decode_options(args, config))
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
    if args.check_examples:
        return _check_examples(ruleset, args.id)
    if args.id:
        from lint.errors import InputError

        rule = ruleset.get(args.id)
        if rule is None:
            raise InputError(args.id, "no such rule (see `patchlens rules`)")
        alias = f" (checkpatch {rule.checkpatch})" if rule.checkpatch else ""
        lines = [
            f"{rule.id}{alias}",
            f"severity: {rule.severity.label}   kind: {rule.kind}   profile: {rule.profile}",
            *(f"  {step.severity.label} when it {step.when.describe()}" for step in rule.escalate),
            f"defined in: {rule.path}",
            "",
            rule.summary,
            "",
            rule.rationale.strip(),
        ]
        if rule.reference:
            lines += ["", "Reference background:", "", rule.reference.strip()]
        for title, mails in (("Reported", rule.bad), ("Left alone", rule.good)):
            if mails:
                lines += ["", f"{title}:", *_example_text(mails)]
        emit("\n".join(lines) + "\n", None)
        return EXIT_CLEAN
    rows = [
        (
            r.id,
            r.checkpatch or "-",
            "/".join(
                dict.fromkeys([r.severity.label, *(step.severity.label for step in r.escalate)])
            )
            + ("" if r.enabled else " (off)"),
            r.profile,
            r.summary,
        )
        for r in ruleset.rules
    ]
    header = ("RULE", "CHECKPATCH", "SEVERITY", "PROFILE", "SUMMARY")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(4)]
    out = [
        "  ".join(cell.ljust(width) for cell, width in zip(row[:4], widths, strict=True))
        + "  "
        + row[4]
        for row in [header, *rows]
    ]
    off = sum(not r.enabled for r in ruleset.rules)
    out.append(
        f"\n{len(rows)} rules ({off} off by default: turn one on with --types or"
        " [rules] enable in .patchlens.toml). `patchlens rules ID` explains one."
    )
    emit("\n".join(out) + "\n", None)
    return EXIT_CLEAN


def _example_text(mails: Sequence[str]) -> list[str]:
    """An example as ``patchlens rules ID`` shows it: each mail indented, mails apart."""
    lines: list[str] = []
    for number, mail in enumerate(mails):
        if number:
            lines.append("    ---- next mail ----")
        lines += ["", *(f"    {line}".rstrip() for line in mail.strip("\n").split("\n"))]
    return lines


def _check_examples(ruleset: Ruleset, only: str | None) -> int:
    """``patchlens rules --check-examples [ID]``: run the documented examples."""
    from lint.engine.examples import check_examples
    from lint.errors import InputError

    if only:
        rule = ruleset.get(only)
        if rule is None:
            raise InputError(only, "no such rule (see `patchlens rules`)")
        ruleset = replace(ruleset, rules=(rule,))
    results = check_examples(ruleset)
    wrong = [result for result in results if not result.as_documented]
    undocumented = [r.id for r in ruleset.rules if not (r.bad and r.good)]
    lines = [result.describe() for result in wrong]
    lines += [f"{rule_id}: no bad or no good example in its [doc]" for rule_id in undocumented]
    lines.append(
        f"{len(results) - len(wrong)} of {len(results)} examples as documented"
        + (f"; {len(undocumented)} rules without both examples" if undocumented else "")
    )
    emit("\n".join(lines) + "\n", None)
    return EXIT_FINDINGS if wrong or undocumented else EXIT_CLEAN


# --- output ---------------------------------------------------------------------------


def _spelling(ruleset: Ruleset, tree: Path | None) -> Dictionary | None:
    """The run's spelling dictionary (not read yet), when a TYPO_SPELLING rule is on."""
    if not any(rule.enabled and rule.kind == "cp-spelling" for rule in ruleset.rules):
        return None
    from lint.checks.checkpatch.dictionary import choose_dictionary

    return choose_dictionary(tree)


def _outside_note(types: Sequence[str]) -> str:
    """Why checkpatch types that check code are accepted and do nothing here."""
    return (
        f"{', '.join(types)}: checkpatch.pl checks of the code, which patchlens leaves to "
        "checkpatch.pl (it checks changelogs, tags, series and the pinned CR bits)"
    )


def _split_ids(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``patchlens`` command."""
    handlers: dict[str, Handler] = {
        "lint": cmd_lint,
        "parse": cmd_parse,
        "explain": cmd_explain,
        "rules": cmd_rules,
        "fix": cmd_fix,
        "hook": cmd_hook,
    }
    arguments = sys.argv[1:] if argv is None else list(argv)
    args = parse_arguments(build_parser(handlers, arguments), arguments)
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


def run() -> NoReturn:
    """The ``patchlens`` command: :func:`main`, then a quick exit (:func:`leave`)."""
    start()
    leave(main())
