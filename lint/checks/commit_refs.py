"""commit-refs: ``Fixes:`` tags and ``commit <id> ("subject")`` references resolve.

A changelog names other commits in two forms
(Documentation/process/submitting-patches.rst, "Describe your changes"):

    Fixes: 54a58a787791 ("x86/fred: Fix early boot")      # a tag
    ... since commit 54a58a787791 ("x86/fred: Fix early boot") ...  # prose

An id that the tree does not know was mistyped, or points at a private
branch that was rebased; a subject that differs from the commit's real one
misleads every reader and the stable scripts that parse ``Fixes:``. Both
can only be judged against a repository: this kind needs one (``-C DIR``,
or the kernel tree the command runs in) and reports nothing without it.

Findings: an id that names no commit of the repository (or several
objects), and a quoted subject that differs from the commit's, with the
corrected reference as the fix: ``Fixes: <12 hex> ("<real subject>")``.
Without a repository, only what the changelog itself contradicts is
reported: the same commit quoted with two different subjects.

No parameters.

Ids are looked up through :class:`lint.sources.commits.CommitResolver`, once per
run each.
"""

from __future__ import annotations

from collections.abc import Iterator

from lint.checks.api import CheckKind, Finding
from lint.checks.changelog_phrase import prose_lines
from lint.diagnostic import Fix, Part
from lint.lazyregex import lazy_regex
from lint.record import record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from lint.checks.api import CheckContext
    from lint.patch.model import Patch
    from lint.rulebook.conditions import Trigger
    from lint.sources.commits import Resolution, Resolver


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
    quoted: str | None
    line: int
    part: Part
    label: str
    """``Fixes:`` or ``commit``: how the finding names the reference."""
    whole: str
    """The text of the reference as written (for the fix)."""
    line_text: str
    """The whole input line holding the reference (for the fix)."""
    tag_key: str = ""


def check(
    patch: Patch,
    params: Params,
    trigger: Trigger | None,
    context: CheckContext,
) -> Iterator[Finding]:
    """Resolve each reference through ``context.commits``; without one, compare quotes."""
    resolver = context.commits
    if resolver is None:
        yield from _inconsistent_quotes(patch)
        return
    for reference in _references(patch):
        resolution = resolver.resolve(reference.prefix)
        if not resolution.found:
            yield _unknown(patch, reference, resolution, resolver)
        elif reference.quoted is not None and not _same_subject(
            reference.quoted, resolution.subject
        ):
            yield _wrong_subject(patch, reference, resolution)


def _inconsistent_quotes(patch: Patch) -> Iterator[Finding]:
    """Without a repository: report a commit quoted with two different subjects."""
    first: dict[str, _Reference] = {}
    for reference in _references(patch):
        if reference.quoted is None:
            continue
        key = reference.prefix.lower()
        earlier = next(
            (r for p, r in first.items() if p.startswith(key) or key.startswith(p)), None
        )
        if earlier is None:
            first[key] = reference
        elif earlier.quoted is not None and not _same_subject(reference.quoted, earlier.quoted):
            yield Finding(
                f'{reference.label} {reference.prefix} is quoted as ("{reference.quoted}") '
                f'here but as ("{earlier.quoted}") on line {earlier.line}',
                reference.line,
                reference.part,
                help="Quote the commit's subject exactly as `git log --oneline` shows it.",
            )


def _references(patch: Patch) -> Iterator[_Reference]:
    for trailer in patch.changelog.trailers:
        if trailer.key.lower() != "fixes":
            continue
        found = _FIXES_VALUE.fullmatch(trailer.value)
        if found is None:
            continue  # not an id at all: the Fixes: format rule reports it
        yield _Reference(
            found.group(1),
            found.group(2),
            trailer.line,
            Part.TRAILER,
            "Fixes:",
            trailer.value,
            trailer.raw if "\n" not in trailer.raw else "",
            tag_key=trailer.key,
        )
    if "ommit " not in patch.mail.message:
        return
    for item in prose_lines(patch.changelog):
        for found in _PROSE_REF.finditer(item.text):
            yield _Reference(
                found.group(1),
                found.group(2),
                item.line,
                Part.BODY,
                "commit",
                found.group(0),
                item.text,
            )


def _same_subject(quoted: str, real: str) -> bool:
    quoted = " ".join(quoted.split())
    real = " ".join(real.split())
    if quoted == real:
        return True
    # A subject shortened with "..." is a fair citation of a long one.
    return quoted.endswith("...") and real.startswith(quoted[:-3].rstrip())


def _unknown(
    patch: Patch,
    reference: _Reference,
    resolution: Resolution,
    resolver: Resolver,
) -> Finding:
    from lint.sources.commits import Status

    why = {
        Status.AMBIGUOUS: "is ambiguous in",
        Status.NOT_A_COMMIT: "is not a commit in",
    }.get(resolution.status, "is not a commit of")
    return Finding(
        f"{reference.label} {reference.prefix} {why} {resolver.where}",
        reference.line,
        reference.part,
        help="Check the id against the tree the patch is for; quote 12 digits. "
        "A commit of a rebased private branch has a new id.",
        data=(("commit", reference.prefix), ("status", resolution.status.value)),
    )


def _wrong_subject(patch: Patch, reference: _Reference, resolution: Resolution) -> Finding:
    correct = resolution.reference()
    fix = None
    if reference.line > 0 and reference.line_text:
        if reference.part is Part.TRAILER:
            new_line = f"{reference.tag_key}: {correct}"
        else:
            new_line = reference.line_text.replace(reference.whole, f"commit {correct}", 1)
        fix = Fix(reference.line, reference.line, (new_line,), f"cite {correct}")
    return Finding(
        f'{reference.label} {reference.prefix} is ("{resolution.subject}"), '
        f'not ("{reference.quoted}")',
        reference.line,
        reference.part,
        help=f"Write '{reference.label} {correct}'.",
        fix=fix,
        data=(("commit", resolution.sha), ("subject", resolution.subject)),
    )


KIND = CheckKind(name="commit-refs", params_type=Params, doc=__doc__ or "", on_patch=check)
