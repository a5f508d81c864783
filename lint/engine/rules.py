"""Run a ruleset over one patch: conditions, profile, checks, sorted diagnostics.

Which mails are linted:

- Replies (``Re: ...``) are review, not patches: no rule applies.
- Cover letters (``[PATCH 0/N]``) describe a series and are never applied:
  no rule applies (series-level checks will get their own entry point).
- Every other mail (or commit message) is a patch. A rule without ``[when]``
  looks at every patch; a rule whose ``[when]`` names diff facts can only be
  triggered by a patch that has a diff, so a bare commit message (the
  ``commit-msg`` hook) is judged by its changelog rules alone.

Profiles: a rule with ``profile = "tip"`` (or ``"kernel"``) applies only under
that maintainer profile. The profile is the ``CheckContext`` override, else the
configured one; ``auto`` picks ``tip`` when the subject's first prefix
component is one of the tip tree's areas (``rules/data/profiles.toml``), else
``kernel``.

The engine never prints and never edits what a check returned.
"""

from __future__ import annotations

from collections.abc import Mapping

from lint.checks.registry import KINDS
from lint.diagnostic import Diagnostic
from lint.record import field, record, replace

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

    from lint.kernel.pinning import PinningView
    from lint.patch.model import Patch
    from lint.rulebook.ruleset import Ruleset
    from lint.sources.commits import CommitResolver


@record
class CheckContext:
    """Optional facts some checks use; everything defaults to "not available"."""

    profile: str | None = None
    """Force ``tip`` or ``kernel`` (or ``auto``) for this run, over the configured profile."""
    repo: Path | None = None
    """A git repository (e.g. a kernel tree) checks may consult."""
    pinning_view: PinningView | None = None
    """A kernel tree's pinning facts (``--tree``); ``None``: the rulebook's."""
    commits: CommitResolver | None = None
    """Resolves commit ids of ``Fixes:`` tags and references (``-C`` or a kernel tree)."""
    spelling: Mapping[str, str] | None = field(default_factory=lambda: _default_dictionary())
    """Misspelling -> correction for TYPO_SPELLING (:mod:`lint.checks.checkpatch.dictionary`):
    by default the built-in choice, read once per context on first use; ``None`` when no rule
    spells."""


def _default_dictionary() -> Mapping[str, str]:
    from lint.checks.checkpatch.dictionary import choose_dictionary

    return choose_dictionary(None)


def is_linted(patch: Patch) -> bool:
    """False for mails that are not patches: replies and cover letters."""
    return not patch.subject.reply and not patch.subject.is_cover_letter


def active_profile(patch: Patch, ruleset: Ruleset, context: CheckContext | None = None) -> str:
    """``tip`` or ``kernel`` for this patch (see the module docstring)."""
    chosen = context.profile if context is not None and context.profile else ruleset.profile
    if chosen != "auto":
        return chosen
    # "x86/fred", "sched/core", "perf/x86/intel": the tree is named by the first component.
    first = patch.subject.area.split("/", 1)[0].split(":", 1)[0].strip().lower()
    return "tip" if first and first in ruleset.tip_areas else "kernel"


def run(
    patch: Patch, ruleset: Ruleset, context: CheckContext | None = None
) -> tuple[Diagnostic, ...]:
    """Every diagnostic of ``ruleset`` on ``patch``, sorted by :attr:`Diagnostic.sort_key`."""
    if not is_linted(patch):
        return ()
    profile = active_profile(patch, ruleset, context)
    given = context if context is not None else CheckContext()
    found: list[Diagnostic] = []
    for rule in ruleset.by_profile[profile]:
        trigger = None
        if rule.when is not None:
            trigger = rule.when.matches(patch)
            if trigger is None:
                continue
        if rule.escalate:
            # The rule data grades the finding for this patch; the check words it.
            severity = rule.severity_for(patch)
            if severity is not rule.severity:
                rule = replace(rule, severity=severity)
        found.extend(KINDS[rule.kind].check(patch, rule, rule.params, trigger, given))
    return tuple(sorted(found, key=lambda d: d.sort_key))
