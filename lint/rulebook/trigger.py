"""A rule's condition, and why it matched a patch: what a diagnostic cites as its reason."""

from __future__ import annotations

from lint.record import record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Protocol

    from lint.patch.model import Patch


@record
class Trigger:
    """Why a condition matched, for the diagnostic to cite."""

    reason: str
    """A phrase such as ``touches arch/x86/kernel/fred.c``."""
    path: str = ""
    """The file that matched, for diff conditions."""
    line: int = 0
    """Input line of the diff line that matched, 0 when not a line match."""
    detail: str = ""
    """The part of :attr:`reason` that names the place (of a condition made of several),
    ``""`` when the reason is that part itself."""

    @property
    def located(self) -> str:
        """The reason of the part that gave the position."""
        return self.detail or self.reason


if TYPE_CHECKING:

    class Condition(Protocol):
        """A compiled trigger: every condition record is one."""

        def matches(self, patch: Patch) -> Trigger | None:
            """The reason ``patch`` satisfies this condition, or ``None``."""
            ...

        def describe(self) -> str:
            """The condition in words, for documentation and ``not`` reasons."""
            ...
