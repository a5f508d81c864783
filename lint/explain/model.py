"""The explainer's model: one frozen record per thread, ready for any template.

:func:`build_thread` gathers, for one :class:`~lint.thread.threads.Thread`, what the
maintainer, the author of the next version and a future bisector want in one
place: version history and where tip-bot2 says the patch was merged,
people, background per topic (merged from every changelog, cover letter and
review, each paragraph attributed to whoever wrote it first), problem and
fix, what the diff touches, lint findings, tags and open review points.
Nothing here renders text: :mod:`lint.explain.render` does.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence

from lint.explain.document import (
    Attributed,
    FindingEntry,
    MessageRef,
    PatchChanges,
    ReviewPoint,
    TagEntry,
    ThreadExplainer,
    Topic,
    VersionEntry,
)
from lint.explain.merge_notice import MergeNotice, read_merge_notice
from lint.mail.model import TextLine
from lint.patch.model import Paragraph, Section
from lint.rulebook.ruleset import Ruleset, RuleSpec
from lint.thread.followup import FollowUp, followups
from lint.thread.threads import MessageSummary, Thread

PINNING_RULE = "pinned-bit-bringup"
"""The kernel analysis rule whose findings carry the pinned-bit/bringup reasoning."""


def build_thread(thread: Thread, ruleset: Ruleset | None = None) -> ThreadExplainer:
    """The explainer model of ``thread``; ``ruleset`` supplies reference background text."""
    notices = merge_notices(thread.messages)
    latest = thread.latest
    latest_messages = _posted(latest.messages if latest is not None else thread.messages, notices)
    head = latest_messages[0] if latest_messages else thread.messages[0]
    topics = _gather(thread, notices)
    titles = {_norm(t) for t in topics}
    background = [Topic(t, tuple(p)) for t, p in topics.items() if _norm(t).endswith("background")]
    background += _references(thread, ruleset, titles)
    problem = _topic(topics, "problem")
    fix = _topic(topics, "fix")
    if problem is None and fix is None:
        problem, fix = _best_effort(latest_messages, notices)
    other = [
        Topic(t, tuple(p))
        for t, p in topics.items()
        if not _norm(t).endswith("background") and _norm(t) not in ("problem", "fix")
    ]
    follows = followups(thread)
    return ThreadExplainer(
        title=thread.title,
        messages=len(thread.messages),
        author=head.author,
        reviewers=tuple(dict.fromkeys(r.review.reviewer for r in thread.reviews)),
        history=tuple(_history(thread)),
        merges=tuple(notices.values()),
        background=tuple(background),
        problem=problem,
        fix=fix,
        other_sections=tuple(other),
        changes=tuple(_changes(m) for m in latest_messages if m.is_patch),
        findings=tuple(
            FindingEntry(
                m.label, d.rule, d.severity.label, d.message, f"{d.location.part}:{d.location.line}"
            )
            for m in latest_messages
            for d in m.findings
        ),
        tags=tuple(_tags(thread, latest_messages)),
        points=tuple(_points(thread, follows)),
        followup=tuple(_followup_line(f) for f in follows),
    )


def _norm(title: str) -> str:
    return " ".join(title.lower().split())


def _topic(topics: dict[str, list[Attributed]], name: str) -> Topic | None:
    for title, paragraphs in topics.items():
        if _norm(title) == name:
            return Topic(title, tuple(paragraphs))
    return None


def _gather(thread: Thread, notices: Mapping[int, MergeNotice]) -> dict[str, list[Attributed]]:
    """Every section of every message, merged per title, oldest writer first."""
    sources: list[tuple[float, int, MessageSummary, Sequence[Section], str]] = []
    for m in thread.messages:
        if m.reply and m.review is not None:
            target = next((r.target for r in thread.reviews if r.message is m), None)
            what = target.label if target is not None else m.label.removeprefix("Re: ")
            sources.append((m.timestamp, m.seq, m, m.review.sections, f"review of {what}"))
        elif not m.reply:
            sources.append((m.timestamp, m.seq, m, m.sections, _source(m, notices)))
    topics: dict[str, list[Attributed]] = {}
    by_title: dict[str, str] = {}
    for _, _, m, sections, source in sorted(sources, key=lambda s: (s[0], s[1])):
        for section in sections:
            title = by_title.setdefault(_norm(section.title), section.title)
            merged = topics.setdefault(title, [])
            for text, code in _paragraphs(section.body):
                _merge(merged, Attributed(text, m.author, source, m.link, code=code))
    return topics


def _paragraphs(body: Sequence[TextLine]) -> Iterable[tuple[str, bool]]:
    current: list[str] = []
    for item in [*body, TextLine("", 0)]:
        if item.text.strip():
            current.append(item.text.rstrip())
        elif current:
            yield "\n".join(current), all(line[:1].isspace() for line in current)
            current = []


def _merge(merged: list[Attributed], paragraph: Attributed) -> None:
    """Add ``paragraph`` unless an (almost) identical one is there; then note the copy."""
    words = " ".join(paragraph.text.split())
    for position, existing in enumerate(merged):
        other = " ".join(existing.text.split())
        if other == words or (
            abs(len(other) - len(words)) < 0.2 * max(len(words), 1)
            and difflib.SequenceMatcher(None, other, words).ratio() > 0.9
        ):
            if paragraph.source not in existing.also and paragraph.author != existing.author:
                also = (*existing.also, paragraph.source)
                merged[position] = Attributed(
                    existing.text,
                    existing.author,
                    existing.source,
                    existing.link,
                    also,
                    existing.code,
                )
            return
    merged.append(paragraph)


def _references(thread: Thread, ruleset: Ruleset | None, titles: set[str]) -> list[Topic]:
    """Rulebook reference text for background topics the diff touches and nobody explains."""
    if ruleset is None:
        return []
    touched = dict.fromkeys(t for m in thread.messages for t in m.topics)
    found: list[Topic] = []
    for rule_id in touched:
        rule = ruleset.get(rule_id)
        if rule is None or not rule.reference.strip():
            continue
        heading = reference_heading(rule)
        if _norm(heading) in titles or not _norm(heading).endswith("background"):
            continue
        text = rule.reference.strip()
        paragraphs = tuple(
            Attributed(p, "patchlens rulebook", f"reference text of rule {rule.id}", "")
            for p, _ in _paragraphs([TextLine(line, 0) for line in text.splitlines()])
        )
        found.append(Topic(heading, paragraphs, reference=True))
        titles.add(_norm(heading))
    return found


def reference_heading(rule: RuleSpec) -> str:
    """The section title a topic rule asks for (its ``heading`` param), else its id."""
    heading = getattr(rule.params, "heading", "")
    return heading if isinstance(heading, str) and heading else rule.id


def merge_notices(messages: Iterable[MessageSummary]) -> dict[int, MergeNotice]:
    """The tip-bot2 merge notices among ``messages``, by :attr:`MessageSummary.seq`."""
    found: dict[int, MergeNotice] = {}
    for m in messages:
        notice = None if m.reply else read_merge_notice(m.paragraphs, m.title, m.label, m.link)
        if notice is not None:
            found[m.seq] = notice
    return found


def _posted(
    messages: Sequence[MessageSummary], notices: Mapping[int, MergeNotice]
) -> tuple[MessageSummary, ...]:
    """``messages`` without the merge notices of patches that are among them.

    tip-bot2 mails the merged commit, diff and tags included, into the patch's
    thread: beside the posted patch it would list every change and tag twice.
    A notice whose patch is not in the input stands for it.
    """
    posted = {m.key for m in messages if m.seq not in notices}
    return tuple(m for m in messages if m.seq not in notices or m.key not in posted)


def _source(m: MessageSummary, notices: Mapping[int, MergeNotice]) -> str:
    """How attributions name a message's own text: changelog, cover letter or merged commit."""
    notice = notices.get(m.seq)
    if notice is not None:
        return f"merged commit {notice.short}"
    return f"{m.label} {'cover letter' if m.is_cover_letter else 'changelog'}"


