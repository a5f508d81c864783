"""A size budget per part of a mail: past it, the part is checked on a prefix.

Time is linear in every part of a mail (``bench/growth.py``), but linear in a
60 MB diff is still a minute of a hook or of the bot. So the changelog and the
text below ``---`` (notes and diff) are each checked on their first
:data:`DEFAULT_PART_LIMIT` characters at most, and the patch carries a
:class:`PartCut` for each part cut short, which the engine reports as one
``analysis-size`` note: a reader must know what was not checked.

Cuts fall where the text still reads as written: the diff at the last file
(else hunk, else line) that starts within the budget, so that no hunk is
half there; the changelog at a line, keeping its last paragraph (the tag
block) when that is small, so that a long pasted log does not make the
sign-off look missing.
"""

from __future__ import annotations

from lint.config import DEFAULT_PART_LIMIT
from lint.diagnostic import Part
from lint.mail.model import DecodedMail
from lint.record import record, replace

__all__ = ["DEFAULT_PART_LIMIT", "PartCut", "limit_parts"]


@record
class PartCut:
    """A part of the mail that was checked only in part."""

    part: Part
    """:attr:`Part.BODY` (the changelog) or :attr:`Part.DIFF` (all below ``---``)."""
    size: int
    """Characters in the part."""
    checked: int
    """Characters of it that were checked."""
    line: int
    """The input line of the first line left out."""

    @property
    def name(self) -> str:
        return "changelog" if self.part is Part.BODY else "diff"

    def describe(self) -> str:
        """``the diff has 6,291,456 characters; only 4,194,250 were checked (up to line 9)``."""
        return (
            f"the {self.name} has {self.size:,} characters; only {self.checked:,} were "
            f"checked (from line {self.line} on it was not)"
        )


def limit_parts(mail: DecodedMail, limit: int) -> tuple[DecodedMail, tuple[PartCut, ...]]:
    """``mail`` with its changelog and diff cut to ``limit`` characters (0: no limit)."""
    if limit <= 0 or (len(mail.message) <= limit and len(mail.patch) <= limit):
        return mail, ()
    cuts: list[PartCut] = []
    changes: dict[str, object] = {}
    if len(mail.message) > limit:
        text, lines, cut = _cut_changelog(mail.message, mail.message_lines, limit)
        changes.update(message=text, message_lines=lines)
        cuts.append(cut)
    if len(mail.patch) > limit:
        text, lines, cut = _cut_diff(mail.patch, mail.patch_lines, limit)
        changes.update(patch=text, patch_lines=lines)
        cuts.append(cut)
    return replace(mail, **changes), tuple(cuts)


def _cut_changelog(
    text: str, lines: tuple[int, ...], limit: int
) -> tuple[str, tuple[int, ...], PartCut]:
    tail_start = text.rstrip("\n").rfind("\n\n") + 2  # the last paragraph
    small = tail_start >= 2 and len(text) - tail_start <= limit // 4
    tail = text[tail_start:] if small else ""
    end = _line_end(text, limit - len(tail))  # never past tail_start: the text is over limit
    kept = text[:end]
    count = _count_lines(kept)
    cut = PartCut(Part.BODY, len(text), end + len(tail), _first_out(kept, lines, count))
    if not tail:
        return kept, lines[:count], cut
    if kept.endswith("\n\n") or not kept:
        return kept + tail, lines[:count] + lines[len(lines) - _count_lines(tail) :], cut
    # A blank line (after ending a line cut short) keeps the tag block a paragraph.
    joined = kept + ("\n" if kept.endswith("\n") else "\n\n") + tail
    blank = (lines[count - 1],)
    return joined, lines[:count] + blank + lines[len(lines) - _count_lines(tail) :], cut


def _cut_diff(
    text: str, lines: tuple[int, ...], limit: int
) -> tuple[str, tuple[int, ...], PartCut]:
    # The last file or hunk that starts within the budget: no hunk is left half there,
    # and no file header without a hunk.
    file = text.rfind("\ndiff --git ", 0, limit)
    hunk = text.rfind("\n@@ -", 0, limit)
    if hunk > file and text.find("\n@@ -", max(file, 0), hunk) >= 0:
        end = hunk + 1
    elif file > 0:
        end = file + 1
    else:
        end = _line_end(text, limit)
    kept = text[:end]
    count = _count_lines(kept)
    cut = PartCut(Part.DIFF, len(text), end, _first_out(kept, lines, count))
    return kept, lines[:count], cut


def _line_end(text: str, limit: int) -> int:
    """Where the last whole line within ``limit`` characters ends (``limit`` if none does)."""
    found = text.rfind("\n", 0, limit)
    return found + 1 if found >= 0 else max(limit, 0)


def _count_lines(text: str) -> int:
    """Lines of ``text`` as :attr:`DecodedMail.message_lines` counts them."""
    return text.count("\n") + (1 if text and not text.endswith("\n") else 0)


def _first_out(kept: str, lines: tuple[int, ...], count: int) -> int:
    """The input line of the first line not wholly kept."""
    if not lines:
        return 0
    index = count if kept.endswith("\n") or not kept else count - 1
    return lines[min(index, len(lines) - 1)]
