"""Review replies: what a reviewer quoted, wrote, asked for and offered.

A kernel review is a reply that quotes the patch (``> `` lines, after an
attribution such as ``On 11/3/26 00:14, Mira Castell wrote:``) and answers
below each quote. x86 maintainers sometimes write the changelog they want
right into the reply, as ``== Title ==`` sections indented by a tab (the seed
review does), ask for changes ("please add a Fixes: tag") and offer tags for
the next version ("With that, you can add: Reviewed-by: ...").

:func:`parse_review` reads one decoded reply (a :class:`~lint.patch.model.Patch`
whose subject is a reply) into a frozen :class:`Review`. It is pure and
total: any text gives a review, possibly an empty one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from lint.lazyregex import lazy_regex
from lint.mail.model import TextLine
from lint.patch.changelog import parse_changelog
from lint.patch.model import Patch, Section
from lint.record import record

# Tags a reviewer offers for the next version. b4 collects the same keys.
OFFERED_KEYS = (
    "Signed-off-by",
    "Reviewed-by",
    "Acked-by",
    "Tested-by",
    "Reported-by",
    "Suggested-by",
    "Co-developed-by",
)
_OFFERED = lazy_regex(
    r"\s*(" + "|".join(OFFERED_KEYS) + r"):\s+(\S[^<>]*<[^<>@\s]+@[^<>\s]+>)\s*", re.IGNORECASE
)
# "On Mon, 3 Nov 2026, Mira Castell wrote:" / "Mira Castell <m@x> writes:".
_ATTRIBUTION = lazy_regex(r".*\b(wrote|writes|said)\s*:\s*")
_QUOTE = lazy_regex(r"\s?>")
# Whitespace runs are never matched by two quantifiers in a row: on a sentence of
# thousands of blanks that backtracked for seconds.
# A request names a changelog section: "please add a '== FRED Background ==' section",
# "please write a Problem section", "the changelog needs an SEV Background section".
_SECTION_REQUEST = lazy_regex(
    r"(?i)\b(?:please\s+(?:add|write|include|put\s+in)|needs?|missing|lacks?|want)\s+"
    r"(?:(?:a|an|the|some)\s+)?['\"`]?(?:==\s*)?(?P<title>[A-Za-z][\w/-]*(?:\s+[A-Za-z][\w/-]*){0,3}?)"
    r"(?:\s*==)?['\"`]?\s+section\b"
)
# "needs a Fixes: tag", "please add a Fixes tag", "missing Cc: stable".
_TAG_REQUEST = lazy_regex(
    r"(?i)\b(?:please\s+add|needs?|missing|lacks?|add)\s+(?:(?:a|an|the)\s+)?"
    r"(?P<key>Fixes|Cc:\s*stable|Link|Closes|Reported-by)\b:?(?:\s+tag)?"
)
_PLEASE = lazy_regex(r"(?i)\bplease\b")
_SENTENCE_END = lazy_regex(r"(?<=[.?!])\s+")


@record
class Quote:
    """A run of quoted lines in a reply."""

    line: int
    """Input line of the first quoted line."""
    text: tuple[str, ...]
    """The quoted lines without their ``>`` markers (one level removed)."""
    depth: int
    """How many ``>`` the first line carries: 1 quotes the parent message."""


@record
class OfferedTag:
    """A tag the reviewer offers for the next version."""

    key: str
    """Canonical spelling, e.g. ``Reviewed-by``."""
    value: str
    """``Name <address>``."""
    line: int

    @property
    def email(self) -> str:
        return self.value.partition("<")[2].partition(">")[0].strip().lower()

    @property
    def text(self) -> str:
        return f"{self.key}: {self.value}"


@record
class Request:
    """Something the reviewer asks the author to change."""

    kind: str
    """``section`` (a changelog section), ``tag`` (a trailer) or ``other`` (free text)."""
    what: str
    """The section title or tag key; for ``other``, the sentence itself."""
    text: str
    """The sentence that asks, whitespace collapsed."""
    line: int


@record
class Review:
    """One review reply, analysed."""

    reviewer_name: str
    reviewer_email: str
    message_id: str
    in_reply_to: str
    date: str
    quotes: tuple[Quote, ...]
    own: tuple[TextLine, ...]
    """The reviewer's own lines (not quoted, no attribution line)."""
    sections: tuple[Section, ...]
    """``== Title ==`` sections the reviewer wrote out, bodies de-indented."""
    requests: tuple[Request, ...]
    offered: tuple[OfferedTag, ...]

    @property
    def reviewer(self) -> str:
        """``Name <address>``, or whichever of the two is known."""
        if self.reviewer_name and self.reviewer_email:
            return f"{self.reviewer_name} <{self.reviewer_email}>"
        return self.reviewer_name or self.reviewer_email

    @property
    def has_substance(self) -> bool:
        """True when the reply writes sections, asks for changes or offers tags."""
        return bool(self.sections or self.requests or self.offered)


