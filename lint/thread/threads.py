"""Threads, series and versions: the records of which messages belong together.

Maintainers receive a patch as part of a conversation: a cover letter
(``[PATCH 0/3]``), its patches (``1/3`` ... ``3/3``) replying to it, review
replies, and later a re-roll (``[PATCH v2 ...]``), sometimes of only the
patches that changed. A :class:`Thread` holds them, sorted into the
:class:`Posting` of each version and the reviews (:mod:`lint.thread.grouping`
groups messages into threads).

Everything is computed from :class:`MessageSummary` records, small frozen
extracts of a message (no diff text, no whole mail), made by :func:`summarize`,
so a thread pass over a large mbox keeps memory bounded.
"""

from __future__ import annotations

from urllib.parse import quote

from lint.diagnostic import Diagnostic
from lint.patch.model import Paragraph, Patch, Section, Trailer
from lint.record import record
from lint.thread.review import Review, parse_review

LORE = "https://lore.kernel.org/r/"


def lore_link(message_id: str) -> str:
    """``https://lore.kernel.org/r/<msgid>``, percent-encoded so that no id can break a link."""
    bare = message_id.strip().removeprefix("<").removesuffix(">")
    return f"{LORE}{quote(bare, safe='@!$*+,;=-._~')}" if bare else ""


@record
class FileChange:
    """One file a patch changes, as the explainer lists it."""

    path: str
    status: str
    added: int
    removed: int


@record
class MessageSummary:
    """What the thread pass keeps of one message: headers, sections, tags, review."""

    seq: int
    """Position of the message in the whole input stream, from 0."""
    origin: str
    index: int
    first_line: int
    message_id: str
    in_reply_to: str
    references: tuple[str, ...]
    subject: str
    subject_line: int
    area: str
    summary: str
    version: int
    number: int | None
    """``M`` of ``M/N``; ``None`` for a patch sent alone."""
    total: int | None
    prefix_tags: tuple[str, ...]
    reply: bool
    author_name: str
    author_email: str
    date: str
    sections: tuple[Section, ...]
    trailers: tuple[Trailer, ...]
    trailer_line: int
    has_diff: bool
    review: Review | None = None
    """The analysed reply, for replies."""
    paragraphs: tuple[Paragraph, ...] = ()
    """Detail only: changelog paragraphs outside sections and the tag block."""
    files: tuple[FileChange, ...] = ()
    """Detail only: the files the diff changes."""
    functions: tuple[str, ...] = ()
    """Detail only: functions with changed lines."""
    diffstat: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    """Detail only: ids of the rulebook topics (rules with reference text) the patch touches."""
    findings: tuple[Diagnostic, ...] = ()
    """Detail only: the lint findings on this message."""

    @property
    def key(self) -> str:
        """The subject without prefixes, normalised: equal across versions of a patch."""
        text = f"{self.area}: {self.summary}" if self.area else self.summary
        return " ".join(text.lower().split())

    @property
    def title(self) -> str:
        """``area: summary``: the subject without reply markers and brackets."""
        return f"{self.area}: {self.summary}" if self.area else self.summary

    @property
    def is_cover_letter(self) -> bool:
        return not self.reply and self.number == 0 and (self.total or 0) > 0

    @property
    def is_patch(self) -> bool:
        return not self.reply and not self.is_cover_letter

    @property
    def author(self) -> str:
        if self.author_name and self.author_email:
            return f"{self.author_name} <{self.author_email}>"
        return self.author_name or self.author_email

    @property
    def label(self) -> str:
        """``[PATCH v2 1/3]``: how maintainers name a message of a series."""
        words = [t for t in self.prefix_tags if t in ("RFC", "RESEND")]
        words.insert(0, "PATCH")
        if self.version > 1:
            words.append(f"v{self.version}")
        if self.number is not None and self.total is not None:
            words.append(f"{self.number}/{self.total}")
        prefix = "Re: " if self.reply else ""
        return f"{prefix}[{' '.join(words)}]"

    @property
    def link(self) -> str:
        """The lore link of the message, or ``""`` without a Message-ID."""
        return lore_link(self.message_id)

    @property
    def timestamp(self) -> float:
        """Seconds since the epoch from the Date header; 0.0 when it cannot be read."""
        try:
            from email.utils import parsedate_to_datetime  # costs 8 ms of start-up: lazily

            return parsedate_to_datetime(self.date).timestamp()
        except (TypeError, ValueError, IndexError, OverflowError):
            return 0.0


