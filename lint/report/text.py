"""The human report: ``FILE:LINE: severity: rule-id: message``, grouped per patch."""

from __future__ import annotations

from collections.abc import Sequence

from lint.diagnostic import Diagnostic, Severity
from lint.engine.runner import PatchReport
from lint.report import Summary
from lint.report import render as render_report

_COLOURS = {
    Severity.ERROR: "\033[1;31m",
    Severity.WARNING: "\033[1;33m",
    Severity.NOTE: "\033[1;36m",
}
_BOLD = "\033[1m"
_DIM = "\033[2m"
_RESET = "\033[0m"


def _paint(text: str, code: str, colour: bool) -> str:
    return f"{code}{text}{_RESET}" if colour else text


WIDTH = 100
"""Columns of a report line: the first line of a finding fits, the rest wraps below it."""
_BREAKS = (" (", "; ", ": ", ", ")
_SLACK = 30
_UNCUT = 80
"""A message this short stays on the first line however long the file name before it."""
"""Where a long message may be cut into a first line and its explanation, strongest first."""


def render_diagnostic(diag: Diagnostic, colour: bool = False) -> str:
    """One finding, as compilers and checkpatch.pl show them.

    ``FILE:LINE: severity: rule-id: what`` on one line of at most :data:`WIDTH`
    columns, then, indented: the input line it points at (``  12 | text``), the
    rest of a long message, the help, and the fix on offer.
    """
    where = f"{diag.location.origin}:{diag.location.line}"
    severity = _paint(diag.severity.label, _COLOURS[diag.severity], colour)
    prefix = f"{where}: {diag.severity.label}: {diag.rule}: "
    first, rest = split_message(diag.message, WIDTH - len(prefix))
    lines = [f"{_paint(where, _BOLD, colour)}: {severity}: {diag.rule}: {first}"]
    if diag.quote:
        lines.append(_paint(f"{diag.location.line:>6} | {diag.quote}", _DIM, colour))
    if rest:
        lines.extend(_wrap(rest))
    for paragraph in diag.help.splitlines() if diag.help else ():
        lines.extend(_wrap(paragraph))
    if diag.fix:
        fix = f"    fix: {diag.fix.description}"
        lines.append(_paint(fix, _DIM, colour))
    return "\n".join(lines)


def split_message(message: str, room: int) -> tuple[str, str]:
    """``message`` as a first line of about ``room`` columns and the rest, cut where its
    own punctuation ends a clause (up to :data:`_SLACK` columns past ``room`` rather
    than inside a clause); short messages are not cut."""
    room = max(room, 40)
    if len(message) <= max(room, _UNCUT):
        return message, ""
    cut = -1
    for mark in _BREAKS:  # the strongest punctuation that ends a clause in reach
        fitting = [p for p in _positions(message, mark) if 20 <= p <= room + _SLACK]
        if fitting:
            cut = max(fitting)
            break
    if cut < 0:
        cut = message.rfind(" ", 20, room)
        if cut < 0:
            return message, ""
    return message[:cut].rstrip(), message[cut:].lstrip(" ;:,")


def _positions(text: str, mark: str) -> list[int]:
    found, start = [], text.find(mark)
    while start >= 0:
        found.append(start)
        start = text.find(mark, start + 1)
    return found


def _wrap(text: str) -> list[str]:
    from textwrap import wrap

    # Tags and paths hold hyphens: a line is broken only at spaces.
    lines = wrap(
        text, WIDTH, initial_indent="    ", subsequent_indent="    ", break_on_hyphens=False
    )
    return lines or ["    "]


def render_patch(report: PatchReport, colour: bool = False, verbose: bool = False) -> str:
    """One patch's block: a heading and its findings; ``""`` for a clean patch unless verbose."""
    if not report.diagnostics and not verbose:
        return ""
    title = report.subject or "(no subject)"
    heading = _paint(f"{report.origin}: {title}", _BOLD, colour)
    body = [render_diagnostic(d, colour) for d in report.diagnostics] or ["    clean"]
    return "\n".join([heading, *body])


class TextReporter:
    """A heading per patch with findings (every patch with ``verbose``), its findings,
    and one summary line."""

    def __init__(self, colour: bool = False, verbose: bool = False) -> None:
        self._colour = colour
        self._verbose = verbose

    def head(self) -> str:
        return ""

    def patch(self, report: PatchReport) -> str:
        block = render_patch(report, self._colour, self._verbose)
        return f"{block}\n\n" if block else ""

    def tail(self, summary: Summary) -> str:
        return summary.text + "\n"


def render(
    reports: Sequence[PatchReport], summary: Summary, colour: bool = False, verbose: bool = False
) -> str:
    """The whole report: a heading per patch with findings, its findings, one summary line."""
    return render_report(TextReporter(colour, verbose), reports, summary)
