"""Refuse input that is not mail before decoding it, with a message that says why.

``git mailinfo`` decodes almost anything, and :mod:`lint.mail.decode` follows it.  These
checks sit in front of it and turn the cases where linting would only produce
nonsense (no headers, headers cut off, a multi-megabyte line) into one clear error.
"""

from __future__ import annotations

from lint.errors import InputError
from lint.lazyregex import lazy_regex
from lint.mail.model import DecodedMail, RawMail

MAX_LINE_BYTES = 1 << 20
"""No mail line is this long (RFC 5322 allows 998 bytes); a longer one is not mail."""

_HEADER = lazy_regex(rb"[!-9;-~]+[ \t]*:")
_BLANK_LINE = lazy_regex(rb"\r?\n\r?\n")


def _where(raw: RawMail, line: int) -> str:
    return f"{raw.origin}:{line}"


def check_raw(raw: RawMail) -> None:
    """Raise :class:`InputError` if ``raw`` cannot be a mail at all."""
    data = raw.data
    if not data.strip():
        raise InputError(_where(raw, raw.first_line), "empty message")
    if len(data) > MAX_LINE_BYTES:
        _check_line_lengths(raw)
    first = data.lstrip(b"\r\n").split(b"\n", 1)[0]
    if first.startswith((b"diff ", b"--- ", b"Index: ")):
        raise InputError(
            _where(raw, raw.first_line),
            "a bare diff without mail headers: lint the output of git format-patch",
        )
    if not _HEADER.match(first) and not first.startswith(b"From "):
        raise InputError(_where(raw, raw.first_line), "not a mail or patch file: no headers")
    end = _BLANK_LINE.search(data)
    if end is None and not data.endswith(b"\n"):
        # A mail may consist of headers alone, but then its last line is complete;
        # one cut in the middle of a header line is what a truncated mbox leaves.
        raise InputError(
            _where(raw, raw.first_line),
            "message is truncated: it ends inside its headers",
        )
    if b"\0" in data[: end.start() if end else len(data)]:
        raise InputError(_where(raw, raw.first_line), "not a mail or patch file: NUL in headers")


def _check_line_lengths(raw: RawMail) -> None:
    lines = raw.data.split(b"\n")
    longest = max(lines, key=len)
    if len(longest) > MAX_LINE_BYTES:
        number = raw.first_line + lines.index(longest)
        size = len(longest) / 2**20
        raise InputError(_where(raw, number), f"line is {size:.0f} MiB long: not a mail")


def check_decoded(mail: DecodedMail) -> None:
    """Raise :class:`InputError` for decoding problems that make the content untrustworthy."""
    if mail.failure:
        raise InputError(f"{mail.origin}:{mail.first_line}", mail.failure)
    for problem in mail.problems:
        if problem.startswith("broken base64"):
            raise InputError(f"{mail.origin}:{mail.first_line}", problem)
