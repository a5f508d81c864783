"""pinned-bit-bringup: a change to CR pinning or a pinned feature on the AP bringup path.

CR pinning turns the pinned CR4 bits (and CR0.WP) on in ``cr4_init()`` at the
very start of ``start_secondary()``, before each pinned feature's own setup has
run on that CPU. A patch that changes the pinning machinery, sets, clears or
tests a pinned bit, changes a pinned feature's setup function, or moves such a
setup call, in code that runs during secondary-CPU bringup, can open a window
in which exceptions cannot be delivered (#VC under SEV-ES/SNP, #VE under TDX).
The finding names the bits, the function, the call path from the bringup
entry, and the changelog sections a reviewer needs; it is shown even when the
sections are there, because a reviewer must look.

The kernel facts (pinned bits, machinery, setup functions, known bringup
calls) are data in ``rules/data/``. With ``--tree`` the pinned mask and the
call graph come from a kernel tree instead (see :mod:`lint.kernel.tree`).

Parameters:

- ``facts`` (default ``kernel-facts.toml``): the facts file in ``rules/data/``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from lint.checks.finding import finding
from lint.diagnostic import Diagnostic
from lint.errors import InputError
from lint.kernel.facts import KernelFacts, load_facts
from lint.kernel.pinning import PinningFinding, PinningView, analyse, rulebook_view
from lint.record import field, record
from lint.resources import resource_dir

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

    from lint.conditions import Trigger
    from lint.engine import CheckContext
    from lint.model import Patch
    from lint.ruleset import Ruleset, RuleSpec

KIND = "pinned-bit-bringup"


@record
class Params:
    """Parameters of a ``pinned-bit-bringup`` rule."""

    facts: str = "kernel-facts.toml"
    """The kernel facts file, relative to ``rules/data/``."""
    view: PinningView | None = field(default=None, init=False, compare=False, repr=False)
    """The rulebook's view, built once when the rule is loaded."""

    def __post_init__(self) -> None:
        # Loaded with the rule, so that a broken facts file stops the run before any patch.
        path = os.path.join(resource_dir("rules"), "data", self.facts)
        if not os.path.isfile(path):
            raise InputError(path, "kernel facts file not found (params.facts)")
        object.__setattr__(self, "view", rulebook_view(load_facts(path)))

    @property
    def kernel_facts(self) -> KernelFacts:
        """The loaded facts."""
        assert self.view is not None  # set in __post_init__
        return self.view.facts


def check(
    patch: Patch,
    rule: RuleSpec,
    params: Params,
    trigger: Trigger | None,
    context: CheckContext,
) -> Iterator[Diagnostic]:
    """Report each function of ``patch`` that touches CR pinning during AP bringup.

    The facts are the kernel tree's when the context carries them (``--tree``), else
    the rulebook's.
    """
    view = context.pinning_view
    if view is None:
        view = params.view
    assert view is not None
    for found in analyse(patch, view):
        yield finding(
            patch,
            rule,
            message(found),
            found.line,
            "diff",
            help=help_text(found, view),
            data=finding_data(found),
        )


def message(found: PinningFinding) -> str:
    """The one-paragraph diagnostic: what, which bits, where, and what to write."""
    path = " → ".join(found.path)
    sections = ", ".join(f"'== {title} =='" for title in found.sections)
    name = f"the definition of {found.function}" if found.symbol else f"{found.function}()"
    if found.path and found.path[-1] != found.function:
        where = f"in {name}, which takes effect in {found.path[-1]}() during"
    else:
        where = f"in {name}, which runs during"
    return (
        f"{found.file}: {found.what} {where} "
        f"secondary-CPU bringup ({path}); pinned: {', '.join(found.bits)}. "
        "CR pinning sets pinned bits in cr4_init() before a feature's own setup on an AP, "
        "a window in which #VC (SEV-ES/SNP) or #VE (TDX) cannot be delivered: "
        f"the changelog must explain it in {sections}"
    )


def help_text(found: PinningFinding, view: PinningView) -> str:
    """The longer why, with where the facts came from."""
    return f"{view.facts.window} (facts: {found.source})"


def finding_data(found: PinningFinding) -> tuple[tuple[str, str], ...]:
    """The reasoning as data for JSON and the explainer."""
    return (
        ("kind", found.kind),
        ("bits", ", ".join(found.bits)),
        ("function", found.function),
        ("path", " → ".join(found.path)),
        ("file", found.file),
        ("sections", ", ".join(found.sections)),
        ("tree", found.tree or found.source),
    )


def run_view(
    ruleset: Ruleset, tree: Path | None, ref: str = "", cache_dir: Path | None = None
) -> PinningView | None:
    """The view ``--tree``/``--tree-ref`` ask for, ``None`` without a tree or the rule.

    The facts file is the one the (first enabled) rule of this kind names.
    """
    if ref and tree is None:
        raise InputError("--tree-ref", "needs --tree REPO")
    rule = _rule(ruleset)
    if tree is None or rule is None:
        return None
    from lint.kernel.tree import default_cache_dir, tree_view

    params: Params = rule.params
    cache = cache_dir if cache_dir is not None else default_cache_dir()
    return tree_view(params.kernel_facts, tree, ref, cache)


def facts_note(ruleset: Ruleset, view: PinningView | None) -> str:
    """Where the rule's kernel facts come from in this run (for ``--verbose``), or ``""``."""
    rule = _rule(ruleset)
    if rule is None:
        return ""
    if view is None:
        params: Params = rule.params
        assert params.view is not None
        view = params.view
    return f"{rule.id}: kernel facts from {view.source}"


def _rule(ruleset: Ruleset) -> RuleSpec | None:
    for rule in ruleset.rules:
        if rule.kind == KIND and rule.enabled:
            return rule
    return None
