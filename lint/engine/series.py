"""The series pass: the series rules over the mails of one send.

Every enabled rule of series scope (``rules/series-*.toml``, :mod:`lint.checks.series`)
runs over the :class:`~lint.thread.series.SeriesEntry` of each mail of a series, in
the order sent (:func:`run_series`); its findings name the mail they are on.

Two front doors find the series:

- the ``sendemail-validate`` hook records an entry per mail of one ``git
  send-email`` run and runs the rules on its last mail (:mod:`lint.hooks.series`);
- ``patchlens lint`` collects an entry per patch and cover letter while it streams
  (:class:`SeriesPass`), groups them into series after the stream
  (:func:`~lint.thread.series.group_series`: a folder, an mbox, a thread) and runs
  the rules on each.
"""

from __future__ import annotations

from collections.abc import Sequence

from lint.checks.api import CheckContext
from lint.checks.registry import KINDS
from lint.diagnostic import Diagnostic
from lint.engine.rules import diagnostic

TYPE_CHECKING = False
if TYPE_CHECKING:
    from lint.engine.runner import PatchReport
    from lint.rulebook.ruleset import Ruleset, RuleSpec
    from lint.thread.series import SeriesEntry


def run_series(
    entries: Sequence[SeriesEntry], ruleset: Ruleset, context: CheckContext | None = None
) -> tuple[Diagnostic, ...]:
    """Every finding of the series rules of ``ruleset`` on one send, sorted like a patch's."""
    return _run(entries, ruleset.rules, context)


def _run(
    entries: Sequence[SeriesEntry], rules: Sequence[RuleSpec], context: CheckContext | None
) -> tuple[Diagnostic, ...]:
    given = context if context is not None else CheckContext()
    found: list[Diagnostic] = []
    for rule in rules:
        check = KINDS[rule.kind].on_series
        if check is None or not rule.enabled:
            continue
        for item in check(entries, rule.params, given):
            # Every series finding names its mail (Finding.on): the mail arguments are unused.
            found.append(diagnostic(rule, item, rule.severity, "", "", ""))
    return tuple(sorted(found, key=lambda d: d.sort_key))


class SeriesPass:
    """Collects the series entries of a lint run, then runs the series rules on each series."""

    def __init__(self, rules: Sequence[RuleSpec], context: CheckContext | None = None) -> None:
        self._rules = tuple(rules)
        self._context = context
        self._entries: list[SeriesEntry] = []
        self._mails: list[tuple[str, int]] = []
        """(origin, index) of each entry's mail: what a finding is put under."""

    @classmethod
    def for_ruleset(
        cls, ruleset: Ruleset, context: CheckContext | None = None
    ) -> SeriesPass | None:
        """A pass for the enabled series rules of ``ruleset``, or ``None`` when there are none."""
        rules = [r for r in ruleset.rules if r.enabled and KINDS[r.kind].on_series is not None]
        return cls(rules, context) if rules else None

    def take(self, report: PatchReport) -> None:
        """Keep the series entry the per-patch run made of a mail, if any."""
        if report.series_entry is not None:
            self._entries.append(report.series_entry)
            self._mails.append((report.origin, report.index))

    def by_mail(self) -> dict[tuple[str, int], list[Diagnostic]]:
        """The findings of the series rules, by the mail (origin, index) they are on."""
        from collections import Counter

        from lint.thread.series import group_series

        per_origin = Counter(origin for origin, _ in self._mails)
        # A file holding one mail of a send sits in a folder with the others.
        places = [
            origin if per_origin[origin] > 1 else origin.rpartition("/")[0]
            for origin, _ in self._mails
        ]
        found: dict[tuple[str, int], list[Diagnostic]] = {}
        for group in group_series(self._entries, places):
            entries = [self._entries[position] for position in group]
            where = {
                (entry.origin, entry.message_id, entry.subject): self._mails[position]
                for position, entry in zip(group, entries, strict=True)
            }
            for diag in _run(entries, self._rules, self._context):
                key = (diag.location.origin, diag.message_id, diag.subject)
                found.setdefault(where[key], []).append(diag)
        return found
