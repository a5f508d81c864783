"""The machine report: one versioned JSON document (schema in docs/json.md)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from lint import __version__
from lint.diagnostic import Diagnostic
from lint.report import Summary
from lint.runner import PatchReport

SCHEMA = "patchlens/lint-report/1"


def diagnostic_record(diag: Diagnostic, report: PatchReport) -> dict[str, object]:
    """One finding as a JSON object (keys documented in docs/json.md)."""
    record: dict[str, object] = {
        "rule": diag.rule,
        "checkpatch": diag.checkpatch or None,
        "severity": diag.severity.label,
        "message": diag.message,
        "file": diag.location.origin,
        "line": diag.location.line,
        "part": diag.location.part,
        "subject": report.subject,
        "message_id": report.message_id,
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


def render(reports: Sequence[PatchReport], summary: Summary) -> str:
    """The whole run as one JSON document."""
    document = {
        "schema": SCHEMA,
        "tool": {"name": "patchlens", "version": __version__},
        "summary": {
            "messages": summary.messages,
            "with_findings": summary.with_findings,
            "errors": summary.errors,
            "warnings": summary.warnings,
            "notes": summary.notes,
        },
        "patches": [
            {
                "file": report.origin,
                "index": report.index,
                "line": report.first_line,
                "subject": report.subject,
                "message_id": report.message_id,
                "diagnostics": [diagnostic_record(d, report) for d in report.diagnostics],
            }
            for report in reports
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
