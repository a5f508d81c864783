"""cp-commit-ref: checkpatch.pl's commit-reference checks (BAD_FIXES_TAG, GIT_COMMIT_ID,
UNKNOWN_COMMIT_ID, MISSING_FIXES_TAG); the rule's ``checkpatch`` name picks one.

- ``BAD_FIXES_TAG``: a line after the headers starting ``Fixes`` with a hash
  that is not written ``Fixes: <12 hex digits> ("<subject>")`` on one line:
  other case, other spacing, a hash of another length or in capitals, a title
  without parentheses and double quotes.
- ``GIT_COMMIT_ID``: in the commit log (up to the first sign-off, outside
  pasted kernel output), a reference to a commit not written
  ``commit <12+ hex digits> ("<subject>")``; a reference may wrap over up to
  three lines. A bare hash of 12 or more digits counts too, except inside
  ``<...>``/``[...]``, after ``Fixes:``, and on ``Link:``-style lines.
- ``UNKNOWN_COMMIT_ID``: ``Fixes: <hash>`` or ``commit <hash>`` naming a
  commit the repository does not have (or several objects). Only with a
  repository (``-C DIR``): without one nothing is known, so nothing is
  reported (checkpatch.pl run outside a git checkout reports every reference
  as unknown). Unlike checkpatch, a ``Fixes:`` tag below the first sign-off
  is looked up too.
- ``MISSING_FIXES_TAG``: the changelog mentions a sanitizer report, a call
  trace, syzkaller or a stable address, but the patch has no ``Fixes:`` tag
  and is not a revert.

With a repository the subject of each referenced commit is compared with
the quoted one, as checkpatch does through ``git log``.

These rules own the facts they share with checkpatch.pl: a ``Fixes:``
tag's form and subject are BAD_FIXES_TAG's, a ``commit <id> ("...")``
reference's form and subject GIT_COMMIT_ID's, an id naming no commit
UNKNOWN_COMMIT_ID's; ``commit-refs`` (:mod:`lint.checks.commit_refs`) leaves
them to these rules, so that one fact gives one finding.

BAD_FIXES_TAG and GIT_COMMIT_ID carry fixes when the right form is known
(:mod:`lint.checks.checkpatch.commit_ref_fixes`).

The repository is the run's (``CheckContext.commits``: ``-C DIR``, or the
kernel tree patchlens runs in).

No parameters.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from lint.checks.api import CheckKind, Finding
from lint.checks.checkpatch.commit_ref_fixes import (
    FixesLine,
    commit_reference_fix,
    fixes_tag_fix,
    unquote,
)
from lint.checks.checkpatch.common import (
    after_headers,
    after_headers_text,
    balanced_parens,
    commit_log,
    commit_log_text,
    part_of,
    stack_dump_flags,
)
from lint.diagnostic import Part
from lint.lazyregex import lazy_regex
from lint.record import record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Literal

    from lint.checks.api import CheckContext
    from lint.diagnostic import Fix
    from lint.mail.model import TextLine
    from lint.patch.model import Patch
    from lint.rulebook.conditions import Trigger
    from lint.sources.commits import Resolver

_I = re.IGNORECASE | re.ASCII
_FIXES = lazy_regex(r"^\s*(fixes:?)\s*(?:commit\s*)?([0-9a-f]{5,40})", _I)
_FIXES_SPACED = lazy_regex(r"^fixes:? [0-9a-f]{5,40} \(", _I)
_NOT_A_REFERENCE = lazy_regex(r"^\s*(?:Link|Patchwork|http|https|BugLink|base-commit):", _I)
_REVERT_LINE = lazy_regex(r"^This reverts commit [0-9a-f]{7,40}", re.ASCII)
_COMMIT_WORD = lazy_regex(r"\bcommit\s+[0-9a-f]{5,}\b", _I)
_COMMIT_AT_END = lazy_regex(r"\bcommit\s*$", _I)
_HASH_NEXT_LINE = lazy_regex(r"^\s*[0-9a-f]{5,}\b", _I)
_BARE_HASH = lazy_regex(r"(?:\s|^)[0-9a-f]{12,40}(?:[\s\"'(\[]|$)", _I)
_BRACKETED_HASH = lazy_regex(r"[<\[][0-9a-f]{12,40}[>\]]", _I)
_FIXES_HASH = lazy_regex(r"\bfixes:\s*[0-9a-f]{12,40}", _I)
_COMMIT_OR_END = lazy_regex(r"\bcommit\s+[0-9a-f]{5,}|\bcommit\s*$", _I)
_COMMIT_THEN_PAREN = lazy_regex(r"\bcommit\s+[0-9a-f]{5,}\s*(?=\()", _I)
_COMMIT_HASH = lazy_regex(r"\b(c)ommit\s+([0-9a-f]{5,})\b", _I)
_COMMIT_LONG_ENOUGH = lazy_regex(r"\bcommit\s+[0-9a-f]{12,40}", _I)
_COMMIT_TOO_LONG = lazy_regex(r"\bcommit\s+[0-9a-f]{41,}", _I)
_COMMIT_ONE_SPACE = lazy_regex(r"\bcommit [0-9a-f]", _I)
_COMMIT_LOWER_CASE = lazy_regex(r"\b[Cc]ommit\s+[0-9a-f]{5,40}[^A-F]", re.ASCII)
_ANY_HASH = lazy_regex(r"\b([0-9a-f]{12,40})\b", _I)
_UNKNOWN_CANDIDATE = lazy_regex(r"(^fixes:|\bcommit)\s+([0-9a-f]{6,40})\b", _I)
_NEEDS_FIXES = lazy_regex(r"((?:(?:BUG: K.|UB)SAN: |Call Trace:|stable@|syzkaller))")
_NEEDS_FIXES_HINTS = ("SAN: ", "Call Trace:", "stable@", "syzkaller")
_THIS_REVERTS = lazy_regex(r"^This reverts commit")


@record
class Params:
    """Parameters of a ``cp-commit-ref`` rule."""

    type: Literal["BAD_FIXES_TAG", "GIT_COMMIT_ID", "UNKNOWN_COMMIT_ID", "MISSING_FIXES_TAG"]
    """The checkpatch type the rule reports: one rule per type, its ``checkpatch``
    name the same."""


def check(
    patch: Patch,
    params: Params,
    trigger: Trigger | None,
    context: CheckContext,
) -> Iterator[Finding]:
    """Report the rule's checkpatch type (see the module docstring)."""
    commits = context.commits
    wanted = params.type
    if wanted == "BAD_FIXES_TAG":
        yield from _bad_fixes_tags(patch, commits)
    elif wanted == "GIT_COMMIT_ID":
        yield from _git_commit_ids(patch, commits)
    elif wanted == "UNKNOWN_COMMIT_ID":
        yield from _unknown_commit_ids(patch, commits)
    elif wanted == "MISSING_FIXES_TAG":
        yield from _missing_fixes_tag(patch)


