"""What a run knows beyond the patches, for the checks that use it: a kernel tree's facts.

``--tree REPO`` (and ``--tree-ref REF``) replace the rulebook's kernel facts with the
tree's pinned mask and call graph (:mod:`lint.kernel.tree`) for the
``pinned-bit-bringup`` rule; the front doors build that view here and pass it in the
:class:`~lint.checks.api.CheckContext`.
"""

from __future__ import annotations

from lint.checks import pinned_bit_bringup
from lint.errors import InputError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

    from lint.kernel.pinning import PinningView
    from lint.rulebook.ruleset import Ruleset, RuleSpec


def run_view(
    ruleset: Ruleset, tree: Path | None, ref: str = "", cache_dir: Path | None = None
) -> PinningView | None:
    """The view ``--tree``/``--tree-ref`` ask for, ``None`` without a tree or the rule.

    The facts file is the one the (first enabled) ``pinned-bit-bringup`` rule names.
    """
    if ref and tree is None:
        raise InputError("--tree-ref", "needs --tree REPO")
    rule = _pinning_rule(ruleset)
    if tree is None or rule is None:
        return None
    from lint.kernel.tree import default_cache_dir, tree_view

    params: pinned_bit_bringup.Params = rule.params
    cache = cache_dir if cache_dir is not None else default_cache_dir()
    return tree_view(params.kernel_facts, tree, ref, cache)


def facts_note(ruleset: Ruleset, view: PinningView | None) -> str:
    """Where the rule's kernel facts come from in this run (for ``--verbose``), or ``""``."""
    rule = _pinning_rule(ruleset)
    if rule is None:
        return ""
    if view is None:
        params: pinned_bit_bringup.Params = rule.params
        assert params.view is not None
        view = params.view
    return f"{rule.id}: kernel facts from {view.source}"


def _pinning_rule(ruleset: Ruleset) -> RuleSpec | None:
    for rule in ruleset.rules:
        if rule.kind == pinned_bit_bringup.KIND.name and rule.enabled:
            return rule
    return None
