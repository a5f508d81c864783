"""cp-spelling: checkpatch.pl's TYPO_SPELLING on the subject and the commit log.

A word (a run of letters, digits, ``_``, ``-``, ``'`` and backquotes) that a
spelling dictionary lists as a common misspelling is reported with its
correction, in the case it was written (``Teh`` -> ``The``). Entries of
several words (``an union``) are matched too.

The dictionary is the kernel tree's ``scripts/spelling.txt`` when the run has
one (``-C DIR``), else codespell's, else our short list; see
:mod:`lint.checks.checkpatch.dictionary`. It is read once per run, on first use.

checkpatch.pl also checks the added lines of the diff. We do not by default:
code is full of identifiers, abbreviations and vendor names, and reading every
added line costs more than all the changelog checks together. Set
``diff = true`` in a rule to do it.

Like checkpatch, a misspelling right after another one, separated by a single
character, is not reported again (the two share that character).

Parameters: ``diff`` (default false). The run's dictionary comes from
``CheckContext.spelling``; without one, codespell's or ours is used.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from lint.checks.api import CheckKind, Finding
from lint.checks.checkpatch.common import commit_log, part_of
from lint.checks.checkpatch.dictionary import Dictionary, choose_dictionary, phrase_index
from lint.diagnostic import Part
from lint.lazyregex import lazy_regex
from lint.record import record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from lint.checks.api import CheckContext
    from lint.patch.model import Patch
    from lint.rulebook.conditions import Trigger


# checkpatch's word boundary: anything but [\w\-'`] (ASCII \w: its input is bytes).
_WORD = lazy_regex(r"[\w\-'`]+", re.ASCII)
_ADDED_LINE = lazy_regex(r"^\+.*", re.MULTILINE)
# ASCII-only lower case: str.lower() may change the length of non-ASCII text.
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


@record
class Params:
    """Parameters of a ``cp-spelling`` rule."""

    diff: bool = False
    """Also check the added lines of the diff, as checkpatch.pl does."""


@record
class _Index:
    single: Mapping[str, str]
    multi: Mapping[str, tuple[str, ...]]
    """First word -> the multi-word misspellings starting with it, sorted."""


def check(
    patch: Patch,
    params: Params,
    trigger: Trigger | None,
    context: CheckContext,
) -> Iterator[Finding]:
    """Report misspelt words of the subject and the commit log (and the diff if asked)."""
    # A run gives its dictionary (read once); a caller without one gets the default.
    chosen = context.spelling
    words = chosen if chosen is not None else choose_dictionary(None)
    if isinstance(words, Dictionary):
        single: Mapping[str, str] = words.words()
        phrases = words.phrases()
    else:
        single, phrases = dict(words), phrase_index(words)
    if not single:
        return
    log = commit_log(patch)
    texts = [patch.mail.subject, *(item.text for item in log)]
    source = patch.diff_source
    check_diff = params.diff and patch.has_diff
    if check_diff:
        texts.extend(_ADDED_LINE.findall(source.text))
    # One pass in C over everything: the words of the patch looked up as a set. Only
    # the lines holding one of the words found are then read word by word.
    found = _candidates("\n".join(texts).lower(), single, phrases)
    if not found:
        return
    index = _Index(single, phrases)

    def typos(text: str) -> Iterator[tuple[str, str]]:
        lowered = text.lower()
        if any(word in lowered for word in found):
            yield from find_typos(text, index)

    for typo, fix in typos(patch.mail.subject):
        yield _report(patch, typo, fix, patch.subject.line, Part.SUBJECT)
    for item in log:
        for typo, fix in typos(item.text):
            yield _report(patch, typo, fix, item.line, part_of(patch, item.line))
    if check_diff:
        for number, text in enumerate(source.text.split("\n")):
            if text.startswith("+"):
                for typo, fix in typos(text):
                    line = source.lines[number] if number < len(source.lines) else 0
                    yield _report(patch, typo, fix, line, Part.DIFF)


def _candidates(
    lowered: str, single: Mapping[str, str], phrases: Mapping[str, tuple[str, ...]]
) -> set[str]:
    """The dictionary's words and phrases present in ``lowered`` (a superset of the typos)."""
    found = single.keys() & set(_WORD.findall(lowered))
    found.update(phrase for group in phrases.values() for phrase in group if phrase in lowered)
    return found


def _report(patch: Patch, typo: str, fix: str, line: int, part: Part) -> Finding:
    if typo.isupper() and typo.isalpha():
        fix = fix.upper()
    elif typo[:1].isupper():
        fix = fix[:1].upper() + fix[1:]
    return Finding(f"'{typo}' may be misspelled - perhaps '{fix}'?", line, part)


def find_typos(text: str, index: _Index) -> Iterator[tuple[str, str]]:
    """``(typo as written, correction)`` for each misspelling in ``text``, in order."""
    lowered = text.lower() if text.isascii() else text.translate(_ASCII_LOWER)
    # checkpatch's /g match consumes the delimiter after a typo: the next typo
    # must start at least two characters later.
    free_from = 0
    for word in _WORD.finditer(lowered):
        start = word.start()
        if start and start - 1 < free_from:
            continue
        end = word.end()
        candidates = index.multi.get(word.group(0))
        if candidates:
            for phrase in candidates:
                stop = start + len(phrase)
                if lowered.startswith(phrase, start) and (
                    stop == len(lowered) or not _WORD.match(lowered[stop])
                ):
                    end = stop
                    break
            else:
                candidates = None
        key = lowered[start:end]
        fix = index.single.get(key)
        if fix is None:
            continue
        yield text[start:end], fix
        free_from = end + 1


KIND = CheckKind(name="cp-spelling", params_type=Params, doc=__doc__ or "", on_patch=check)
