"""cp-signature: checkpatch.pl's tag-line checks (BAD_SIGN_OFF, BAD_STABLE_ADDRESS_STYLE,
BAD_REPORTED_BY_LINK), line for line.

Every line after the mail headers that starts like a tag (``Something-by:``,
``Cc:``, ``To:``...) is read as checkpatch reads it; the rule's ``checkpatch``
name picks which findings it reports:

- ``BAD_SIGN_OFF``: a tag that is not one of the documented ones (with a
  suggestion when it is two edits away from one), whitespace before the tag,
  a ``-by:`` tag not in ``Signed-off-by:`` case, anything but one space after
  the colon, an address checkpatch cannot read (an error), an address that
  would be better written another way, a comment inside the address, more
  than one name comment, text after the address that is neither ``# ...`` nor
  ``(...)``, the same tag line twice, ``Co-developed-by:`` naming the patch
  author or not followed by the matching ``Signed-off-by:``;
- ``BAD_STABLE_ADDRESS_STYLE``: ``stable@vger.kernel.org`` with a display
  name or with a comment not written ``# ...``;
- ``BAD_REPORTED_BY_LINK``: ``Reported-by:`` not directly followed by
  ``Closes:``.

The lines looked at are the changelog and the notes below ``---`` (checkpatch
also reads tag-like diff context lines; a changed file's text is not a tag).

No parameters.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from lint.checks.api import CheckKind, Finding
from lint.checks.checkpatch.common import (
    Email,
    after_headers,
    after_headers_text,
    format_email,
    parse_email,
    part_of,
)
from lint.diagnostic import Severity
from lint.lazyregex import lazy_regex
from lint.patch.model import Memo
from lint.record import record, replace

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Literal

    from lint.checks.api import CheckContext
    from lint.mail.model import TextLine
    from lint.patch.model import Patch
    from lint.rulebook.conditions import Trigger

# checkpatch's $signature_tags (unanchored when it tells a known tag from another).
_SIGNATURE_TAGS = (
    r"Signed-off-by:|Co-developed-by:|Acked-by:|Tested-by:|Reviewed-by:|Reported-by:"
    r"|Suggested-by:|Assisted-by:|To:|Cc:"
)
_KNOWN_TAG = lazy_regex(_SIGNATURE_TAGS, re.IGNORECASE)
_TAG_LINE = lazy_regex(
    rf"^(\s*)([a-z0-9_-]+by:|{_SIGNATURE_TAGS})(\s*)(.*)", re.IGNORECASE | re.ASCII
)
_STANDARD_TAGS = (
    "Signed-off-by:",
    "Co-developed-by:",
    "Acked-by:",
    "Tested-by:",
    "Reviewed-by:",
    "Reported-by:",
    "Suggested-by:",
)
_STABLE = lazy_regex(r"stable@(?:vger\.)?kernel\.org", re.IGNORECASE)
_NAME_COMMENT = lazy_regex(r"\([^)]+\)")
_NEXT_SIGN_OFF = lazy_regex(r"signed-off-by:\s*(.*)", re.IGNORECASE)
_NEXT_CLOSES = lazy_regex(r"closes:", re.IGNORECASE)
# "Name <addr@host>" with no character checkpatch would quote, re-format or strip.
_PLAIN = lazy_regex(r"[\w\-]+(?: [\w\-]+)* <[^\s<>()]+@[^\s<>()]+>", re.ASCII)
_PLAIN_TAIL = lazy_regex(r"[^.,\"]>$")
# The text a tag line must hold to give each narrower type a finding.
_AUTHOR: Memo[str] = Memo("checkpatch author")
_NEEDLES = {"BAD_STABLE_ADDRESS_STYLE": "stable@", "BAD_REPORTED_BY_LINK": "reported"}
_CO_DEVELOPED_ALONE = "Co-developed-by: must be immediately followed by Signed-off-by:"
_CO_DEVELOPED_MISMATCH = "Co-developed-by and Signed-off-by: name/email do not match"


@record
class Params:
    """Parameters of a ``cp-signature`` rule."""

    type: Literal["BAD_SIGN_OFF", "BAD_STABLE_ADDRESS_STYLE", "BAD_REPORTED_BY_LINK"]
    """The checkpatch type the rule reports: one rule per type, its ``checkpatch``
    name the same."""


def check(
    patch: Patch, params: Params, trigger: Trigger | None, context: CheckContext
) -> Iterator[Finding]:
    """Report the rule's checkpatch type on every tag line after the headers."""
    wanted = params.type
    lines = after_headers(patch)
    # Each type needs only some tag lines: a substring test on the whole text first.
    needle = _NEEDLES.get(wanted)
    if needle is not None and needle not in after_headers_text(patch).lower():
        return
    author = patch_author(patch) if wanted == "BAD_SIGN_OFF" else ""
    seen: set[str] = set()
    for index, item in enumerate(lines):
        text = item.text
        lowered = text.lower()
        # Every tag checkpatch knows ends in "by:" or is "To:"/"Cc:": a cheap test first.
        if "by:" not in lowered and lowered.lstrip()[:3] not in ("to:", "cc:"):
            continue
        if needle is not None and needle not in lowered:
            continue
        found = _TAG_LINE.match(text)
        if found is None:
            continue
        following = _next_line(lines, index)
        for type_, message, severity in _tag_findings(found, following, author, seen):
            if type_ == wanted:
                yield Finding(message, item.line, part_of(patch, item.line), grade=severity)


