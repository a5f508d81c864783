"""review-followup: a re-roll carries what the reviewers of the previous version asked for.

When a reviewer writes changelog sections out in a reply ("something like
this: == FRED Background == ..."), asks for one ("please add a Problem
section", "needs a Fixes: tag") or offers a tag ("With that, you can add:
Reviewed-by: ..."), the next version of the patch should carry them. b4
collects offered tags; nothing else checks that the requested changelog
structure made it into vN+1.

This is a *thread-level* kind: it needs vN, the reviews of vN and vN+1 in the
same input (an mbox of the lore thread, a maildir, or several files), so its
per-patch :func:`check` finds nothing and :func:`check_thread` runs after the
per-patch rules, on :class:`~lint.thread.threads.Thread` summaries. Findings are
reported at the vN+1 patch: a dropped section at its subject line, a dropped
tag at its tag block.

Parameters:

- ``sections`` (default true): check sections the reviewer wrote or asked for.
- ``tags`` (default true): check offered and requested tags.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from lint.diagnostic import Diagnostic, Location
from lint.record import record, replace

TYPE_CHECKING = False
if TYPE_CHECKING:
    from lint.engine.rules import CheckContext
    from lint.patch.model import Patch
    from lint.rulebook.conditions import Trigger
    from lint.rulebook.ruleset import RuleSpec
    from lint.thread.threads import MessageSummary, Thread, ThreadReview

KIND = "review-followup"


@record
class Params:
    """Parameters of a ``review-followup`` rule."""

    sections: bool = True
    """Check that reviewer-written and requested sections are carried."""
    tags: bool = True
    """Check that offered and requested tags are carried."""


@record
class Item:
    """One thing a reviewer asked the next version to carry."""

    kind: str
    """``section`` or ``tag``."""
    what: str
    """The section title (``FRED Background``) or the tag (``Reviewed-by: A <a@b>``)."""
    how: str
    """``wrote``, ``asked for`` or ``offered``: how the reviewer put it."""
    carried: bool


@record
class FollowUp:
    """What one review of vN asked for, checked against one patch of vN+1."""

    review: ThreadReview
    reviewed: MessageSummary
    """The vN message the review replied to."""
    next_patch: MessageSummary
    items: tuple[Item, ...]

    @property
    def satisfied(self) -> bool:
        return all(item.carried for item in self.items)

    @property
    def dropped(self) -> tuple[Item, ...]:
        return tuple(item for item in self.items if not item.carried)


def check(
    patch: Patch, rule: RuleSpec, params: Params, trigger: Trigger | None, context: CheckContext
) -> Iterator[Diagnostic]:
    """Nothing per patch: see :func:`check_thread`."""
    return iter(())


def followups(thread: Thread, params: Params | None = None) -> tuple[FollowUp, ...]:
    """Every (review of vN, patch of vN+1) pair of ``thread`` with what it asked for."""
    chosen = params or Params()
    found: list[FollowUp] = []
    for review in thread.reviews:
        # Without the reviewed message in the input, its subject in the reply says
        # which version and patch was reviewed.
        reviewed = review.target or replace(
            review.message, reply=False, review=None, sections=(), trailers=()
        )
        posting = thread.next_posting(reviewed.version)
        if posting is None:
            continue
        for patch in _successors(reviewed, posting.patches, posting.cover):
            items = tuple(_items(review, patch, reviewed, chosen))
            if items:
                found.append(FollowUp(review, reviewed, patch, items))
    return tuple(found)


def may_find(summary: MessageSummary) -> bool:
    """Whether a thread holding ``summary`` can give this rule anything: it is a review."""
    return summary.reply and summary.review is not None


def check_thread(thread: Thread, rule: RuleSpec) -> Iterator[Diagnostic]:
    """The rule's findings on ``thread``: one per dropped item, at the vN+1 patch."""
    params = rule.params if isinstance(rule.params, Params) else Params()
    for follow in followups(thread, params):
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


def _successors(
    reviewed: MessageSummary,
    patches: Iterable[MessageSummary],
    cover: MessageSummary | None,
) -> list[MessageSummary]:
    """The vN+1 patches a review of ``reviewed`` applies to."""
    candidates = list(patches)
    if reviewed.is_cover_letter:
        # A review of the cover letter speaks for the whole series (b4's rule for tags).
        return candidates
    same_number = [p for p in candidates if p.number == reviewed.number]
    if reviewed.number is not None and same_number:
        return same_number[:1]
    same_subject = [p for p in candidates if p.key == reviewed.key]
    if same_subject:
        return same_subject[:1]
    return candidates[:1] if len(candidates) == 1 and cover is None else []


def _items(
    review: ThreadReview, patch: MessageSummary, reviewed: MessageSummary, params: Params
) -> Iterator[Item]:
    titles = {" ".join(s.title.lower().split()) for s in patch.sections if s.text.strip()}
    already = {" ".join(s.title.lower().split()) for s in reviewed.sections}
    seen: set[str] = set()
    if params.sections:
        for section in review.review.sections:
            title = " ".join(section.title.lower().split())
            if title not in seen:
                seen.add(title)
                yield Item("section", section.title, "wrote", title in titles)
        for request in review.review.requests:
            title = " ".join(request.what.lower().split())
            # A request for a section vN already had is about its content, not its presence.
            if request.kind == "section" and title not in seen and title not in already:
                seen.add(title)
                yield Item("section", request.what, "asked for", title in titles)
    if params.tags:
        carried = {(t.key.lower(), t.email.lower()) for t in patch.trailers}
        keys = {t.key.lower() for t in patch.trailers}
        for tag in review.review.offered:
            yield Item("tag", tag.text, "offered", (tag.key.lower(), tag.email) in carried)
        for request in review.review.requests:
            if request.kind == "tag" and request.what != "Cc: stable":
                yield Item("tag", f"{request.what}:", "asked for", request.what.lower() in keys)
