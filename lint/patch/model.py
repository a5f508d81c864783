"""A patch mail analysed: frozen records of its subject, changelog and diff.

:mod:`lint.patch.analyse` builds a :class:`Patch` from one
:class:`~lint.mail.model.DecodedMail` (subject, changelog, notes, diff); the diff's
own records are in :mod:`lint.patch.diff`.  Nothing here is mutated after it is
built.

Line numbers are 1-based lines of the *input file* (an mbox holding many
mails keeps counting across them); 0 means "not known".
"""

from __future__ import annotations

from lint.mail.model import DecodedMail, TextLine
from lint.patch.diff import Diff, DiffSource
from lint.record import field, record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Generic, TypeVar

    from lint.patch.limits import PartCut

    _T = TypeVar("_T")

    class Memo(Generic[_T]):
        """A typed key of a value derived from a patch and remembered on it."""

        name: str

        def __init__(self, name: str) -> None: ...

else:

    class Memo:
        """A typed key of a value derived from a patch and remembered on it.

        Declare one per derived view, with its type, where the view is computed::

            COMMIT_LOG: Memo[tuple[TextLine, ...]] = Memo("checkpatch commit log")

        and ask the patch for it with :meth:`Patch.memo`. The key is the object
        itself: two modules cannot collide by choosing the same name.
        """

        __slots__ = ("name",)

        def __init__(self, name: str) -> None:
            self.name = name

        def __repr__(self) -> str:
            return f"Memo({self.name!r})"


@record
class Subject:
    """A patch subject split the way maintainers read it.

    ``Re: [PATCH RFC v2 3/7] x86/fred: Fix early boot`` has ``reply=True``,
    ``tags=("PATCH", "RFC")``, ``version=2``, ``index=3``, ``total=7``,
    ``area="x86/fred"``, ``summary="Fix early boot"``.
    """

    raw: str
    reply: bool
    tags: tuple[str, ...]
    version: int
    index: int | None
    total: int | None
    area: str
    summary: str
    clean: str
    line: int

    @property
    def is_cover_letter(self) -> bool:
        """True for the ``0/N`` mail of a series."""
        return self.index == 0 and (self.total or 0) > 0


@record
class Paragraph:
    """Lines of the changelog between blank lines."""

    lines: tuple[TextLine, ...]

    @property
    def line(self) -> int:
        return self.lines[0].line if self.lines else 0

    @property
    def text(self) -> str:
        return "\n".join(item.text for item in self.lines)


@record
class Section:
    """A ``== Title ==`` section of a structured changelog."""

    title: str
    line: int
    body: tuple[TextLine, ...]
    """The section's lines up to the next section or the trailers, blank lines kept."""
    indented: bool = False
    """True when the heading was indented (as a reviewer writes it inside a reply)."""

    @property
    def text(self) -> str:
        return "\n".join(item.text for item in self.body).strip("\n")


@record
class Trailer:
    """A ``Key: value`` line of the closing tag block, unwrapped."""

    key: str
    """The key as written, e.g. ``Signed-off-by``."""
    value: str
    """The value without its ``# comment``, wrapped lines joined by one space."""
    comment: str
    """Text after `` # `` (e.g. ``# 6.9+`` after a stable Cc), without the ``#``."""
    line: int
    raw: str
    """The trailer as written, continuation lines included."""

    @property
    def name(self) -> str:
        """The value's display name, when the value looks like ``Name <addr>``."""
        before, sep, _ = self.value.partition("<")
        return before.strip().strip('"') if sep else ""

    @property
    def email(self) -> str:
        """The address inside ``<...>``, or ``""``."""
        _, sep, rest = self.value.partition("<")
        return rest.partition(">")[0].strip() if sep else ""


@record
class Changelog:
    """The commit message body (what follows the subject), analysed."""

    lines: tuple[TextLine, ...]
    paragraphs: tuple[Paragraph, ...]
    sections: tuple[Section, ...]
    trailers: tuple[Trailer, ...]
    trailer_line: int = 0
    """First line of the trailer block, 0 when there is none."""

    def section(self, title: str) -> Section | None:
        """The section with ``title`` (case- and space-insensitive), if present."""
        wanted = " ".join(title.lower().split())
        for section in self.sections:
            if " ".join(section.title.lower().split()) == wanted:
                return section
        return None


