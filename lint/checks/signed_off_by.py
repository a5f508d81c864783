"""signed-off-by: the changelog carries a ``Signed-off-by:`` trailer.

The Signed-off-by line is the author's statement that they may submit the
work under the Developer's Certificate of Origin
(Documentation/process/submitting-patches.rst). Maintainers cannot apply a
patch without one, and checkpatch.pl reports its absence as
MISSING_SIGN_OFF.

As in checkpatch, any line of the changelog or of the notes below ``---``
that starts with ``Signed-off-by:`` (in any case, after any indentation)
counts, wherever it sits: a sign-off that is not in the closing tag block is
misplaced, not missing.

The fix appends ``Signed-off-by: Author <address>`` (from the mail's
``From:``) at the end of the tag block. Only the author can make that
statement, so the fix is offered, never applied silently.

No parameters.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lint.checks.api import CheckKind, Finding
from lint.checks.checkpatch.common import after_headers
from lint.diagnostic import Fix, Part
from lint.lazyregex import lazy_regex
from lint.record import record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from lint.checks.api import CheckContext
    from lint.patch.model import Patch
    from lint.rulebook.conditions import Trigger


_SIGN_OFF = lazy_regex(r"\s*signed-off-by:", re.IGNORECASE)


@record
class Params:
    """``signed-off-by`` takes no parameters."""


def check(
    patch: Patch, params: Params, trigger: Trigger | None, context: CheckContext
) -> Iterator[Finding]:
    """Report a changelog without any ``Signed-off-by:`` trailer."""
    trailers = patch.changelog.trailers
    if any(t.key.lower() == "signed-off-by" for t in trailers):
        return
    if any(_SIGN_OFF.match(item.text) for item in after_headers(patch)):
        return
    sign_off = _sign_off(patch)
    if trailers:
        line, part = patch.changelog.trailer_line or trailers[0].line, Part.TRAILER
    else:
        line, part = patch.subject.line, Part.SUBJECT
    yield Finding(
        "missing 'Signed-off-by:' line",
        line,
        part,
        help=f"Add '{sign_off}' to certify the Developer's Certificate of Origin.",
        fix=_append_fix(patch, sign_off),
    )


def _sign_off(patch: Patch) -> str:
    name = patch.mail.author_name.strip()
    email = patch.mail.author_email.strip()
    if name and email:
        return f"Signed-off-by: {name} <{email}>"
    return f"Signed-off-by: {name or email or 'Your Name <you@example.org>'}"


def _append_fix(patch: Patch, sign_off: str) -> Fix | None:
    """Append the tag after the last changelog line (a blank line first if no tags)."""
    written = [item for item in patch.changelog.lines if item.text.strip() and item.line > 0]
    if not written:
        return None
    last = written[-1]
    if patch.changelog.trailers:
        replacement: tuple[str, ...] = (last.text, sign_off)
    else:
        replacement = (last.text, "", sign_off)
    return Fix(last.line, last.line, replacement, f"append '{sign_off}'")


KIND = CheckKind(name="signed-off-by", params_type=Params, doc=__doc__ or "", on_patch=check)