@record
class Posting:
    """One posting of a series: a version's cover letter and patches."""

    version: int
    tags: tuple[str, ...]
    """``RFC`` and/or ``RESEND`` when any message of the posting carries them."""
    total: int | None
    cover: MessageSummary | None
    patches: tuple[MessageSummary, ...]
    """Patches in series order."""
    missing: tuple[int, ...]
    """Numbers of ``1..N`` no patch of this posting carries."""

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def partial_reroll(self) -> bool:
        """A later version that re-sends only some patches of the series."""
        return self.version > 1 and bool(self.missing) and bool(self.patches)

    @property
    def label(self) -> str:
        """``v2``, ``RFC v1``, ``v3 RESEND``."""
        words = ["RFC"] if "RFC" in self.tags else []
        words.append(f"v{self.version}")
        if "RESEND" in self.tags:
            words.append("RESEND")
        return " ".join(words)

    @property
    def messages(self) -> tuple[MessageSummary, ...]:
        return ((self.cover,) if self.cover else ()) + self.patches


@record
class ThreadReview:
    """A reply in a thread, with the message it reviews."""

    message: MessageSummary
    review: Review
    target: MessageSummary | None
    """The patch or cover letter replied to (through replies to replies); ``None`` if absent."""


@record
class Thread:
    """Messages that belong together: postings of one series and their reviews."""

    messages: tuple[MessageSummary, ...]
    """Every message, in input order."""
    postings: tuple[Posting, ...]
    """Postings by version (then RESEND after the original)."""
    reviews: tuple[ThreadReview, ...]

    @property
    def latest(self) -> Posting | None:
        return self.postings[-1] if self.postings else None

    @property
    def title(self) -> str:
        """The latest posting's cover letter subject, else its first patch's, else any."""
        latest = self.latest
        if latest is not None and latest.messages:
            head = latest.messages[0]
            return f"{head.area}: {head.summary}" if head.area else head.summary
        first = self.messages[0]
        return f"{first.area}: {first.summary}" if first.area else first.summary

    def next_posting(self, version: int) -> Posting | None:
        """The first posting with a version above ``version``."""
        later = [p for p in self.postings if p.version > version]
        return later[0] if later else None


def summarize(
    patch: Patch,
    seq: int,
    *,
    detail: bool = False,
    topics: tuple[str, ...] = (),
    findings: tuple[Diagnostic, ...] = (),
) -> MessageSummary:
    """The summary of ``patch`` (the ``seq``-th message of the input).

    Without ``detail`` only what threading and the follow-up rule need is kept;
    with it, what the explainer shows too (paragraphs, files, diffstat, notes).
    """
    mail, subject, changelog = patch.mail, patch.subject, patch.changelog
    review = parse_review(patch) if subject.reply else None
    extra: dict[str, object] = {}
    if detail and not subject.reply:
        in_sections = {item.line for s in changelog.sections for item in s.body}
        in_sections |= {s.line for s in changelog.sections}
        end = changelog.trailer_line or (1 << 62)
        extra["paragraphs"] = tuple(
            p
            for p in changelog.paragraphs
            if p.line < end and not any(item.line in in_sections for item in p.lines)
        )
        if patch.has_diff:
            diff = patch.diff
            extra["files"] = tuple(
                FileChange(f.path, f.status.value, f.added, f.removed) for f in diff.files
            )
            extra["functions"] = diff.functions
        extra["diffstat"] = tuple(item.text for item in patch.diffstat)
        extra["notes"] = tuple(item.text for item in patch.notes)
        extra["topics"] = topics
        extra["findings"] = findings
    return MessageSummary(
        seq=seq,
        origin=mail.origin,
        index=mail.index,
        first_line=mail.first_line,
        message_id=mail.message_id,
        in_reply_to=mail.in_reply_to,
        references=mail.references,
        subject=subject.raw or subject.clean,
        subject_line=subject.line,
        area=subject.area,
        summary=subject.summary,
        version=subject.version,
        number=subject.index,
        total=subject.total,
        prefix_tags=subject.tags,
        reply=subject.reply,
        author_name=mail.author_name,
        author_email=mail.author_email,
        date=mail.date,
        sections=changelog.sections if not subject.reply else (),
        trailers=changelog.trailers if not subject.reply else (),
        trailer_line=changelog.trailer_line,
        has_diff=patch.has_diff,
        review=review,
        **extra,  # type: ignore[arg-type]
    )
