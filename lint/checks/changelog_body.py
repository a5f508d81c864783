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

from lint.checks.api import CheckKind, Finding, ParamsError
from lint.diagnostic import Part
from lint.record import record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from lint.checks.api import CheckContext
    from lint.patch.model import Patch
    from lint.rulebook.conditions import Trigger


@record
class Params:
    """Parameters of a ``changelog-body`` rule."""

    min_lines: int = 1
    """Non-blank lines needed above the tag block."""

    def __post_init__(self) -> None:
        if self.min_lines < 1:
            raise ParamsError("min_lines", "0: every changelog has that many lines")


def check(
    patch: Patch, params: Params, trigger: Trigger | None, context: CheckContext
) -> Iterator[Finding]:
    """Report a changelog with fewer than ``min_lines`` lines of text above its tags."""
    changelog = patch.changelog
    end = changelog.trailer_line
    written = sum(
        1 for item in changelog.lines if item.text.strip() and not (end and item.line >= end)
    )
    if written >= params.min_lines:
        return
    yield Finding(
        "the changelog has no body: only a subject" + (" and tags" if end else ""),
        patch.subject.line,
        Part.SUBJECT,
        help="Describe the problem, then what the patch does about it and why.",
    )


KIND = CheckKind(name="changelog-body", params_type=Params, doc=__doc__ or "", on_patch=check)
