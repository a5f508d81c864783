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
- ``also`` (default none): other titles that serve as this section. The tip
  tree's own structured changelogs use ``== Background ==``, ``== Problem ==``
  and ``== Solution ==``.
- ``also_mentions`` (default none): regexes, one of which a section found
  under an ``also`` title must match (a generic ``== Background ==`` serves
  as the FRED background only when it talks about FRED).

A missing section is reported at the subject line; an empty or too short one
at its heading.
"""

from __future__ import annotations

from collections.abc import Iterator

from lint.checks.api import CheckKind, Finding
from lint.diagnostic import Part
from lint.record import record
from lint.rulebook.regex import Regex

TYPE_CHECKING = False
if TYPE_CHECKING:
    from lint.checks.api import CheckContext
    from lint.patch.model import Patch, Section
    from lint.rulebook.conditions import Trigger


@record
class Params:
    """Parameters of a ``require-section`` rule."""

    heading: str
    """The section title without the ``==`` markers, e.g. ``FRED Background``."""
    min_body_lines: int = 1
    """Non-blank lines the section must hold."""
    must_explain: str = ""
    """What the section must explain, as a phrase for the message."""
    also: tuple[str, ...] = ()
    """Other titles accepted for the section (``Solution`` for ``Fix``)."""
    also_mentions: tuple[Regex, ...] = ()
    """What a section under an :attr:`also` title must mention, one of them at least."""


def check(
    patch: Patch, params: Params, trigger: Trigger | None, context: CheckContext
) -> Iterator[Finding]:
    """Report a missing, empty or too short ``== heading ==`` section."""
    marker = f"'== {params.heading} =='"
    because = f" (the patch {trigger.reason})" if trigger is not None else ""
    explain = f"; it should explain {params.must_explain}" if params.must_explain else ""
    section = find_section(patch, params)
    if section is None:
        yield Finding(
            f"missing {marker} section{because}{explain}",
            patch.subject.line,
            Part.SUBJECT,
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
    yield Finding(f"{problem}{because}{explain}", section.line, Part.BODY)


def find_section(patch: Patch, params: Params) -> Section | None:
    """The section serving as ``params.heading``: its own title, else an accepted other one."""
    changelog = patch.changelog
    section = changelog.section(params.heading)
    if section is not None:
        return section
    for title in params.also:
        other = changelog.section(title)
        if other is None:
            continue
        if not params.also_mentions or any(p.search(other.text) for p in params.also_mentions):
            return other
    return None


KIND = CheckKind(
    name="require-section",
    params_type=Params,
    doc=__doc__ or "",
    on_patch=check,
    summary_as_help=True,
)
