"""The one exception type that reaches the user as a one-line message.

Anything the user can cause (a missing path, a broken mbox, a rule file with a
typo, a git range that does not resolve) is raised as :class:`InputError`;
``lint.cli.main`` prints ``patchlens: WHERE: PROBLEM`` and exits with status 2.
Any other exception is a bug in patchlens.
"""

from __future__ import annotations


class InputError(Exception):
    """A problem with what the user gave us, named by where it is."""

    def __init__(self, where: str, problem: str) -> None:
        # Both parts go to Exception.args so the error survives pickling (-j workers).
        super().__init__(where, problem)
        self.where = where
        self.problem = problem

    def __str__(self) -> str:
        return f"{self.where}: {self.problem}"


def os_reason(error: OSError) -> str:
    """A one-line, lower-case reason for an OS error ("permission denied")."""
    reason = error.strerror or type(error).__name__
    return reason[0].lower() + reason[1:]
