"""Reporters: each turns lint results into strings; only the front doors print them.

Every format is a :class:`Reporter`: ``head()``, then ``patch(report)`` for each mail
in input order, then ``tail(summary)``, each returning the text it adds. A mail's
report holds all its findings, those of the thread and series rules (which run after
the stream) among them: :class:`lint.cli.output.ReportSink` keeps the reports until
then. :func:`render` is the whole document at once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from lint.diagnostic import Severity
from lint.engine.runner import PatchReport
from lint.record import record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Protocol

    class Reporter(Protocol):
        """One output format, fed a run piece by piece (see the module docstring)."""

        def head(self) -> str:
            """What comes before the first patch."""

        def patch(self, report: PatchReport) -> str:
            """What one mail's report adds (``""`` for nothing)."""

        def tail(self, summary: Summary) -> str:
            """What closes the document, once the run's totals are known."""

# Documents (JSON, SARIF) are written in pieces, so that a long run can spool them: the
# head up to the "[" of their one long array, the elements, each after its separator,
# and the tail. Together the pieces are exactly what json.dumps(document, indent=N) makes.

ARRAY_SEPARATORS = ("\n", ",\n")
"""What goes before the first element of an array, and before each later one."""


def array_element(value: object, indent: int, depth: int) -> str:
    """``value`` as json.dumps(document, indent=indent) writes it ``depth`` levels deep."""
    import json  # only the document formats need it

    text = json.dumps(value, indent=indent, ensure_ascii=False)
    margin = " " * (indent * depth)
    return "\n".join(margin + line for line in text.split("\n"))


@record
class Summary:
    """Totals of a run, for the closing line of a report."""

    messages: int
    with_findings: int
    errors: int
    warnings: int
    notes: int

    @classmethod
    def of(cls, reports: Iterable[PatchReport], messages: int) -> Summary:
        """Count the findings of ``reports`` (only those with findings need be passed)."""
        severities: Counter[Severity] = Counter()
        with_findings = 0
        for report in reports:
            if report.diagnostics:
                with_findings += 1
            severities.update(d.severity for d in report.diagnostics)
        return cls(
            messages=messages,
            with_findings=with_findings,
            errors=severities[Severity.ERROR],
            warnings=severities[Severity.WARNING],
            notes=severities[Severity.NOTE],
        )

    @property
    def text(self) -> str:
        """``3 messages, 1 with findings: 2 errors, 1 warning, 0 notes``."""

        def count(n: int, word: str) -> str:
            return f"{n} {word}{'' if n == 1 else 's'}"

        head = count(self.messages, "message")
        if not self.with_findings:
            return f"{head}, no findings"
        return (
            f"{head}, {self.with_findings} with findings: {count(self.errors, 'error')}, "
            f"{count(self.warnings, 'warning')}, {count(self.notes, 'note')}"
        )


def render(reporter: Reporter, reports: Iterable[PatchReport], summary: Summary) -> str:
    """The whole document ``reporter`` makes of ``reports``."""
    return reporter.head() + "".join(map(reporter.patch, reports)) + reporter.tail(summary)
