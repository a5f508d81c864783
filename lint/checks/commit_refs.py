"""commit-refs: a changelog that quotes one commit with two different subjects.

A changelog names other commits in two forms
(Documentation/process/submitting-patches.rst, "Describe your changes"):

    Fixes: 54a58a787791 ("x86/fred: Fix early boot")      # a tag
    ... since commit 54a58a787791 ("x86/fred: Fix early boot") ...  # prose

When both quote the same commit with different subjects, one of them is
wrong, and that shows without any repository.

Everything else about a reference belongs to the checkpatch-named rules of
:mod:`lint.checks.checkpatch.commit_ref`, which look ids up in the run's
repository as checkpatch.pl does: a ``Fixes:`` tag's form and subject to
BAD_FIXES_TAG, a prose reference's form and subject to GIT_COMMIT_ID, an id
that names no commit to UNKNOWN_COMMIT_ID. This kind stands back from those
facts so that each gives one finding; with a repository it has nothing left
to add (a misquoted subject is then reported against the real one), so it
runs only without one.

No parameters.
"""

from __future__ import annotations

from collections.abc import Iterator

from lint.checks.api import CheckKind, Finding
from lint.checks.changelog_phrase import prose_lines
from lint.diagnostic import Part
from lint.lazyregex import lazy_regex
from lint.record import record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from lint.checks.api import CheckContext
    from lint.patch.model import Patch
    from lint.rulebook.conditions import Trigger


# "54a58a787791 ("x86/fred: Fix boot")": the subject is everything between the
# outer ("...") even when it quotes another subject ("Revert "x86: Foo"").
_FIXES_VALUE = lazy_regex(r'([0-9a-fA-F]{4,40})\b(?:\s*\(\s*"(.*)"\s*\))?\s*')
_PROSE_REF = lazy_regex(r'\b[Cc]ommit\s+([0-9a-f]{7,40})\b(?:\s*\(\s*"(.*?)"\s*\))?')


@record
class Params:
    """``commit-refs`` takes no parameters."""


@record
class _Reference:
    prefix: str
    quoted: str
    line: int
    part: Part
    label: str
    """``Fixes:`` or ``commit``: how the finding names the reference."""


def check(
    patch: Patch,
    params: Params,
    trigger: Trigger | None,
    context: CheckContext,
) -> Iterator[Finding]:
    """Report a commit quoted with two subjects; nothing when the run has a repository."""
    if context.commits is not None:
        return  # the checkpatch-named rules judge each quote against the real subject
    first: dict[str, _Reference] = {}
    for reference in _references(patch):
        key = reference.prefix.lower()
        earlier = next(
            (r for p, r in first.items() if p.startswith(key) or key.startswith(p)), None
        )
        if earlier is None:
            first[key] = reference
        elif not _same_subject(reference.quoted, earlier.quoted):
            yield Finding(
                f'{reference.label} {reference.prefix} is quoted as ("{reference.quoted}") '
                f'here but as ("{earlier.quoted}") on line {earlier.line}',
                reference.line,
                reference.part,
                help="Quote the commit's subject exactly as `git log --oneline` shows it.",
            )


def _references(patch: Patch) -> Iterator[_Reference]:
    """The references that quote a subject, ``Fixes:`` tags first, in line order."""
    for trailer in patch.changelog.trailers:
        if trailer.key.lower() != "fixes":
            continue
        found = _FIXES_VALUE.fullmatch(trailer.value)
        if found is not None and found.group(2) is not None:
            yield _Reference(found.group(1), found.group(2), trailer.line, Part.TRAILER, "Fixes:")
    if "ommit " not in patch.mail.message:
        return
    for item in prose_lines(patch.changelog):
        for found in _PROSE_REF.finditer(item.text):
            if found.group(2) is not None:
                yield _Reference(found.group(1), found.group(2), item.line, Part.BODY, "commit")


def _same_subject(quoted: str, real: str) -> bool:
    quoted = " ".join(quoted.split())
    real = " ".join(real.split())
    if quoted == real:
        return True
    # A subject shortened with "..." is a fair citation of a long one.
    return quoted.endswith("...") and real.startswith(quoted[:-3].rstrip())


KIND = CheckKind(name="commit-refs", params_type=Params, doc=__doc__ or "", on_patch=check)
