"""The explainer's records: one frozen :class:`ThreadExplainer` per thread.

:mod:`lint.explain.model` builds them from a thread; :mod:`lint.explain.render`
turns them into Markdown, HTML, text or changelog sections. Every template reads
these records and nothing else.
"""

from __future__ import annotations

from lint.explain.merge_notice import MergeNotice
from lint.record import record
from lint.thread.threads import FileChange


@record
class Attributed:
    """A paragraph and who wrote it, where."""

    text: str
    author: str
    source: str
    """``review of [PATCH]``, ``[PATCH v2] changelog``, ``patchlens rulebook (rule x)``..."""
    link: str
    """The lore link of the message, ``""`` for rulebook text."""
    also: tuple[str, ...] = ()
    """Other messages carrying the same paragraph (e.g. the re-roll that adopted it)."""
    code: bool = False
    """True for indented text (code, logs): shown verbatim."""

    def same_writer(self, other: Attributed) -> bool:
        """True when ``other`` would be attributed in exactly the same words."""
        return (self.author, self.source, self.link, self.also) == (
            other.author,
            other.source,
            other.link,
            other.also,
        )


@record
class AttributedRun:
    """Consecutive paragraphs of a topic from one writer and message: attributed once.

    A section of five paragraphs from one changelog followed by five copies of
    the same "— Name, changelog" line buries the text under its attribution.
    """

    paragraphs: tuple[Attributed, ...]

    @property
    def author(self) -> str:
        return self.paragraphs[0].author

    @property
    def source(self) -> str:
        return self.paragraphs[0].source

    @property
    def link(self) -> str:
        return self.paragraphs[0].link

    @property
    def also(self) -> tuple[str, ...]:
        return self.paragraphs[0].also


@record
class Topic:
    """One ``== Title ==`` section gathered from the whole thread."""

    title: str
    paragraphs: tuple[Attributed, ...]
    reference: bool = False
    """True when no message explains the topic and the rulebook's reference text stands in."""
    best_effort: bool = False
    """True when split from an unstructured changelog, not from a section."""

    @property
    def runs(self) -> tuple[AttributedRun, ...]:
        """The paragraphs in runs of the same writer and message, in order."""
        runs: list[list[Attributed]] = []
        for paragraph in self.paragraphs:
            if runs and runs[-1][-1].same_writer(paragraph):
                runs[-1].append(paragraph)
            else:
                runs.append([paragraph])
        return tuple(AttributedRun(tuple(run)) for run in runs)


@record
class MessageRef:
    label: str
    subject: str
    author: str
    date: str
    link: str


@record
class VersionEntry:
    label: str
    date: str
    complete: bool
    partial: bool
    missing: tuple[int, ...]
    messages: tuple[MessageRef, ...]


@record
class PatchChanges:
    label: str
    subject: str
    files: tuple[FileChange, ...]
    functions: tuple[str, ...]
    diffstat: tuple[str, ...]
    pinning: tuple[str, ...]
    """The pinned-bit/bringup reasoning, one sentence per finding of the kernel analysis."""


@record
class FindingEntry:
    label: str
    rule: str
    severity: str
    message: str
    where: str


@record
class TagEntry:
    text: str
    source: str
    status: str
    """``carried`` (in the latest version), ``offered`` (in a review, not yet carried)."""


@record
class ReviewPoint:
    reviewer: str
    link: str
    text: str
    status: str


@record
class ThreadExplainer:
    """Everything the explainer shows about one thread."""

    title: str
    messages: int
    """How many messages the thread holds in the input."""
    author: str
    reviewers: tuple[str, ...]
    history: tuple[VersionEntry, ...]
    merges: tuple[MergeNotice, ...]
    """Where tip-bot2 says the patches were merged (its notices, kept out of the sections)."""
    background: tuple[Topic, ...]
    problem: Topic | None
    fix: Topic | None
    other_sections: tuple[Topic, ...]
    changes: tuple[PatchChanges, ...]
    findings: tuple[FindingEntry, ...]
    tags: tuple[TagEntry, ...]
    points: tuple[ReviewPoint, ...]
    followup: tuple[str, ...]
    """One line per review checked against the next version."""

    @property
    def sections(self) -> tuple[Topic, ...]:
        """Background topics, then Problem and Fix: the changelog the reviewer asked for."""
        ordered = [*self.background, *(t for t in (self.problem, self.fix) if t is not None)]
        return tuple(ordered)