def parse_review(reply: Patch) -> Review:
    """Analyse the reply ``reply`` into quotes, own text, sections, requests and tags."""
    lines = reply.changelog.lines
    quotes = _quotes(lines)
    own = tuple(
        item for item in lines if not _QUOTE.match(item.text) and not _is_attribution(item, lines)
    )
    sections = _review_sections(own)
    section_lines = {item.line for section in sections for item in section.body}
    prose = [item for item in own if item.line not in section_lines or item.line == 0]
    mail = reply.mail
    return Review(
        reviewer_name=mail.author_name,
        reviewer_email=mail.author_email,
        message_id=mail.message_id,
        in_reply_to=mail.in_reply_to,
        date=mail.date,
        quotes=quotes,
        own=own,
        sections=sections,
        requests=_requests(prose),
        offered=_offered(prose),
    )


def canonical_key(key: str) -> str:
    """``reviewed-BY`` -> ``Reviewed-by`` for the offered keys; other keys unchanged."""
    for known in OFFERED_KEYS:
        if known.lower() == key.lower():
            return known
    return key


def locate_quote(quote: Quote, parent: Sequence[TextLine]) -> tuple[int, ...]:
    """Input lines of ``parent`` (the quoted message's lines) that ``quote`` repeats."""
    wanted = {" ".join(text.split()) for text in quote.text if text.strip()}
    return tuple(item.line for item in parent if " ".join(item.text.split()) in wanted)


def _is_attribution(item: TextLine, lines: Sequence[TextLine]) -> bool:
    """True for ``... wrote:`` lines right before a quote (looking past blank lines)."""
    if not _ATTRIBUTION.fullmatch(item.text):
        return False
    position = lines.index(item)
    for following in lines[position + 1 : position + 3]:
        if following.text.strip():
            return bool(_QUOTE.match(following.text))
    return False


def _quotes(lines: Sequence[TextLine]) -> tuple[Quote, ...]:
    found: list[Quote] = []
    current: list[TextLine] = []

    def flush() -> None:
        if current:
            first = current[0].text
            depth = first[: len(first) - len(first.lstrip(" \t>"))].count(">")
            text = tuple(_unquote(item.text) for item in current)
            found.append(Quote(line=current[0].line, text=text, depth=max(depth, 1)))
            current.clear()

    for item in lines:
        if _QUOTE.match(item.text):
            current.append(item)
        else:
            flush()
    flush()
    return tuple(found)


def _unquote(text: str) -> str:
    stripped = text.lstrip()[1:]
    return stripped[1:] if stripped.startswith(" ") else stripped


def _review_sections(own: Sequence[TextLine]) -> tuple[Section, ...]:
    """Sections in the reviewer's text; an indented section ends at the first unindented line."""
    text = "\n".join(item.text for item in own)
    parsed = parse_changelog(text + "\n", [item.line for item in own])
    # The reviewer's own tag offer is parsed as the changelog's trailer block; sections
    # stop before it either way, and an indented one stops where the indentation does.
    sections: list[Section] = []
    for section in parsed.sections:
        body = list(section.body)
        if section.indented:
            for position, item in enumerate(body):
                if item.text.strip() and not item.text[:1].isspace():
                    body = body[:position]
                    break
        while body and not body[-1].text.strip():
            body.pop()
        sections.append(
            Section(
                title=section.title,
                line=section.line,
                body=_dedent(body),
                indented=section.indented,
            )
        )
    return tuple(sections)


def _dedent(body: Sequence[TextLine]) -> tuple[TextLine, ...]:
    indents = [len(item.text) - len(item.text.lstrip()) for item in body if item.text.strip()]
    cut = min(indents, default=0)
    return tuple(TextLine(item.text[cut:].rstrip(), item.line) for item in body)


def _sentences(lines: Sequence[TextLine]) -> list[tuple[str, int]]:
    """The prose as sentences, each with the input line where it starts."""
    found: list[tuple[str, int]] = []
    paragraph: list[TextLine] = []

    def flush() -> None:
        if not paragraph:
            return
        joined = " ".join(item.text.strip() for item in paragraph)
        for sentence in _SENTENCE_END.split(joined):
            if sentence.strip():
                start = next(
                    (item.line for item in paragraph if sentence[:12] in item.text),
                    paragraph[0].line,
                )
                found.append((sentence.strip(), start))
        paragraph.clear()

    for item in lines:
        if item.text.strip() and not _OFFERED.fullmatch(item.text):
            paragraph.append(item)
        else:
            flush()
    flush()
    return found


def _requests(prose: Sequence[TextLine]) -> tuple[Request, ...]:
    found: list[Request] = []
    for sentence, line in _sentences(prose):
        matched = False
        for section in _SECTION_REQUEST.finditer(sentence):
            found.append(Request("section", section.group("title").strip(), sentence, line))
            matched = True
        for tag in _TAG_REQUEST.finditer(sentence):
            key = "Cc: stable" if tag.group("key").lower().startswith("cc") else tag.group("key")
            found.append(Request("tag", key, sentence, line))
            matched = True
        if not matched and _PLEASE.search(sentence):
            found.append(Request("other", sentence, sentence, line))
    return tuple(found)


def _offered(prose: Sequence[TextLine]) -> tuple[OfferedTag, ...]:
    found: list[OfferedTag] = []
    for item in prose:
        if (match := _OFFERED.fullmatch(item.text)) is not None:
            value = " ".join(match.group(2).split())
            found.append(OfferedTag(canonical_key(match.group(1)), value, item.line))
    return tuple(found)
