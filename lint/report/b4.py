"""The two protocols of b4's check commands.

**Line protocol** (``b4.prep-perpatch-check-cmd``, ``b4.am-perpatch-check-cmd``):
b4 pipes one patch mail to the command and reads every stdout line as one
finding, a *fail* when it contains ``ERROR:``, else a *warning*; it strips a
leading ``-:``; every stderr line is a fail; the exit status counts only when
nothing was printed.  So a clean patch prints nothing at all, and findings use
checkpatch's ``--terse --mailback`` shape, ``-:<line>: ERROR:<TYPE>: message``,
with ``<line>`` the line of the mail b4 sent.  Notes use checkpatch's
``CHECK:``, which b4 lists as a warning.

**JSON protocol** (``b4.review-perpatch-check-cmd``, ``b4.review-series-check-cmd``):
a JSON array of ``{"tool", "status": "pass|warn|fail", "summary", "url",
"details"}``; ``[]`` means nothing to report.  ``details`` holds a JSON list of
``{"status", "description"}``, the form b4's own checkpatch runner stores and
its review screen renders entry by entry.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from lint.diagnostic import Diagnostic, Severity
from lint.engine.runner import PatchReport
from lint.record import replace
from lint.report import Summary

TOOL = "patchlens"
_LEVEL = {Severity.ERROR: "ERROR", Severity.WARNING: "WARNING", Severity.NOTE: "CHECK"}
_STATUS = {Severity.ERROR: "fail", Severity.WARNING: "warn", Severity.NOTE: "warn"}


def render_line(diag: Diagnostic, checkpatch_names: bool = True) -> str:
    """``-:<line>: ERROR:<TYPE>: message``; TYPE is checkpatch's name where one exists."""
    kind = diag.checkpatch if checkpatch_names and diag.checkpatch else diag.rule
    message = " ".join(diag.message.split())  # one finding must stay one line
    return f"-:{diag.location.line}: {_LEVEL[diag.severity]}:{kind}: {message}"


class LineReporter:
    """The line protocol: one line per finding, and nothing at all for clean patches."""

    def __init__(self, checkpatch_names: bool = True) -> None:
        self._names = checkpatch_names

    def head(self) -> str:
        return ""

    def patch(self, report: PatchReport) -> str:
        return "".join(render_line(diag, self._names) + "\n" for diag in report.diagnostics)

    def tail(self, summary: Summary) -> str:
        return ""


def render(reports: Sequence[PatchReport], checkpatch_names: bool = True) -> str:
    """The line protocol: one line per finding, and nothing at all for clean patches."""
    return "".join(map(LineReporter(checkpatch_names).patch, reports))


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def check_result(report: PatchReport, name_patch: bool = False) -> dict[str, str]:
    """One b4 check result for a patch with findings."""
    diags = report.diagnostics
    errors = sum(d.severity is Severity.ERROR for d in diags)
    warnings = sum(d.severity is Severity.WARNING for d in diags)
    notes = len(diags) - errors - warnings
    parts = [
        _plural(n, word)
        for n, word in ((errors, "error"), (warnings, "warning"), (notes, "note"))
        if n
    ]
    summary = ", ".join(parts)
    if name_patch:
        summary = f"{report.subject}: {summary}"
    details = [
        {
            "status": _STATUS[d.severity],
            "description": f"{d.location.line}: {d.severity.label}: {d.rule}: {d.message}",
        }
        for d in diags
    ]
    return {
        "tool": TOOL,
        "status": "fail" if errors else "warn",
        "summary": summary,
        "url": "",
        "details": json.dumps(details),
    }


class JsonReporter:
    """The JSON protocol: one result per patch with findings, ``[]`` when all are clean.

    b4 runs it on one patch (or one series) at a time: the reporter keeps the reports
    with findings, a mail's thread findings joining its own, and writes the array at
    the end, when it knows whether to name each patch.
    """

    def __init__(self) -> None:
        self._flagged: dict[tuple[str, int], PatchReport] = {}

    def head(self) -> str:
        return ""

    def patch(self, report: PatchReport) -> str:
        if report.diagnostics:
            key = (report.origin, report.index)
            known = self._flagged.get(key)
            if known is not None:
                both = sorted((*known.diagnostics, *report.diagnostics), key=lambda d: d.sort_key)
                report = replace(known, diagnostics=tuple(both))
            self._flagged[key] = report
        return ""

    def tail(self, summary: Summary) -> str:
        flagged = list(self._flagged.values())
        results = [check_result(report, name_patch=len(flagged) > 1) for report in flagged]
        return json.dumps(results, indent=1) + "\n"


def render_json(reports: Sequence[PatchReport]) -> str:
    """The JSON protocol for ``reports`` (see :class:`JsonReporter`)."""
    reporter = JsonReporter()
    for report in reports:
        reporter.patch(report)
    return reporter.tail(Summary.of(reports, len(reports)))
