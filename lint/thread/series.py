"""The mails of one send, as the series rules see them.

One mail can be perfect and the series still wrong: ``[PATCH 2/3]`` sent
without ``1/3``, a ``v3`` patch in the middle of a ``v2`` series, five patches
without a cover letter to explain them, or patches prepared on different base
commits. The ``sendemail-validate`` hook sees one mail at a time, so it records a
:class:`SeriesEntry` per mail (:mod:`lint.hooks.run`) and runs the series rules
(:mod:`lint.engine.series`) on the last one.
"""

from __future__ import annotations

from lint.record import asdict, record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from lint.patch.model import Patch


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
