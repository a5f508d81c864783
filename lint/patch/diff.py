"""What a diff is: files, hunks and changed lines, and the diff text of a mail before
it is parsed. :mod:`lint.patch.diffparse` reads one; :class:`~lint.patch.model.Patch`
asks it to only when a rule needs the parsed diff.
"""

from __future__ import annotations

from enum import Enum

from lint.record import field, record


class FileStatus(Enum):
    """What a diff does to one file."""

    MODIFIED = "modified"
    ADDED = "added"
    DELETED = "deleted"
    RENAMED = "renamed"
    COPIED = "copied"


@record
class ChangedLine:
    """An added or removed line of a hunk."""

    added: bool
    """True for ``+`` lines, False for ``-`` lines."""
    text: str
    old_line: int | None
    new_line: int | None
    function: str
    """Name of the function the line sits in (hunk header or hunk context), or ``""``."""
    line: int
    """Input line of this diff line."""


@record
class Hunk:
    """One ``@@`` hunk."""

    old_start: int
    old_length: int
    new_start: int
    new_length: int
    heading: str
    """Text after the second ``@@`` (git's function context)."""
    line: int
    changes: tuple[ChangedLine, ...]
    context_before: tuple[str, ...] = ()
    """Context (unchanged) lines of the hunk, in order, for function detection."""


@record
class FileDiff:
    """The changes to one file."""

    old_path: str
    new_path: str
    status: FileStatus
    binary: bool
    line: int
    hunks: tuple[Hunk, ...]
    added: int = 0
    removed: int = 0
    old_mode: str = ""
    """Git file mode before (``100644``, ``100755``, ``120000``...), ``""`` if not given."""
    new_mode: str = ""
    """Git file mode after; differs from :attr:`old_mode` on a mode change."""
    old_index: str = ""
    """The pre-image blob id of git's ``index abc..def`` line (abbreviated), ``""`` if none."""
    new_index: str = ""
    """The post-image blob id of that line."""

    @property
    def path(self) -> str:
        """The path that names this file: the new one unless it was deleted."""
        return self.old_path if self.status is FileStatus.DELETED else self.new_path


@record
class Diff:
    """All file changes of a patch, with the views rules ask for computed once."""

    files: tuple[FileDiff, ...] = ()
    changed_lines: tuple[tuple[FileDiff, ChangedLine], ...] = field(
        init=False, repr=False, compare=False
    )
    """Every changed line with its file, in diff order."""
    added_text: str = field(init=False, repr=False, compare=False)
    """All added lines joined by newlines: one regex search tells whether any line matches."""
    removed_text: str = field(init=False, repr=False, compare=False)
    """All removed lines joined by newlines."""
    functions: tuple[str, ...] = field(init=False, repr=False, compare=False)
    """Functions with changed lines, in order of first appearance."""

    def __post_init__(self) -> None:
        changed = tuple((f, c) for f in self.files for h in f.hunks for c in h.changes)
        # A frozen dataclass computes derived fields through object.__setattr__.
        object.__setattr__(self, "changed_lines", changed)
        object.__setattr__(self, "added_text", "\n".join(c.text for _, c in changed if c.added))
        object.__setattr__(
            self, "removed_text", "\n".join(c.text for _, c in changed if not c.added)
        )
        names = dict.fromkeys(c.function for _, c in changed if c.function)
        object.__setattr__(self, "functions", tuple(names))


@record
class DiffSource:
    """The diff part of a mail as text, before it is parsed into a :class:`Diff`."""

    text: str = ""
    first_line: int = 0
    lines: tuple[int, ...] = ()
    """Input line of each line of :attr:`text`."""
