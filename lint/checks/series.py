"""series-*: the mails of one send, numbered, versioned and based alike, with a cover letter.

Four kinds, one per rule, each looking at the mails of one send in send order
(:class:`~lint.thread.series.SeriesEntry`; the ``sendemail-validate`` hook keeps
them while ``git send-email`` sends, and runs these on the last mail). A send
of a single mail has nothing to check at this level.

- ``series-numbering``: the patches are numbered 1/N to N/N, each once, in
  order, and every mail of a send of several is numbered;
- ``series-version``: every mail carries the version (``vN``) of the first;
- ``series-cover-letter``: a series of more than one patch has a ``0/N`` cover
  letter saying what it does as a whole;
- ``series-base``: every mail that names a ``base-commit:`` names the same one.

None takes parameters.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from lint.checks.api import CheckKind, Finding, MailRef, SeriesCheck
from lint.diagnostic import Part
from lint.record import record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from lint.checks.api import CheckContext
    from lint.thread.series import SeriesEntry


@record
class Params:
    """The series kinds take no parameters."""


def _finding(entry: SeriesEntry, message: str) -> Finding:
    on = MailRef(entry.origin, entry.subject, entry.message_id)
    return Finding(message, entry.line, Part.SUBJECT, on=on)


def numbering(
    entries: Sequence[SeriesEntry], params: Params, context: CheckContext
) -> Iterator[Finding]:
    """Unnumbered mails among several, disagreeing lengths, twice-sent, missing, out of order."""
    if len(entries) < 2:
        return
    for entry in entries:
        if not entry.cover_letter and entry.index is None:
            yield _finding(
                entry,
                f"'{entry.subject}' has no M/N number but is sent with "
                f"{len(entries) - 1} other mails (use git format-patch -n or a cover letter)",
            )
    numbered = [e for e in entries if e.index is not None]
    if not numbered:
        return
    totals = sorted({e.total for e in numbered if e.total is not None})
    if len(totals) > 1:
        shown = ", ".join(str(t) for t in totals)
        yield _finding(numbered[-1], f"the mails disagree on the series length ({shown})")
        return
    total = totals[0] if totals else 0
    seen: dict[int, SeriesEntry] = {}
    for entry in numbered:
        assert entry.index is not None
        if entry.index in seen:
            yield _finding(
                entry,
                f"patch {entry.index}/{total} is sent twice "
                f"({seen[entry.index].origin} and {entry.origin})",
            )
        seen[entry.index] = entry
    missing = [n for n in range(1, total + 1) if n not in seen]
    if missing:
        shown = ", ".join(f"{n}/{total}" for n in missing)
        yield _finding(numbered[-1], f"the series of {total} is missing {shown}")
    order = [e.index for e in numbered if e.index is not None]
    if not missing and order != sorted(order):
        yield _finding(numbered[-1], "the patches are not sent in the order 1/N..N/N")


def version(
    entries: Sequence[SeriesEntry], params: Params, context: CheckContext
) -> Iterator[Finding]:
    """Mails whose version differs from the first mail's."""
    if len(entries) < 2:
        return
    first = entries[0]
    for entry in entries[1:]:
        if entry.version != first.version:
            yield _finding(
                entry,
                f"'{entry.subject}' is v{entry.version} but '{first.subject}' is v{first.version}",
            )


def cover_letter(
    entries: Sequence[SeriesEntry], params: Params, context: CheckContext
) -> Iterator[Finding]:
    """A series of several patches without a 0/N mail."""
    patches = [e for e in entries if not e.cover_letter]
    if len(entries) < 2 or len(patches) < 2 or any(e.cover_letter for e in entries):
        return
    yield _finding(
        patches[0],
        f"a series of {len(patches)} patches has no 0/{len(patches)} cover letter "
        "saying what it does as a whole (git format-patch --cover-letter, or b4 prep)",
    )


def base(
    entries: Sequence[SeriesEntry], params: Params, context: CheckContext
) -> Iterator[Finding]:
    """Mails naming another base-commit than the first mail that names one."""
    if len(entries) < 2:
        return
    first: SeriesEntry | None = None
    for entry in entries:
        if not entry.base_commit:
            continue
        if first is None:
            first = entry
        elif entry.base_commit != first.base_commit:
            yield _finding(
                entry,
                f"base-commit {entry.base_commit[:12]} differs from "
                f"{first.base_commit[:12]} of '{first.subject}': the series was "
                "prepared on two different trees",
            )


def _kind(name: str, check: SeriesCheck) -> CheckKind:
    return CheckKind(name, Params, __doc__ or "", on_series=check, summary_as_help=True)


NUMBERING = _kind("series-numbering", numbering)
VERSION = _kind("series-version", version)
COVER_LETTER = _kind("series-cover-letter", cover_letter)
BASE = _kind("series-base", base)
