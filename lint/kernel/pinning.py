"""Pinned control-register bits x secondary-CPU bringup: which changes can open a window.

CR pinning (arch/x86/kernel/cpu/common.c) keeps security-sensitive CR4 bits
and CR0.WP set. Its static key is switched on by the boot CPU once that CPU is
set up, so on every secondary CPU (AP) ``cr4_init()`` turns the pinned bits on
at the very start of ``start_secondary()``, before each pinned feature's own
setup has run there. A patch that changes the pinning machinery, sets, clears
or tests a pinned bit, changes a pinned feature's setup, or moves a setup call
on the AP bringup path can open a window in which exceptions (#VC, #VE) cannot
be delivered.

:func:`analyse` is pure: a :class:`Patch` and a :class:`PinningView` (the
rulebook's facts, or a kernel tree's, see :mod:`lint.kernel.tree`) in, frozen
:class:`PinningFinding` records out, one per function a patch touches that way.
"""

from __future__ import annotations

import os
import re
from collections import deque
from collections.abc import Iterable, Iterator, Mapping

from lint.compilecache import compile_regex
from lint.kernel.facts import KernelFacts, MachineryItem
from lint.model import ChangedLine, FileDiff, Hunk, Patch
from lint.record import field, record

# How far above a setup function a call still "moves the setup" when it moves.
# identify_secondary_cpu() -> identify_cpu() -> setup_smep() is two calls: moving
# identify_cpu() moves SMEP's setup. ap_starting() is four calls above it and
# does much else: moving it past the TSC check does not change the window.
SETUP_CALL_DEPTH = 2

# Strength of a reason, for picking the one a finding reports.
_KIND_ORDER = ("machinery", "bit", "setup-call", "setup")

_CALL = compile_regex(r"\b([A-Za-z_]\w*)\s*\(")
_COMMENT = compile_regex(r"/\*.*?(?:\*/|$)|//.*$")
_INERT = compile_regex(r"\s*(?:\*|#|EXPORT_SYMBOL)")


@record
class FunctionSpan:
    """Where a function is defined in a source file (1-based, inclusive lines)."""

    name: str
    start: int
    end: int


@record
class PinningView:
    """What the analysis knows in one run: the facts, and a tree's where there is one.

    Build it with :func:`rulebook_view` or :func:`lint.kernel.tree.tree_view`.
    """

    facts: KernelFacts
    pinned: tuple[str, ...]
    """Names of the bits pinned in this view (a tree's live mask, plus CR0.WP)."""
    parents: Mapping[str, str]
    """Each function reachable from a bringup entry, with its caller on a shortest path."""
    leads_to: Mapping[str, tuple[str, ...]]
    """Functions whose calls reach a pinned feature's setup, with the bits concerned."""
    source: str
    """Where the facts came from, in words (a tree and its revision, or the rulebook)."""
    tree: str = ""
    """The tree and revision the facts came from, ``""`` for the rulebook."""
    spans: Mapping[str, tuple[FunctionSpan, ...]] = field(default_factory=dict)
    """Function spans of the tree's files (pre-image), by path; empty without a tree."""
    mask_lines: tuple[int, int] = (0, 0)
    """First and last line of the mask definition in the tree's mask file, or zeros."""
    tokens: frozenset[str] = frozenset()
    """Every name the analysis reacts to: a diff without one is skipped unparsed."""
    watched_files: tuple[str, ...] = ()
    """Tree files defining machinery or setup functions: a hunk there may name none
    of :attr:`tokens` (git's heading can be a label), so a diff touching one is read."""


