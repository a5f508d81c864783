"""The bot's records of a mail: what it is (an :class:`Arrival`) and what the rulebook
found in it (each a :class:`Finding`), as the intake builds them, the state stores
them and the reply shows them.
"""

from __future__ import annotations

from enum import StrEnum

from lint.record import record


class Status(StrEnum):
    """What the bot does with a mail."""

    ACCEPTED = "accepted"
    """A patch or cover letter of a series: recorded, answered with its series."""
    SKIPPED = "skipped"
    """Recorded with its kind and the reason, never answered (a reply, a commit notice...)."""
    FAILED = "failed"
    """Not readable as mail: recorded with the reason, never answered."""


class MailKind(StrEnum):
    """What a mail is, as the bot tells."""

    PATCH = "patch"
    COVER = "cover"
    REPLY = "reply"
    NOT_PATCH = "not-patch"
    OWN = "own"
    """Sent by this bot."""
    COMMIT_NOTICE = "commit-notice"
    """Notification of a commit already in a tree: tip-bot2, a commit list, a push hook."""
    APPLIED = "applied"
    """A maintainer's or bot's notice that a patch was applied ("Applied, thanks!")."""
    AUTOMATED = "automated"
    """Marked by its sender as written by a program (``Auto-Submitted:``, RFC 3834)."""
    OPTED_OUT = "opted-out"
    MALFORMED = "malformed"
    STALLED = "stalled"
    """Its analysis ran past the time budget (:mod:`lint.engine.budget`)."""


@record
class Finding:
    """One diagnostic as the reply shows it: stored in the state, so plain fields only."""

    rule: str
    severity: str
    """``error``, ``warning`` or ``note``."""
    message: str
    line: int
    part: str
    quote: str
    """The decoded text of the line the finding points at (``""`` when none)."""


@record
class Arrival:
    """One examined mail, ready to be recorded."""

    message_id: str
    """With angle brackets; a synthetic ``<sha256@patchlens.invalid>`` when the mail has none."""
    status: Status
    kind: MailKind
    reason: str = ""
    subject: str = ""
    author_name: str = ""
    author_email: str = ""
    in_reply_to: str = ""
    references: tuple[str, ...] = ()
    recipients: tuple[str, ...] = ()
    """Every To and Cc of the mail (``Name <address>``), for the Cc of the reply."""
    version: int = 1
    part: int | None = None
    total: int | None = None
    findings: tuple[Finding, ...] = ()
    advice: str = ""
    """The sections the changelog should gain, in changelog format (see reply.py)."""

    @property
    def thread(self) -> str:
        """The root of the thread: the first reference, else the mail itself."""
        return self.references[0] if self.references else self.message_id
