"""The series pass: the series rules over the mails of one send.

The ``sendemail-validate`` hook records a :class:`~lint.thread.series.SeriesEntry`
per mail and, on the last mail of a send, runs :func:`run_series`: every enabled
rule of series scope (``rules/series-*.toml``, :mod:`lint.checks.series`) over the
entries in send order. Their findings name the mail they are on.
"""

from __future__ import annotations

from collections.abc import Sequence

from lint.checks.api import CheckContext
from lint.checks.registry import KINDS
from lint.diagnostic import Diagnostic
from lint.engine.rules import diagnostic

TYPE_CHECKING = False
if TYPE_CHECKING:
    from lint.rulebook.ruleset import Ruleset
    from lint.thread.series import SeriesEntry


def run_series(
    entries: Sequence[SeriesEntry], ruleset: Ruleset, context: CheckContext | None = None
) -> tuple[Diagnostic, ...]:
    """Every finding of the series rules of ``ruleset`` on one send, sorted like a patch's."""
    given = context if context is not None else CheckContext()
    found: list[Diagnostic] = []
    for rule in ruleset.rules:
        check = KINDS[rule.kind].on_series
        if check is None or not rule.enabled:
            continue
        for item in check(entries, rule.params, given):
            # Every series finding names its mail (Finding.on): the mail arguments are unused.
            found.append(diagnostic(rule, item, rule.severity, "", "", ""))
    return tuple(sorted(found, key=lambda d: d.sort_key))
