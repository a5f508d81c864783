"""GitHub Actions workflow commands: each finding becomes an annotation on the patch file.

``::error file=F,line=L,title=RULE::message``; warnings use ``::warning`` and
notes ``::notice``.  Values are escaped as the runner expects: ``%``, CR and
LF everywhere, and ``:`` and ``,`` inside the properties.
"""

from __future__ import annotations

from collections.abc import Sequence

from lint.diagnostic import Diagnostic, Severity
from lint.engine.runner import PatchReport

TYPE_CHECKING = False
if TYPE_CHECKING:
    from lint.report import Summary

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "notice"}


def escape_data(text: str) -> str:
    """Escape a message (the part after ``::``)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value (``file=``, ``title=``)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_diagnostic(diag: Diagnostic) -> str:
    """One annotation line."""
    properties = [f"file={escape_property(diag.location.origin)}"]
    if diag.location.line > 0:
        properties.append(f"line={diag.location.line}")
    properties.append(f"title={escape_property(diag.rule)}")
    return f"::{_COMMAND[diag.severity]} {','.join(properties)}::{escape_data(diag.message)}"


class GitHubReporter:
    """Every finding as an annotation, in input order."""

    def head(self) -> str:
        return ""

    def patch(self, report: PatchReport) -> str:
        return "".join(render_diagnostic(diag) + "\n" for diag in report.diagnostics)

    def tail(self, summary: Summary) -> str:
        return ""


def render(reports: Sequence[PatchReport]) -> str:
    """Every finding as an annotation, in input order."""
    return "".join(map(GitHubReporter().patch, reports))
