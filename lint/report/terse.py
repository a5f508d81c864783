"""checkpatch.pl's ``--terse --show-types`` form: one finding a line, nothing else."""

from __future__ import annotations

from collections.abc import Sequence

from lint.diagnostic import Diagnostic
from lint.engine.runner import PatchReport


def render_diagnostic(diag: Diagnostic, checkpatch_names: bool = True) -> str:
    """``FILE:LINE: ERROR:TYPE: message``; TYPE is checkpatch's name where one exists."""
    kind = diag.checkpatch if checkpatch_names and diag.checkpatch else diag.rule
    level = diag.severity.name
    return f"{diag.location.origin}:{diag.location.line}: {level}:{kind}: {diag.message}"


def render(reports: Sequence[PatchReport], checkpatch_names: bool = True) -> str:
    """All findings, one a line, in input order."""
    lines = [
        render_diagnostic(diag, checkpatch_names)
        for report in reports
        for diag in report.diagnostics
    ]
    return "".join(f"{line}\n" for line in lines)
