"""What the checkpatch-parity kinds (``cp_*``) share: the commit log as checkpatch sees it,
and checkpatch's e-mail address parsing.

checkpatch.pl reads a patch file line by line with a small state machine. The
part it calls the *commit log* starts after the mail headers and ends at the
first ``Signed-off-by:`` line (whatever its case), at a ``---`` line or at the
diff. Most commit-message checks (long lines, spelling, commit references,
link tags) look only at that part, so text after the first sign-off (the other
tags, maintainers' ``[ bp: ... ]`` notes) is never judged by them. The
signature checks, on the other hand, look at every line after the headers.

These helpers are not a check kind: they are not registered in
:data:`lint.checks.registry.KINDS`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from lint.diagnostic import Part
from lint.lazyregex import lazy_regex
from lint.mail.model import TextLine
from lint.patch.model import Memo, Patch
from lint.record import record

_SIGN_OFF = lazy_regex(r"\s*signed-off-by:", re.IGNORECASE)
_SIGN_OFF_FIRST = frozenset("sS \t\f\v")

# The views of a patch about fifteen checks share, each computed once per patch.
_COMMIT_LOG: Memo[tuple[TextLine, ...]] = Memo("checkpatch commit log")
_COMMIT_LOG_TEXT: Memo[str] = Memo("checkpatch commit log text")
_AFTER_HEADERS: Memo[tuple[TextLine, ...]] = Memo("checkpatch lines after headers")
_AFTER_HEADERS_TEXT: Memo[str] = Memo("checkpatch lines after headers text")


def commit_log(patch: Patch) -> tuple[TextLine, ...]:
    """The changelog lines checkpatch treats as the commit log: up to the first sign-off.

    Computed once per patch (about fifteen checks ask for it).
    """
    return patch.memo(_COMMIT_LOG, lambda: _commit_log(patch.changelog.lines))


def _commit_log(lines: tuple[TextLine, ...]) -> tuple[TextLine, ...]:
    for index, item in enumerate(lines):
        # A cheap test first: a sign-off line starts with "s", "S" or a blank.
        if item.text[:1] in _SIGN_OFF_FIRST and _SIGN_OFF.match(item.text):
            return lines[:index]
    return lines


def commit_log_text(patch: Patch) -> str:
    """The commit log as one string, for one search over all of it (computed once)."""
    return patch.memo(_COMMIT_LOG_TEXT, lambda: "\n".join(item.text for item in commit_log(patch)))


# Pasted kernel output: checkpatch stops judging line length and commit ids from such a
# line up to the next blank one (logs are quoted verbatim so they can be searched for).
_STACK_DUMP_START = lazy_regex(
    r"^\s*(?:WARNING:|BUG:)"
    r"|^\s*\[\s*\d+\.\d{6,6}\s*\]"
    r"|^\s*\[<[0-9a-fA-F]{8,}>\]"
    r"|^(?:\s+\w+:\s+[0-9a-fA-F]+){3,3}"
    r"|^\s*#\d+\s*\[[0-9a-fA-F]+\]\s*\w+ at [0-9a-fA-F]+",
    re.ASCII,
)


def stack_dump_flags(lines: Sequence[TextLine]) -> list[bool]:
    """For each line, whether it sits in pasted kernel output (checkpatch's state)."""
    flags: list[bool] = []
    inside = False
    for item in lines:
        text = item.text
        if not text.strip():
            flags.append(inside)
            inside = False
            continue
        if not inside and _STACK_DUMP_START.search(text):
            inside = True
        flags.append(inside)
    return flags


def after_headers(patch: Patch) -> tuple[TextLine, ...]:
    """Every changelog line, then the notes below ``---``: where checkpatch checks tags."""
    return patch.memo(_AFTER_HEADERS, lambda: patch.changelog.lines + patch.notes)


def after_headers_text(patch: Patch) -> str:
    """:func:`after_headers` as one string (computed once)."""
    return patch.memo(
        _AFTER_HEADERS_TEXT, lambda: "\n".join(item.text for item in after_headers(patch))
    )


def part_of(patch: Patch, line: int) -> Part:
    """``body``, ``trailer`` or ``notes``: the logical part an input line belongs to."""
    if patch.separator_line and line > patch.separator_line:
        return Part.NOTES
    trailer_line = patch.changelog.trailer_line
    return Part.TRAILER if trailer_line and line >= trailer_line else Part.BODY


# --- balanced parentheses, as checkpatch's $balanced_parens -------------------------------


def balanced_parens(text: str, start: int) -> int:
    """End (exclusive) of the balanced ``( ... )`` group opening at ``text[start]``, or -1."""
    if start >= len(text) or text[start] != "(":
        return -1
    depth = 0
    for position in range(start, len(text)):
        char = text[position]
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return position + 1
    return -1


# --- e-mail addresses, as checkpatch's parse_email/format_email ---------------------------

_ANGLE_FORM = lazy_regex(r"^(.*)<(\S+@\S+)>(.*)$", re.DOTALL)
_BARE_ANGLE = lazy_regex(r"^\s*<(\S+@\S+)>(.*)$", re.DOTALL)
_BARE = lazy_regex(r"(\S+@\S+)(.*)$", re.DOTALL)
_QUOTED = lazy_regex(r'"(.+)"')
_MUST_QUOTE = lazy_regex(r"[^\w \-]", re.ASCII)
_UNESCAPED_QUOTE = lazy_regex(r'(?<!\\)"')
_EDGE_QUOTES = lazy_regex(r'^"|"$')
_EDGE_ANGLES = lazy_regex(r"^<|>$")
_WHOLE_ANGLED = lazy_regex(r"<[^>]+>")
_TRAILING_JUNK = lazy_regex(r'[.,"]+$')
# "Plain Name <addr@host>": by far the most common form, parsed without the general path.
_PLAIN = lazy_regex(r"([\w \-]*)<([^\s<>]+@[^\s<>]+)>", re.ASCII)


@record
class Email:
    """An address split as checkpatch splits it: ``"Name" (comment) <addr> comment``."""

    name: str
    name_comment: str
    address: str
    comment: str


def _trim(text: str) -> str:
    # Perl's trim: leading and trailing whitespace.
    return text.strip(" \t\r\n\f\v")


def _strip_name(name: str) -> str:
    return name.strip(' "')


def _extract_paren_comment(name: str) -> tuple[str, str] | None:
    """checkpatch's ``s/\\s*($balanced_parens)\\s*/ /``: first group out, one space in."""
    start = name.find("(")
    while start >= 0:
        end = balanced_parens(name, start)
        if end >= 0:
            left = name[:start].rstrip(" \t\r\n\f\v")
            right = name[end:].lstrip(" \t\r\n\f\v")
            return f"{left} {right}", name[start:end]
        start = name.find("(", start + 1)
    return None


MAX_EMAIL = 1024
"""Longest name-and-address parsed: past it a tag's value is no address (RFC 5321 allows
254 characters for the address), and checkpatch's regexes would take quadratic time."""


def parse_email(text: str) -> Email:
    """checkpatch's ``parse_email``; an unrecognised form gives an empty address."""
    if len(text) > MAX_EMAIL:
        return Email("", "", "", _trim(text))
    if plain := _PLAIN.fullmatch(text):
        return Email(plain.group(1).strip(" "), "", plain.group(2), "")
    name = name_comment = address = comment = ""
    quoted = ""
    if found := _ANGLE_FORM.match(text):
        name, address, comment = found.group(1), found.group(2), found.group(3)
    elif found := _BARE_ANGLE.match(text):
        address, comment = found.group(1), found.group(2)
    elif found := _BARE.search(text):
        address, comment = found.group(1), found.group(2)
        name = _trim(text[: text.find(address)])
        name = _EDGE_QUOTES.sub("", name)
        # "joe smith joe@smith.com" is not an address: checkpatch drops it all.
        if name and not _WHOLE_ANGLED.fullmatch(address):
            name = address = comment = ""
    if found := _QUOTED.search(name):
        quoted = found.group(1)
        name = name[: found.start()] + name[found.end() :]
    while (extracted := _extract_paren_comment(name)) is not None:
        name, group = extracted
        name_comment += _trim(group)
    name = _trim(f"{quoted} {_strip_name(name)}")
    address = _EDGE_ANGLES.sub("", _trim(address))
    comment = _trim(comment)
    if _MUST_QUOTE.search(name):
        name = '"' + _UNESCAPED_QUOTE.sub('\\"', name) + '"'
    return Email(name, name_comment, address, comment)


def format_email(email: Email) -> str:
    """checkpatch's ``format_email``: ``Name (comment) <addr> comment``."""
    name = _strip_name(email.name)
    address = _TRAILING_JUNK.sub("", _trim(email.address))
    if _MUST_QUOTE.search(name):
        name = '"' + _UNESCAPED_QUOTE.sub('\\"', name) + '"'
    name_comment = _trim(email.name_comment)
    name_comment = f" {name_comment}" if name_comment else ""
    comment = _trim(email.comment)
    comment = f" {comment}" if comment else ""
    formatted = address if not name else f"{name}{name_comment} <{address}>"
    return formatted + comment


def same_email_addresses(first: str, second: str) -> bool:
    """checkpatch's ``same_email_addresses``: every parsed part equal."""
    return parse_email(first) == parse_email(second)