@record
class PinningFinding:
    """Why one changed function matters to CR pinning on the AP bringup path."""

    kind: str
    """``machinery``, ``bit``, ``setup-call`` or ``setup``."""
    what: str
    """What the change does, in words (``moves or changes the call to ...``)."""
    bits: tuple[str, ...]
    function: str
    """The function the changed lines are in (or the pinning symbol they define)."""
    symbol: bool
    """True when :attr:`function` is a file-scope symbol (``cr4_pinned_mask``)."""
    path: tuple[str, ...]
    """Call path from the bringup entry to the function (or to where it takes effect)."""
    file: str
    line: int
    """Input line of the first changed line concerned."""
    sections: tuple[str, ...]
    """Changelog sections a reviewer needs: CR pinning, the features, problem, fix."""
    source: str
    tree: str


def rulebook_view(facts: KernelFacts) -> PinningView:
    """The view from the rulebook alone: its pinned bits and its known bringup calls."""
    calls = dict(facts.calls)
    return build_view(
        facts,
        calls,
        tuple(bit.name for bit in facts.bits),
        source=(
            f"rulebook {os.path.basename(facts.path)} (no --tree; functions from the hunk context)"
        ),
    )


def build_view(
    facts: KernelFacts,
    calls: Mapping[str, Iterable[str]],
    pinned: tuple[str, ...],
    *,
    source: str,
    tree: str = "",
    spans: Mapping[str, tuple[FunctionSpan, ...]] | None = None,
    mask_lines: tuple[int, int] = (0, 0),
    watched_files: tuple[str, ...] = (),
) -> PinningView:
    """A view from a call graph (caller -> callee names) and the bits pinned in it."""
    parents: dict[str, str] = {}
    queue: deque[str] = deque()
    for entry in facts.entries:
        parents[entry] = ""
        queue.append(entry)
    while queue:
        caller = queue.popleft()
        for callee in calls.get(caller, ()):
            if callee not in parents:
                parents[callee] = caller
                queue.append(callee)
    callers: dict[str, set[str]] = {}
    for caller, callees in calls.items():
        for callee in callees:
            callers.setdefault(callee, set()).add(caller)
    leads: dict[str, list[str]] = {}
    for bit in facts.bits:
        if bit.name not in pinned:
            continue
        for name in _ancestors(bit.setup, callers, SETUP_CALL_DEPTH):
            if bit.name not in leads.setdefault(name, []):
                leads[name].append(bit.name)
    names = {
        *pinned,
        *(item.name for item in facts.machinery),
        facts.mask_symbol,
        *leads,
    }
    tokens = frozenset(names)
    return PinningView(
        facts=facts,
        pinned=pinned,
        parents=parents,
        leads_to={name: tuple(bits) for name, bits in leads.items()},
        source=source,
        tree=tree,
        spans=dict(spans or {}),
        mask_lines=mask_lines,
        tokens=tokens,
        watched_files=watched_files,
    )


def _ancestors(
    starts: Iterable[str], callers: Mapping[str, set[str]], depth: int
) -> dict[str, int]:
    found = dict.fromkeys(starts, 0)
    frontier = list(found)
    for level in range(1, depth + 1):
        following: list[str] = []
        for name in frontier:
            for caller in sorted(callers.get(name, ())):
                if caller not in found:
                    found[caller] = level
                    following.append(caller)
        frontier = following
    return found


def may_matter(patch: Patch, view: PinningView) -> bool:
    """Cheap pre-test: can this patch's diff touch x86 CR pinning at all?"""
    if not patch.diff_may_contain_any(frozenset(view.facts.scope)):
        return False
    if patch.parsed_diff is not None:
        return True
    # Substring tests, remembered per patch and shared with the rules' own triggers
    # (cr4_init, X86_CR4_FRED...): cheaper than one alternation regex over the diff.
    if patch.diff_may_contain_any(view.tokens):
        return True
    return any(patch.diff_may_contain(f"/{path}\n") for path in view.watched_files)