def _changelog_paragraphs(
    m: MessageSummary, notices: Mapping[int, MergeNotice]
) -> tuple[Paragraph, ...]:
    """``m``'s paragraphs outside sections and tags, without a merge notice's header block."""
    notice = notices.get(m.seq)
    return m.paragraphs[notice.paragraphs :] if notice is not None else m.paragraphs


def _best_effort(
    messages: Sequence[MessageSummary], notices: Mapping[int, MergeNotice]
) -> tuple[Topic | None, Topic | None]:
    """Split unstructured changelogs: the last paragraph is the fix, the rest the problem."""
    problem: list[Attributed] = []
    fix: list[Attributed] = []
    for m in messages:
        paragraphs = [p for p in _changelog_paragraphs(m, notices) if p.text.strip()]
        if not paragraphs or m.reply:
            continue
        source = _source(m, notices)
        made = [Attributed(p.text, m.author, source, m.link) for p in paragraphs]
        if len(made) == 1:
            problem.extend(made)
        else:
            problem.extend(made[:-1])
            fix.append(made[-1])
    return (
        Topic("Problem", tuple(problem), best_effort=True) if problem else None,
        Topic("Fix", tuple(fix), best_effort=True) if fix else None,
    )


def _history(thread: Thread) -> Iterable[VersionEntry]:
    for posting in thread.postings:
        refs = tuple(
            MessageRef(m.label, m.title, m.author, m.date, m.link) for m in posting.messages
        )
        reviews = tuple(
            MessageRef(
                r.message.label, r.message.title, r.review.reviewer, r.message.date, r.message.link
            )
            for r in thread.reviews
            if (r.target is not None and r.target in posting.messages)
            or (r.target is None and r.message.version == posting.version)
        )
        first = posting.messages[0] if posting.messages else None
        yield VersionEntry(
            label=posting.label,
            date=first.date if first else "",
            complete=posting.complete,
            partial=posting.partial_reroll,
            missing=posting.missing,
            messages=refs + reviews,
        )


