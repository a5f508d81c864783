"""subject-format: ``subsys/component: Summary`` with a usable summary.

The subject becomes the one-line summary in ``git log --oneline`` and in
every ``Fixes:`` tag that will ever point at the commit. Kernel maintainers
want it to start with the subsystem prefix used by that code's history (``git
log --oneline -- path`` shows it), not a file path, followed by a short
summary that is a phrase rather than a sentence: no trailing period.

Parameters:

- ``require_area`` (default true): a ``prefix:`` must be present.
- ``forbid_path`` (default true): the prefix must not be a file path.
- ``path_like`` (regex): a prefix matching it is a file path, not a subsystem
  (``arch/x86/kernel/fred.c:``, ``drivers/tty/serial:``, ``cpu.c:``); names
  such as ``mm/slub:``, ``x86/fred:`` or ``mail:`` are subsystems.
- ``require_summary`` (default true): text follows the prefix.
- ``forbid_trailing_period`` (default true). The fix drops the period.
- ``require_capital`` (default false): the summary starts with an uppercase
  letter, as the tip tree asks (maintainer-tip.rst). The fix capitalises it.
- ``max_length`` (default 0 = no limit): longest summary phrase, the text
  after the prefix (submitting-patches.rst: "no more than 70-75 characters").

A revert (``Revert "x86/foo: Bar"``) keeps the subject git wrote for it: its
prefix and length are not judged.

One rule may switch on several aspects; the packaged rulebook gives each
aspect its own rule (``subject-format``, ``subject-capital``,
``subject-length``) so that each can be disabled or re-graded alone.

Cover letters are never linted, so their ``[PATCH 0/N]`` subjects are free.
"""

from __future__ import annotations

from collections.abc import Iterator

from lint.checks.api import CheckKind, Finding, ParamsError
from lint.checks.line_edits import subject_fix
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
    """Parameters of a ``subject-format`` rule."""

    require_area: bool = True
    """The summary must follow a ``subsys/component:`` prefix."""
    forbid_path: bool = True
    """The prefix must not be a file path."""
    path_like: Regex = Regex(
        r"^(?:arch|drivers|include|tools|scripts)/"
        r"|\.(?:[chS]|rs|py|sh|pl|dtsi?|lds|rst|txt|ya?ml|json)$"
    )
    """A prefix matching this is a file path rather than a subsystem name."""
    require_summary: bool = True
    """Something must follow the prefix."""
    forbid_trailing_period: bool = True
    """The summary is a phrase, not a sentence."""
    require_capital: bool = False
    """The summary starts with an uppercase letter (tip tree style)."""
    max_length: int = 0
    """Longest summary phrase (after the prefix) in characters; 0 means no limit."""

    def __post_init__(self) -> None:
        checks = [self.require_area, self.forbid_path, self.require_summary]
        checks += [self.forbid_trailing_period, self.require_capital, self.max_length > 0]
        if not any(checks):
            raise ParamsError("require_area", "every check of the subject is off")


def check(
    patch: Patch, params: Params, trigger: Trigger | None, context: CheckContext
) -> Iterator[Finding]:
    """Report each way the subject departs from ``subsys/component: Summary``."""
    subject = patch.subject
    line = subject.line
    area = subject.area.strip()
    summary = subject.summary.strip()
    revert = summary.startswith(('Revert "', 'Reapply "'))
    if params.require_area and not area and not revert:
        yield Finding(
            "the subject has no 'subsys/component:' prefix",
            line,
            Part.SUBJECT,
            help="Use the prefix that `git log --oneline -- <file>` shows for this code.",
        )
    elif area and params.forbid_path and params.path_like.search(area):
        yield Finding(
            f"the subject prefix '{area}:' is a file path, not a subsystem name",
            line,
            Part.SUBJECT,
            help="Use the prefix that `git log --oneline -- <file>` shows for this code.",
        )
    if not summary:
        if params.require_summary:
            message = "the subject has no summary after its prefix"
            yield Finding(message, line, Part.SUBJECT)
        return
    if params.forbid_trailing_period and summary.endswith(".") and not summary.endswith(".."):
        yield Finding(
            "the subject summary ends with a period",
            line,
            Part.SUBJECT,
            fix=subject_fix(patch, summary[:-1].rstrip(), "drop the trailing period"),
        )
    if params.require_capital and summary[0].isalpha() and not summary[0].isupper():
        yield Finding(
            f"the subject summary should start with an uppercase letter ('{summary[0]}')",
            line,
            Part.SUBJECT,
            fix=subject_fix(
                patch, summary[0].upper() + summary[1:], "capitalise the subject summary"
            ),
        )
    if params.max_length and len(summary) > params.max_length and not revert:
        yield Finding(
            f"the subject's summary is {len(summary)} characters long, over {params.max_length}",
            line,
            Part.SUBJECT,
            help="Condense the summary: details belong in the changelog body.",
        )


KIND = CheckKind(name="subject-format", params_type=Params, doc=__doc__ or "", on_patch=check)
