"""What a diff does to code: the changed lines left once nothing mechanical is counted.

A maintainer reading a diff sets aside what cannot change behaviour: comments
and blank lines, re-indentation, ``#include`` shuffles, prototypes, print
statements, annotations (``noinstr``, ``__init``, ``static``, objtool's
``ANNOTATE_*``), lines moved unchanged to another function or file, and
identifier renames carried through the patch. What is left, the
*behavioural lines*, is what the section rules and topic conditions judge:
a rename across 80 files leaves none, and a flag name in a comment or a
``pr_info()`` is not a change to that flag's subsystem.

Statements moved within one function are kept: their order is behaviour
(a setup call moved earlier is exactly the kind of change that opens a
window during CPU bringup). They are also listed in :attr:`DiffNature.moved`
so that a finding can say "moves" instead of "adds".

The vocabulary (annotation words, annotation statements, print functions,
documentation paths) is data: ``rules/data/diff-nature.toml``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence

from lint.config import read_toml
from lint.lazyregex import lazy_regex
from lint.patch.diff import ChangedLine, FileDiff, Hunk
from lint.patch.model import Memo, Patch
from lint.patch.pairs import Side, pair_annotations, pair_moves, pair_renames, without
from lint.record import record
from lint.rulebook import datafile
from lint.rulebook.globs import glob_to_regex
from lint.rulebook.regex import Regex

TYPE_CHECKING = False
if TYPE_CHECKING:
    from lint.resources import StrPath

C_SUFFIXES = (".c", ".h", ".S", ".s", ".lds", ".cc", ".cpp")
HASH_COMMENT_NAMES = ("Kconfig", "Makefile", "Kbuild")

_NATURE: Memo[DiffNature] = Memo("diff nature")

_SPACE = lazy_regex(r"\s+")
# A comment (closed or running to the end of the line) or a string/character literal.
_C_NOISE = lazy_regex(r"/\*.*?(?:\*/|$)|//.*|\"(?:[^\"\\]|\\.)*\"?|'(?:[^'\\]|\\.)*'?")
_INCLUDE = lazy_regex(r"#\s*include\b")
# A prototype or forward declaration at file scope: "void f(int);", "struct foo;".
_DECLARATION = lazy_regex(
    r"(?:extern\s+)?(?:struct|union|enum)\s+\w+\s*;$"
    r"|[A-Za-z_][\w\s\*]*\b[A-Za-z_]\w*\s*\([^;{}=]*\)\s*(?:__\w+(?:\([^)]*\))?\s*)*;$"
)


@record
class NatureVocabulary:
    """``rules/data/diff-nature.toml``: what counts as mechanical."""

    annotations: frozenset[str]
    """Words whose addition or removal alone changes no behaviour."""
    annotation_lines: Regex
    """Whole statements that only annotate (``instrumentation_begin();``)."""
    prints: Regex
    """The start of a statement that only prints."""
    docs: tuple[Regex, ...]
    """Paths of files without code."""
    ordered: tuple[Regex, ...] = ()
    """Paths of files whose line order is behaviour (linker scripts)."""
    path: str = ""


@record
class CodeLine:
    """A changed line that changes code."""

    file: FileDiff
    line: ChangedLine
    code: str
    """The line without comments and string literals, spaces collapsed."""


@record
class DiffNature:
    """The behavioural part of a diff and what was set aside as mechanical."""

    code: tuple[CodeLine, ...]
    """Changed lines that can change behaviour."""
    prints: tuple[CodeLine, ...]
    """Changed lines of print statements (set aside from :attr:`code`): they change no
    behaviour, but console output is what raises #VC in an SEV-ES guest."""
    moved: tuple[tuple[CodeLine, CodeLine], ...]
    """Removed and added twins of a statement moved to another place (still in :attr:`code`
    when it moved within a function or between functions)."""
    renames: tuple[tuple[str, str], ...]
    """Identifier renames (old, new) carried through the patch."""
    kinds: frozenset[str]
    """What was set aside: ``comment``, ``whitespace``, ``include``, ``declaration``,
    ``print``, ``annotation``, ``moved``, ``renamed``, ``docs``."""

    @property
    def mechanical(self) -> bool:
        """True when no changed line changes behaviour."""
        return not self.code


