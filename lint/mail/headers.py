"""Header-level pieces of ``git mailinfo``: RFC 2047 words, charsets, authors, subjects.

Everything here is a port of the matching function of git's ``mailinfo.c`` and
works on bytes, because git does: a header is whatever bytes the sender put
there, and only an RFC 2047 encoded word or a declared ``charset=`` says how to
turn them into UTF-8.  Undeclared 8-bit bytes pass through untouched, exactly
as ``git mailinfo`` passes them to ``git am``.

git uses its own ``isspace()`` (``sane_ctype``): only space, tab, LF and CR are
white space; vertical tab and form feed are not.  :data:`SPACE` is that set.
"""

from __future__ import annotations

import codecs

from lint.lazyregex import lazy_regex
from lint.record import record

SPACE = b" \t\n\r"
"""git's ``isspace()`` set (``sane_ctype``), which excludes ``\\v`` and ``\\f``."""

_SPACE_RUN = lazy_regex(rb"[ \t\n\r]+")
_SPACE_RUN_TEXT = lazy_regex(r"[ \t\n\r]+")

# Python knows codecs that iconv (what git uses) has never heard of; a mail
# naming one of them is treated as naming an unknown charset, as git would.
_NOT_ICONV = frozenset(
    {
        "idna",
        "punycode",
        "raw_unicode_escape",
        "unicode_escape",
        "mbcs",
        "oem",
        "palmos",
        "undefined",
        "charmap",
        "utf-8-sig",
        "utf-7",
    }
)


_ICONV_DROP = lazy_regex(r"[^A-Za-z0-9_.,:-]")
# Python forgives what glibc does not: "us-" or "utf--8" would be found by
# codecs.lookup (which collapses punctuation) but not by iconv_open.
_LOOSE_NAME = lazy_regex(r"^[_.,:-]|[_.,:-]$|[_.,:-]{2}")


class CharsetError(Exception):
    """A charset conversion that ``git mailinfo`` would refuse (``cannot convert``)."""


@record
class Author:
    """Name and address as ``git mailinfo`` prints them (``Author:``, ``Email:``)."""

    name: bytes
    email: bytes


def cleanup_space(value: bytes) -> bytes:
    """Turn every run of white space into one space (git's ``cleanup_space``)."""
    return _SPACE_RUN.sub(b" ", value)


def trim(value: bytes) -> bytes:
    """``strbuf_trim``: strip git white space from both ends."""
    return value.strip(SPACE)


def is_utf8_name(name: bytes) -> bool:
    """git's ``is_encoding_utf8``: ``utf-8``, ``UTF8``... (an optional dash after ``utf``)."""
    lowered = name.lower()
    return lowered in (b"utf-8", b"utf8")


def convert_to_utf8(data: bytes, charset: bytes) -> bytes:
    """Re-code ``data`` from ``charset`` to UTF-8 the way git's ``convert_to_utf8`` does.

    No charset, or a spelling of UTF-8, means "leave the bytes alone" (so invalid
    UTF-8 passes through).  An unknown charset or bytes invalid in the declared
    one raise :class:`CharsetError`, where git reports ``cannot convert``.
    """
    if not charset or is_utf8_name(charset):
        return data
    name = iconv_name(charset)
    shown = charset.decode("latin-1")
    try:
        if not name or _LOOSE_NAME.search(name):
            raise LookupError(name)
        info = codecs.lookup(name)
    except (LookupError, ValueError):
        raise CharsetError(f"unknown charset {shown!r}") from None
    if not info._is_text_encoding or info.name in _NOT_ICONV:
        raise CharsetError(f"unknown charset {shown!r}")
    try:
        return info.decode(data)[0].encode("utf-8", "surrogatepass")
    except (UnicodeError, ValueError):
        raise CharsetError(f"bytes that are not valid {name}") from None


def iconv_name(charset: bytes) -> str:
    """The charset name as glibc's ``iconv_open`` reads it.

    glibc drops every byte but letters, digits and ``_-.,:`` and stops at a
    ``/`` (the ``//TRANSLIT`` suffix), so ``"iso-8859-1"`` with quotes still
    names ISO-8859-1.
    """
    return _ICONV_DROP.sub("", charset.split(b"/", 1)[0].decode("latin-1"))


