"""section-order: a structured changelog gives context, problem and fix in that order.

maintainer-tip.rst ("Changelog"): "A good structure is to explain the
context, the problem and the solution in separate paragraphs and this
order." When a changelog is structured into ``== Title ==`` sections (as
the x86 maintainers write them: ``== FRED Background ==``, ``== Problem
==``, ``== Fix ==``), their order is checked; plain paragraphs cannot be
classified reliably and are left alone.

Parameters:

- ``stages``: regexes, in the required order, each matched (case-
  insensitively, anywhere) against a section title. A title matching none
  is ignored.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lint.checks.api import CheckKind, Finding
from lint.diagnostic import Part
from lint.record import record
from lint.rulebook.regex import Regex

TYPE_CHECKING = False
if TYPE_CHECKING:
    from lint.checks.api import CheckContext
    from lint.patch.model import Patch
    from lint.rulebook.conditions import Trigger


@record
class Params:
    """Parameters of a ``section-order`` rule."""

    stages: tuple[Regex, ...] = (
        Regex(r"\b(?:background|context)$"),
        Regex(r"\bproblem$"),
        Regex(r"\b(?:fix|solution)$"),
    )
    """Title regexes, in order (context, problem, solution)."""


def check(
    patch: Patch, params: Params, trigger: Trigger | None, context: CheckContext
) -> Iterator[Finding]:
    """Report each section that comes after a section of a later stage."""
    sections = patch.changelog.sections
    if len(sections) < 2:
        return
    stages = [re.compile(stage.pattern, re.IGNORECASE) for stage in params.stages]
    latest = -1
    latest_title = ""
    for section in sections:
        title = section.title.strip()
        stage = next((n for n, regex in enumerate(stages) if regex.search(title)), None)
        if stage is None:
            continue
        if stage < latest:
            yield Finding(
                f"section '== {title} ==' should come before '== {latest_title} =='",
                section.line,
                Part.BODY,
                help="Give the background first, then the problem, then the fix.",
            )
            continue
        if stage > latest:
            latest, latest_title = stage, title


KIND = CheckKind(name="section-order", params_type=Params, doc=__doc__ or "", on_patch=check)
