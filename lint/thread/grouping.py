"""Messages grouped into threads: who answers whom, and the postings of each version.

By Message-ID, In-Reply-To and References (the mail threading every list archive
does), and by subject where threading is broken: a reply whose parent is not in the
input joins the messages with its subject; postings of the same patch or series
(v1, v2, RESEND) join each other even when v2 was sent as a new thread, as ``git
send-email`` does unless told ``--in-reply-to``. :class:`ThreadIndex` groups them as
they come, a few hundred bytes a message; :func:`build_threads` makes the records.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from lint.thread.forest import Forest
from lint.thread.threads import MessageSummary, Posting, Thread, ThreadReview


def group_threads(summaries: Iterable[MessageSummary]) -> tuple[Thread, ...]:
    """Group messages into threads (see the module docstring), in order of first message.

    A message given twice (one Message-ID: a mail cross-posted to two lists, as lei or
    an archive may deliver it) counts once, as its first copy.
    """
    index = ThreadIndex()
    messages = [m for m in summaries if index.add(m)]
    return build_threads([messages[position] for position in group] for group in index.groups())


def build_threads(groups: Iterable[Sequence[MessageSummary]]) -> tuple[Thread, ...]:
    """The threads of messages already grouped (:meth:`ThreadIndex.groups`), in order."""
    threads = [_thread(group) for group in groups]
    return tuple(sorted(threads, key=lambda t: t.messages[0].seq))


class ThreadIndex:
    """Groups messages into threads as they are added, keeping only what grouping needs.

    A message's links (Message-ID, In-Reply-To, References) and subject key join
    it to others the moment it is added, so nothing of it need be kept but its node;
    only a reply whose parents were not seen yet waits, with its links, for the end:
    it joins its subject if none of them ever shows up. :func:`group_threads` groups
    with it, and the lint thread pass uses it to keep whole summaries out of memory.
    """

    def __init__(self) -> None:
        self._forest = Forest()
        self._nodes: list[str] = []
        """The node of each message added, in order."""
        self._known: set[str] = set()
        """The Message-IDs added."""
        self._waiting: list[tuple[str, str, tuple[str, ...]]] = []
        """Replies none of whose parents was known when added: (node, subject key, links)."""

    def add(self, m: MessageSummary) -> bool:
        """Add ``m``; ``False`` (and nothing done) when its Message-ID was added before."""
        if m.message_id:
            if m.message_id in self._known:
                return False
            self._known.add(m.message_id)
        node = _node(m)
        self._forest.add(node)
        links = tuple(ref for ref in (m.in_reply_to, *m.references) if ref)
        for ref in links:
            self._forest.union(node, ref)
        # Postings of one patch join each other; a reply joins by subject only
        # when its parent is missing (broken threading or a partial archive).
        if m.key:
            if not m.reply:
                self._forest.union(node, f"subject:{m.key}")
            elif not any(ref in self._known for ref in links):
                self._waiting.append((node, m.key, links))
        self._nodes.append(node)
        return True

    def groups(self) -> list[list[int]]:
        """The positions (in the order added) of each thread's messages, by first message."""
        for node, key, links in self._waiting:
            if not any(ref in self._known for ref in links):
                self._forest.union(node, f"subject:{key}")
        self._waiting = []
        groups: dict[str, list[int]] = defaultdict(list)
        for position, node in enumerate(self._nodes):
            groups[self._forest.find(node)].append(position)
        return list(groups.values())


def _node(m: MessageSummary) -> str:
    return m.message_id or f"seq:{m.seq}"


def _thread(messages: Sequence[MessageSummary]) -> Thread:
    ordered = tuple(sorted(messages, key=lambda m: m.seq))
    postings = _postings([m for m in ordered if not m.reply])
    by_id = {m.message_id: m for m in ordered if m.message_id}
    above: dict[str, MessageSummary | None] = {}
    reviews = tuple(
        ThreadReview(m, m.review, _target(m, by_id, postings, above))
        for m in ordered
        if m.reply and m.review is not None
    )
    return Thread(messages=ordered, postings=postings, reviews=reviews)


def _postings(posted: Sequence[MessageSummary]) -> tuple[Posting, ...]:
    groups: dict[tuple[int, bool], list[MessageSummary]] = defaultdict(list)
    for m in posted:
        groups[(m.version, "RESEND" in m.prefix_tags)].append(m)
    postings: list[Posting] = []
    for (version, _), members in sorted(groups.items()):
        cover = next((m for m in members if m.is_cover_letter), None)
        patches = tuple(
            sorted(
                (m for m in members if m is not cover),
                key=lambda m: (m.number if m.number is not None else 1 << 30, m.seq),
            )
        )
        totals = [m.total for m in members if m.total]
        total = max(totals) if totals else None
        present = {m.number for m in patches if m.number is not None}
        missing = tuple(n for n in range(1, total + 1) if n not in present) if total else ()
        tags = tuple(t for t in ("RFC", "RESEND") if any(t in m.prefix_tags for m in members))
        postings.append(Posting(version, tags, total, cover, patches, missing))
    return tuple(postings)


def _target(
    reply: MessageSummary,
    by_id: dict[str, MessageSummary],
    postings: Sequence[Posting],
    above: dict[str, MessageSummary | None],
) -> MessageSummary | None:
    """The patch or cover letter a reply reviews: up the reply chain, else by subject.

    ``above`` remembers, for each Message-ID walked through, the first message that is
    not a reply above it (``None``: none), so that a chain of thousands of replies is
    walked once, not once per reply.
    """
    path: dict[str, None] = {}  # the Message-IDs walked, in order (a dict: fast "in")
    found: MessageSummary | None = None
    current = reply
    while current.in_reply_to:
        key = current.in_reply_to
        if key in above:
            found = above[key]
            break
        parent = by_id.get(key)
        if parent is None or key in path:  # not in the input, or a loop of references
            break
        path[key] = None
        if not parent.reply:
            found = parent
            break
        current = parent
    for key in path:
        above[key] = found
    if found is not None:
        return found
    for posting in postings:
        if posting.version != reply.version:
            continue
        for m in posting.messages:
            if m.key == reply.key and m.number == reply.number:
                return m
    return None