def analyse(patch: Patch, view: PinningView) -> tuple[PinningFinding, ...]:
    """Every function of ``patch`` whose change matters to pinning during AP bringup."""
    if not patch.has_diff or not may_matter(patch, view):
        return ()
    grouped: dict[tuple[str, str], list[_Reason]] = {}
    for changed in patch.diff.files:
        if not view.facts.in_scope(changed.path):
            continue
        for hunk in changed.hunks:
            for line, function in _lines_with_functions(changed, hunk, view):
                reason = _reason(changed, hunk, line, function, view)
                if reason is not None:
                    grouped.setdefault((changed.path, reason.function), []).append(reason)
    findings = [_finding(path, reasons, view) for (path, _), reasons in grouped.items()]
    return tuple(sorted(findings, key=lambda found: found.line))


@record
class _Reason:
    kind: str
    what: str
    bits: tuple[str, ...]
    """The bits concerned; empty for a machinery change that concerns all of them."""
    function: str
    reached: str
    """The function whose bringup path the finding cites."""
    line: int
    symbol: bool = False


def _lines_with_functions(
    changed: FileDiff, hunk: Hunk, view: PinningView
) -> Iterator[tuple[ChangedLine, str]]:
    """Each changed line of ``hunk`` with the function it is in.

    With a tree, removed lines are placed by their pre-image line, and added
    lines by the pre-image line they are inserted before, unless the hunk's own
    context says they belong to a function the tree does not have (a new one).
    """
    spans = view.spans.get(changed.old_path) or view.spans.get(changed.path)
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


def _span_at(spans: tuple[FunctionSpan, ...], line: int) -> str:
    for span in spans:
        if span.start <= line <= span.end:
            return span.name
    return ""


def _reason(
    changed: FileDiff, hunk: Hunk, line: ChangedLine, function: str, view: PinningView
) -> _Reason | None:
    facts = view.facts
    code = _COMMENT.sub("", line.text)
    # Comments, preprocessor lines and symbol exports change no CPU state.
    if not code.strip() or _INERT.match(code):
        return None
    machinery = _machinery(changed, hunk, line, code, function, view)
    if machinery is not None:
        item, function = machinery
        reached = function if function in view.parents else item.applied_in
        if reached not in view.parents:
            return None
        bits = item.bits
        if not function and not bits:
            # A line of the mask's definition: the bits it adds or drops.
            other = " ".join(c.text for c in hunk.changes if c.added != line.added)
            bits = tuple(
                name
                for name in dict.fromkeys(facts.mask_bit.findall(code))
                if not compile_regex(rf"\b{re.escape(name)}\b").search(other)
            )
        return _Reason(
            "machinery",
            f"changes {item.what}",
            bits,
            function or item.name,
            reached,
            line.line,
            symbol=not function,
        )
    if function not in view.parents:
        return None
    mentioned = tuple(bit for bit in view.pinned if _mentions(code, bit))
    if mentioned:
        verb = _verb(code)
        plural = "s" if len(mentioned) > 1 else ""
        what = f"{verb} pinned bit{plural} {', '.join(mentioned)}"
        return _Reason("bit", what, mentioned, function, function, line.line)
    for called in dict.fromkeys(_CALL.findall(code)):
        bits = view.leads_to.get(called, ())
        if called != function and bits:
            features = _features(view, bits)
            setup = any(called in _bit_setup(view, bit) for bit in bits)
            how = "which sets up" if setup else "which leads to the setup of"
            what = f"moves or changes the call to {called}(), {how} {features}"
            return _Reason("setup-call", what, bits, function, function, line.line)
    own = tuple(bit for bit in view.pinned if function in _bit_setup(view, bit))
    if own:
        what = f"changes the setup of {_features(view, own)}"
        return _Reason("setup", what, own, function, function, line.line)
    return None


def _machinery(
    changed: FileDiff,
    hunk: Hunk,
    line: ChangedLine,
    code: str,
    function: str,
    view: PinningView,
) -> tuple[MachineryItem, str] | None:
    """The machinery item a line changes, and the function it is in (``""``: file scope)."""
    facts = view.facts
    if facts.mask_file in (changed.path, changed.old_path) and _in_mask(hunk, line, view):
        mask = next((item for item in facts.machinery if item.name == facts.mask_symbol), None)
        if mask is not None:
            return mask, ""
    for item in facts.machinery:
        if item.name == function or compile_regex(rf"\b{re.escape(item.name)}\b").search(code):
            return item, function
    return None


