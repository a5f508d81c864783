"""changelog-body: the changelog explains the change in prose, not only tags.

A subject and a Signed-off-by say what changed; only a body says why
(Documentation/process/submitting-patches.rst, "Describe your changes":
"Describe your problem. [...] Once the problem is established, describe
what you are actually doing about it"). Even a one-line fix gets a
sentence.

Parameters:

- ``min_lines`` (default 1): prose lines needed above the tags.
"""

from __future__ import annotations

from collections.abc import Iterator

from lint.checks.api import finding
from lint.diagnostic import Diagnostic
from lint.record import record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from lint.engine.rules import CheckContext
    from lint.patch.model import Patch
    from lint.rulebook.conditions import Trigger
    from lint.rulebook.ruleset import RuleSpec

KIND = "changelog-body"


@record
class Params:
    """Parameters of a ``changelog-body`` rule."""

    min_lines: int = 1
    """Non-blank lines needed above the tag block."""


def check(
    patch: Patch, rule: RuleSpec, params: Params, trigger: Trigger | None, context: CheckContext
) -> Iterator[Diagnostic]:
    """Report a changelog with fewer than ``min_lines`` lines of text above its tags."""
    changelog = patch.changelog
    end = changelog.trailer_line
    written = sum(
        1 for item in changelog.lines if item.text.strip() and not (end and item.line >= end)
    )
    if written >= params.min_lines:
        return
    yield finding(
        patch,
        rule,
        "the changelog has no body: only a subject" + (" and tags" if end else ""),
        patch.subject.line,
        "subject",
        help="Describe the problem, then what the patch does about it and why.",
    )