def patch_author(patch: Patch) -> str:
    """The author as checkpatch formats it from ``From:`` (quotes dropped, re-formatted)."""
    return patch.memo(_AUTHOR, lambda: _format_author(patch))


def _format_author(patch: Patch) -> str:
    mail = patch.mail
    name = mail.author_name.replace('"', "")
    text = f"{name} <{mail.author_email}>" if name else mail.author_email
    if not mail.author_email:
        return ""
    return format_email(parse_email(text))


def _next_line(lines: Sequence[TextLine], index: int) -> str:
    """The input line right after ``lines[index]``, ``""`` when it is not a changelog line."""
    if index + 1 < len(lines) and lines[index + 1].line == lines[index].line + 1:
        return lines[index + 1].text
    return ""  # the separator or a blank line: certainly not a tag


def _tag_findings(
    found: re.Match[str], following: str, author: str, seen: set[str]
) -> Iterator[tuple[str, str, Severity | None]]:
    space_before, sign_off, space_after, email = found.groups()
    preferred = sign_off[:1].upper() + sign_off[1:].lower()
    if not _KNOWN_TAG.search(sign_off):
        suggestion = _standard_signature(sign_off)
        if suggestion:
            yield (
                "BAD_SIGN_OFF",
                f"Non-standard signature: '{sign_off}' - perhaps '{suggestion}'?",
                None,
            )
        else:
            yield "BAD_SIGN_OFF", f"Non-standard signature: {sign_off}", None
    if space_before:
        yield "BAD_SIGN_OFF", f"Do not use whitespace before {preferred}", None
    if sign_off.lower().endswith("-by:") and sign_off != preferred:
        yield "BAD_SIGN_OFF", f"'{preferred}' is the preferred signature form", None
    if space_after != " ":
        yield "BAD_SIGN_OFF", f"Use a single space after {preferred}", None
    if sign_off.lower() == "assisted-by:":
        # Assisted-by names a tool (AGENT:MODEL), not a person; checkpatch stops here.
        if not re.match(r"\S+:\S+", email):
            yield (
                "BAD_SIGN_OFF",
                "Assisted-by expects 'AGENT_NAME:MODEL_VERSION [TOOL1] [TOOL2]' format",
                None,
            )
        return
    yield from _address_findings(email, parse_email(email))
    key = "".join(found.group(0).split()).lower()
    if key in seen:
        yield "BAD_SIGN_OFF", "Duplicate signature", None
    seen.add(key)
    lowered = sign_off.lower()
    if lowered == "co-developed-by:":
        if email == author:
            yield (
                "BAD_SIGN_OFF",
                f"Co-developed-by: should not be used to attribute nominal patch author '{author}'",
                None,
            )
        next_sign_off = _NEXT_SIGN_OFF.match(following)
        if next_sign_off is None:
            yield "BAD_SIGN_OFF", _CO_DEVELOPED_ALONE, None
        elif next_sign_off.group(1) != email:
            yield "BAD_SIGN_OFF", _CO_DEVELOPED_MISMATCH, None
    if lowered in ("reported-by:", "reported-and-tested-by:") and not _NEXT_CLOSES.match(following):
        yield (
            "BAD_REPORTED_BY_LINK",
            "Reported-by: should be immediately followed by Closes: with a URL to the report",
            None,
        )


