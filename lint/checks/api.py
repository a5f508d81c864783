"""What every check kind shares: its registry entry and how it words a finding."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from lint.diagnostic import Diagnostic, Fix, Location
from lint.record import record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from lint.engine.rules import CheckContext
    from lint.patch.model import Patch
    from lint.rulebook.conditions import Trigger
    from lint.rulebook.ruleset import RuleSpec

CheckFunction = Callable[
    ["Patch", "RuleSpec", "Any", "Trigger | None", "CheckContext"], Iterator[Diagnostic]
]
"""``check(patch, rule, params, trigger, context)``: yields the rule's findings on one patch.

``context`` carries what a run knows beyond the patch (a kernel tree's pinning facts,
the commit resolver, the spelling dictionary); most kinds do not need it."""


@record
class CheckKind:
    """One registered check kind: its name, its typed parameters, its function."""

    name: str
    params_type: type[Any]
    """A frozen dataclass; the rule's ``[params]`` table is validated into it at load."""
    check: CheckFunction
    doc: str = ""
    """The check module's docstring: the kind's user documentation."""


def finding(
    patch: Patch,
    rule: RuleSpec,
    message: str,
    line: int,
    part: str,
    *,
    help: str = "",
    fix: Fix | None = None,
    data: tuple[tuple[str, str], ...] = (),
) -> Diagnostic:
    """A :class:`Diagnostic` of ``rule`` on ``patch`` at input ``line`` in ``part``."""
    return Diagnostic(
        rule=rule.id,
        severity=rule.severity,
        message=message,
        location=Location(origin=patch.origin, line=line, part=part),
        checkpatch=rule.checkpatch,
        help=help,
        subject=patch.subject.raw,
        message_id=patch.mail.message_id,
        fix=fix,
        data=data,
    )
