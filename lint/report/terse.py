"""checkpatch.pl's ``--terse --show-types`` form: one finding a line, nothing else."""

from __future__ import annotations

from collections.abc import Sequence

from lint.diagnostic import Diagnostic
from lint.engine.runner import PatchReport

TYPE_CHECKING = False
if TYPE_CHECKING:
    from lint.report import Summary


def render_diagnostic(diag: Diagnostic, checkpatch_names: bool = True) -> str:
    """``FILE:LINE: ERROR:TYPE: message``; TYPE is checkpatch's name where one exists."""
    kind = diag.checkpatch if checkpatch_names and diag.checkpatch else diag.rule
    level = diag.severity.name
    return f"{diag.location.origin}:{diag.location.line}: {level}:{kind}: {diag.message}"


class TerseReporter:
    """One finding a line, nothing else."""

    def __init__(self, checkpatch_names: bool = True) -> None:
        self._names = checkpatch_names

    def head(self) -> str:
        return ""

    def patch(self, report: PatchReport) -> str:
        return "".join(f"{render_diagnostic(d, self._names)}\n" for d in report.diagnostics)

    def tail(self, summary: Summary) -> str:
        return ""


def render(reports: Sequence[PatchReport], checkpatch_names: bool = True) -> str:
    """All findings, one a line, in input order."""
    return "".join(map(TerseReporter(checkpatch_names).patch, reports))