def _read_fixes_line(text: str) -> FixesLine | None:
    found = _FIXES.match(text)
    if found is None:
        return None
    title, quoted, has_parens = "commit title", False, False
    start = found.end()
    while start < len(text) and text[start] in " \t":
        start += 1
    end = balanced_parens(text, start)
    if end > 0:
        title, quoted = unquote(text[start + 1 : end - 1])
        has_parens = True
    rest = text[end:] if end > 0 else text[found.end() :]
    return FixesLine(found.group(1), found.group(2), title, quoted, has_parens, rest)


def _bad_fixes_tags(patch: Patch, commits: Resolver | None) -> Iterator[Finding]:
    lines = after_headers(patch)
    for index, item in enumerate(lines):
        text = item.text
        if "ixes" not in text and "IXES" not in text:
            continue
        fixes = _read_fixes_line(text)
        if fixes is None:
            continue
        commit, title = fixes.commit, fixes.title
        lines_after = _following(lines, index, 1)
        spaced = fixes.has_parens and bool(_FIXES_SPACED.match(text))
        known = _lookup(commits, commit)
        real_title = known[1] if known else title
        if (
            real_title != title
            or fixes.tag != "Fixes:"
            or not spaced
            or len(commit) != 12
            or commit != commit.lower()
            or not fixes.quoted
        ):
            shown = known[0] if known else commit[:12].lower()
            part = part_of(patch, item.line)
            # The notes below "---" are not part of the commit: nothing there to fix.
            fix = None if part is Part.NOTES else fixes_tag_fix(item, fixes, known, lines_after)
            yield Finding(
                "Please use correct Fixes: style 'Fixes: <12 chars of sha1> "
                f'("<title line>")\' - ie: \'Fixes: {shown} ("{real_title}")\'',
                item.line,
                part,
                fix=fix,
            )


def _following(lines: Sequence[TextLine], index: int, count: int) -> list[str]:
    """Up to ``count`` input lines after ``lines[index]`` (checkpatch reads raw lines)."""
    result: list[str] = []
    expected = lines[index].line + 1
    for item in lines[index + 1 : index + 1 + count]:
        if item.line != expected:
            break
        result.append(item.text)
        expected += 1
    return result


def _is_reference(text: str, next_text: str) -> bool:
    if _NOT_A_REFERENCE.match(text) or _REVERT_LINE.match(text):
        return False
    if _COMMIT_WORD.search(text):
        return True
    if _COMMIT_AT_END.search(text) and _HASH_NEXT_LINE.match(next_text):
        return True
    return bool(
        _BARE_HASH.search(text)
        and not _BRACKETED_HASH.search(text)
        and not _FIXES_HASH.search(text)
    )