_LINE_TEXTS: Memo[dict[int, str]] = Memo("line texts")


@record
class Patch:
    """One mail analysed: the unit rules look at.

    The diff is parsed on first use: most rules ask whether a diff could mention
    something (:meth:`diff_may_contain`), and for most patches of a mailing list
    the answer is no, which a substring search gives without parsing anything.
    """

    mail: DecodedMail
    subject: Subject
    changelog: Changelog
    notes: tuple[TextLine, ...] = ()
    """Lines between the ``---`` separator and the diffstat/diff (version notes)."""
    diffstat: tuple[TextLine, ...] = ()
    diff_source: DiffSource = DiffSource()
    base_commit: str = ""
    separator_line: int = 0
    """Input line of the ``---`` separator, 0 when there is none."""
    parsed_diff: Diff | None = None
    """A diff given ready-made (tests, tools); otherwise :attr:`diff` parses the source."""
    cuts: tuple[PartCut, ...] = ()
    """The parts checked only on a prefix, for their size (:mod:`lint.patch.limits`)."""
    _parsed: list[Diff] = field(default_factory=list, init=False, repr=False, compare=False)
    _contains: dict[str, bool] = field(default_factory=dict, init=False, repr=False, compare=False)
    _present: set[str] = field(default_factory=set, init=False, repr=False, compare=False)
    _views: dict[object, object] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    """Derived views several checks share (e.g. checkpatch's commit log): see :meth:`memo`."""

    @property
    def origin(self) -> str:
        return self.mail.origin

    def memo(self, key: Memo[_T], compute: Callable[[], _T]) -> _T:
        """The view ``key`` of this patch, computed by ``compute()`` the first time asked.

        A view is a pure function of the patch (the patch never changes), so
        remembering it changes no answer; it only saves the checks that share it
        from computing it again.
        """
        views = self._views
        try:
            return views[key]  # type: ignore[return-value]  # stored below, typed by its key
        except KeyError:
            value = views[key] = compute()
            return value

    def line_text(self, line: int) -> str:
        """The decoded text of input line ``line`` of this mail: of its subject, changelog,
        notes or diff (``""`` for any other line), for quoting under a finding."""
        texts = self.memo(_LINE_TEXTS, self._line_texts)
        return texts.get(line, "")

    def _line_texts(self) -> dict[int, str]:
        mail = self.mail
        texts: dict[int, str] = {}
        for lines, text in ((mail.patch_lines, mail.patch), (mail.message_lines, mail.message)):
            texts.update(zip(lines, text.splitlines(), strict=False))
        if mail.subject:
            texts[mail.subject_line] = f"Subject: {mail.subject}"
        return texts

    @property
    def diff(self) -> Diff:
        """The parsed diff (parsed once, on first use)."""
        if self.parsed_diff is not None:
            return self.parsed_diff
        if not self._parsed:
            from lint.patch.diffparse import parse_diff

            source = self.diff_source
            parsed = parse_diff(source.text, source.first_line, lines=source.lines)
            self._parsed.append(parsed)  # memo only: the value never changes
        return self._parsed[0]

    def diff_may_contain(self, text: str) -> bool:
        """False only when no part of the diff can contain ``text``; needs no parsing.

        Remembered per patch: many rules ask about the same identifiers (every topic's
        triggers are also the Problem and Fix sections' triggers).
        """
        return self.diff_may_contain_any(frozenset((text,)))

    def diff_may_contain_any(self, texts: frozenset[str]) -> bool:
        """False only when no part of the diff can contain any of ``texts``.

        Answers are remembered per patch as set operations, so that fifty rules
        asking about overlapping identifiers cost one substring search each.
        """
        if self.parsed_diff is not None:
            return True
        checked = self._contains
        unknown = [text for text in texts if text not in checked]
        if unknown:
            source = self.diff_source.text
            for text in unknown:
                found = checked[text] = text in source
                if found:
                    self._present.add(text)
        return not self._present.isdisjoint(texts)

    @property
    def has_diff(self) -> bool:
        if self.parsed_diff is not None:
            return bool(self.parsed_diff.files)
        return bool(self.diff_source.text)
