"""One decoded mail in, one analysed :class:`~lint.patch.model.Patch` out."""

from __future__ import annotations

from lint.mail.model import DecodedMail
from lint.patch.changelog import parse_changelog, split_patch_text
from lint.patch.diff import DiffSource
from lint.patch.limits import DEFAULT_PART_LIMIT, limit_parts
from lint.patch.model import Patch
from lint.patch.subject import parse_subject


def analyse(mail: DecodedMail, part_limit: int = DEFAULT_PART_LIMIT) -> Patch:
    """Analyse ``mail``: subject, changelog, notes below ``---``, diffstat and diff.

    Pure and total: nothing here raises for bad input.  The diff is kept as text
    and parsed when a rule first needs it (:attr:`Patch.diff`); a malformed diff
    then gives the files that could be read. A changelog or diff longer than
    ``part_limit`` characters is analysed on a prefix (:mod:`lint.patch.limits`),
    and :attr:`Patch.cuts` says so.
    """
    mail, cuts = limit_parts(mail, part_limit)
    parts = split_patch_text(mail.patch, mail.patch_lines)
    return Patch(
        mail=mail,
        subject=parse_subject(mail.subject, mail.subject_clean, mail.subject_line),
        changelog=parse_changelog(mail.message, mail.message_lines),
        notes=parts.notes,
        diffstat=parts.diffstat,
        diff_source=DiffSource(parts.diff_text, parts.diff_first_line, parts.diff_lines),
        base_commit=parts.base_commit,
        separator_line=parts.separator_line,
        cuts=cuts,
    )
