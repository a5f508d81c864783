"""line-length: commit-log lines fit in 75 columns (checkpatch COMMIT_LOG_LONG_LINE).

``git log`` indents the message by four columns; at 75 columns it still fits
an 80-column terminal, and mail quoting adds ``> `` without wrapping.

As in checkpatch.pl, only the commit log is judged: the changelog up to the
first ``Signed-off-by:`` (the tags and any maintainer notes after it are
not), and these lines are exempt:

- a diffstat line (``path | 12 +-``) or a ``path/file:`` line;
- a tag line: ``Fixes:``, ``Link:``, ``Closes:``, ``Signed-off-by:`` and the
  other signature tags, ``To:``, ``Cc:``;
- quoted log output: from a line starting with ``WARNING:``/``BUG:``, a
  ``[  12.345678]`` timestamp, a ``[<ffffffff81000000>]`` address, a register
  dump or a ``#N [addr] func at addr`` crash frame, up to the next blank line
  (kernel logs are pasted verbatim so they can be searched for).

Length is counted in characters (checkpatch.pl counts bytes, so it also
flags a shorter line holding non-ASCII names).

- with ``exempt_unbroken`` (the kind's default), a line holding a single word
  (a URL, a long path or identifier) that no wrapping could shorten;
  checkpatch.pl reports those, and so does the packaged ``line-length`` rule,
  which sets it to false.

Parameters: ``max`` (default 75); ``first_only`` (default true: report the
first long line only, as checkpatch does: one unwrapped paragraph is one
problem); ``exempt_unbroken`` (default true).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lint.checks.api import CheckKind, Finding
from lint.checks.checkpatch.common import commit_log, part_of, stack_dump_flags
from lint.lazyregex import lazy_regex
from lint.record import record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from lint.checks.api import CheckContext
    from lint.patch.model import Patch
    from lint.rulebook.conditions import Trigger


# checkpatch.pl's exemptions: Fixes:, $link_tags_search and $signature_tags...
_TAG_LINE = lazy_regex(
    r"^\s*(?:Fixes:|Link:|Closes:|Signed-off-by:|Co-developed-by:|Acked-by:|Tested-by:"
    r"|Reviewed-by:|Reported-by:|Suggested-by:|Assisted-by:|To:|Cc:)",
    re.IGNORECASE,
)
# ... a diffstat line and a "path/to/file:" line.
_DIFFSTAT_LINE = lazy_regex(r"^\s*[a-zA-Z0-9_/.]+\s+\|\s+\d+", re.ASCII)
_FILE_THEN_COLON = lazy_regex(r"^\s*(?:[\w.+-]*/)++[\w.+-]+:", re.ASCII)


@record
class Params:
    """Parameters of a ``line-length`` rule."""

    max: int = 75
    """Longest allowed commit-log line, in characters."""
    exempt_unbroken: bool = True
    """Lines holding a single word (URL, path) are exempt."""
    first_only: bool = True
    """Report only the first long line, like checkpatch.pl."""


def check(
    patch: Patch, params: Params, trigger: Trigger | None, context: CheckContext
) -> Iterator[Finding]:
    """Report commit-log lines longer than ``params.max`` that could be wrapped."""
    log = commit_log(patch)
    limit = params.max
    if all(len(item.text) <= limit for item in log):
        return  # the common case: one pass, no state machine
    dumps = stack_dump_flags(log)
    for index, item in enumerate(log):
        text = item.text
        if len(text) <= limit or dumps[index] or _exempt(text, params):
            continue
        yield Finding(
            f"line is {len(text)} characters long, over the {limit}-column limit",
            item.line,
            part_of(patch, item.line),
            help=f"Wrap changelog paragraphs at {limit} columns.",
        )
        if params.first_only:
            return


def _exempt(text: str, params: Params) -> bool:
    if _TAG_LINE.search(text) or _DIFFSTAT_LINE.search(text) or _FILE_THEN_COLON.search(text):
        return True
    return params.exempt_unbroken and len(text.split()) == 1


KIND = CheckKind(name="line-length", params_type=Params, doc=__doc__ or "", on_patch=check)