def _address_findings(email: str, parsed: Email) -> Iterator[tuple[str, str, Severity | None]]:
    if _PLAIN_TAIL.search(email) and _PLAIN.fullmatch(email) and "stable@" not in email.lower():
        return  # "Plain Name <addr>": nothing to say (the common case, decided quickly)
    suggested = format_email(parsed)
    if not suggested:
        yield "BAD_SIGN_OFF", f"Unrecognized email address: '{email}'", Severity.ERROR
        return
    if parse_email(suggested) != parsed:  # checkpatch's same_email_addresses
        yield "BAD_SIGN_OFF", f"email address '{email}' might be better as '{suggested}'", None
    stripped = re.sub(r"\([^()]*\)", "", parsed.address)
    if stripped != parsed.address:
        yield (
            "BAD_SIGN_OFF",
            f"address part of email should not have comments: '{parsed.address}'",
            None,
        )
    if len(_NAME_COMMENT.findall(parsed.name_comment)) > 1:
        yield "BAD_SIGN_OFF", f"Use a single name comment in email: '{email}'", None
    comment = parsed.comment
    if _STABLE.search(email):
        if (comment and not re.match(r"#.", comment)) or parsed.name:
            yield (
                "BAD_STABLE_ADDRESS_STYLE",
                f"Invalid email format for stable: '{email}', prefer '{_stable_form(parsed)}'",
                None,
            )
    elif comment and not re.fullmatch(r"#.+|\(.+\)", comment, re.DOTALL):
        yield (
            "BAD_SIGN_OFF",
            f"Unexpected content after email: '{email}', should be: '{_comment_form(parsed)}'",
            None,
        )


def _stable_form(parsed: Email) -> str:
    """``stable@vger.kernel.org # comment``: the form the stable scripts parse."""
    leftover = re.sub(r"[a-zA-Z\s\-\"]+", "", parsed.name)
    comment = parsed.comment
    comment = re.sub(r"^\((.*)\)$", r"\1", comment)
    comment = re.sub(r"^\[(.*)\]$", r"\1", comment)
    comment = re.sub(r"^[\s#]+|\s+$", "", comment)
    if leftover != comment:
        comment = f"{comment} {leftover}".strip()
    return parsed.address + (f" # {comment}" if comment else "")


def _comment_form(parsed: Email) -> str:
    comment = re.sub(r"^\[(.*)\]$", r"\1", parsed.comment)
    comment = re.sub(r"^/\*(.*)\*/$", r"\1", comment).strip()
    comment = re.sub(r"^\W$", "", comment, flags=re.ASCII)
    comment = f"({comment})" if comment else ""
    return format_email(replace(parsed, comment=comment))


def _standard_signature(sign_off: str) -> str:
    """A documented tag within two edits of ``sign_off`` (checkpatch's suggestion), or ``""``."""
    for tag in _STANDARD_TAGS:
        if _edit_distance(sign_off, tag) <= 2:
            return tag
    return ""


def _edit_distance(first: str, second: str) -> int:
    """Levenshtein distance, ignoring case and hyphens (as checkpatch computes it)."""
    a = first.lower().replace("-", "")
    b = second.lower().replace("-", "")
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            if char_a == char_b:
                current.append(previous[j - 1])
            else:
                current.append(1 + min(current[j - 1], previous[j], previous[j - 1]))
        previous = current
    return previous[-1]


KIND = CheckKind(
    name="cp-signature", params_type=Params, doc=__doc__ or "", on_patch=check, alias_param="type"
)