def decode_q(segment: bytes, rfc2047: bool) -> bytes:
    """git's ``decode_q_segment``: quoted-printable, or RFC 2047 ``Q`` when ``rfc2047``.

    A ``=`` before the end of the line (or before ``\\n``) ends decoding: that is
    QP's soft line break.  A ``=`` not followed by two hex digits is kept.
    """
    nul = segment.find(b"\0")
    if nul >= 0:  # git walks a C string
        segment = segment[:nul]
    if rfc2047:
        segment = segment.replace(b"_", b" ")
    if b"=" not in segment:
        return segment
    out = bytearray()
    start = 0
    size = len(segment)
    while True:
        eq = segment.find(b"=", start)
        if eq < 0:
            out += segment[start:]
            break
        out += segment[start:eq]
        if eq + 1 >= size or segment[eq + 1] == 0x0A:
            break
        pair = segment[eq + 1 : eq + 3]
        if len(pair) == 2 and _is_hex(pair):
            out.append(int(pair, 16))
            start = eq + 3
        else:
            out.append(0x3D)
            start = eq + 1
    return bytes(out)


_HEX = frozenset(b"0123456789abcdefABCDEF")


def _is_hex(pair: bytes) -> bool:
    return pair[0] in _HEX and pair[1] in _HEX


_B64_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_B64_GARBAGE = bytes(sorted(set(range(256)) - set(_B64_ALPHABET)))
_B64_PAD = {0: b"", 1: b"", 2: b"==", 3: b"="}


def decode_b(segment: bytes) -> bytes:
    """git's ``decode_b_segment``: base64, skipping any non-alphabet byte (``=`` too).

    Each call starts afresh, so bits left over at the end of a line are lost,
    exactly as git decodes a base64 body line by line.
    """
    import binascii

    nul = segment.find(b"\0")
    if nul >= 0:
        segment = segment[:nul]
    clean = segment.translate(None, _B64_GARBAGE)
    rest = len(clean) % 4
    if rest == 1:
        clean = clean[:-1]
    return binascii.a2b_base64(clean + _B64_PAD[rest])


def decode_words(value: bytes) -> tuple[bytes, str]:
    """Decode RFC 2047 encoded words in a header value (git's ``decode_header``).

    Returns the decoded bytes and ``""``, or, when git gives up (a stray ``=?``,
    an unknown encoding or charset), the value unchanged and the reason: git
    then keeps the header encoded and ends with a failure status.
    """
    if b"=?" not in value:
        return value, ""
    out = bytearray()
    pos = 0
    size = len(value)
    while pos <= size:
        start = value.find(b"=?", pos)
        if start < 0:
            break
        if start != pos:
            gap = value[pos:start]
            # White space between two encoded words is dropped (RFC 2047 6.2);
            # text, or white space before the first word, is kept.
            if gap.strip(SPACE) or pos == 0:
                out += gap
        name_at = start + 2
        qmark = value.find(b"?", name_at) if name_at < size else -1
        if qmark < 0 or qmark + 3 > size:
            return value, "unterminated '=?' in header"
        charset = value[name_at:qmark]
        encoding = value[qmark + 1 : qmark + 2].lower()
        if value[qmark + 2 : qmark + 3] != b"?":
            return value, "malformed RFC 2047 encoded word"
        end = value.find(b"?=", qmark + 3)
        if end < 0:
            return value, "unterminated RFC 2047 encoded word"
        piece = value[qmark + 3 : end]
        if encoding == b"b":
            decoded = decode_b(piece)
        elif encoding == b"q":
            decoded = decode_q(piece, rfc2047=True)
        else:
            return value, f"unknown RFC 2047 encoding {encoding.decode('latin-1')!r}"
        try:
            out += convert_to_utf8(decoded, charset)
        except CharsetError as err:
            return value, f"cannot convert RFC 2047 word: {err}"
        pos = end + 2
    out += value[pos:]
    return bytes(out), ""


def slurp_attr(value: bytes, name: bytes) -> bytes | None:
    """A ``name=value`` attribute of a header, found anywhere, case-insensitively.

    Like git's ``slurp_attr`` this is a substring search (``xboundary=`` matches
    ``boundary=``); a quoted value runs to the next quote, a bare one to ``;``,
    space or tab.
    """
    at = value.lower().find(name)
    if at < 0:
        return None
    at += len(name)
    if value[at : at + 1] == b'"':
        at += 1
        end = value.find(b'"', at)
        return value[at:] if end < 0 else value[at:end]
    match = _ATTR_END.search(value, at)
    return value[at : match.start()] if match else value[at:]


_ATTR_END = lazy_regex(rb"[; \t]")


