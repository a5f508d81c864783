"""cp-links: checkpatch.pl's checks of links in the commit log (COMMIT_LOG_VERSIONING,
COMMIT_LOG_USE_LINK, COMMIT_LOG_WRONG_LINK, PREFER_LORE_ARCHIVE); the rule's
``checkpatch`` name picks one.

- ``COMMIT_LOG_VERSIONING``: ``v2: https://...`` in the commit log: links to
  earlier versions belong below the ``---``.
- ``COMMIT_LOG_USE_LINK``: a URL behind a tag other than ``Link:`` or
  ``Closes:`` (``Bugzilla: https://...``); tools look for those two.
- ``COMMIT_LOG_WRONG_LINK``: ``Link:`` or ``Closes:`` followed by something
  that is not an http(s) URL.
- ``PREFER_LORE_ARCHIVE``: a link to a mailing-list archive other than
  lore.kernel.org (lkml.org, marc.info, spinics.net...), anywhere in the
  patch: those archives come and go, lore keeps every message by Message-ID.

The first three look at the commit log (up to the first sign-off) and, like
checkpatch, take the tag names case-sensitively.

No parameters.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lint.checks.api import CheckKind, Finding
from lint.checks.checkpatch.common import (
    after_headers,
    after_headers_text,
    commit_log,
    commit_log_text,
    part_of,
)
from lint.diagnostic import Part
from lint.lazyregex import lazy_regex
from lint.record import record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Literal

    from lint.checks.api import CheckContext
    from lint.patch.model import Patch
    from lint.rulebook.conditions import Trigger

_LINK_TAGS = ("Link:", "Closes:")
_TAG_THEN_URL = lazy_regex(r"^\s*(\w+:)\s*http", re.ASCII)
_TAG_THEN_VALUE = lazy_regex(r"^\s*(\w+:)\s*(\S+)", re.ASCII)
_VERSION_TAG = lazy_regex(r"^v(?:ersion)?\d+", re.IGNORECASE)
_OBSOLETE_ARCHIVE = lazy_regex(
    r"http.*\b(?i:freedesktop\.org/archives/dri-devel|lists\.infradead\.org|lkml\.org"
    r"|mail-archive\.com|mailman\.alsa-project\.org/pipermail|marc\.info"
    r"|ozlabs\.org/pipermail|spinics\.net)"
)


_ARCHIVE_NAMES = (
    "freedesktop.org/archives/dri-devel",
    "lists.infradead.org",
    "lkml.org",
    "mail-archive.com",
    "mailman.alsa-project.org/pipermail",
    "marc.info",
    "ozlabs.org/pipermail",
    "spinics.net",
)


@record
class Params:
    """Parameters of a ``cp-links`` rule."""

    type: Literal[
        "COMMIT_LOG_VERSIONING",
        "COMMIT_LOG_USE_LINK",
        "COMMIT_LOG_WRONG_LINK",
        "PREFER_LORE_ARCHIVE",
    ]
    """The checkpatch type the rule reports: one rule per type, its ``checkpatch``
    name the same."""


def check(
    patch: Patch, params: Params, trigger: Trigger | None, context: CheckContext
) -> Iterator[Finding]:
    """Report the rule's checkpatch type (see the module docstring)."""
    wanted = params.type
    if wanted == "PREFER_LORE_ARCHIVE":
        yield from _obsolete_archives(patch)
        return
    log = commit_log(patch)
    joined = commit_log_text(patch)
    needle = "Link:" if wanted == "COMMIT_LOG_WRONG_LINK" else "http"
    if needle not in joined and (needle == "http" or "Closes:" not in joined):
        return  # one substring test over the whole log: most logs have no such line
    for item in log:
        text = item.text
        if ":" not in text:
            continue
        message = _link_problem(text, wanted)
        if message:
            yield Finding(message, item.line, part_of(patch, item.line))


def _link_problem(text: str, wanted: str) -> str:
    if wanted in ("COMMIT_LOG_VERSIONING", "COMMIT_LOG_USE_LINK"):
        found = _TAG_THEN_URL.match(text)
        if found is None or found.group(1) in _LINK_TAGS:
            return ""
        tag = found.group(1)
        if _VERSION_TAG.match(tag):
            if wanted == "COMMIT_LOG_VERSIONING":
                return "Patch version information should be after the --- line"
        elif wanted == "COMMIT_LOG_USE_LINK":
            return f"Unknown link reference '{tag}', use 'Link:' or 'Closes:' instead"
        return ""
    if wanted == "COMMIT_LOG_WRONG_LINK":
        found = _TAG_THEN_VALUE.match(text)
        if (
            found is not None
            and found.group(1) in _LINK_TAGS
            and not found.group(2).startswith(("http://", "https://"))
        ):
            return f"'{found.group(1)}' should be followed by a public http(s) link"
    return ""


def _obsolete_archives(patch: Patch) -> Iterator[Finding]:
    message = (
        "Use lore.kernel.org archive links when possible - see https://lore.kernel.org/lists.html"
    )
    if _OBSOLETE_ARCHIVE.search(patch.mail.subject):
        yield Finding(message, patch.subject.line, Part.SUBJECT)
    lines = after_headers(patch)
    if "http" not in after_headers_text(patch):
        lines = ()
    for item in lines:
        if "http" in item.text and _OBSOLETE_ARCHIVE.search(item.text):
            yield Finding(message, item.line, part_of(patch, item.line))
    source = patch.diff_source
    if "http" not in source.text:
        return
    lowered = source.text.lower()
    if not any(name in lowered for name in _ARCHIVE_NAMES):
        return  # substring tests in C: the regex runs only where an archive is named
    for number, text in enumerate(source.text.split("\n")):
        if "http" in text and _OBSOLETE_ARCHIVE.search(text):
            line = source.lines[number] if number < len(source.lines) else 0
            yield Finding(message, line, Part.DIFF)


KIND = CheckKind(
    name="cp-links", params_type=Params, doc=__doc__ or "", on_patch=check, alias_param="type"
)
