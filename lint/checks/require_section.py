"""require-section: the changelog carries a ``== Heading ==`` section with a body.

When a patch touches a subtle piece of the kernel, reviewers want the
background written down where ``git log`` will find it. x86 maintainers ask
for it as named sections (``== FRED Background ==``, ``== Problem ==``,
``== Fix ==``) so the context, the bug and the remedy read in that order.

Parameters:

- ``heading``: the section title, without the ``==`` markers (matched
  case- and space-insensitively).
- ``min_body_lines`` (default 1): how many non-blank lines the section needs.
- ``must_explain`` (default empty): what the section must cover, quoted in
  the message so the author knows what to write.

A missing section is reported at the subject line; an empty or too short one
at its heading.
"""

from __future__ import annotations

from collections.abc import Iterator

from lint.checks.finding import finding
from lint.diagnostic import Diagnostic
from lint.record import record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from lint.conditions import Trigger
    from lint.engine import CheckContext
    from lint.model import Patch
    from lint.ruleset import RuleSpec

KIND = "require-section"


@record
class Params:
    """Parameters of a ``require-section`` rule."""

    heading: str
    """The section title without the ``==`` markers, e.g. ``FRED Background``."""
    min_body_lines: int = 1
    """Non-blank lines the section must hold."""
    must_explain: str = ""
    """What the section must explain, as a phrase for the message."""


def check(
    patch: Patch, rule: RuleSpec, params: Params, trigger: Trigger | None, context: CheckContext
) -> Iterator[Diagnostic]:
    """Report a missing, empty or too short ``== heading ==`` section."""
    marker = f"'== {params.heading} =='"
    because = f" (the patch {trigger.reason})" if trigger is not None else ""
    explain = f"; it should explain {params.must_explain}" if params.must_explain else ""
    section = patch.changelog.section(params.heading)
    if section is None:
        yield finding(
            patch,
            rule,
            f"missing {marker} section{because}{explain}",
            patch.subject.line,
            "subject",
            help=rule.summary,
        )
        return
    lines = sum(1 for item in section.body if item.text.strip())
    if lines >= params.min_body_lines:
        return
    if lines == 0:
        problem = f"the {marker} section is empty"
    else:
        plural = "s" if params.min_body_lines != 1 else ""
        problem = (
            f"the {marker} section has {lines} line{'s' if lines != 1 else ''}, "
            f"at least {params.min_body_lines} line{plural} expected"
        )
    yield finding(
        patch, rule, f"{problem}{because}{explain}", section.line, "body", help=rule.summary
    )
