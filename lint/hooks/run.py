"""The git hook entry points: ``sendemail-validate`` and ``commit-msg``.

The scripts that ``patchlens hook install`` writes run::

    /abs/python -P -c 'from lint.hooks.run import run; run()' sendemail-validate "$@"
    /abs/python -P -c 'from lint.hooks.run import run; run()' commit-msg "$1"

This module is the front door of those hooks, so it prints and picks the exit
status (0 let it through, 1 block it, 2 bad input or config); everything else
is pure.  It is on the path of every ``git send-email``: it imports no
argparse, no pathlib, no GitPython, no Jinja2, and only the part of patchlens
that lints (see ``bench/hook_latency.py``).

Switches, for git users' habits:

- ``git send-email --no-validate`` and ``git commit --no-verify`` skip the
  hooks entirely (git itself does it); ``PATCHLENS_SKIP=1`` skips patchlens
  alone, for one command, and keeps any chained hook.
- ``PATCHLENS_ALLOW_WARNINGS=1`` (or ``hook install --allow-warnings``) blocks
  on errors only.  Without it the threshold is ``fail_on`` of
  ``.patchlens.toml``, else ``warning``, as for ``patchlens lint``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence

from lint.record import record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import NoReturn

    from lint.diagnostic import Diagnostic, Severity
    from lint.patch.model import Patch
    from lint.rulebook.ruleset import Ruleset

EXIT_PASS = 0
EXIT_BLOCK = 1
EXIT_ERROR = 2

SENDEMAIL_VALIDATE = "sendemail-validate"
COMMIT_MSG = "commit-msg"
HOOK_NAMES = (SENDEMAIL_VALIDATE, COMMIT_MSG)


_TRUE = {"1", "true", "yes", "on"}


@record
class HookResult:
    """What a hook run decided: the exit status and the text for stderr."""

    status: int
    message: str = ""


@record
class HookSettings:
    """How strict a hook run is; built from the hook's arguments and environment."""

    allow_warnings: bool = False
    """Block on errors only."""

    @classmethod
    def from_environment(cls, args: Sequence[str], env: Mapping[str, str]) -> HookSettings:
        """``--allow-warnings`` in ``args`` or ``PATCHLENS_ALLOW_WARNINGS`` set to a true value."""
        flag = env.get("PATCHLENS_ALLOW_WARNINGS", "").strip().lower() in _TRUE
        return cls(allow_warnings=flag or "--allow-warnings" in args)


# --- linting one mail -------------------------------------------------------------------


@record
class _Verdict:
    patch: Patch
    diagnostics: tuple[Diagnostic, ...]
    threshold: Severity
    ruleset: Ruleset
    """The rulebook the mail was linted with (the series rules run from it too)."""

    @property
    def blocking(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity >= self.threshold)

    @property
    def notes(self) -> str:
        """The rulebook's load notes (a pattern RE2 cannot run), a line each."""
        return "".join(f"patchlens: note: {note}\n" for note in self.ruleset.notes)


def _lint(data: bytes, origin: str, cwd: str, settings: HookSettings) -> _Verdict:
    """The rulebook of the repository at ``cwd`` applied to the mail ``data``."""
    from lint.config import load_config
    from lint.diagnostic import Severity
    from lint.engine.rules import run
    from lint.rulebook.ruleset import load_ruleset

    config = load_config(None, cwd)
    patch = _read_one(data, origin, config.part_limit)
    ruleset = load_ruleset(config)
    threshold = config.fail_on or Severity.WARNING
    if settings.allow_warnings:
        threshold = Severity.ERROR
    return _Verdict(patch, run(patch, ruleset), threshold, ruleset)


def _read_one(data: bytes, origin: str, part_limit: int) -> Patch:
    from lint.engine.pipeline import DecodeOptions, read_patches
    from lint.errors import InputError
    from lint.mail.model import RawMail

    options = DecodeOptions(part_limit=part_limit)
    patch = next(read_patches([RawMail(data, origin)], options), None)
    if patch is None:  # pragma: no cover - read_patches yields one patch per mail
        raise InputError(origin, "no mail found")
    return patch


def _counts(diagnostics: Sequence[Diagnostic]) -> str:
    from collections import Counter

    counted = Counter(d.severity.label for d in diagnostics)
    parts = [
        f"{counted[label]} {label}{'' if counted[label] == 1 else 's'}"
        for label in ("error", "warning", "note")
        if counted[label]
    ]
    return ", ".join(parts)


def _line(diag: Diagnostic, where: str) -> str:
    return f"  {where}: {diag.severity.label}: {diag.rule}: {diag.message}"


# --- sendemail-validate -----------------------------------------------------------------


