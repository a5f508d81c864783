"""What one changed line does to CR pinning on the AP bringup path, in words.

Each behavioural line of a patch (see :mod:`lint.patch.nature`) is placed in its
function (by the hunk's own context, or by a kernel tree's spans when the tree
holds the patch's pre-image) and classified: it changes the pinning machinery
or the pinned mask, sets, clears or tests a pinned bit, adds, removes or moves
a call that sets a pinned feature up, or changes such a setup function. The
wording follows the diff: a removed line "no longer clears", a line moved
unchanged "moves", a print in a setup is "console output".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from lint.kernel.view import FunctionSpan, PinningView
from lint.lazyregex import lazy_regex
from lint.patch.diff import ChangedLine, FileDiff, Hunk
from lint.patch.functions import function_from_heading
from lint.record import record

_CALL = lazy_regex(r"\b([A-Za-z_]\w*)\s*\(")
_COMMENT = lazy_regex(r"/\*.*?(?:\*/|$)|//.*$")
# A statement that only prints or warns (its text, not the state it tests, changes).
_MESSAGE = lazy_regex(r"\s*(?:WARN\w*|pr_\w+|printk\w*)\s*\(")
_INERT = lazy_regex(r"\s*(?:\*|#|EXPORT_SYMBOL)")


@record
class Reason:
    """What one changed line does to pinning, in words, and how much it matters."""

    kind: str
    """``machinery``, ``bit``, ``setup-call`` or ``setup``."""
    what: str
    bits: tuple[str, ...]
    """The bits concerned; empty for a machinery change that concerns all of them."""
    function: str
    reached: str
    """The function whose bringup path the finding cites."""
    line: int
    hazard: bool
    """True when the change can open the window (the machinery itself, a bit cleared,
    or the setup of a bit that :attr:`~lint.kernel.facts.PinnedBit.opens_window`)."""
    symbol: bool = False


def trusted_spans(changed: FileDiff, view: PinningView) -> tuple[FunctionSpan, ...]:
    """The tree's function spans of a file, when the patch was made against that file.

    A patch's ``index abc..def`` line names its pre-image blob: when the tree
    holds another version of the file, its line numbers would place the lines in
    the wrong functions, so the hunks' own context is used instead.
    """
    path = changed.old_path if changed.old_path in view.spans else changed.path
    spans = view.spans.get(path, ())
    blob = view.blobs.get(path, "")
    if spans and changed.old_index and blob and not blob.startswith(changed.old_index):
        return ()
    return spans


def lines_with_functions(
    hunk: Hunk, spans: tuple[FunctionSpan, ...]
) -> Iterator[tuple[ChangedLine, str]]:
    """Each changed line of ``hunk`` with the function it is in.

    With a tree's ``spans``, removed lines are placed by their pre-image line,
    and added lines by the pre-image line they are inserted before, unless the
    hunk's own context says they belong to a function the tree does not have (a
    new one). Without, the hunk's own context places them.
    """
    if not spans:
        for line in hunk.changes:
            yield line, line.function
        return
    known = {span.name for span in spans}
    added = removed = 0
    for line in hunk.changes:
        if line.added:
            new_line = line.new_line or hunk.new_start
            anchor = hunk.old_start + (new_line - hunk.new_start - added) + removed
            added += 1
            if line.function and line.function not in known:
                yield line, line.function
                continue
        else:
            anchor = line.old_line or hunk.old_start
            removed += 1
        yield line, _span_at(spans, anchor)


def tree_matches(hunk: Hunk, spans: tuple[FunctionSpan, ...]) -> bool:
    """Whether the tree places the hunk's start in the function git's heading names.

    The second guard against a tree at another revision (for patches without an
    ``index`` line): a heading naming a function the tree does not have there.
    """
    heading = function_from_heading(hunk.heading)
    if not heading:
        return True
    if all(span.name != heading for span in spans):
        return False
    return _span_at(spans, hunk.old_start) in ("", heading)


def _span_at(spans: tuple[FunctionSpan, ...], line: int) -> str:
    for span in spans:
        if span.start <= line <= span.end:
            return span.name
    return ""


@record
class Place:
    """Where a changed line is: its file and hunk, and whether a tree placed it."""

    changed: FileDiff
    hunk: Hunk
    tree: bool


def classify(
    place: Place,
    line: ChangedLine,
    function: str,
    view: PinningView,
    pinned: tuple[str, ...],
    moved_from: str | None,
) -> Reason | None:
    """What one behavioural changed line does to pinning on the AP path, or ``None``.

    ``moved_from`` is the function the line was removed from when it is the
    new place of a moved statement.
    """
    facts = view.facts
    code = _COMMENT.sub("", line.text)
    # Comments, preprocessor lines and symbol exports change no CPU state.
    if not code.strip() or _INERT.match(code):
        return None
    hunk = place.hunk
    mask = _mask_change(place, line, code, view)
    if mask is not None:
        return mask
    item = next((i for i in facts.machinery if i.function and i.name == function), None)
    if item is not None:
        reached = function if function in view.parents else item.applied_in
        if reached not in view.parents:
            return None
        if _MESSAGE.match(_statement_head(hunk, line)):
            what = f"changes the message of {item.what} in {function}()"
            return Reason("machinery", what, item.bits, function, reached, line.line, False)
        what = f"changes {item.what} in {function}()"
        return Reason("machinery", what, item.bits, function, reached, line.line, True)
    if function not in view.parents:
        return None
    where = _where(function, moved_from)
    for item in facts.machinery:
        if not item.function and _word(item.name).search(code):
            verb = "moves a use of" if moved_from is not None else _done(line, "uses")
            what = f"{verb} {item.what} ({item.name}) {where}"
            return Reason("machinery", what, item.bits, function, function, line.line, True)
    mentioned = tuple(bit for bit in pinned if _mentions(code, bit))
    if mentioned:
        action = _action(code)
        plural = "s" if len(mentioned) > 1 else ""
        names = f"pinned bit{plural} {', '.join(mentioned)}"
        if moved_from is not None:
            what = f"moves the line that {action} {names} {where}"
        else:
            what = f"{_done(line, action)} {names} {where}"
        hazard = (line.added and action == "clears") or _hazard(view, mentioned)
        return Reason("bit", what, mentioned, function, function, line.line, hazard)
    for called in dict.fromkeys(_CALL.findall(code)):
        bits = tuple(bit for bit in view.leads_to.get(called, ()) if bit in pinned)
        if called == function or not bits:
            continue
        features = _features(view, bits)
        direct = any(called in _bit_setup(view, bit) for bit in bits)
        how = "which sets up" if direct else "which leads to the setup of"
        if moved_from is not None:
            verb = "moves the call to"
        else:
            verb = "adds a call to" if line.added else "removes the call to"
            where = where if line.added else f"from {function}()"
        what = f"{verb} {called}(), {how} {features}, {where}"
        return Reason("setup-call", what, bits, function, function, line.line, _hazard(view, bits))
    own = tuple(bit for bit in pinned if function in _dedicated_setup(view, bit))
    head = _statement_head(hunk, line)
    if _MESSAGE.match(head):
        # Console output is harmless, except in a window-opening feature's setup,
        # where it is what raises #VC or #VE.
        if not own or not _hazard(view, own):
            return None
        printer = head.strip().partition("(")[0]
        verb = "moves" if moved_from is not None else _done(line, "adds")
        what = f"{verb} console output ({printer}()) {where}, during the setup of "
        what += _features(view, own)
        return Reason("setup", what, own, function, function, line.line, True)
    if own:
        what = f"changes the setup of {_features(view, own)} in {function}()"
        return Reason("setup", what, own, function, function, line.line, _hazard(view, own))
    return None


def _mask_change(place: Place, line: ChangedLine, code: str, view: PinningView) -> Reason | None:
    """A line of the pinned mask's own definition, and the bits it adds or drops."""
    facts = view.facts
    changed, hunk = place.changed, place.hunk
    if facts.mask_file not in (changed.path, changed.old_path):
        return None
    if not _in_mask(hunk, line, view if place.tree else None, facts.mask_symbol):
        return None
    item = next((i for i in facts.machinery if i.name == facts.mask_symbol), None)
    if item is None or item.applied_in not in view.parents:
        return None
    other = " ".join(c.text for c in hunk.changes if c.added != line.added)
    bits = tuple(
        name
        for name in dict.fromkeys(facts.mask_bit.findall(code))
        if not re.compile(rf"\b{re.escape(name)}\b").search(other)
    )
    if bits:
        listed = ", ".join(bits)
        what = (
            f"adds {listed} to the pinned CR4 mask"
            if line.added
            else f"removes {listed} from the pinned CR4 mask"
        )
    else:
        what = "changes the pinned CR4 mask"
    return Reason(
        "machinery", what, bits, facts.mask_symbol, item.applied_in, line.line, True, True
    )


