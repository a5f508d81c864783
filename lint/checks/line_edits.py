"""Building :class:`~lint.diagnostic.Fix` objects for whole input lines.

A fix replaces input lines; checks know the decoded text of a line, which is
the input text as long as the mail was sent as plain 7bit/8bit text (what
git format-patch writes). :mod:`lint.cli.fix` refuses body fixes on
quoted-printable and base64 mails, and subject fixes are offered only for
subjects that git would write unencoded and unfolded on one line.
"""

from __future__ import annotations

from lint.diagnostic import Fix

TYPE_CHECKING = False
if TYPE_CHECKING:
    from lint.mail.model import TextLine
    from lint.patch.model import Patch

_FOLD_WIDTH = 78
"""RFC 5322's recommended line length; git format-patch folds longer subjects."""


def subject_fix(patch: Patch, summary: str, description: str) -> Fix | None:
    """Rewrite the ``Subject:`` line with a new summary, keeping ``[PATCH ...]`` and the area.

    ``None`` when the subject line cannot be rewritten safely: unknown line,
    non-ASCII text (it would need RFC 2047 encoding), a line long enough that
    git may have folded it, or a raw subject that does not end with the old
    summary.
    """
    subject = patch.subject
    raw = subject.raw
    old = subject.summary
    if subject.line <= 0 or not old or not raw.endswith(old):
        return None
    new_raw = raw[: len(raw) - len(old)] + summary
    line = f"Subject: {new_raw}"
    if not (raw + summary).isascii() or len(f"Subject: {raw}") > _FOLD_WIDTH:
        return None
    if len(line) > _FOLD_WIDTH:
        return None
    return Fix(subject.line, subject.line, (line,), description)


def text_line_fix(item: TextLine, new_text: str, description: str) -> Fix | None:
    """Replace one changelog line (``None`` when its input line is not known)."""
    if item.line <= 0 or new_text == item.text:
        return None
    return Fix(item.line, item.line, (new_text,), description)
