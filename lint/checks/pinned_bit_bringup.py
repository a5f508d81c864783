"""pinned-bit-bringup: a change to CR pinning or a pinned feature on the AP bringup path.

CR pinning turns the pinned CR4 bits (and CR0.WP) on in ``cr4_init()`` at the
very start of ``start_secondary()``, before each pinned feature's own setup has
run on that CPU. A patch that changes the pinning machinery, sets, clears or
tests a pinned bit, changes a pinned feature's setup function, or moves such a
setup call, in code that runs during secondary-CPU bringup, can open a window
in which exceptions cannot be delivered (#VC under SEV-ES/SNP, #VE under TDX).

One finding per patch says what the diff does (:mod:`lint.kernel.changes`), in
which functions, on which call paths from the bringup entry, the bits
concerned and the changelog sections a reviewer needs. It is the rule's
severity (a warning) when a change can open the window and a section is
missing; otherwise ``settled_severity`` (a note): the changelog already
carries the sections, or says the patch changes no behaviour, or the change
cannot open the window. A hook then does not block a patch its author cannot
improve, and the bot and the explainer still show it.

The kernel facts (pinned bits, machinery, setup functions, known bringup
calls) are data in ``rules/data/``. With ``--tree`` the pinned mask and the
call graph come from a kernel tree instead (see :mod:`lint.kernel.tree`).

Parameters:

- ``facts`` (default ``kernel-facts.toml``): the facts file in ``rules/data/``.
- ``settled_severity`` (default ``note``): see above.
- ``fix_condition`` (default ``fix``): the named condition of
  ``rules/data/conditions.toml`` that tells a fix; only a fix is asked for
  ``== Problem ==`` and ``== Fix ==``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence

from lint.checks.api import CheckKind, Finding, ParamsError
from lint.diagnostic import Part, Severity
from lint.kernel.facts import KernelFacts, load_facts
from lint.kernel.pinning import (
    PinningFinding,
    PinningView,
    analyse,
    required_sections,
    rulebook_view,
)
from lint.record import field, record
from lint.resources import resource_dir

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Literal

    from lint.checks.api import CheckContext
    from lint.patch.model import Patch
    from lint.rulebook.conditions import Trigger
    from lint.rulebook.facts import Vocabulary


@record
class Params:
    """Parameters of a ``pinned-bit-bringup`` rule."""

    facts: str = "kernel-facts.toml"
    """The kernel facts file, relative to ``rules/data/``."""
    settled_severity: Literal["error", "warning", "note"] = "note"
    """The severity of a finding whose changelog already carries every section it asks
    for (or says the patch changes no behaviour), and of a change that cannot open the
    window (a harmless pinned bit set in a new place): the author can do nothing more."""
    fix_condition: str = "fix"
    """The named condition (``rules/data/conditions.toml``) that tells a fix: only a fix
    is asked for ``== Problem ==`` and ``== Fix ==``."""
    view: PinningView | None = field(default=None, init=False, compare=False, repr=False)
    """The rulebook's view, built once when the rule is loaded."""
    vocabulary: Vocabulary | None = field(default=None, init=False, compare=False, repr=False)
    """Topics, the diff vocabulary and the named conditions of ``rules/data/``."""

    def __post_init__(self) -> None:
        # Loaded with the rule, so that a broken facts file stops the run before any patch.
        data = os.path.join(resource_dir("rules"), "data")
        path = os.path.join(data, self.facts)
        if not os.path.isfile(path):
            raise ParamsError("facts", f"no kernel facts file {path}")
        object.__setattr__(self, "view", rulebook_view(load_facts(path)))
        from lint.rulebook.vocabulary import load_vocabulary

        vocabulary = load_vocabulary(data)
        if self.fix_condition not in vocabulary.named:
            known = ", ".join(vocabulary.named)
            raise ParamsError(
                "fix_condition", f"unknown condition {self.fix_condition!r} (known: {known})"
            )
        object.__setattr__(self, "vocabulary", vocabulary)

    @property
    def kernel_facts(self) -> KernelFacts:
        """The loaded facts."""
        assert self.view is not None  # set in __post_init__
        return self.view.facts


