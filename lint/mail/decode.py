"""Decode one mail exactly as ``git mailinfo msg patch`` does.

This is a line-for-line port of git's ``mailinfo.c`` (the default options of
plain ``git mailinfo``: re-code to UTF-8, in-body headers on, no scissors,
``mailinfo.quotedCR=warn``), working on bytes and recording, for every line it
writes, the input line it came from.  git's quirks are kept on purpose, because
``git am`` is what will apply the patch and the linter must see what git sees:

- headers are unfolded and right-trimmed; the first line that is not a header
  ends them, and at end of input git's reader hands back the *last* line again
  (``strbuf_getwholeline`` does not reset its buffer once EOF is flagged);
- a malformed ``=?`` in any header, an unknown charset or a line invalid in the
  declared charset makes git stop reading the body (``input_error``);
- the line right after a MIME part's headers is never checked for a boundary;
- only the first line of the patch is re-coded to UTF-8, the rest stays as sent.

Git's own warnings and errors become :attr:`DecodedMail.problems`.
"""

from lint.errors import InputError
from lint.lazyregex import lazy_regex
from lint.mail.headers import SPACE, clean_subject, cleanup_space, decode_words, parse_author
from lint.mail.model import DecodedMail, RawMail
from lint.mail.scan import DATE, FROM, SUBJECT, MailinfoScan

__all__ = ["clean_subject", "decode"]

_ANGLE_ID = lazy_regex(r"<[^<>]*>")


def _c_string(value: bytes) -> bytes:
    nul = value.find(b"\0")
    return value if nul < 0 else value[:nul]


def _text(value: bytes, what: str, problems: list[str]) -> str:
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        problems.append(f"invalid UTF-8 in {what} (shown as U+FFFD)")
        return value.decode("utf-8", "replace")


def _angle_id(value: str) -> str:
    match = _ANGLE_ID.search(value)
    return match.group(0) if match else value.strip()


def _top_headers(info: MailinfoScan) -> tuple[tuple[str, str], ...]:
    headers: list[tuple[str, str]] = []
    for header in info.top_headers:
        if header.value.startswith((b"From ", b">From ")):
            continue  # the mbox separator, not a header
        name, _, value = header.value.partition(b":")
        decoded, _ = decode_words(_c_string(value).strip(SPACE))
        headers.append((name.decode("utf-8", "replace"), decoded.decode("utf-8", "replace")))
    return tuple(headers)


def decode(raw: RawMail, *, scissors: bool = False, inbody_headers: bool = True) -> DecodedMail:
    """Decode ``raw`` exactly as ``git mailinfo [--scissors] [--no-inbody-headers]`` would.

    Author, email, date and cleaned subject are what mailinfo prints; ``message``
    and ``patch`` are its msg and patch files (decoded from UTF-8, invalid bytes
    shown as U+FFFD).  A "line" of message/patch is a piece ended by ``\\n`` (or
    the unterminated end), so ``message_lines`` has ``message.count("\\n")`` items,
    plus one when the text does not end with a newline.  Never raises for bad
    mail: what git would complain about is listed in ``problems``.
    """
    if not isinstance(raw.data, bytes):
        raise InputError(raw.origin, "mail data is not bytes")
    info = MailinfoScan(raw.data, raw.first_line, scissors, inbody_headers)
    problems = info.problems
    if not info.run():
        problems.append("empty mail (git mailinfo: empty patch)")
    headers = _top_headers(info)

    author_bytes = email_bytes = b""
    author_hdr = info.chosen(FROM)
    if author_hdr is not None:
        found = parse_author(cleanup_space(author_hdr.value))
        author_bytes, email_bytes = found.name, found.email
    subject_hdr = info.chosen(SUBJECT)
    date_hdr = info.chosen(DATE)
    for name, chosen in (("From", author_hdr), ("Subject", subject_hdr), ("Date", date_hdr)):
        if chosen is not None and b"\0" in chosen.value:
            problems.append(f"a NUL byte in '{name}' is not allowed (git mailinfo fails)")

    subject_raw = _text(_c_string(subject_hdr.value), "Subject", problems) if subject_hdr else ""
    subject = subject_raw.strip(" \t\r\n")
    message_bytes, message_lines = info.message.finish()
    patch_bytes, patch_lines = info.patch.finish()
    by_name = {name.lower(): value for name, value in reversed(headers)}
    return DecodedMail(
        origin=raw.origin,
        index=raw.index,
        first_line=raw.first_line,
        author_name=_text(_c_string(author_bytes), "author name", problems),
        author_email=_text(_c_string(email_bytes), "author email", problems),
        author_line=author_hdr.line if author_hdr else 0,
        date=cleanup_space(_c_string(date_hdr.value)).decode("utf-8", "replace")
        if date_hdr
        else "",
        subject=subject,
        subject_clean=clean_subject(subject_raw),
        subject_line=subject_hdr.line if subject_hdr else 0,
        message_id=_angle_id(by_name.get("message-id", "")),
        in_reply_to=_angle_id(by_name.get("in-reply-to", "")),
        references=tuple(_ANGLE_ID.findall(by_name.get("references", ""))),
        headers=headers,
        message=_text(message_bytes, "message", problems),
        message_lines=message_lines,
        patch=_text(patch_bytes, "patch", problems),
        patch_lines=patch_lines,
        problems=tuple(problems),
        failure=info.failure,
    )
