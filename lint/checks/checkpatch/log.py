"""cp-log: checkpatch.pl's checks of the commit log's shape (COMMIT_MESSAGE,
DIFF_IN_COMMIT_MSG, COMMIT_COMMENT_SYMBOL, GERRIT_CHANGE_ID, EMAIL_SUBJECT,
PLACEHOLDER_USE); the rule's ``checkpatch`` name picks one.

- ``COMMIT_MESSAGE``: no description: nothing but blank lines before the
  first sign-off (or the ``---``).
- ``DIFF_IN_COMMIT_MSG``: diff text in the commit log (an indented
  ``diff a/x b/x``, ``--- a/``, ``+++ b/`` or ``@@ -1,2 +1,2 @@``): ``patch``
  and ``git am`` may take it for the diff. Reported once.
- ``COMMIT_COMMENT_SYMBOL``: a commit-log line starting with ``#``, which
  ``git commit`` drops as a comment when the message is edited.
- ``GERRIT_CHANGE_ID``: a Gerrit ``Change-Id:`` line above the ``---``.
- ``EMAIL_SUBJECT``: a subject naming the tool that found the problem
  (checkpatch, sparse, smatch) instead of the change.
- ``PLACEHOLDER_USE``: ``*** SUBJECT HERE ***`` or ``*** BLURB HERE ***``
  left from ``git format-patch --cover-letter`` (checkpatch.pl 6.15+; cover
  letters themselves are not linted, see the engine).

No parameters.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lint.checks.api import CheckKind, Finding
from lint.checks.checkpatch.common import after_headers_text, commit_log, commit_log_text, part_of
from lint.diagnostic import Part
from lint.lazyregex import lazy_regex
from lint.record import record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Literal

    from lint.checks.api import CheckContext
    from lint.patch.model import Patch
    from lint.rulebook.conditions import Trigger

_DIFF_COMMAND = lazy_regex(r"^\s+diff\b.*a/([\w/]+)", re.ASCII)
_DIFF_HEADER = lazy_regex(r"^\s*(?:---\s+a/|\+\+\+\s+b/)")
_HUNK_HEADER = lazy_regex(r"^\s*@@ -\d+,\d+ \+\d+,\d+ @@", re.ASCII)
_CHANGE_ID = lazy_regex(r"^\s*change-id:", re.IGNORECASE)
_TOOL_SUBJECT = lazy_regex(r"\b(?:checkpatch|sparse|smatch)\b[^:]", re.IGNORECASE | re.ASCII)
_PLACEHOLDER = lazy_regex(r"(?:SUBJECT|BLURB) HERE")


@record
class Params:
    """Parameters of a ``cp-log`` rule."""

    type: Literal[
        "COMMIT_MESSAGE",
        "DIFF_IN_COMMIT_MSG",
        "COMMIT_COMMENT_SYMBOL",
        "GERRIT_CHANGE_ID",
        "EMAIL_SUBJECT",
        "PLACEHOLDER_USE",
    ]
    """The checkpatch type the rule reports: one rule per type, its ``checkpatch``
    name the same."""


def check(
    patch: Patch, params: Params, trigger: Trigger | None, context: CheckContext
) -> Iterator[Finding]:
    """Report the rule's checkpatch type (see the module docstring)."""
    wanted = params.type
    if wanted == "COMMIT_MESSAGE":
        yield from _missing_description(patch)
    elif wanted == "DIFF_IN_COMMIT_MSG":
        yield from _diff_in_log(patch)
    elif wanted == "COMMIT_COMMENT_SYMBOL":
        log = commit_log(patch)
        if not any(item.text[:1] == "#" for item in log):
            return
        for item in log:
            if item.text.startswith("#"):
                yield Finding(
                    "Commit log lines starting with '#' are dropped by git as comments",
                    item.line,
                    part_of(patch, item.line),
                )
    elif wanted == "GERRIT_CHANGE_ID":
        lines = patch.changelog.lines
        if "change-id" not in after_headers_text(patch).lower():
            return
        for item in lines:
            if _CHANGE_ID.match(item.text):
                yield Finding(
                    "Remove Gerrit Change-Id's before submitting upstream",
                    item.line,
                    part_of(patch, item.line),
                )
    elif wanted == "EMAIL_SUBJECT":
        if _TOOL_SUBJECT.search(patch.mail.subject):
            yield Finding(
                "A patch subject line should describe the change not the tool that found it",
                patch.subject.line,
                Part.SUBJECT,
            )
    elif wanted == "PLACEHOLDER_USE":
        yield from _placeholders(patch)


def _missing_description(patch: Patch) -> Iterator[Finding]:
    if not patch.has_diff:
        return  # a bare commit message (commit-msg hook) is judged by other rules
    log = commit_log(patch)
    written = sum(1 for item in log if item.text.strip())
    # checkpatch counts the line that ends the log too: the first sign-off or the "---".
    if len(log) < len(patch.changelog.lines) or patch.separator_line:
        written += 1
    if written >= 2:
        return
    yield Finding(
        "Missing commit description - Add an appropriate one",
        patch.subject.line,
        Part.SUBJECT,
    )


def _diff_in_log(patch: Patch) -> Iterator[Finding]:
    log = commit_log(patch)
    joined = commit_log_text(patch)
    if "diff" not in joined and "a/" not in joined and "b/" not in joined and "@@" not in joined:
        return
    for item in log:
        text = item.text
        if "diff" not in text and "a/" not in text and "b/" not in text and "@@" not in text:
            continue
        if _looks_like_diff(text):
            yield Finding(
                "Avoid using diff content in the commit message - patch(1) might not work",
                item.line,
                part_of(patch, item.line),
            )
            return


def _looks_like_diff(text: str) -> bool:
    if found := _DIFF_COMMAND.search(text):
        pattern = rf"^\s+diff\b.*a/[\w/]+\s+b/{re.escape(found.group(1))}\b"
        if re.search(pattern, text, re.ASCII):
            return True
    return bool(_DIFF_HEADER.search(text) or _HUNK_HEADER.search(text))


def _placeholders(patch: Patch) -> Iterator[Finding]:
    if _PLACEHOLDER.search(patch.mail.subject):
        yield Finding("Placeholder text detected", patch.subject.line, Part.SUBJECT)
    if " HERE" not in commit_log_text(patch):
        return
    for item in commit_log(patch):
        if _PLACEHOLDER.search(item.text):
            yield Finding("Placeholder text detected", item.line, part_of(patch, item.line))


KIND = CheckKind(
    name="cp-log", params_type=Params, doc=__doc__ or "", on_patch=check, alias_param="type"
)