def _unquote_comment(text: bytes, pos: int, out: bytearray) -> int:
    # git's unquote_comment() recurses into nested comments; a loop with a depth
    # count does the same without a recursion limit (a mail may nest thousands).
    out.append(0x28)
    literal = False
    depth = 1
    size = len(text)
    while pos < size:
        c = text[pos]
        pos += 1
        if literal:
            literal = False
        elif c == 0x5C:
            literal = True
            continue
        elif c == 0x28:
            depth += 1
        elif c == 0x29:
            depth -= 1
            if depth == 0:
                out.append(0x29)
                return pos
        out.append(c)
    return pos


def _unquote_quoted_string(text: bytes, pos: int, out: bytearray) -> int:
    literal = False
    size = len(text)
    while pos < size:
        c = text[pos]
        pos += 1
        if literal:
            literal = False
        elif c == 0x5C:
            literal = True
            continue
        elif c == 0x22:
            return pos
        out.append(c)
    return pos


def unquote_quoted_pair(text: bytes) -> bytes:
    """Drop RFC 822 quoting: ``"..."`` strings lose their quotes, ``\\x`` becomes ``x``.

    Comments keep their parentheses (git's ``unquote_quoted_pair``).
    """
    if b'"' not in text and b"(" not in text:
        return text
    out = bytearray()
    pos = 0
    size = len(text)
    while pos < size:
        c = text[pos]
        pos += 1
        if c == 0x22:
            pos = _unquote_quoted_string(text, pos, out)
        elif c == 0x28:
            pos = _unquote_comment(text, pos, out)
        else:
            out.append(c)
    return bytes(out)


def _sane_name(name: bytes, email: bytes) -> bytes:
    # git falls back to the address when the "name" is empty, implausibly long
    # (over 60 bytes) or looks like an address itself.
    if not name or len(name) > 60 or any(c in name for c in b"@<>"):
        return email
    return name


def parse_author(value: bytes) -> Author:
    """Name and address of a ``From:`` value, as git's ``handle_from`` finds them.

    ``value`` is the header after ``cleanup_space``.  Handles ``Name <a@b>``,
    ``a@b (Name)``, quoted names with escapes, comments, bare addresses and the
    ``Name <user>`` fallback (no ``@`` at all).
    """
    text = bytearray(unquote_quoted_pair(value))
    at = text.find(b"@")
    if at < 0:
        return _parse_bogus_from(value)
    while at > 0:
        c = text[at - 1]
        if c in SPACE:
            break
        if c == 0x3C:
            text[at - 1] = 0x20
            break
        at -= 1
    match = _EMAIL_END.search_buffer(text, at)
    end = match.start() if match else len(text)
    email = bytes(text[at:end])
    del text[at : end + (1 if end < len(text) else 0)]
    name = trim(cleanup_space(bytes(text)))
    if name[:1] == b"(" and name[-1:] == b")" and len(name) > 1:
        name = name[1:-1]
    return Author(_sane_name(name, email), email)


_EMAIL_END = lazy_regex(rb"[ \n\t\r\v\f>]")


def _parse_bogus_from(value: bytes) -> Author:
    # "John Doe <johndoe>": no '@' anywhere, but an address-like <...>.
    bra = value.find(b"<")
    if bra < 0:
        return Author(b"", b"")
    ket = value.find(b">", bra)
    if ket < 0:
        return Author(b"", b"")
    email = value[bra + 1 : ket]
    return Author(_sane_name(trim(value[:bra]), email), email)


def clean_subject(subject: str) -> str:
    """git mailinfo's subject cleanup (without ``-k``/``-b``).

    Repeatedly drops, from the front: ``Re:`` (any case, only when more text
    follows), a space, tab or ``:``, and a whole ``[...]`` group (any text in
    brackets, not only ``[PATCH ...]``); stops at anything else.  Then trims
    and squeezes white space runs to one space.
    """
    # One pass with an index: slicing the text at each step made a 1 MB subject of ":"
    # take seconds (a new string per character).
    text = subject
    end = _c_string_end(text)
    size = len(text)
    pos = 0
    while pos < size:
        first = text[pos]
        if first in "rR":
            if size - pos <= 3 and len(text[pos:].encode("utf-8", "surrogatepass")) <= 3:
                break
            if text[pos + 1 : pos + 2] in ("e", "E") and text[pos + 2 : pos + 3] == ":":
                pos += 3
                continue
            break
        if first in " \t:":
            pos += 1
            continue
        if first == "[":
            close = text.find("]", pos, end)
            if close < 0:
                break
            pos = close + 1
            continue
        break
    text = text[pos:]
    return _SPACE_RUN_TEXT.sub(" ", text.strip(" \t\n\r"))


def _c_string_end(text: str) -> int:
    nul = text.find("\0")
    return len(text) if nul < 0 else nul