def load_vocabulary(path: StrPath) -> NatureVocabulary:
    """Read and check ``diff-nature.toml``."""
    path = where = os.fspath(path)
    table = read_toml(path)
    keys = {"annotations", "annotation_lines", "prints", "docs", "ordered"}
    datafile.only(table, keys, where, "")
    return NatureVocabulary(
        annotations=frozenset(datafile.strings(table, "annotations", where, "")),
        annotation_lines=Regex.checked(
            datafile.string(table, "annotation_lines", where, ""), where, "annotation_lines"
        ),
        prints=Regex.checked(datafile.string(table, "prints", where, ""), where, "prints"),
        docs=tuple(
            Regex.checked(glob_to_regex(glob), where, "docs")
            for glob in datafile.strings(table, "docs", where, "")
        ),
        ordered=tuple(
            Regex.checked(glob_to_regex(glob), where, "ordered")
            for glob in datafile.strings(table, "ordered", where, "", optional=True)
        ),
        path=path,
    )


def diff_nature(patch: Patch, vocabulary: NatureVocabulary) -> DiffNature:
    """The :class:`DiffNature` of ``patch`` (computed once per patch)."""
    return patch.memo(_NATURE, lambda: analyse(patch.diff.files, vocabulary))


def analyse(files: Iterable[FileDiff], vocabulary: NatureVocabulary) -> DiffNature:
    """Sort the changed lines of ``files`` into behavioural and mechanical ones."""
    kinds: set[str] = set()
    candidates: list[Side] = []
    for number, changed in enumerate(files):
        if changed.binary:
            continue
        if any(doc.fullmatch(changed.path) for doc in vocabulary.docs):
            if changed.hunks:
                kinds.add("docs")
            continue
        for position, hunk in enumerate(changed.hunks):
            for side in _code_lines(changed, number * 10_000 + position, hunk, vocabulary, kinds):
                candidates.append(side)
    # In a linker script the order of lines is behaviour: nothing there is a mere move.
    ordered = [s for s in candidates if any(p.fullmatch(s.file.path) for p in vocabulary.ordered)]
    if ordered:
        held = {id(side) for side in ordered}
        candidates = [side for side in candidates if id(side) not in held]
    moved, rest = pair_moves(candidates, lambda side: side.key, kinds, "whitespace")
    # Twins once annotation words are dropped: "static int f(...)" moved as "int f(...)".
    words = vocabulary.annotations
    # Statements kept as moves are settled: the second pass must not pair them again.
    moving = {id(side) for pair in moved for side in pair}
    kept_moves = [side for side in rest if id(side) in moving]
    rest = [side for side in rest if id(side) not in moving]
    more, rest = pair_moves(rest, lambda side: without(side.code, words), kinds, "annotation")
    rest = [*kept_moves, *rest]
    renames, rest = pair_renames(rest, kinds)
    rest = pair_annotations(rest, words, kinds)
    seen = {(id(a), id(b)) for a, b in moved}
    moved = [*moved, *(pair for pair in more if (id(pair[0]), id(pair[1])) not in seen)]
    rest = [*ordered, *rest]
    candidates = [*ordered, *candidates]
    kept = {id(side) for side in rest}
    code = tuple(
        CodeLine(side.file, side.line, side.code)
        for side in candidates
        if id(side) in kept and not side.message
    )
    prints = tuple(
        CodeLine(side.file, side.line, side.code)
        for side in candidates
        if id(side) in kept and side.message
    )
    if prints:
        kinds.add("print")
    return DiffNature(
        code=code,
        prints=prints,
        moved=tuple(
            (CodeLine(a.file, a.line, a.code), CodeLine(b.file, b.line, b.code)) for a, b in moved
        ),
        renames=renames,
        kinds=frozenset(kinds),
    )


