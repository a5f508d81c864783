"""changelog-phrase: a wording the changelog prose must not use.

Maintainers read changelog *prose* for its wording: "This patch ...", "I
changed ...", "we ...", a "v2: ..." paragraph of version notes. The check
searches the prose lines of the changelog (above the tag block) for a
regex. One wording problem is one finding, however often it occurs: at the
first line, naming how many lines have it and which.

Not prose, so never searched: indented lines (code, logs, backtraces and
quoted commits are indented by convention), quoted reply lines (``>``),
``== Heading ==`` lines, and quoted text within a line.

Parameters:

- ``pattern`` (regex, required): what to find. When it has groups, the wording
  is the first group that took part in the match, and the rest of the match is
  context: ``(?:^|[^\\w])(we)\\b`` finds "we" as a word without look-behind, which
  RE2, the engine rule patterns run on, does not have.
- ``message``: the finding; ``{match}`` is replaced by the first wording found.
- ``help``: how to fix it.
- ``first_line_only`` (default false): only the first line of each
  paragraph counts (for headings such as ``Changes in v3:``).
- ``unless`` (regex, default none): a line where this matches at one of the
  matches is not reported: "Let's look at this scenario" introduces an
  explanation, "we didn't notice" tells history; neither narrates the change.
- ``skip_questions`` (default false): lines ending in ``?`` are not judged
  (a question asks, it does not narrate).
"""

from __future__ import annotations

from collections.abc import Iterator

from lint.checks.api import CheckKind, Finding
from lint.diagnostic import Part
from lint.lazyregex import lazy_regex
from lint.record import record
from lint.rulebook.regex import Regex

TYPE_CHECKING = False
if TYPE_CHECKING:
    from lint.checks.api import CheckContext
    from lint.mail.model import TextLine
    from lint.patch.model import Changelog, Patch
    from lint.rulebook.conditions import Trigger
    from lint.rulebook.regex import Match


# A quotation: '...', "..." or `...` opened and closed at word boundaries (so that
# the apostrophes of "Let's" or "don't" quote nothing).
_QUOTED = lazy_regex(r"(?<!\w)'[^'\n]+'(?!\w)|\"[^\"\n]*\"|`[^`\n]*`")


@record
class Params:
    """Parameters of a ``changelog-phrase`` rule."""

    pattern: Regex
    """The wording to report."""
    message: str = "the changelog says '{match}'"
    """The finding; ``{match}`` stands for the matched text."""
    help: str = ""
    first_line_only: bool = False
    """Only the first line of a paragraph is searched."""
    unless: Regex = Regex("")
    """A line where this matches at the start of one of the wordings is not reported
    ("" = none)."""
    skip_questions: bool = False
    """Lines ending in ``?`` are not judged."""


def prose_lines(changelog: Changelog, first_line_only: bool = False) -> Iterator[TextLine]:
    """The changelog's prose lines: above the tags, not indented, quoted or headings."""
    end = changelog.trailer_line or 0
    for paragraph in changelog.paragraphs:
        lines = paragraph.lines[:1] if first_line_only else paragraph.lines
        for item in lines:
            if end and item.line >= end:
                return
            text = item.text
            if not text or text[0].isspace() or text.startswith(">"):
                continue
            if text.startswith("==") and text.rstrip().endswith("=="):
                continue
            yield item


def check(
    patch: Patch, params: Params, trigger: Trigger | None, context: CheckContext
) -> Iterator[Finding]:
    """Report the prose lines in which ``pattern`` occurs, as one finding."""
    # One search over the whole message rules out most patches before any line is split.
    if params.pattern.search(patch.mail.message) is None and not params.pattern.pattern.startswith(
        "^"
    ):
        return
    hits: list[tuple[TextLine, str]] = []
    unless = params.unless if params.unless.pattern else None
    for item in prose_lines(patch.changelog, params.first_line_only):
        if params.skip_questions and item.text.rstrip().endswith("?"):
            continue
        # Quoted words are quoted, not written: 'This patch adds' in a discussion of them.
        text = _QUOTED.sub(lambda m: " " * len(m.group(0)), item.text)
        wordings = [_wording(m) for m in params.pattern.finditer(text)]
        if not wordings:
            continue
        if unless is not None and any(unless.match(text, start) for start, _ in wordings):
            continue  # the line is a lead-in, a history note or a scope note
        hits.append((item, wordings[0][1].strip()))
    if not hits:
        return
    first, text = hits[0]
    message = params.message.replace("{match}", text)
    if len(hits) > 1:
        shown = ", ".join(str(item.line) for item, _ in hits[:5])
        more = ", ..." if len(hits) > 5 else ""
        message += f" (on {len(hits)} lines: {shown}{more})"
    lines = ",".join(str(item.line) for item, _ in hits)
    yield Finding(message, first.line, Part.BODY, help=params.help, data=(("lines", lines),))


def _wording(match: Match) -> tuple[int, str]:
    """Where the wording starts, and its text: the first group that matched, or all."""
    for number, text in enumerate(match.groups(), 1):
        if text is not None:
            return match.start(number), text
    return match.start(), match.group(0)


KIND = CheckKind(name="changelog-phrase", params_type=Params, doc=__doc__ or "", on_patch=check)
