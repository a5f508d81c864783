"""line-length: changelog lines fit in 75 columns (checkpatch COMMIT_LOG_LONG_LINE).

``git log`` indents the message by four columns; at 75 columns it still fits
an 80-column terminal, and mail quoting adds ``> `` without wrapping. Lines
that cannot be wrapped are exempt, as in checkpatch.pl:

- a diffstat line (``path | 12 +-``) or a ``path/file:`` line;
- a tag line: ``Fixes:``, ``Link:``, ``Closes:``, ``Signed-off-by:`` and the
  other signature tags, or a bare ``http(s):`` URL;
- quoted log output: from a line starting with ``WARNING:``/``BUG:``, a
  ``[  12.345678]`` timestamp, a ``[<ffffffff81000000>]`` address, a register
  dump or a ``#N [addr] func at addr`` crash frame, up to the next blank line
  (kernel logs are pasted verbatim so they can be searched for);
- with ``exempt_unbroken`` (default true), a line holding a single word (a
  URL, a long path or identifier) that no wrapping could shorten.

Parameters: ``max`` (default 75), ``exempt_unbroken``, ``first_only`` (report
only the first long line, as checkpatch does; default false).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lint.checks.finding import finding
from lint.diagnostic import Diagnostic

if TYPE_CHECKING:
    from lint.conditions import Trigger
    from lint.model import Patch
    from lint.ruleset import RuleSpec

KIND = "line-length"

# checkpatch.pl's $signature_tags and $link_tags_search, plus Fixes: and URLs.
_TAG_LINE = re.compile(
    r"^\s*(?:Fixes:|https?:|Link:|Closes:|Signed-off-by:|Co-developed-by:|Acked-by:"
    r"|Tested-by:|Reviewed-by:|Reported-by:|Suggested-by:|To:|Cc:)",
    re.IGNORECASE,
)
_DIFFSTAT_LINE = re.compile(r"^\s*[a-zA-Z0-9_/.]+\s+\|\s+\d+")
_FILE_THEN_COLON = re.compile(r"^\s*(?:[\w.+-]*/)+[\w.+-]+:")
_STACK_DUMP_START = (
    re.compile(r"^\s*(?:WARNING:|BUG:)"),
    re.compile(r"^\s*\[\s*\d+\.\d{6}\s*\]"),
    re.compile(r"^\s*\[<[0-9a-fA-F]{8,}>\]"),
    re.compile(r"^(?:\s+\w+:\s+[0-9a-fA-F]+){3}"),
    re.compile(r"^\s*#\d+\s*\[[0-9a-fA-F]+\]\s*\w+ at [0-9a-fA-F]+"),
)


@dataclass(frozen=True, slots=True)
class Params:
    """Parameters of a ``line-length`` rule."""

    max: int = 75
    """Longest allowed changelog line, in characters."""
    exempt_unbroken: bool = True
    """Lines holding a single word (URL, path) are exempt."""
    first_only: bool = False
    """Report only the first long line, like checkpatch.pl."""


def check(
    patch: Patch, rule: RuleSpec, params: Params, trigger: Trigger | None
) -> Iterator[Diagnostic]:
    """Report changelog lines longer than ``params.max`` that could be wrapped."""
    in_stack_dump = False
    trailer_line = patch.changelog.trailer_line
    for item in patch.changelog.lines:
        text = item.text
        if not text.strip():
            in_stack_dump = False
            continue
        if not in_stack_dump and any(p.search(text) for p in _STACK_DUMP_START):
            in_stack_dump = True
        if len(text) <= params.max or in_stack_dump or _exempt(text, params):
            continue
        part = "trailer" if trailer_line and item.line >= trailer_line else "body"
        yield finding(
            patch,
            rule,
            f"line is {len(text)} characters long, over the {params.max}-column limit",
            item.line,
            part,
            help=f"Wrap changelog paragraphs at {params.max} columns.",
        )
        if params.first_only:
            return


def _exempt(text: str, params: Params) -> bool:
    if _TAG_LINE.search(text) or _DIFFSTAT_LINE.search(text) or _FILE_THEN_COLON.search(text):
        return True
    return params.exempt_unbroken and len(text.split()) == 1