def _changes(m: MessageSummary) -> PatchChanges:
    pinning = tuple(
        _pinning_sentence(dict(d.data)) for d in m.findings if d.rule == PINNING_RULE and d.data
    )
    return PatchChanges(m.label, m.title, m.files, m.functions, m.diffstat, pinning)


def _pinning_sentence(data: dict[str, str]) -> str:
    bits = data.get("bits", "pinned bits")
    if data.get("changes"):
        # What the diff does, as the finding words it (one finding per patch).
        path = f" ({data['path']})" if data.get("path") else ""
        tree = f" Facts: {data['tree']}." if data.get("tree") else ""
        return (
            f"The patch {data['changes']} on the secondary-CPU bringup path{path}, where CR "
            f"pinning is already enforced: the pinned bits {bits} are set before their "
            f"features are set up.{tree}"
        )
    function = data.get("function", "")
    where = f" in {function}()" if function else ""
    file = f" ({data['file']})" if data.get("file") else ""
    path = f" on the secondary CPU bringup path {data['path']}" if data.get("path") else ""
    tree = f" Facts: {data['tree']}." if data.get("tree") else ""
    return (
        f"The change{where}{file} runs{path}, where CR pinning is already enforced: "
        f"the pinned bits {bits} are set before their features are set up.{tree}"
    )


def _tags(thread: Thread, latest: Sequence[MessageSummary]) -> Iterable[TagEntry]:
    carried: dict[str, str] = {}
    for m in latest:
        for trailer in m.trailers:
            carried.setdefault(f"{trailer.key}: {trailer.value}", m.label)
    for text, label in carried.items():
        yield TagEntry(text, label, "carried")
    keys = {t.lower() for t in carried}
    for r in thread.reviews:
        for tag in r.review.offered:
            if tag.text.lower() not in keys:
                keys.add(tag.text.lower())
                yield TagEntry(tag.text, f"review by {r.review.reviewer}", "offered")


def _points(thread: Thread, follows: Sequence[FollowUp]) -> Iterable[ReviewPoint]:
    for f in follows:
        for item in f.dropped:
            yield ReviewPoint(
                f.review.review.reviewer,
                f.review.message.link,
                f"{item.how} {item.kind} '{item.what}'",
                f"not carried by {f.next_patch.label}",
            )
    latest = thread.latest.version if thread.latest else 0
    for r in thread.reviews:
        reviewed_version = r.target.version if r.target else r.message.version
        for request in r.review.requests:
            if request.kind != "other":
                continue
            status = (
                "open: no later version yet"
                if reviewed_version >= latest
                else f"check against v{thread.next_posting(reviewed_version).version}"  # type: ignore[union-attr]
            )
            yield ReviewPoint(r.review.reviewer, r.message.link, request.text, status)


def _followup_line(f: FollowUp) -> str:
    carried = sum(1 for i in f.items if i.carried)
    verdict = "satisfied" if f.satisfied else f"{len(f.dropped)} dropped"
    return (
        f"{f.reviewed.label} -> review by {f.review.review.reviewer} -> {f.next_patch.label}: "
        f"{carried}/{len(f.items)} carried, {verdict}"
    )
