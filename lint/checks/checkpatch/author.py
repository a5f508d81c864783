"""cp-author: the patch author signs it off (checkpatch.pl NO_AUTHOR_SIGN_OFF,
FROM_SIGN_OFF_MISMATCH); the rule's ``checkpatch`` name picks one.

The ``From:`` author (after any in-body ``From:``) must be among the
``Signed-off-by:`` lines: the author certifies the Developer's Certificate of
Origin for their own work. The sign-offs are compared with the author as
checkpatch compares them:

- one identical to the author: fine;
- none with the author's name or address: ``NO_AUTHOR_SIGN_OFF`` (an error);
- one with the same name and address but other comments, the same address
  under another name, the same name with another address, or an address that
  differs only by a ``+tag`` sub-address (RFC 5233): ``FROM_SIGN_OFF_MISMATCH``
  (the comments case is a note, checkpatch's CHECK level; the others warn).
  The last sign-off that resembles the author decides the wording.

Only patches with a diff are judged, as by checkpatch; a missing sign-off
altogether is ``signed-off-by``'s (MISSING_SIGN_OFF) business.

No parameters.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lint.checks.api import CheckKind, Finding
from lint.checks.checkpatch.common import after_headers, parse_email, same_email_addresses
from lint.checks.checkpatch.signature import patch_author
from lint.diagnostic import Part, Severity
from lint.lazyregex import lazy_regex
from lint.patch.model import Memo
from lint.record import record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Literal

    from lint.checks.api import CheckContext
    from lint.mail.model import TextLine
    from lint.patch.model import Patch
    from lint.rulebook.conditions import Trigger

_SIGN_OFF = lazy_regex(r"^\s*signed-off-by:\s*(.*)", re.IGNORECASE)
_SUBADDRESS = lazy_regex(r"(\S+)\+\S+(@.*)")
_AUTHOR_SIGN_OFF: Memo[tuple[int, TextLine | None]] = Memo("checkpatch author sign-off")
_MISMATCH = {
    2: "email comments mismatch",
    3: "email name mismatch",
    4: "email address mismatch",
    5: "email subaddress mismatch",
}


@record
class Params:
    """Parameters of a ``cp-author`` rule."""

    type: Literal["NO_AUTHOR_SIGN_OFF", "FROM_SIGN_OFF_MISMATCH"]
    """The checkpatch type the rule reports: one rule per type, its ``checkpatch``
    name the same."""


def check(
    patch: Patch, params: Params, trigger: Trigger | None, context: CheckContext
) -> Iterator[Finding]:
    """Report the rule's checkpatch type (see the module docstring)."""
    author = patch_author(patch)
    if not author or not patch.has_diff:
        return
    level, matched = _shared_author_sign_off(patch, author)
    if level in (-1, 1):
        return
    if level == 0:
        if params.type == "NO_AUTHOR_SIGN_OFF":
            line = patch.mail.author_line or patch.subject.line
            yield Finding(
                f"Missing Signed-off-by: line by nominal patch author '{author}'",
                line,
                Part.HEADER,
            )
        return
    if params.type != "FROM_SIGN_OFF_MISMATCH" or matched is None:
        return
    value = _SIGN_OFF.match(matched.text)
    shown = value.group(1) if value else matched.text
    yield Finding(
        f"From:/Signed-off-by: {_MISMATCH[level]}: 'From: {author}' != 'Signed-off-by: {shown}'",
        matched.line,
        Part.TRAILER,
        grade=Severity.NOTE if level == 2 else None,  # checkpatch: a CHK, not a WARNING
    )


def _shared_author_sign_off(patch: Patch, author: str) -> tuple[int, TextLine | None]:
    """:func:`_author_sign_off`, computed once per patch for both types."""
    return patch.memo(_AUTHOR_SIGN_OFF, lambda: _author_sign_off(patch, author))


def _author_sign_off(patch: Patch, author: str) -> tuple[int, TextLine | None]:
    """checkpatch's ``$authorsignoff`` (-1: no sign-off at all) and the line that set it."""
    level, matched, seen = 0, None, False
    wanted = parse_email(author)
    for item in after_headers(patch):
        found = _SIGN_OFF.match(item.text)
        if found is None:
            continue
        seen = True
        value = found.group(1)
        if same_email_addresses(value, author):
            return 1, item
        signer = parse_email(value)
        same_address = signer.address.lower() == wanted.address.lower()
        if same_address and signer.name == wanted.name:
            level, matched = 2, item
        elif same_address:
            level, matched = 3, item
        elif signer.name == wanted.name:
            level, matched = 4, item
            if _strip_subaddress(signer.address) == _strip_subaddress(wanted.address):
                level = 5
    return (level, matched) if seen else (-1, None)


def _strip_subaddress(address: str) -> str:
    found = _SUBADDRESS.search(address)
    return found.group(1) + found.group(2) if found else address


KIND = CheckKind(
    name="cp-author", params_type=Params, doc=__doc__ or "", on_patch=check, alias_param="type"
)