def _in_mask(hunk: Hunk, line: ChangedLine, view: PinningView) -> bool:
    """Whether ``line`` is part of the mask's definition (a continuation line, too)."""
    first, last = view.mask_lines
    if not first:
        # Without a tree, the definition must show in the hunk's own pre-image.
        first, last = _definition_in_hunk(hunk, view.facts.mask_symbol)
        if not first:
            return False
    if line.added:
        return _added_within(hunk, line, first, last)
    return first <= (line.old_line or 0) <= last


def _definition_in_hunk(hunk: Hunk, symbol: str) -> tuple[int, int]:
    """First and last pre-image line of ``symbol = ...;`` within the hunk, or zeros."""
    removed = {c.old_line: c.text for c in hunk.changes if not c.added}
    context = iter(hunk.context_before)
    start = compile_regex(rf"\b{re.escape(symbol)}\s*=")
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
    return compile_regex(rf"\b{re.escape(bit)}(?:_BIT)?\b").search(code) is not None


def _verb(code: str) -> str:
    if "clear_bits" in code or "&= ~" in code or "& ~" in code:
        return "clears"
    if "set_bits" in code or "|=" in code or " | " in code:
        return "sets"
    return "tests or uses"


def _cr4(view: PinningView, name: str) -> bool:
    bit = view.facts.bit(name)
    return bit is None or bit.in_mask


def _bit_setup(view: PinningView, name: str) -> tuple[str, ...]:
    bit = view.facts.bit(name)
    return bit.setup if bit is not None else ()


def _features(view: PinningView, bits: Iterable[str]) -> str:
    names = []
    for name in bits:
        bit = view.facts.bit(name)
        names.append(bit.feature if bit is not None else name)
    return ", ".join(dict.fromkeys(names))


def bringup_path(view: PinningView, function: str) -> tuple[str, ...]:
    """The call path from a bringup entry to ``function``, or ``()`` if unreachable."""
    if function not in view.parents:
        return ()
    path = [function]
    while view.parents[path[-1]]:
        path.append(view.parents[path[-1]])
    return tuple(reversed(path))


def _finding(file: str, reasons: list[_Reason], view: PinningView) -> PinningFinding:
    strongest = min(reasons, key=lambda reason: _KIND_ORDER.index(reason.kind))
    order = {name: index for index, name in enumerate(bit.name for bit in view.facts.bits)}
    # Bits of the strongest reasons only: a call moved inside a setup function
    # is about the called feature, not the one the function itself sets up.
    strong = [reason for reason in reasons if reason.kind == strongest.kind]
    bits = sorted(
        dict.fromkeys(bit for reason in strong for bit in reason.bits),
        key=lambda name: order.get(name, len(order)),
    )
    # Backgrounds are asked for the bits a change names, not for every pinned bit.
    sections = required_sections(view.facts, bits)
    if not bits:
        bits = [name for name in view.pinned if _cr4(view, name)]
    return PinningFinding(
        kind=strongest.kind,
        what=strongest.what,
        bits=tuple(bits),
        function=strongest.function,
        symbol=strongest.symbol,
        path=bringup_path(view, strongest.reached),
        file=file,
        line=min(reason.line for reason in reasons),
        sections=sections,
        source=view.source,
        tree=view.tree,
    )


def required_sections(facts: KernelFacts, bits: Iterable[str]) -> tuple[str, ...]:
    """The changelog sections a patch touching ``bits`` needs, in reading order."""
    backgrounds = []
    for name in bits:
        bit = facts.bit(name)
        if bit is not None and bit.background:
            backgrounds.append(bit.background)
    return tuple(dict.fromkeys((*facts.sections_before, *backgrounds, *facts.sections_after)))