def check(
    patch: Patch,
    params: Params,
    trigger: Trigger | None,
    context: CheckContext,
) -> Iterator[Finding]:
    """Report, once per patch, what ``patch`` changes about CR pinning during AP bringup.

    The facts are the kernel tree's when the context carries them (``--tree``), else
    the rulebook's.
    """
    view = context.pinning_view
    if view is None:
        view = params.view
    assert view is not None and params.vocabulary is not None
    vocabulary = params.vocabulary
    found = analyse(patch, view, vocabulary.nature)
    if not found:
        return
    fix = vocabulary.named[params.fix_condition].matches(patch) is not None
    sections = required_sections_of(view, found, fix)
    missing = [title for title in sections if patch.changelog.section(title) is None]
    settled = not missing or _says_no_change(patch, params)
    grade = None
    if settled or not any(item.hazard for item in found):
        grade = Severity.parse(params.settled_severity)
    yield Finding(
        message(found, sections, missing),
        found[0].line,
        Part.DIFF,
        help=help_text(found, view),
        data=finding_data(found, sections),
        grade=grade,
    )


def required_sections_of(
    view: PinningView, found: Sequence[PinningFinding], fix: bool
) -> tuple[str, ...]:
    """The sections the changes ask for; ``Problem`` and ``Fix`` only of a fix."""
    facts = view.facts
    bits = dict.fromkeys(bit for item in found for bit in item.bits if _named(item))
    titles = required_sections(facts, bits)
    if not fix:
        titles = tuple(title for title in titles if title not in facts.sections_after)
    return titles


def _named(found: PinningFinding) -> bool:
    # A change to the machinery concerns every pinned bit: it asks for no feature's background.
    return found.kind != "machinery" or (found.symbol and found.function != "cr_pinning")


def _says_no_change(patch: Patch, params: Params) -> bool:
    assert params.vocabulary is not None
    named = params.vocabulary.named.get("no-functional-change")
    return named is not None and named.matches(patch) is not None


def message(
    found: Sequence[PinningFinding], sections: Sequence[str], missing: Sequence[str]
) -> str:
    """What the patch changes, where, which bits, and what the changelog should say."""
    changes = [f"{item.what} ({' → '.join(item.path)})" for item in found[:3]]
    if len(found) > 3:
        changes.append(f"and {len(found) - 3} more")
    files = ", ".join(dict.fromkeys(item.file for item in found))
    bits = ", ".join(dict.fromkeys(bit for item in found for bit in item.bits))
    wanted = ", ".join(f"'== {title} =='" for title in sections)
    if missing:
        ask = f"explain it in {wanted}"
    else:
        ask = f"the changelog has {wanted}: a reviewer should still check the order of setup"
    return (
        f"{files}: changes CR pinning on the secondary-CPU bringup path: "
        f"{'; '.join(changes)}; pinned: {bits}; {ask}"
    )


def help_text(found: Sequence[PinningFinding], view: PinningView) -> str:
    """The longer why, once, with the history of the bits and where the facts came from."""
    history = []
    for name in dict.fromkeys(bit for item in found for bit in item.bits):
        bit = view.facts.bit(name)
        if bit is not None and bit.since and not view.tree:
            history.append(f"{name} pinned since {bit.since}")
    since = f" ({'; '.join(history)})" if history else ""
    return f"{view.facts.window}{since} Facts: {view.source}."


def finding_data(
    found: Sequence[PinningFinding], sections: Sequence[str] = ()
) -> tuple[tuple[str, str], ...]:
    """The reasoning as data for JSON and the explainer."""
    first = found[0]
    return (
        ("kind", first.kind),
        ("changes", "; ".join(item.what for item in found)),
        ("bits", ", ".join(dict.fromkeys(bit for item in found for bit in item.bits))),
        ("function", first.function),
        ("functions", ", ".join(dict.fromkeys(item.function for item in found))),
        ("path", " → ".join(first.path)),
        ("file", first.file),
        ("sections", ", ".join(sections or first.sections)),
        ("tree", first.tree or first.source),
    )


KIND = CheckKind(name="pinned-bit-bringup", params_type=Params, doc=__doc__ or "", on_patch=check)
