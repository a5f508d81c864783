"""cp-encoding: checkpatch.pl's character-set checks (INVALID_UTF8, UTF8_BEFORE_PATCH);
the rule's ``checkpatch`` name picks one.

- ``INVALID_UTF8``: a line of the changelog, the notes, the subject or an
  added diff line that is not valid UTF-8 (git shows such bytes as U+FFFD),
  or that holds a control character other than tab (checkpatch's UTF-8
  pattern admits only tab, CR and printable ASCII below 0x80).
- ``UTF8_BEFORE_PATCH``: the mail declares a charset other than UTF-8
  (``Content-Type: ...; charset="iso-8859-1"``) but its commit log holds UTF-8
  text: ``git am`` re-codes it from the declared charset and garbles it.

No parameters.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lint.checks.api import CheckKind, Finding
from lint.checks.checkpatch.common import commit_log, part_of
from lint.diagnostic import Part
from lint.lazyregex import lazy_regex
from lint.record import record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Literal

    from lint.checks.api import CheckContext
    from lint.patch.model import Patch
    from lint.rulebook.conditions import Trigger

# What checkpatch's $UTF8 pattern rejects, once the text is decoded: control characters
# (tab and CR are allowed), DEL, and U+FFFD, which stands for bytes that were not UTF-8.
_NOT_UTF8 = lazy_regex("[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f\ufffd]")
# The control characters of _NOT_UTF8, as bytes to delete: encoding a diff and
# deleting them is twice as fast as any regex scan of the text for them.
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_QUOTED_CHARSET = lazy_regex(r'charset="(.+)"', re.IGNORECASE)
# checkpatch's $NON_ASCII_UTF8: a well-formed multi-byte UTF-8 sequence.
_NON_ASCII_UTF8 = lazy_regex(
    rb"[\xC2-\xDF][\x80-\xBF]|\xE0[\xA0-\xBF][\x80-\xBF]|[\xE1-\xEC\xEE\xEF][\x80-\xBF]{2}"
    rb"|\xED[\x80-\x9F][\x80-\xBF]|\xF0[\x90-\xBF][\x80-\xBF]{2}|[\xF1-\xF3][\x80-\xBF]{3}"
    rb"|\xF4[\x80-\x8F][\x80-\xBF]{2}"
)


@record
class Params:
    """Parameters of a ``cp-encoding`` rule."""

    type: Literal["INVALID_UTF8", "UTF8_BEFORE_PATCH"]
    """The checkpatch type the rule reports: one rule per type, its ``checkpatch``
    name the same."""


def check(
    patch: Patch, params: Params, trigger: Trigger | None, context: CheckContext
) -> Iterator[Finding]:
    """Report the rule's checkpatch type (see the module docstring)."""
    if params.type == "INVALID_UTF8":
        yield from _invalid(patch)
    elif params.type == "UTF8_BEFORE_PATCH":
        yield from _utf8_in_other_charset(patch)


def _invalid(patch: Patch) -> Iterator[Finding]:
    message = "Invalid UTF-8, patch and commit message should be encoded in UTF-8"
    if _NOT_UTF8.search(patch.mail.subject):
        yield Finding(message, patch.subject.line, Part.SUBJECT)
    lines = (*patch.changelog.lines, *patch.notes, *patch.diffstat)
    if _NOT_UTF8.search("\n".join(item.text for item in lines)):
        for item in lines:
            if _NOT_UTF8.search(item.text):
                yield Finding(message, item.line, part_of(patch, item.line))
    source = patch.diff_source
    if "\ufffd" not in source.text and not _has_control(source.text):
        return  # almost every diff is clean
    for number, text in enumerate(source.text.split("\n")):
        if text.startswith("+") and _NOT_UTF8.search(text):
            line = source.lines[number] if number < len(source.lines) else 0
            yield Finding(message, line, Part.DIFF)


def _has_control(text: str) -> bool:
    data = text.encode("utf-8", "surrogatepass")
    return len(data.translate(None, _CONTROL_BYTES)) != len(data)


def _utf8_in_other_charset(patch: Patch) -> Iterator[Finding]:
    declared = _QUOTED_CHARSET.search(patch.mail.header("Content-Type"))
    if declared is None or "utf-8" in declared.group(1).lower():
        return
    charset = declared.group(1)
    for item in commit_log(patch):
        if item.text.isascii():
            continue
        # git re-coded the line from the declared charset: undo that to see the bytes sent.
        try:
            sent = item.text.encode(charset, errors="replace")
        except LookupError:
            sent = item.text.encode("utf-8")
        if _NON_ASCII_UTF8.search(sent):
            yield Finding(
                "8-bit UTF-8 used in possible commit log",
                item.line,
                part_of(patch, item.line),
            )


KIND = CheckKind(
    name="cp-encoding", params_type=Params, doc=__doc__ or "", on_patch=check, alias_param="type"
)
