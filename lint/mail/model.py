"""The mail stage's records: a message as a source found it and as git mailinfo decodes it.

The pipeline runs one way: a source yields :class:`RawMail` (bytes plus where
they came from), :mod:`lint.mail.decode` decodes them with ``git mailinfo``'s
semantics into :class:`DecodedMail`, and :mod:`lint.patch.analyse` analyses that
into a :class:`~lint.patch.model.Patch`.

Line numbers are 1-based lines of the *input file* (an mbox holding many
mails keeps counting across them); 0 means "not known".
"""

from __future__ import annotations

from lint.record import record


@record
class RawMail:
    """One undecoded message as a source found it."""

    data: bytes
    """The message bytes: headers and body, mbox ``From `` line removed."""
    origin: str
    """Name of the input: a path, ``<stdin>``, or ``Commit <sha12> ("subject")``."""
    index: int = 0
    """Position of this message within its input, from 0."""
    first_line: int = 1
    """Line of the input file that holds the first byte of :attr:`data`."""


@record
class TextLine:
    """A line of decoded text and the input line it came from."""

    text: str
    line: int


@record
class DecodedMail:
    """A mail decoded the way ``git mailinfo`` decodes it."""

    origin: str
    index: int
    first_line: int
    author_name: str
    author_email: str
    author_line: int
    date: str
    subject: str
    """Subject as sent (RFC 2047 decoded, unfolded), after any in-body override."""
    subject_clean: str
    """Subject after ``git mailinfo``'s cleanup (``[PATCH ...]`` and ``Re:`` removed)."""
    subject_line: int
    message_id: str
    in_reply_to: str
    references: tuple[str, ...]
    headers: tuple[tuple[str, str], ...]
    """Top-level headers, decoded, in order (name as written, value unfolded)."""
    message: str
    """Commit message body exactly as ``git mailinfo`` writes it to its msg file."""
    message_lines: tuple[int, ...]
    """Input line of each line of :attr:`message`."""
    patch: str
    """Everything from the first patch break on, exactly as ``git mailinfo`` writes it."""
    patch_lines: tuple[int, ...]
    """Input line of each line of :attr:`patch`."""
    problems: tuple[str, ...] = ()
    """Decoding problems, git's warnings and errors among them (bad charset, invalid UTF-8...)."""
    failure: str = ""
    """The problem that makes ``git mailinfo`` itself fail on this mail, or ``""``."""

    def header(self, name: str) -> str:
        """The first header called ``name`` (case-insensitive), or ``""``."""
        lowered = name.lower()
        for key, value in self.headers:
            if key.lower() == lowered:
                return value
        return ""
