"""Pairing the removed and added lines of a diff: what only moved, was renamed or annotated.

:mod:`lint.patch.nature` hands every changed code line over as a :class:`Side`;
these functions set aside the pairs that change no behaviour and say which
statements moved. Order is behaviour: twins in order within one block of
changes are a statement in place, a function moved whole to another place or
file is a move, but a statement moved within or between functions stays a change.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator

from lint.lazyregex import lazy_regex
from lint.patch.diff import ChangedLine, FileDiff
from lint.patch.functions import function_from_heading
from lint.record import record

_TOKEN = lazy_regex(r"[A-Za-z_]\w*|\d\w*|\S")
_WORD = lazy_regex(r"[A-Za-z_]\w*")


@record
class Side:
    """One changed line with what the analysis needs about it."""

    file: FileDiff
    hunk: int
    line: ChangedLine
    code: str
    key: str
    """:attr:`code` without any space: equal keys are the same statement."""
    before: str
    """Key of the nearest code line above it on its side of the hunk (its anchor)."""
    message: bool = False
    """True for a line of a print statement: no behaviour, but console output."""


def without(code: str, words: frozenset[str]) -> str:
    """``code`` as one string of tokens, annotation words left out."""
    return "".join(token for token in _TOKEN.findall(code) if token not in words)


def pair_moves(
    sides: list[Side], key: Callable[[Side], str], kinds: set[str], in_place: str
) -> tuple[list[tuple[Side, Side]], list[Side]]:
    """Removed and added twins of one statement: set aside those that only moved.

    Twins in order within one block of changes are a re-indented or re-wrapped
    statement; a pair in another file, or in a function moved whole, is code
    moved as a whole (a function moved up, a file split). Twins in another
    function, or reordered within one function, stay behavioural: order is
    behaviour.
    """
    settled: set[int] = set()
    # Within one block of changes (the same context line above), twins that keep
    # their order are the same statement in place (re-indented, re-wrapped); the
    # longest run of them in order is found as difflib finds a diff's.
    blocks: dict[tuple[int, str], tuple[list[Side], list[Side]]] = {}
    for side in sides:
        block = blocks.setdefault((side.hunk, side.before), ([], []))
        block[1 if side.line.added else 0].append(side)
    for removed_block, added_block in blocks.values():
        if not removed_block or not added_block:
            continue
        if "".join(map(key, removed_block)) == "".join(map(key, added_block)):
            # The same code wrapped into other lines.
            kinds.add(in_place)
            settled.update(id(side) for side in (*removed_block, *added_block))
            continue
        for old, new in _in_order(removed_block, added_block, key):
            kinds.add(in_place)
            settled.update((id(old), id(new)))
    in_function: dict[tuple[str, str], list[Side]] = {}
    anywhere: dict[str, list[Side]] = {}
    for side in sides:
        if not side.line.added and id(side) not in settled:
            name = key(side)
            in_function.setdefault((name, side.line.function), []).append(side)
            anywhere.setdefault(name, []).append(side)
    used: set[int] = set()
    pairs: list[tuple[Side, Side]] = []
    for side in sides:
        if not side.line.added or id(side) in settled:
            continue
        name = key(side)
        function = side.line.function
        twin = _first_unused(in_function.get((name, function)), used) or _first_unused(
            anywhere.get(name), used
        )
        if twin is not None:
            used.add(id(twin))
            pairs.append((twin, side))
    # A function moved whole carries its definition line with it.
    relocated = {
        added.line.function
        for removed, added in pairs
        if added.line.function and function_from_heading(added.line.text) == added.line.function
    }
    moves: list[tuple[Side, Side]] = []
    for twin, side in pairs:
        function = side.line.function
        same_function = function == twin.line.function
        moves.append((twin, side))
        other_file = twin.file is not side.file
        whole = same_function and (other_file or function in relocated)
        if whole or (not function and not twin.line.function):
            kinds.add("moved")
            settled.update((id(twin), id(side)))
        # Otherwise moved within or between functions: behaviour, kept as code.
    return moves, [side for side in sides if id(side) not in settled]


def _in_order(
    removed: list[Side], added: list[Side], key: Callable[[Side], str]
) -> Iterator[tuple[Side, Side]]:
    """Twins of one block of changes that keep their relative order."""
    from difflib import SequenceMatcher

    old = [key(side) for side in removed]
    new = [key(side) for side in added]
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    for first, second, size in matcher.get_matching_blocks():
        for offset in range(size):
            yield removed[first + offset], added[second + offset]


def _first_unused(candidates: list[Side] | None, used: set[int]) -> Side | None:
    """The first of ``candidates`` not yet paired; used ones are dropped from the list."""
    while candidates:
        if id(candidates[0]) not in used:
            return candidates[0]
        candidates.pop(0)
    return None


def pair_renames(
    sides: list[Side], kinds: set[str]
) -> tuple[tuple[tuple[str, str], ...], list[Side]]:
    """Set aside line pairs that differ only by identifiers renamed throughout the patch.

    A substitution counts as a rename when the patch makes it at least twice
    (a definition and a use, or many uses) and never uses the old name in an
    added line: one call switched to another function is a behaviour change.
    """
    pairs = list(_line_pairs(sides))
    counts: Counter[tuple[str, str]] = Counter()
    swaps: list[list[tuple[str, str]] | None] = []
    for old, new in pairs:
        swap = _substitutions(old.code, new.code)
        swaps.append(swap)
        if swap:
            counts.update(swap)
    added_words = set()
    for side in sides:
        if side.line.added:
            added_words.update(_WORD.findall(side.code))
    renames = {pair for pair, count in counts.items() if count >= 2 and pair[0] not in added_words}
    done: set[int] = set()
    for (old, new), swap in zip(pairs, swaps, strict=True):
        if swap and all(pair in renames for pair in swap):
            done.add(id(old))
            done.add(id(new))
    if done:
        kinds.add("renamed")
    return tuple(sorted(renames)), [side for side in sides if id(side) not in done]


def _line_pairs(sides: list[Side]) -> Iterator[tuple[Side, Side]]:
    """Removed and added lines of each hunk paired in order (git's change blocks)."""
    by_hunk: dict[tuple[int, int], tuple[list[Side], list[Side]]] = {}
    for side in sides:
        group = by_hunk.setdefault((id(side.file), side.hunk), ([], []))
        group[1 if side.line.added else 0].append(side)
    for removed, added in by_hunk.values():
        yield from zip(removed, added, strict=False)


def _substitutions(old: str, new: str) -> list[tuple[str, str]] | None:
    """The identifier swaps that turn ``old`` into ``new``, or ``None`` if that is not all."""
    before = _TOKEN.findall(old)
    after = _TOKEN.findall(new)
    if len(before) != len(after):
        return None
    swaps: list[tuple[str, str]] = []
    for a, b in zip(before, after, strict=True):
        if a == b:
            continue
        if not (_WORD.fullmatch(a) and _WORD.fullmatch(b)):
            return None
        swaps.append((a, b))
    return swaps or None


def pair_annotations(sides: list[Side], annotations: frozenset[str], kinds: set[str]) -> list[Side]:
    """Set aside line pairs whose only difference is annotation words."""
    done: set[int] = set()
    for old, new in _line_pairs(sides):
        before = Counter(_TOKEN.findall(old.code))
        after = Counter(_TOKEN.findall(new.code))
        difference = (before - after) + (after - before)
        if difference and all(token in annotations for token in difference):
            done.add(id(old))
            done.add(id(new))
    if done:
        kinds.add("annotation")
    return [side for side in sides if id(side) not in done]
