"""The contract between the engine and a check kind: what a check is given, what it yields.

A check kind is a module of :mod:`lint.checks` with a typed ``Params`` record and a
function that looks at one thing and yields :class:`Finding` records: what it saw,
where, and how to fix it. Everything a finding shares with the other findings of
its rule (the rule id, the severity, checkpatch's name for it, the input and the
mail it is on) is the engine's to add: a check never sees the rule it runs for.

Each kind declares its :class:`Scope` by the function it gives its
:class:`CheckKind`:

- ``on_patch(patch, params, trigger, context)``: one patch at a time (most kinds);
- ``on_thread(thread, params, context)``: a whole thread, after the per-patch run
  (vN, its reviews and vN+1 together);
- ``on_series(entries, params, context)``: the mails of one send, in send order
  (the ``sendemail-validate`` hook's last mail).

A thread or series finding names the mail it is on (:attr:`Finding.on`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from enum import Enum

from lint.diagnostic import Fix, Part, Severity
from lint.record import field, record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

    from lint.kernel.pinning import PinningView
    from lint.patch.model import Patch
    from lint.rulebook.trigger import Trigger
    from lint.sources.commits import Resolver
    from lint.thread.series import SeriesEntry
    from lint.thread.threads import MessageSummary, Thread


class Scope(Enum):
    """What one call of a check looks at."""

    PATCH = "patch"
    THREAD = "thread"
    SERIES = "series"


class ParamsError(ValueError):
    """A ``[params]`` value a check kind cannot work with, raised by its ``Params``.

    The rule loader reports it with the rule file: ``FILE: key 'params.KEY': MESSAGE``.
    """

    def __init__(self, key: str, message: str) -> None:
        super().__init__(key, message)
        self.key = key
        self.message = message


@record
class MailRef:
    """The mail a thread or series finding is on."""

    origin: str
    subject: str
    message_id: str


@record
class Finding:
    """One thing a check found: what, where, and how to put it right."""

    message: str
    line: int
    """Input line the finding points at."""
    part: Part
    help: str = ""
    """The longer why, or what to do; the rule's summary when the kind says so."""
    fix: Fix | None = None
    data: tuple[tuple[str, str], ...] = ()
    """Structured facts behind the finding (for JSON), as ordered key/value pairs."""
    grade: Severity | None = None
    """A severity for this finding instead of the rule's: checkpatch grades some cases of
    one type higher or lower, and a settled pinned-bit finding is a note. A severity the
    user configured for the rule holds for every finding all the same."""
    on: MailRef | None = None
    """The mail of a thread or series finding; ``None`` for the patch checked."""


@record
class CheckContext:
    """Optional facts some checks use; everything defaults to "not available"."""

    profile: str | None = None
    """Force ``tip`` or ``kernel`` (or ``auto``) for this run, over the configured profile."""
    repo: Path | None = None
    """A git repository (e.g. a kernel tree) checks may consult."""
    pinning_view: PinningView | None = None
    """A kernel tree's pinning facts (``--tree``); ``None``: the rulebook's."""
    commits: Resolver | None = None
    """Resolves commit ids of ``Fixes:`` tags and references (``-C`` or a kernel tree)."""
    spelling: Mapping[str, str] | None = field(default_factory=lambda: _default_dictionary())
    """Misspelling -> correction for TYPO_SPELLING (:mod:`lint.checks.checkpatch.dictionary`):
    by default the built-in choice, read once per context on first use; ``None`` when no rule
    spells."""


def _default_dictionary() -> Mapping[str, str]:
    from lint.checks.checkpatch.dictionary import choose_dictionary

    return choose_dictionary(None)


PatchCheck = Callable[["Patch", "Any", "Trigger | None", CheckContext], Iterable[Finding]]
"""``on_patch(patch, params, trigger, context)``: the findings on one patch.

``trigger`` says why the rule's ``[when]`` matched (``None`` without one); ``context``
carries what a run knows beyond the patch (a kernel tree's pinning facts, the commit
resolver, the spelling dictionary); most kinds need neither."""
ThreadCheck = Callable[["Thread", "Any", CheckContext], Iterable[Finding]]
"""``on_thread(thread, params, context)``: the findings on the mails of one thread."""
SeriesCheck = Callable[["Sequence[SeriesEntry]", "Any", CheckContext], Iterable[Finding]]
"""``on_series(entries, params, context)``: the findings on the mails of one send."""


@record
class CheckKind:
    """One check kind: its name, its typed parameters and the function of its scope."""

    name: str
    params_type: type[Any]
    """A frozen record; the rule's ``[params]`` table is validated into it at load."""
    doc: str
    """The check module's docstring: the kind's user documentation."""
    on_patch: PatchCheck | None = None
    on_thread: ThreadCheck | None = None
    on_series: SeriesCheck | None = None
    may_find: Callable[[MessageSummary], bool] | None = None
    """Thread kinds: whether a thread holding this mail can give the kind anything (a
    thread without such a mail is never loaded)."""
    summary_as_help: bool = False
    """A finding without help of its own gets the rule's summary as help."""
    alias_param: str = ""
    """The ``[params]`` key naming checkpatch's type for what a rule of this kind
    reports (the ported kinds: ``type``); the rule's ``checkpatch`` key must agree."""

    def __post_init__(self) -> None:
        given = [f for f in (self.on_patch, self.on_thread, self.on_series) if f is not None]
        if len(given) != 1:  # a bug in the kind's module
            raise TypeError(f"check kind {self.name}: give exactly one of on_patch/thread/series")

    @property
    def scope(self) -> Scope:
        if self.on_patch is not None:
            return Scope.PATCH
        return Scope.THREAD if self.on_thread is not None else Scope.SERIES
