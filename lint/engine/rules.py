"""Run a ruleset over one patch: conditions, profile, checks, sorted diagnostics.

Which mails are linted:

- Replies (``Re: ...``) are review, not patches: no rule applies; nor to a mail that
  answers another without a diff or an M/N of its own (a follow-up without ``Re:``).
- Cover letters (``[PATCH 0/N]``) describe a series and are never applied:
  no rule applies here (the series rules see them: :mod:`lint.engine.series`).
- Every other mail (or commit message) is a patch. A rule without ``[when]``
  looks at every patch; a rule whose ``[when]`` names diff facts can only be
  triggered by a patch that has a diff, so a bare commit message (the
  ``commit-msg`` hook) is judged by its changelog rules alone.

Profiles: a rule with ``profile = "tip"`` (or ``"kernel"``) applies only under
that maintainer profile. The profile is the ``CheckContext`` override, else the
configured one; ``auto`` picks ``tip`` when the subject's first prefix
component is one of the tip tree's areas (``rules/data/profiles.toml``), else
``kernel``.

A check yields :class:`~lint.checks.api.Finding` records; the engine makes each a
:class:`~lint.diagnostic.Diagnostic` with the rule's id, severity and checkpatch
name and the mail it is on. It never prints.

A part checked only on a prefix, for its size (:mod:`lint.patch.limits`), gets one
``analysis-size`` note where the checking stopped.
"""

from __future__ import annotations

from lint.checks.api import CheckContext, Finding
from lint.checks.registry import KINDS
from lint.diagnostic import Diagnostic, Location, Severity

TYPE_CHECKING = False
if TYPE_CHECKING:
    from lint.engine.budget import Budget
    from lint.patch.limits import PartCut
    from lint.patch.model import Patch
    from lint.rulebook.ruleset import Ruleset, RuleSpec


def is_linted(patch: Patch) -> bool:
    """False for mails that are not patches: replies, cover letters, and a mail that
    answers another without a diff or an M/N of its own, such as a reviewer's follow-up
    that kept ``[PATCH]`` and dropped ``Re:`` (Patchwork takes it for a comment too:
    docs/patchwork-differences.md)."""
    subject = patch.subject
    if subject.reply or subject.is_cover_letter:
        return False
    return not (patch.mail.in_reply_to and subject.index is None and not patch.has_diff)


def active_profile(patch: Patch, ruleset: Ruleset, context: CheckContext | None = None) -> str:
    """``tip`` or ``kernel`` for this patch (see the module docstring)."""
    chosen = context.profile if context is not None and context.profile else ruleset.profile
    if chosen != "auto":
        return chosen
    # "x86/fred", "sched/core", "perf/x86/intel": the tree is named by the first component.
    first = patch.subject.area.split("/", 1)[0].split(":", 1)[0].strip().lower()
    return "tip" if first and first in ruleset.tip_areas else "kernel"


def run(
    patch: Patch,
    ruleset: Ruleset,
    context: CheckContext | None = None,
    budget: Budget | None = None,
) -> tuple[Diagnostic, ...]:
    """Every diagnostic of ``ruleset`` on ``patch``, sorted by :attr:`Diagnostic.sort_key`."""
    if not is_linted(patch):
        return ()
    profile = active_profile(patch, ruleset, context)
    given = context if context is not None else CheckContext()
    found: list[Diagnostic] = []
    origin, subject, message_id = patch.origin, patch.subject.raw, patch.mail.message_id
    for cut in patch.cuts:
        found.append(_size_note(cut, origin, subject, message_id))
    for rule in ruleset.by_profile[profile]:
        check = KINDS[rule.kind].on_patch
        if check is None:  # a thread or series rule: not a patch at a time
            continue
        if budget is not None:
            budget.stage = f"rule {rule.id}"
        trigger = None
        if rule.when is not None:
            trigger = rule.when.matches(patch)
            if trigger is None:
                continue
        # The rule data grades the finding for this patch; the check words it.
        severity = rule.severity_for(patch) if rule.escalate else rule.severity
        for item in check(patch, rule.params, trigger, given):
            quote = patch.line_text(item.line)[:_QUOTE_MAX]
            found.append(diagnostic(rule, item, severity, origin, subject, message_id, quote))
    return tuple(sorted(found, key=lambda d: d.sort_key))


_QUOTE_MAX = 200
"""Characters of the quoted input line kept with a finding: enough to recognise it."""

SIZE_RULE = "analysis-size"
"""The rule id of the note on a part checked only on a prefix."""


def _size_note(cut: PartCut, origin: str, subject: str, message_id: str) -> Diagnostic:
    return Diagnostic(
        rule=SIZE_RULE,
        severity=Severity.NOTE,
        message=cut.describe(),
        location=Location(origin, cut.line, cut.part),
        help=(
            "Parts longer than part_limit (in .patchlens.toml, or --part-limit) are checked "
            "on a prefix; findings past it are not reported."
        ),
        subject=subject,
        message_id=message_id,
    )


def diagnostic(
    rule: RuleSpec,
    finding: Finding,
    severity: Severity,
    origin: str,
    subject: str,
    message_id: str,
    quote: str = "",
) -> Diagnostic:
    """The diagnostic of ``rule`` for what its check found: the engine's half of a finding.

    ``severity`` is the rule's for this patch; the finding's own grade replaces it
    unless the user configured the rule's severity. ``origin``, ``subject`` and
    ``message_id`` name the mail checked (a thread or series finding names its own);
    ``quote`` is the text of the line the finding points at.
    """
    if finding.grade is not None and not rule.severity_configured:
        severity = finding.grade
    on = finding.on
    if on is not None:
        origin, subject, message_id = on.origin, on.subject, on.message_id
    help = finding.help
    if not help and KINDS[rule.kind].summary_as_help:
        help = rule.summary
    return Diagnostic(
        rule=rule.id,
        severity=severity,
        message=finding.message,
        location=Location(origin, finding.line, finding.part),
        checkpatch=rule.checkpatch,
        help=help,
        subject=subject,
        message_id=message_id,
        fix=finding.fix,
        data=finding.data,
        quote=quote,
    )