def _git_commit_ids(patch: Patch, commits: Resolver | None) -> Iterator[Finding]:
    log = commit_log(patch)
    joined = commit_log_text(patch)
    if "ommit" not in joined and "OMMIT" not in joined and not _ANY_HASH.search(joined):
        return  # one pass over the whole log: most changelogs cite no commit
    everything = after_headers(patch)
    dumps: list[bool] | None = None
    last_commit_at_end = -1
    for index, item in enumerate(log):
        text = item.text
        lowered = text.lower()
        # Cheap test: a reference has "commit" or a run of hex digits; most lines have neither.
        if "commit" not in lowered and not _ANY_HASH.search(text):
            continue
        if dumps is None:
            dumps = stack_dump_flags(log)
        if dumps[index]:
            continue
        following = _following(everything, index, 2)
        if not _is_reference(text, following[0] if following else ""):
            continue
        message = _reference_problem(text, following, commits)
        if message and last_commit_at_end != item.line - 1:
            fix = _reference_fix(item, following, commits)
            yield Finding(message, item.line, part_of(patch, item.line), fix=fix)
        if _COMMIT_AT_END.search(text):
            last_commit_at_end = item.line


def _reference_problem(text: str, following: list[str], commits: Resolver | None) -> str:
    """checkpatch's verdict on one reference: the message, or ``""`` when it is well formed."""
    description, has_quotes = "commit description", False
    joined = text
    if _COMMIT_OR_END.search(text):
        for extra in range(2):
            found = _COMMIT_THEN_PAREN.search(joined)
            if found is not None:
                end = balanced_parens(joined, found.end())
                if end > 0:
                    description, has_quotes = unquote(joined[found.end() + 1 : end - 1])
                    break
            if extra >= len(following):
                break
            joined += " " + following[extra].strip()
    initial, commit = "c", ""
    short, long, space, case = True, False, True, True
    if found_hash := _COMMIT_HASH.search(joined):
        initial, commit = found_hash.group(1), found_hash.group(2).lower()
        short = not _COMMIT_LONG_ENOUGH.search(joined)
        long = bool(_COMMIT_TOO_LONG.search(joined))
        space = not _COMMIT_ONE_SPACE.search(joined)
        case = not _COMMIT_LOWER_CASE.search(joined)
    elif found_hash := _ANY_HASH.search(joined):
        commit = found_hash.group(1).lower()
    known = _lookup(commits, commit)
    if commits is not None and known is None:
        return ""  # an unknown commit is UNKNOWN_COMMIT_ID's business, as in checkpatch
    shown, real = known if known else (commit[:12], description)
    if short or long or space or case or real != description or not has_quotes:
        return (
            "Please use git commit description style 'commit <12+ chars of sha1> "
            f'("<title line>")\' - ie: \'{initial}ommit {shown} ("{real}")\''
        )
    return ""


def _reference_fix(item: TextLine, following: list[str], commits: Resolver | None) -> Fix | None:
    found = _COMMIT_HASH.search(item.text)
    if found is None:
        return None  # a bare id: writing "commit" before it would change the sentence
    known = _lookup(commits, found.group(2))
    return commit_reference_fix(item, found, known, following, commits is not None)


def _unknown_commit_ids(patch: Patch, commits: Resolver | None) -> Iterator[Finding]:
    if commits is None:
        return
    log_length = len(commit_log(patch))
    for index, item in enumerate(patch.changelog.lines):
        found = _UNKNOWN_CANDIDATE.search(item.text)
        if found is None:
            continue
        # checkpatch reads up to the first sign-off; a Fixes: tag below it (the tags in
        # another order) names a commit all the same, and this rule is the one that looks
        # ids up (commit-refs leaves them to it).
        if index >= log_length and found.group(1).lower() != "fixes:":
            continue
        commit = found.group(2)
        if _lookup(commits, commit) is None:
            yield Finding(
                f"Unknown commit id '{commit}', maybe rebased or not pulled?",
                item.line,
                part_of(patch, item.line),
            )


def _missing_fixes_tag(patch: Patch) -> Iterator[Finding]:
    if not patch.has_diff:
        return  # checkpatch judges only patches; a bare commit message has no fix to tag
    lines = after_headers(patch)
    text = after_headers_text(patch)
    if not any(needle in text for needle in _NEEDS_FIXES_HINTS):
        return  # one search over the whole changelog: most patches mention no crash
    reason: TextLine | None = None
    mention = ""
    for item in lines:
        text = item.text
        if _THIS_REVERTS.match(text):
            return
        if _FIXES.match(text):
            return
        if found := _NEEDS_FIXES.search(text):
            reason, mention = item, found.group(1)
    if reason is None:
        return
    yield Finding(
        f"The commit message has '{mention}', perhaps it also needs a 'Fixes:' tag?",
        reason.line,
        part_of(patch, reason.line),
    )


def _lookup(commits: Resolver | None, commit: str) -> tuple[str, str] | None:
    """``(12-digit id, subject)`` of ``commit``; None when unknown or there is no repository."""
    if commits is None or not commit:
        return None
    resolution = commits.resolve(commit)
    return (resolution.sha[:12], resolution.subject) if resolution.found else None


KIND = CheckKind(
    name="cp-commit-ref", params_type=Params, doc=__doc__ or "", on_patch=check, alias_param="type"
)
