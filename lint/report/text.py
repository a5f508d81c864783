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


def render_diagnostic(diag: Diagnostic, colour: bool = False) -> str:
    """One finding as ``FILE:LINE: severity: rule-id: message`` plus indented help."""
    where = f"{diag.location.origin}:{diag.location.line}"
    severity = _paint(diag.severity.label, _COLOURS[diag.severity], colour)
    lines = [f"{_paint(where, _BOLD, colour)}: {severity}: {diag.rule}: {diag.message}"]
    lines.extend(f"    {line}" for line in diag.help.splitlines() if diag.help)
    if diag.fix:
        fix = f"    fix: {diag.fix.description}"
        lines.append(_paint(fix, _DIM, colour))
    return "\n".join(lines)


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
