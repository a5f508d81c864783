"""The machine report: one versioned JSON document (schema in docs/json.md)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from lint import __version__
from lint.diagnostic import Diagnostic
from lint.engine.runner import PatchReport
from lint.report import ARRAY_SEPARATORS, Summary, array_element
from lint.report import render as render_report

SCHEMA = "patchlens/lint-report/3"


def diagnostic_record(
    diag: Diagnostic, report: PatchReport, scopes: Mapping[str, str] | None = None
) -> dict[str, object]:
    """One finding as a JSON object (keys documented in docs/json.md).

    ``scopes`` maps a rule id to the pass that runs it (``patch``, ``thread``,
    ``series``); a rule not in it (the analysis budget notes) is a patch rule.
    """
    record: dict[str, object] = {
        "rule": diag.rule,
        "found_by": (scopes or {}).get(diag.rule, "patch"),
        "checkpatch": diag.checkpatch or None,
        "severity": diag.severity.label,
        "message": diag.message,
        "file": diag.location.origin,
        "line": diag.location.line,
        "part": diag.location.part,
        "subject": report.subject,
        "message_id": report.message_id,
        "quote": diag.quote,
        "help": diag.help or None,
        "fix": None,
        "data": dict(diag.data),
    }
    if diag.fix:
        record["fix"] = {
            "description": diag.fix.description,
            "first_line": diag.fix.first_line,
            "last_line": diag.fix.last_line,
            "replacement": list(diag.fix.replacement),
        }
    return record


class JsonReporter:
    """The document, written as the run goes: an entry of ``patches`` per report, in the
    order given, the summary last. ``scopes``: see :func:`diagnostic_record`.
    """

    def __init__(self, scopes: Mapping[str, str] | None = None) -> None:
        self._entries = 0
        self._scopes = dict(scopes or {})

    def head(self) -> str:
        """The document up to the ``[`` of its ``patches`` array."""
        text = json.dumps(_document(None), indent=2, ensure_ascii=False)
        return text[: text.index('"patches": [') + len('"patches": [')]

    def patch(self, report: PatchReport) -> str:
        """One element of the ``patches`` array, after its separator."""
        separator = ARRAY_SEPARATORS[self._entries > 0]
        self._entries += 1
        return separator + render_entry(report, self._scopes)

    def tail(self, summary: Summary) -> str:
        """What closes ``patches`` and the document, with the run's totals."""
        text = json.dumps(_document(summary), indent=2, ensure_ascii=False)
        rest = text[text.index('"patches": [') + len('"patches": [') :]
        return ("\n  " if self._entries else "") + rest + "\n"


def _document(summary: Summary | None) -> dict[str, object]:
    """The document without its patches (``summary``: ``None`` before the run ends)."""
    document: dict[str, object] = {
        "schema": SCHEMA,
        "tool": {"name": "patchlens", "version": __version__},
        "patches": [],
    }
    if summary is not None:
        document["summary"] = {
            "messages": summary.messages,
            "with_findings": summary.with_findings,
            "errors": summary.errors,
            "warnings": summary.warnings,
            "notes": summary.notes,
        }
    return document


def render(
    reports: Sequence[PatchReport], summary: Summary, scopes: Mapping[str, str] | None = None
) -> str:
    """The whole run as one JSON document (``scopes``: see :func:`diagnostic_record`)."""
    return render_report(JsonReporter(scopes), reports, summary)


def render_entry(report: PatchReport, scopes: Mapping[str, str] | None = None) -> str:
    """One element of the ``patches`` array, indented for its place in the document."""
    entry = {
        "file": report.origin,
        "index": report.index,
        "line": report.first_line,
        "subject": report.subject,
        "message_id": report.message_id,
        "diagnostics": [diagnostic_record(d, report, scopes) for d in report.diagnostics],
    }
    return array_element(entry, 2, 2)
