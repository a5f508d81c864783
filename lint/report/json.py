"""The machine report: one versioned JSON document (schema in docs/json.md)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from lint import __version__
from lint.diagnostic import Diagnostic
from lint.engine.runner import PatchReport
from lint.report import Summary, array_element, join_elements

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
    entries = join_elements(render_entry(report) for report in reports)
    return render_head(summary) + entries + render_tail(bool(reports))


# The document in pieces (see lint.report), for a run that spools its patches: an entry
# of the ``patches`` array per patch.


def render_head(summary: Summary) -> str:
    """The document up to the ``[`` of its ``patches`` array."""
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
        "patches": [],
    }
    text = json.dumps(document, indent=2, ensure_ascii=False)
    return text.removesuffix("]\n}")


def render_tail(any_entries: bool) -> str:
    """What closes the document after the last entry (or after the head, with none)."""
    return "\n  ]\n}\n" if any_entries else "]\n}\n"


def render_entry(report: PatchReport) -> str:
    """One element of the ``patches`` array, indented for its place in the document."""
    entry = {
        "file": report.origin,
        "index": report.index,
        "line": report.first_line,
        "subject": report.subject,
        "message_id": report.message_id,
        "diagnostics": [diagnostic_record(d, report) for d in report.diagnostics],
    }
    return array_element(entry, 2, 2)


def amend_entry(entry: str, diagnostics: Sequence[Diagnostic]) -> str:
    """``entry`` (made by :func:`render_entry`) with ``diagnostics`` added in report order.

    The findings keep the order of :attr:`Diagnostic.sort_key`, which a record
    carries in full (file, line, severity, rule, message); of equal keys the
    ones already there come first, as when the report is merged before rendering.
    """
    from lint.diagnostic import Severity

    data = json.loads(entry)
    report = PatchReport(
        origin=data["file"],
        index=data["index"],
        first_line=data["line"],
        subject=data["subject"],
        message_id=data["message_id"],
        diagnostics=(),
    )
    records = [*data["diagnostics"], *(diagnostic_record(d, report) for d in diagnostics)]
    records.sort(
        key=lambda r: (
            r["file"],
            r["line"],
            -int(Severity.parse(r["severity"])),
            r["rule"],
            r["message"],
        )
    )
    data["diagnostics"] = records
    return array_element(data, 2, 2)
