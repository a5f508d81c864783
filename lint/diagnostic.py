"""Diagnostics: what a check reports, frozen, sortable, renderable by any reporter."""

from __future__ import annotations

from enum import IntEnum, StrEnum

from lint.record import record


class Severity(IntEnum):
    """How much a finding matters; ordered so that ``ERROR > WARNING > NOTE``."""

    NOTE = 1
    WARNING = 2
    ERROR = 3

    @classmethod
    def parse(cls, text: str) -> Severity:
        """``"error"`` -> ``Severity.ERROR``; raises ``ValueError`` on anything else."""
        try:
            return cls[text.strip().upper()]
        except KeyError:
            choices = ", ".join(s.label for s in cls)
            raise ValueError(f"unknown severity {text!r} (expected one of {choices})") from None

    @property
    def label(self) -> str:
        return self.name.lower()


class Part(StrEnum):
    """The logical part of a patch mail a finding points into."""

    HEADER = "header"
    SUBJECT = "subject"
    BODY = "body"
    """The changelog above the tag block."""
    TRAILER = "trailer"
    """The tag block (``Signed-off-by:``...)."""
    NOTES = "notes"
    """Below the ``---`` separator, above the diff."""
    DIFF = "diff"


@record(order=True)
class Location:
    """Where a finding is: the input, its line there, and the logical part of the patch."""

    origin: str
    line: int
    part: Part


@record
class Fix:
    """A mechanical correction: replace input lines ``first..last`` by ``replacement``."""

    first_line: int
    last_line: int
    replacement: tuple[str, ...]
    description: str


@record
class Diagnostic:
    """One finding of one rule on one patch."""

    rule: str
    severity: Severity
    message: str
    location: Location
    checkpatch: str = ""
    """checkpatch.pl's type name for the same finding, when it has one."""
    help: str = ""
    subject: str = ""
    """The patch's subject, for reports that list findings of many patches."""
    message_id: str = ""
    fix: Fix | None = None
    data: tuple[tuple[str, str], ...] = ()
    """Structured facts behind the finding (for JSON), as ordered key/value pairs."""
    quote: str = ""
    """The decoded text of the input line the finding points at (``""`` when unknown), as
    checkpatch.pl and compilers show it under the message."""

    @property
    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (
            self.location.origin,
            self.location.line,
            -int(self.severity),
            self.rule,
            self.message,
        )
