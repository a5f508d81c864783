"""review-followup: a re-roll carries what the reviewers of the previous version asked for.

When a reviewer writes changelog sections out in a reply ("something like
this: == FRED Background == ..."), asks for one ("please add a Problem
section", "needs a Fixes: tag") or offers a tag ("With that, you can add:
Reviewed-by: ..."), the next version of the patch should carry them. b4
collects offered tags; nothing else checks that the requested changelog
structure made it into vN+1.

This is a *thread-level* kind: it needs vN, the reviews of vN and vN+1 in
the same input (an mbox of the lore thread, a maildir, or several files), so
its per-patch :func:`check` finds nothing and :func:`check_thread` runs after
the per-patch rules, on :class:`~lint.thread.threads.Thread` summaries
(:mod:`lint.thread.followup` matches each review to the patch it speaks for).
Findings are reported at the vN+1 patch: a dropped section at its subject
line, a dropped tag at its tag block.

Parameters:

- ``sections`` (default true): check sections the reviewer wrote or asked for.
- ``tags`` (default true): check offered and requested tags.
"""

from __future__ import annotations

from collections.abc import Iterator

from lint.diagnostic import Diagnostic, Location
from lint.record import record
from lint.thread.followup import followups

TYPE_CHECKING = False
if TYPE_CHECKING:
    from lint.engine.rules import CheckContext
    from lint.patch.model import Patch
    from lint.rulebook.conditions import Trigger
    from lint.rulebook.ruleset import RuleSpec
    from lint.thread.threads import MessageSummary, Thread

KIND = "review-followup"


@record
class Params:
    """Parameters of a ``review-followup`` rule."""

    sections: bool = True
    """Check that reviewer-written and requested sections are carried."""
    tags: bool = True
    """Check that offered and requested tags are carried."""


def check(
    patch: Patch, rule: RuleSpec, params: Params, trigger: Trigger | None, context: CheckContext
) -> Iterator[Diagnostic]:
    """Nothing per patch: see :func:`check_thread`."""
    return iter(())


def may_find(summary: MessageSummary) -> bool:
    """Whether a thread holding ``summary`` can give this rule anything: it is a review."""
    return summary.reply and summary.review is not None


def check_thread(thread: Thread, rule: RuleSpec) -> Iterator[Diagnostic]:
    """The rule's findings on ``thread``: one per dropped item, at the vN+1 patch."""
    params = rule.params if isinstance(rule.params, Params) else Params()
    for follow in followups(thread, sections=params.sections, tags=params.tags):
        patch = follow.next_patch
        reviewer = follow.review.review.reviewer
        msgid = follow.review.message.message_id
        for item in follow.dropped:
            if item.kind == "section":
                what = f"the '== {item.what} ==' section"
                line, part = patch.subject_line, "subject"
            else:
                what = f"'{item.what}'"
                line = patch.trailer_line or patch.subject_line
                part = "trailer" if patch.trailer_line else "subject"
            message = (
                f"v{patch.version} does not carry {what} that {reviewer} {item.how} "
                f"in the review of v{follow.reviewed.version} <{msgid.strip('<>')}>"
            )
            yield Diagnostic(
                rule=rule.id,
                severity=rule.severity,
                message=message,
                location=Location(origin=patch.origin, line=line, part=part),
                help=rule.summary,
                subject=patch.subject,
                message_id=patch.message_id,
                data=(
                    ("reviewer", reviewer),
                    ("review", msgid),
                    ("kind", item.kind),
                    ("what", item.what),
                ),
            )
