"""What the reviewers of vN asked vN+1 to carry, and whether it did.

When a reviewer writes changelog sections out in a reply ("something like
this: == FRED Background == ..."), asks for one ("please add a Problem
section", "needs a Fixes: tag") or offers a tag ("With that, you can add:
Reviewed-by: ..."), the next version of the patch should carry them. Each
review of a thread is matched to the patch of the next posting it speaks for
(the same number, else the same subject; a review of the cover letter speaks
for every patch) and every item it asked for is looked up there. The
``review-followup`` rule words what was dropped; the explainer lists it all.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from lint.record import record, replace

TYPE_CHECKING = False
if TYPE_CHECKING:
    from lint.thread.threads import MessageSummary, Thread, ThreadReview


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


def followups(thread: Thread, *, sections: bool = True, tags: bool = True) -> tuple[FollowUp, ...]:
    """Every (review of vN, patch of vN+1) pair of ``thread`` with what it asked for.

    ``sections``: changelog sections the reviewer wrote out or asked for; ``tags``:
    tags the reviewer offered or asked for.
    """
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
            items = tuple(_items(review, patch, reviewed, sections=sections, tags=tags))
            if items:
                found.append(FollowUp(review, reviewed, patch, items))
    return tuple(found)


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
    review: ThreadReview,
    patch: MessageSummary,
    reviewed: MessageSummary,
    *,
    sections: bool,
    tags: bool,
) -> Iterator[Item]:
    titles = {" ".join(s.title.lower().split()) for s in patch.sections if s.text.strip()}
    already = {" ".join(s.title.lower().split()) for s in reviewed.sections}
    seen: set[str] = set()
    if sections:
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
    if tags:
        carried = {(t.key.lower(), t.email.lower()) for t in patch.trailers}
        keys = {t.key.lower() for t in patch.trailers}
        for tag in review.review.offered:
            yield Item("tag", tag.text, "offered", (tag.key.lower(), tag.email) in carried)
        for request in review.review.requests:
            if request.kind == "tag" and request.what != "Cc: stable":
                yield Item("tag", f"{request.what}:", "asked for", request.what.lower() in keys)
