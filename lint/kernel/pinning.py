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

from lint.kernel.changes import (
    Place,
    Reason,
    classify,
    in_cr4_mask,
    lines_with_functions,
    tree_matches,
    trusted_spans,
)
from lint.kernel.view import (
    SETUP_CALL_DEPTH,
    FunctionSpan,
    PinningFinding,
    PinningView,
    bringup_path,
    build_view,
    required_sections,
    rulebook_view,
)
from lint.lazyregex import lazy_regex
from lint.patch.diff import ChangedLine
from lint.patch.model import Patch
from lint.patch.nature import NatureVocabulary, diff_nature

__all__ = [
    "SETUP_CALL_DEPTH",
    "FunctionSpan",
    "PinningFinding",
    "PinningView",
    "analyse",
    "bringup_path",
    "build_view",
    "may_matter",
    "patch_date",
    "pinned_for",
    "required_sections",
    "rulebook_view",
]

# Strength of a reason, for picking the one a finding reports.
_KIND_ORDER = ("machinery", "bit", "setup-call", "setup")


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


def pinned_for(patch: Patch, view: PinningView) -> tuple[str, ...]:
    """The bits pinned for ``patch``: a tree's mask, or the rulebook's as of the patch's date.

    Without a tree, a patch dated before a bit was pinned (``pinned_since`` in
    the facts) is not told about that bit: CET and FRED were pinned years after
    the code around them was written.
    """
    if view.tree:
        return view.pinned
    date = patch_date(patch.mail.date)
    if not date:
        return view.pinned
    kept = []
    for name in view.pinned:
        bit = view.facts.bit(name)
        if bit is None or not bit.pinned_since or bit.pinned_since <= date:
            kept.append(name)
    return tuple(kept)


_MONTHS = {
    name: number
    for number, name in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1
    )
}


_DATE = lazy_regex(r"(\d{1,2}) ([A-Z][a-z]{2}) (\d{4})")


def patch_date(header: str) -> str:
    """``YYYY-MM-DD`` of an RFC 2822 ``Date:`` value, or ``""``."""
    found = _DATE.search(header)
    if found is None or found.group(2) not in _MONTHS:
        return ""
    day, month, year = int(found.group(1)), _MONTHS[found.group(2)], found.group(3)
    return f"{year}-{month:02d}-{day:02d}"


def analyse(
    patch: Patch, view: PinningView, nature: NatureVocabulary | None = None
) -> tuple[PinningFinding, ...]:
    """Every function of ``patch`` whose change matters to pinning during AP bringup.

    With ``nature`` (the diff vocabulary), only behavioural lines count: a
    rename, a comment, a function moved whole to another file change nothing,
    and a statement moved within or between functions is reported once, as a
    move, not as a line added.
    """
    if not patch.has_diff or not may_matter(patch, view):
        return ()
    pinned = pinned_for(patch, view)
    behavioural, twins = _behaviour(patch, nature)
    grouped: dict[tuple[str, str], list[Reason]] = {}
    for changed in patch.diff.files:
        if not view.facts.in_scope(changed.path):
            continue
        spans = trusted_spans(changed, view)
        for hunk in changed.hunks:
            hunk_spans = spans if spans and tree_matches(hunk, spans) else ()
            for line, function in lines_with_functions(hunk, hunk_spans):
                if behavioural is not None and id(line) not in behavioural:
                    continue
                twin = twins.get(id(line))
                if twin is not None and not twin.added:
                    twin_function = twin.function
                elif twin is not None:
                    continue  # a move is told once, where the line arrives
                else:
                    twin_function = None
                place = Place(changed, hunk, bool(hunk_spans))
                reason = classify(place, line, function, view, pinned, twin_function)
                if reason is not None:
                    grouped.setdefault((changed.path, reason.function), []).append(reason)
    findings = [_finding(path, reasons, view, pinned) for (path, _), reasons in grouped.items()]
    return tuple(sorted(findings, key=lambda found: found.line))


def _behaviour(
    patch: Patch, nature: NatureVocabulary | None
) -> tuple[set[int] | None, dict[int, ChangedLine]]:
    """Ids of the behavioural changed lines (``None``: all count), and each moved line's twin."""
    if nature is None:
        return None, {}
    found = diff_nature(patch, nature)
    # Console output counts here: in the window it is what raises #VC or #VE.
    behavioural = {id(code.line) for code in (*found.code, *found.prints)}
    twins: dict[int, ChangedLine] = {}
    for removed, added in found.moved:
        if id(removed.line) in behavioural and id(added.line) in behavioural:
            twins[id(removed.line)] = added.line
            twins[id(added.line)] = removed.line
    return behavioural, twins


def _finding(
    file: str, reasons: list[Reason], view: PinningView, pinned: tuple[str, ...]
) -> PinningFinding:
    strongest = min(reasons, key=lambda reason: _KIND_ORDER.index(reason.kind))
    order = {name: index for index, name in enumerate(bit.name for bit in view.facts.bits)}
    # Bits of the strongest reasons only: a call moved inside a setup function
    # is about the called feature, not the one the function itself sets up.
    strong = [reason for reason in reasons if reason.kind == strongest.kind]
    # Of those, one that names bits says most ("adds X86_CR4_FRED to the mask").
    strongest = next((reason for reason in strong if reason.bits), strongest)
    bits = sorted(
        dict.fromkeys(bit for reason in strong for bit in reason.bits),
        key=lambda name: order.get(name, len(order)),
    )
    # Backgrounds are asked for the bits a change names, not for every pinned bit.
    sections = required_sections(view.facts, bits)
    if not bits:
        bits = [name for name in pinned if in_cr4_mask(view, name)]
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
        hazard=any(reason.hazard for reason in reasons),
    )
