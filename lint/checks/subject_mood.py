"""subject-mood: the subject summary is written in imperative mood.

"Describe your changes in imperative mood, e.g. 'make xyzzy do frotz'
instead of '[This patch] makes xyzzy do frotz'"
(Documentation/process/submitting-patches.rst); the tip tree repeats it for
the subject line (maintainer-tip.rst). A commit is an order given to the
code base: ``Fix``, ``Add``, ``Remove``, not ``Fixes``, ``Added``,
``Removing``.

English has no reliable way to tell an imperative from its first word
alone, so the check works from a data list of the non-imperative forms that
patches actually start with, each optionally with its imperative:
``"fixed=Fix"`` reports ``Fixed`` and offers ``Fix``; ``"fixing"`` only
reports. Words are compared case-insensitively.

Parameters:

- ``forms``: the list described above.
- ``skip`` (regex on the summary): summaries never judged, by default those
  git writes itself (``Revert "..."``, ``Merge ...``, ``Reapply "..."``).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator

from lint.checks.api import CheckKind, Finding, ParamsError
from lint.checks.line_edits import subject_fix
from lint.diagnostic import Part
from lint.lazyregex import lazy_regex
from lint.record import record
from lint.rulebook.regex import Regex

TYPE_CHECKING = False
if TYPE_CHECKING:
    from lint.checks.api import CheckContext
    from lint.patch.model import Patch
    from lint.rulebook.conditions import Trigger


_FIRST_WORD = lazy_regex(r"[A-Za-z][A-Za-z'-]*")


@record
class Params:
    """Parameters of a ``subject-mood`` rule."""

    forms: tuple[str, ...] = ()
    """Non-imperative first words, each ``"word"`` or ``"word=Imperative"``."""
    skip: Regex = Regex(r"^(?:Revert|Reapply|Merge)\b")
    """Summaries that are not judged."""

    def __post_init__(self) -> None:
        if not self.forms:
            raise ParamsError("forms", "is empty: no first word is reported")

    def imperative_of(self, word: str) -> str | None:
        """The imperative listed for ``word`` (``""`` if none), or ``None`` if not listed."""
        return _table(self.forms).get(word.lower())


@functools.lru_cache(maxsize=16)
def _table(forms: tuple[str, ...]) -> dict[str, str]:
    """``forms`` as a lookup table, built once per distinct list (a pure memo)."""
    table: dict[str, str] = {}
    for entry in forms:
        form, _, imperative = entry.partition("=")
        table[form.strip().lower()] = imperative.strip()
    return table


def check(
    patch: Patch, params: Params, trigger: Trigger | None, context: CheckContext
) -> Iterator[Finding]:
    """Report a summary whose first word is a listed non-imperative form."""
    summary = patch.subject.summary.strip()
    if not summary or params.skip.search(summary):
        return
    found = _FIRST_WORD.match(summary)
    if found is None:
        return
    word = found.group(0)
    imperative = params.imperative_of(word)
    if imperative is None:
        return
    fix = None
    help = "Write the summary as an order to the code base: 'Fix ...', 'Add ...', 'Remove ...'."
    if imperative:
        if word[0].islower():
            imperative = imperative[0].lower() + imperative[1:]
        help = f"Write '{imperative}' instead of '{word}'."
        fix = subject_fix(
            patch, imperative + summary[len(word) :], f"use the imperative '{imperative}'"
        )
    yield Finding(
        f"the subject summary starts with '{word}', not an imperative",
        patch.subject.line,
        Part.SUBJECT,
        help=help,
        fix=fix,
    )


KIND = CheckKind(name="subject-mood", params_type=Params, doc=__doc__ or "", on_patch=check)