def sendemail_validate(
    mail_file: str,
    header_file: str | None,
    env: Mapping[str, str],
    cwd: str,
    settings: HookSettings,
) -> HookResult:
    """Lint the mail git send-email is about to send; on the last one, the whole series.

    ``header_file`` is git 2.41's second argument (the SMTP headers): it is
    never linted as a mail (hooks that did so broke in 2023); its Message-ID
    and In-Reply-To only name the mail in the series record when the mail
    file has none.
    """
    from lint.errors import InputError

    origin = mail_file
    try:
        with open(mail_file, "rb") as handle:
            data = handle.read()
    except OSError as err:
        raise InputError(origin, f"cannot read: {err.strerror or err}") from None
    verdict = _lint(data, origin, cwd, settings)
    patch = verdict.patch
    diagnostics = list(verdict.diagnostics)

    from lint.hooks.series import (
        clear_state,
        entry_with_headers,
        load_state,
        position,
        save_state,
        state_path,
    )

    place = position(patch, env)
    state = state_path(env, cwd) if place is not None else None
    series_notice = verdict.notes
    sent = [origin]
    if state is not None and place is not None:  # a numbered mail of a series
        entry = entry_with_headers(patch, header_file)
        earlier = load_state(state, place)
        if earlier is None:
            series_notice += (
                "patchlens: the earlier mails of this series were not recorded "
                "(an interrupted send?): series checks skipped\n"
            )
        elif place.last:
            from lint.engine.series import run_series

            diagnostics.extend(run_series([*earlier, entry], verdict.ruleset))
            sent = [e.origin for e in (*earlier, entry)]
        if place.last or earlier is None:
            clear_state(state)
        else:
            save_state(state, place, [*earlier, entry])

    blocking = [d for d in diagnostics if d.severity >= verdict.threshold]
    if blocking and state is not None:
        clear_state(state)  # git send-email stops here: the series record is dead
    return _sendemail_result(origin, sent, diagnostics, blocking, settings, series_notice)


def _sendemail_result(
    origin: str,
    sent: Sequence[str],
    diagnostics: Sequence[Diagnostic],
    blocking: Sequence[Diagnostic],
    settings: HookSettings,
    notice: str,
) -> HookResult:
    if not diagnostics:
        return HookResult(EXIT_PASS, notice)
    lines = [_line(d, f"{d.location.origin}:{d.location.line}") for d in diagnostics]
    if not blocking:
        head = f"patchlens: {origin}: {_counts(diagnostics)} (not blocking)"
        return HookResult(EXIT_PASS, notice + "\n".join([head, *lines]) + "\n")
    from shlex import quote

    advice = [
        f"patchlens: {_counts(diagnostics)}: nothing was sent.",
        # The series rules need every mail of the send to find again what they found.
        f"  details:      patchlens lint {' '.join(quote(path) for path in sent)}",
        "  one rule:     patchlens rules RULE-ID",
        "  send anyway:  git send-email --no-validate ...",
    ]
    if not settings.allow_warnings and all(d.severity.label != "error" for d in blocking):
        advice.append("  warnings only: PATCHLENS_ALLOW_WARNINGS=1 git send-email ...")
    head = f"patchlens: {origin}: blocked by {len(blocking)} finding(s)"
    return HookResult(EXIT_BLOCK, notice + "\n".join([head, *lines, *advice]) + "\n")


# --- commit-msg -------------------------------------------------------------------------


def commit_msg(
    message_file: str, env: Mapping[str, str], cwd: str, settings: HookSettings
) -> HookResult:
    """Lint the message being committed together with the staged diff."""
    from lint.hooks.commit import build_commit_mail

    commit = build_commit_mail(message_file, env, cwd)
    if commit is None:
        return HookResult(EXIT_PASS)  # an empty message: git aborts the commit itself
    verdict = _lint(commit.data, message_file, cwd, settings)
    notes = verdict.notes
    if not verdict.diagnostics:
        return HookResult(EXIT_PASS, notes)
    lines = [_line(d, commit.where(d.location.line)) for d in verdict.diagnostics]
    if not verdict.blocking:
        head = f"patchlens: commit message: {_counts(verdict.diagnostics)} (not blocking)"
        return HookResult(EXIT_PASS, notes + "\n".join([head, *lines]) + "\n")
    advice = [
        f"patchlens: {_counts(verdict.diagnostics)}: the commit was not made.",
        f"  your message is kept in {message_file}; see a rule: patchlens rules RULE-ID",
        "  commit anyway: git commit --no-verify ...",
    ]
    head = f"patchlens: commit message blocked by {len(verdict.blocking)} finding(s)"
    return HookResult(EXIT_BLOCK, notes + "\n".join([head, *lines, *advice]) + "\n")


# --- front door -------------------------------------------------------------------------

USAGE = "usage: python -m lint.hooks.run sendemail-validate MAIL [HEADERS] | commit-msg FILE"


def run_hook(argv: Sequence[str], env: Mapping[str, str], cwd: str) -> HookResult:
    """Dispatch ``argv`` (hook name, then git's arguments and our switches)."""
    from lint.errors import InputError

    if env.get("PATCHLENS_SKIP", "").strip().lower() in _TRUE:
        return HookResult(EXIT_PASS, "patchlens: skipped (PATCHLENS_SKIP is set)\n")
    if not argv:
        return HookResult(EXIT_ERROR, USAGE + "\n")
    name, rest = argv[0], [a for a in argv[1:] if not a.startswith("--")]
    settings = HookSettings.from_environment(argv[1:], env)
    try:
        if name == SENDEMAIL_VALIDATE and 1 <= len(rest) <= 2:
            headers = rest[1] if len(rest) == 2 else None
            return sendemail_validate(rest[0], headers, env, cwd, settings)
        if name == COMMIT_MSG and len(rest) == 1:
            return commit_msg(rest[0], env, cwd, settings)
    except InputError as err:
        return HookResult(EXIT_ERROR, f"patchlens: {err}\n")
    return HookResult(EXIT_ERROR, USAGE + "\n")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the installed hook scripts: print the verdict, return the status."""
    result = run_hook(sys.argv[1:] if argv is None else argv, os.environ, os.getcwd())
    if result.message:
        sys.stderr.write(result.message)
        sys.stderr.flush()
    return result.status


def run() -> NoReturn:
    """What the installed hook scripts call: :func:`main`, then a quick exit."""
    from lint.cli.output import leave, start

    start()
    leave(main())


if __name__ == "__main__":
    run()