def _statement_head(hunk: Hunk, line: ChangedLine) -> str:
    """The first line of the statement ``line`` belongs to, as far as the hunk shows it."""
    side = {
        (c.new_line if c.added else c.old_line): c.text
        for c in hunk.changes
        if c.added == line.added
    }
    number = (line.new_line if line.added else line.old_line) or 0
    head = line.text
    while number - 1 in side:
        above = side[number - 1].strip()
        # A blank line, a comment or the end of a statement above: this line starts one.
        if not above or above.startswith(("/*", "*", "//")) or above.endswith((";", "{", "}")):
            break
        number -= 1
        head = side[number]
    return head


def _where(function: str, moved_from: str | None) -> str:
    if moved_from is None:
        return f"in {function}()"
    if moved_from == function or not moved_from:
        return f"within {function}()"
    return f"from {moved_from}() to {function}()"


def _done(line: ChangedLine, verb: str) -> str:
    """``sets`` for an added line, ``no longer sets`` for a removed one."""
    if line.added:
        return verb
    return "no longer " + {"sets": "sets", "clears": "clears", "uses": "uses"}.get(verb, "tests")


def _word(name: str) -> re.Pattern[str]:
    return re.compile(rf"\b{re.escape(name)}\b")


def _hazard(view: PinningView, bits: Iterable[str]) -> bool:
    """Whether any of ``bits`` opens the window when set before its feature's setup."""
    for name in bits:
        bit = view.facts.bit(name)
        if bit is not None and bit.opens_window:
            return True
    return False


