"""review-followup: a re-roll carries what the reviewers of the previous version asked for.

When a reviewer writes changelog sections out in a reply ("something like
this: == FRED Background == ..."), asks for one ("please add a Problem
section", "needs a Fixes: tag") or offers a tag ("With that, you can add:
Reviewed-by: ..."), the next version of the patch should carry them. b4
collects offered tags; nothing else checks that the requested changelog
structure made it into vN+1.

This is a *thread-level* kind: it needs vN, the reviews of vN and vN+1 in
the same input (an mbox of the lore thread, a maildir, or several files), so
:func:`check_thread` runs after the per-patch rules, on
:class:`~lint.thread.threads.Thread` summaries (:mod:`lint.thread.followup`
matches each review to the patch it speaks for).
Findings are reported at the vN+1 patch: a dropped section at its subject
line, a dropped tag at its tag block.

Parameters:

- ``sections`` (default true): check sections the reviewer wrote or asked for.
- ``tags`` (default true): check offered and requested tags.
"""

from __future__ import annotations

from collections.abc import Iterator

from lint.checks.api import CheckKind, Finding, MailRef, ParamsError
from lint.diagnostic import Part
from lint.record import record
from lint.thread.followup import followups

TYPE_CHECKING = False
if TYPE_CHECKING:
    from lint.checks.api import CheckContext
    from lint.thread.threads import MessageSummary, Thread


@record
class Params:
    """Parameters of a ``review-followup`` rule."""

    sections: bool = True
    """Check that reviewer-written and requested sections are carried."""
    tags: bool = True
    """Check that offered and requested tags are carried."""

    def __post_init__(self) -> None:
        if not (self.sections or self.tags):
            raise ParamsError("tags", "false with sections false too: the rule checks nothing")


def may_find(summary: MessageSummary) -> bool:
    """Whether a thread holding ``summary`` can give this rule anything: it is a review."""
    return summary.reply and summary.review is not None


def check_thread(thread: Thread, params: Params, context: CheckContext) -> Iterator[Finding]:
    """The rule's findings on ``thread``: one per dropped item, at the vN+1 patch."""
    for follow in followups(thread, sections=params.sections, tags=params.tags):
        patch = follow.next_patch
        on = MailRef(patch.origin, patch.subject, patch.message_id)
        reviewer = follow.review.review.reviewer
        msgid = follow.review.message.message_id
        for item in follow.dropped:
            if item.kind == "section":
                what = f"the '== {item.what} ==' section"
                line, part = patch.subject_line, Part.SUBJECT
            else:
                what = f"'{item.what}'"
                line = patch.trailer_line or patch.subject_line
                part = Part.TRAILER if patch.trailer_line else Part.SUBJECT
            message = (
                f"v{patch.version} does not carry {what} that {reviewer} {item.how} "
                f"in the review of v{follow.reviewed.version} <{msgid.strip('<>')}>"
            )
            data = (("reviewer", reviewer), ("review", msgid), ("kind", item.kind))
            yield Finding(message, line, part, data=(*data, ("what", item.what)), on=on)


KIND = CheckKind(
    name="review-followup",
    params_type=Params,
    doc=__doc__ or "",
    on_thread=check_thread,
    may_find=may_find,
    summary_as_help=True,
)
