"""Series-level checks: what only the whole of a send can show.

One mail can be perfect and the series still wrong: ``[PATCH 2/3]`` sent
without ``1/3``, a ``v3`` patch in the middle of a ``v2`` series, five patches
without a cover letter to explain them, or patches prepared on different
base commits.  The ``sendemail-validate`` hook sees one mail at a time, so it
records an :class:`SeriesEntry` per mail (:mod:`lint.hooks.run`) and runs
:func:`check_series` on the last one.

These checks are Python, not rule files: they look at several mails at once,
which no rule kind does.  Their ids all start with ``series-``.
"""

from __future__ import annotations

from collections.abc import Sequence

from lint.diagnostic import Diagnostic, Location, Part, Severity
from lint.patch.model import Patch
from lint.record import asdict, record

NUMBERING = "series-numbering"
VERSION = "series-version"
COVER_LETTER = "series-cover-letter"
BASE = "series-base"

RULES: dict[str, tuple[Severity, str]] = {
    NUMBERING: (Severity.ERROR, "The patches of a series are numbered 1/N to N/N, each once"),
    VERSION: (Severity.ERROR, "Every mail of a series carries the same version (vN)"),
    COVER_LETTER: (Severity.WARNING, "A series of more than one patch has a 0/N cover letter"),
    BASE: (Severity.ERROR, "Every mail of a series names the same base-commit"),
}
"""Each series check: its severity and a one-line summary (for SARIF and ``--help``)."""


@record
class SeriesEntry:
    """What the series checks need to remember of one mail of a send."""

    origin: str
    """The file the mail came from (what the user passed to ``git send-email``)."""
    subject: str
    """The subject as sent, for messages."""
    line: int
    """Line of the subject in :attr:`origin`."""
    version: int
    index: int | None
    total: int | None
    cover_letter: bool
    base_commit: str
    message_id: str

    @classmethod
    def of(cls, patch: Patch) -> SeriesEntry:
        """The entry for an analysed mail."""
        subject = patch.subject
        return cls(
            origin=patch.origin,
            subject=subject.raw,
            line=subject.line,
            version=subject.version,
            index=subject.index,
            total=subject.total,
            cover_letter=subject.is_cover_letter,
            base_commit=patch.base_commit,
            message_id=patch.mail.message_id,
        )

    def to_json(self) -> dict[str, object]:
        """A JSON-ready dict (the hook's state file)."""
        as_dict: dict[str, object] = asdict(self)
        return as_dict

    @classmethod
    def from_json(cls, data: dict[str, object]) -> SeriesEntry:
        """Inverse of :meth:`to_json`; raises ``TypeError``/``KeyError`` on a damaged record."""
        index, total = data["index"], data["total"]
        version = data["version"]
        if not isinstance(version, int):
            raise TypeError("version")
        return cls(
            origin=str(data["origin"]),
            subject=str(data["subject"]),
            line=int(str(data["line"])),
            version=version,
            index=index if isinstance(index, int) else None,
            total=total if isinstance(total, int) else None,
            cover_letter=bool(data["cover_letter"]),
            base_commit=str(data["base_commit"]),
            message_id=str(data["message_id"]),
        )


def _finding(rule: str, entry: SeriesEntry, message: str) -> Diagnostic:
    severity, summary = RULES[rule]
    return Diagnostic(
        rule=rule,
        severity=severity,
        message=message,
        location=Location(entry.origin, entry.line, Part.SUBJECT),
        help=summary,
        subject=entry.subject,
        message_id=entry.message_id,
    )


def check_series(entries: Sequence[SeriesEntry]) -> tuple[Diagnostic, ...]:
    """Every series-level finding for the mails of one send, in send order.

    A send of a single mail has nothing to check at this level.
    """
    if len(entries) < 2:
        return ()
    found: list[Diagnostic] = []
    found.extend(_numbering(entries))
    found.extend(_versions(entries))
    found.extend(_cover_letter(entries))
    found.extend(_bases(entries))
    return tuple(found)


def _numbering(entries: Sequence[SeriesEntry]) -> list[Diagnostic]:
    patches = [e for e in entries if not e.cover_letter]
    found: list[Diagnostic] = []
    unnumbered = [e for e in patches if e.index is None]
    for entry in unnumbered:
        found.append(
            _finding(
                NUMBERING,
                entry,
                f"'{entry.subject}' has no M/N number but is sent with "
                f"{len(entries) - 1} other mails (use git format-patch -n or a cover letter)",
            )
        )
    numbered = [e for e in entries if e.index is not None]
    if not numbered:
        return found
    totals = sorted({e.total for e in numbered if e.total is not None})
    if len(totals) > 1:
        shown = ", ".join(str(t) for t in totals)
        found.append(
            _finding(NUMBERING, numbered[-1], f"the mails disagree on the series length ({shown})")
        )
        return found
    total = totals[0] if totals else 0
    seen: dict[int, SeriesEntry] = {}
    for entry in numbered:
        assert entry.index is not None
        if entry.index in seen:
            found.append(
                _finding(
                    NUMBERING,
                    entry,
                    f"patch {entry.index}/{total} is sent twice "
                    f"({seen[entry.index].origin} and {entry.origin})",
                )
            )
        seen[entry.index] = entry
    missing = [n for n in range(1, total + 1) if n not in seen]
    if missing:
        shown = ", ".join(f"{n}/{total}" for n in missing)
        found.append(_finding(NUMBERING, numbered[-1], f"the series of {total} is missing {shown}"))
    order = [e.index for e in numbered if e.index is not None]
    if not missing and order != sorted(order):
        found.append(
            _finding(NUMBERING, numbered[-1], "the patches are not sent in the order 1/N..N/N")
        )
    return found


def _versions(entries: Sequence[SeriesEntry]) -> list[Diagnostic]:
    first = entries[0]
    return [
        _finding(
            VERSION,
            entry,
            f"'{entry.subject}' is v{entry.version} but '{first.subject}' is v{first.version}",
        )
        for entry in entries[1:]
        if entry.version != first.version
    ]


def _cover_letter(entries: Sequence[SeriesEntry]) -> list[Diagnostic]:
    patches = [e for e in entries if not e.cover_letter]
    if len(patches) < 2 or any(e.cover_letter for e in entries):
        return []
    return [
        _finding(
            COVER_LETTER,
            patches[0],
            f"a series of {len(patches)} patches has no 0/{len(patches)} cover letter "
            "saying what it does as a whole (git format-patch --cover-letter, or b4 prep)",
        )
    ]


def _bases(entries: Sequence[SeriesEntry]) -> list[Diagnostic]:
    first: SeriesEntry | None = None
    found: list[Diagnostic] = []
    for entry in entries:
        if not entry.base_commit:
            continue
        if first is None:
            first = entry
        elif entry.base_commit != first.base_commit:
            found.append(
                _finding(
                    BASE,
                    entry,
                    f"base-commit {entry.base_commit[:12]} differs from "
                    f"{first.base_commit[:12]} of '{first.subject}': the series was "
                    "prepared on two different trees",
                )
            )
    return found