def _in_mask(hunk: Hunk, line: ChangedLine, view: PinningView | None, symbol: str = "") -> bool:
    """Whether ``line`` is part of the mask's definition (a continuation line, too).

    ``view`` is the tree's, when the tree placed the hunk; else the definition
    must show in the hunk's own pre-image.
    """
    first, last = view.mask_lines if view is not None else (0, 0)
    if not first:
        first, last = _definition_in_hunk(hunk, symbol)
        if not first:
            return False
    if line.added:
        return _added_within(hunk, line, first, last)
    return first <= (line.old_line or 0) <= last


def _definition_in_hunk(hunk: Hunk, symbol: str) -> tuple[int, int]:
    """First and last pre-image line of ``symbol = ...;`` within the hunk, or zeros."""
    removed = {c.old_line: c.text for c in hunk.changes if not c.added}
    context = iter(hunk.context_before)
    start = re.compile(rf"\b{re.escape(symbol)}\s*=")
    first = 0
    for number in range(hunk.old_start, hunk.old_start + hunk.old_length):
        text = removed[number] if number in removed else next(context, "")
        if not first and start.search(text):
            first = number
        if first and ";" in text:
            return first, number
    return (first, hunk.old_start + hunk.old_length - 1) if first else (0, 0)


def _added_within(hunk: Hunk, target: ChangedLine, first: int, last: int) -> bool:
    added = removed = 0
    for line in hunk.changes:
        if line is target:
            new_line = line.new_line or hunk.new_start
            anchor = hunk.old_start + (new_line - hunk.new_start - added) + removed
            # An added line continuing the definition sits before its last line
            # (or replaces it: the removed last line precedes the insertion).
            return first < anchor <= last + 1
        if line.added:
            added += 1
        else:
            removed += 1
    return False


def _mentions(code: str, bit: str) -> bool:
    return re.compile(rf"\b{re.escape(bit)}(?:_BIT)?\b").search(code) is not None


def _action(code: str) -> str:
    """What a line naming a bit does to it: ``sets``, ``clears`` or ``tests``."""
    if "clear_bits" in code or "&= ~" in code or "& ~" in code:
        return "clears"
    if "set_bits" in code or "|=" in code or " | " in code:
        return "sets"
    return "tests"


def in_cr4_mask(view: PinningView, name: str) -> bool:
    bit = view.facts.bit(name)
    return bit is None or bit.in_mask


def _dedicated_setup(view: PinningView, name: str) -> tuple[str, ...]:
    bit = view.facts.bit(name)
    return bit.setup if bit is not None else ()


def _bit_setup(view: PinningView, name: str) -> tuple[str, ...]:
    bit = view.facts.bit(name)
    return (*bit.setup, *bit.enabled_in) if bit is not None else ()


def _features(view: PinningView, bits: Iterable[str]) -> str:
    names = []
    for name in bits:
        bit = view.facts.bit(name)
        names.append(bit.feature if bit is not None else name)
    return ", ".join(dict.fromkeys(names))
