"""The fixes of the ``cp-commit-ref`` rules: a commit cited in the form checkpatch asks for.

BAD_FIXES_TAG rewrites a tag as ``Fixes: <12 hex> ("<subject>")``, GIT_COMMIT_ID
a prose reference as ``commit <12 hex> ("<subject>")``, when that form is
known: the id and subject from the repository, or, without one, an id of at
least 12 digits (cut to 12, never expanded by guessing) and the subject the
author wrote in the parentheses. Anything less certain gets no fix: a fix
must never make a changelog wrong. Only what stands on one line is
rewritten, since a wrapped tag or reference would leave its other half
behind.
"""

from __future__ import annotations

from lint.checks.checkpatch.common import balanced_parens
from lint.checks.line_edits import text_line_fix
from lint.record import record

TYPE_CHECKING = False
if TYPE_CHECKING:
    import re

    from lint.diagnostic import Fix
    from lint.mail.model import TextLine

ABBREV = 12
"""Hex digits of an id in a reference (submitting-patches.rst: "at least the first 12").
The same as :data:`lint.sources.commits.ABBREV`, which is not imported here: that
module brings pathlib in, and the git hooks import this one on every send."""
_LONGEST = 40
"""Hex digits of a whole commit id."""


def unquote(title: str) -> tuple[str, bool]:
    """``title`` without its double quotes, and whether it had them."""
    if len(title) >= 2 and title.startswith('"') and title.endswith('"'):
        return title[1:-1], True
    return title, False


@record
class FixesLine:
    """A line starting ``Fixes``, read as checkpatch reads it."""

    tag: str
    """``Fixes:`` as written (``fixes``, ``Fixes`` ...)."""
    commit: str
    title: str
    """The text inside the ``(...)`` after the id, unquoted; ``"commit title"`` without one."""
    quoted: bool
    has_parens: bool
    rest: str
    """What follows the ``(...)`` (or the id, without one): blank on a well-formed line."""


def fixes_tag_fix(
    item: TextLine, fixes: FixesLine, known: tuple[str, str] | None, following: list[str]
) -> Fix | None:
    """The tag rewritten ``Fixes: <12 hex> ("<subject>")``, when that form is known.

    ``known`` is the repository's ``(12-digit id, subject)``; ``following`` the
    next input line, if any. An indented line quotes something and is left
    alone; so is a tag with text after it or one that goes on on the next line.
    """
    text = item.text
    if text[:1].isspace() or fixes.rest.strip():
        return None
    if following and following[0][:1] in (" ", "\t", "(", '"'):
        return None
    written = _written_title(fixes)
    if known is not None:
        commit, title = known
    elif len(fixes.commit) >= ABBREV and written:
        commit, title = fixes.commit[:ABBREV].lower(), written
    else:
        return None
    return text_line_fix(item, f'Fixes: {commit} ("{title}")', "write the Fixes: tag in form")


def _written_title(fixes: FixesLine) -> str:
    """The subject the tag quotes, as it goes between ``("`` and ``")``; ``""`` when unsure.

    A subject in single quotes is the subject inside them (``('x86: Foo "bar"')``);
    one with a stray quote at an end cannot be told from its quoting.
    """
    if not fixes.has_parens or not fixes.title.strip():
        return ""
    if fixes.quoted:
        return fixes.title
    title = fixes.title.strip()
    inner = title[1:-1]
    if len(title) >= 2 and title[0] == title[-1] == "'" and "'" not in inner:
        return inner
    return "" if title[0] in "\"'" or title[-1] in "\"'" else title


def commit_reference_fix(
    item: TextLine,
    found: re.Match[str],
    known: tuple[str, str] | None,
    following: list[str],
    have_repository: bool,
) -> Fix | None:
    """The line with the reference ``found`` (``(c)ommit <hex>``) written in form.

    ``known`` is the repository's ``(12-digit id, subject)`` for it. A bare id
    with no ``commit`` before it never comes here: the sentence around it would
    change. Without ``known``, the written id and quoted subject must do, and
    only when no repository was asked (one that does not know the id says the
    reference is wrong, not its form).
    """
    text = item.text
    start = found.end()
    while start < len(text) and text[start] in " \t":
        start += 1
    end = balanced_parens(text, start)
    if end > 0:
        description, has_quotes = unquote(text[start + 1 : end - 1])
    elif text[start : start + 1] in ("(", '"', "'") or (not text[start:] and _wraps(following)):
        return None  # the subject is unbalanced here, quoted oddly, or on the next line
    else:
        end, description, has_quotes = found.end(), "", False
    commit = found.group(2)
    if known is not None:
        shown, subject = known
    elif not have_repository and has_quotes and ABBREV <= len(commit) <= _LONGEST:
        shown, subject = commit[:ABBREV].lower(), description
    else:
        return None
    reference = f'{found.group(1)}ommit {shown} ("{subject}")'
    return text_line_fix(
        item, text[: found.start()] + reference + text[end:], "cite the commit in form"
    )


def _wraps(following: list[str]) -> bool:
    """The next line goes on with the reference (its ``("subject")``)."""
    return bool(following) and following[0].lstrip()[:1] in ("(", '"')
