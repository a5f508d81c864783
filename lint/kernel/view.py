"""The pinning analysis's view of the kernel: pinned bits, machinery and AP bringup calls.

A :class:`PinningView` is what one run knows: the facts of ``rules/data`` (the
rulebook's pinned bits as of the kernel they describe, the calls known to run
during secondary-CPU bringup) or a kernel tree's (its live ``cr4_pinned_mask``
and call graph, see :mod:`lint.kernel.tree`). :class:`PinningFinding` is what
the analysis says about one changed function.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterable, Mapping

from lint.kernel.facts import KernelFacts
from lint.record import field, record

# How far above a setup function a call still "moves the setup" when it moves.
# identify_secondary_cpu() -> identify_cpu() -> setup_smep() is two calls: moving
# identify_cpu() moves SMEP's setup. ap_starting() is four calls above it and
# does much else: moving it past the TSC check does not change the window.
SETUP_CALL_DEPTH = 2


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
    blobs: Mapping[str, str] = field(default_factory=dict)
    """Git blob id of each file of :attr:`spans`: a patch whose ``index`` line names
    another pre-image was made against another tree, and its hunks are placed by
    their own context instead."""


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
    hazard: bool = True
    """True when the change can open the window (see the module docstring); False for a
    change worth a look that cannot (a pinned bit set earlier that is harmless early)."""


def rulebook_view(facts: KernelFacts) -> PinningView:
    """The view from the rulebook alone: its pinned bits and its known bringup calls."""
    calls = dict(facts.calls)
    return build_view(
        facts,
        calls,
        tuple(bit.name for bit in facts.bits),
        source=(
            f"rulebook {os.path.basename(facts.path)}, {facts.describes} "
            "(no --tree: functions from the hunk context)"
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
    blobs: Mapping[str, str] | None = None,
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
        for name in _ancestors((*bit.setup, *bit.enabled_in), callers, SETUP_CALL_DEPTH):
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
        blobs=dict(blobs or {}),
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


def bringup_path(view: PinningView, function: str) -> tuple[str, ...]:
    """The call path from a bringup entry to ``function``, or ``()`` if unreachable."""
    if function not in view.parents:
        return ()
    path = [function]
    while view.parents[path[-1]]:
        path.append(view.parents[path[-1]])
    return tuple(reversed(path))


def required_sections(facts: KernelFacts, bits: Iterable[str]) -> tuple[str, ...]:
    """The changelog sections a patch touching ``bits`` needs, in reading order."""
    backgrounds = []
    for name in bits:
        bit = facts.bit(name)
        if bit is not None and bit.background:
            backgrounds.append(bit.background)
    return tuple(dict.fromkeys((*facts.sections_before, *backgrounds, *facts.sections_after)))