def _code_lines(
    changed: FileDiff, hunk_id: int, hunk: Hunk, vocabulary: NatureVocabulary, kinds: set[str]
) -> Iterator[Side]:
    """The changed lines of ``hunk`` that hold code, with their code text and anchor."""
    name = changed.path.rpartition("/")[2]
    c_like = changed.path.endswith(C_SUFFIXES)
    hashed = name.startswith(HASH_COMMENT_NAMES) or name.endswith((".mk", ".sh", ".py"))
    for lines in (_side(hunk, added=False), _side(hunk, added=True)):
        texts = [text for text, _ in lines]
        if c_like:
            codes = strip_c(texts)
        elif hashed:
            codes = [text.partition("#")[0] for text in texts]
        else:
            codes = list(texts)
        before = ""
        in_print = False
        build = name.startswith(("Makefile", "Kbuild"))
        for (text, line), code in zip(lines, codes, strict=True):
            compact = _SPACE.sub(" ", code).strip()
            if line is None:
                if compact:
                    before = compact.replace(" ", "")
                in_print = in_print and not compact.endswith(";")
                continue
            if not compact:
                kinds.add("comment" if text.strip() else "whitespace")
                continue
            if build:
                kinds.add("build")
                continue
            if in_print or vocabulary.prints.match(compact):
                # Paired like any statement (a print moved is a move), then set aside.
                in_print = not compact.endswith((";", "{", "}"))
                key = compact.replace(" ", "")
                yield Side(changed, hunk_id, line, compact, key, before, message=True)
                continue
            if c_like and _INCLUDE.match(compact):
                kinds.add("include")
                continue
            if vocabulary.annotation_lines.match(compact):
                kinds.add("annotation")
                continue
            if c_like and not line.function and _DECLARATION.fullmatch(compact):
                kinds.add("declaration")
                continue
            key = compact.replace(" ", "")
            yield Side(changed, hunk_id, line, compact, key, before)


def _side(hunk: Hunk, *, added: bool) -> list[tuple[str, ChangedLine | None]]:
    """One side of ``hunk`` in order: context lines (``None``) and its changed lines."""
    mine = [line for line in hunk.changes if line.added == added]
    numbers = [(line.new_line if added else line.old_line) or 0 for line in mine]
    start = hunk.new_start if added else hunk.old_start
    length = hunk.new_length if added else hunk.old_length
    context = iter(hunk.context_before)
    by_number = dict(zip(numbers, mine, strict=True))
    result: list[tuple[str, ChangedLine | None]] = []
    for number in range(start, start + length):
        line = by_number.get(number)
        if line is not None:
            result.append((line.text, line))
            continue
        text = next(context, None)
        if text is None:
            break
        result.append((text, None))
    placed = {id(line) for _, line in result if line is not None}
    result.extend((line.text, line) for line in mine if id(line) not in placed)
    return result


def strip_c(lines: Sequence[str]) -> list[str]:
    """Each C line without comments, with string and character literals emptied.

    A hunk may start inside a block comment: a first line that starts with
    ``*`` (kernel comment style) is taken as a comment continuation.
    """
    result: list[str] = []
    in_comment = False
    for index, text in enumerate(lines):
        if index == 0:
            stripped = text.lstrip()
            # " * text" or " */": kernel comment style (a linker script's "*(.text)" is not).
            in_comment = stripped in ("*", "*/") or stripped.startswith(("* ", "*\t", "*/"))
        start = 0
        if in_comment:
            end = text.find("*/")
            if end < 0:
                result.append("")
                continue
            in_comment = False
            start = end + 2
        pieces: list[str] = []
        for found in _C_NOISE.finditer(text, start):
            pieces.append(text[start : found.start()])
            noise = found.group(0)
            if noise[0] in "\"'":
                pieces.append(noise[0] * 2)
            else:
                pieces.append(" ")
                in_comment = noise.startswith("/*") and not noise.endswith("*/")
            start = found.end()
        pieces.append(text[start:])
        result.append("".join(pieces))
    return result
