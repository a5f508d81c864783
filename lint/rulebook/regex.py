"""Regular expressions from rule files, compiled when first used.

The rulebook holds some three hundred regexes (triggers, subject areas, rule
parameters), and a one-patch run, the git hook's case, needs a few dozen of
them: the others sit behind a substring pre-test that rules the patch out.
Compiling all of them at load cost a hook more than linting did. A
:class:`Regex` is checked when its rule file is first loaded
(:meth:`Regex.checked`), stored in the compiled-rulebook cache as its source
text (:mod:`lint.cache`), and compiled on first use.
"""

from __future__ import annotations

import re
import sys

from lint.errors import InputError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from typing import Any


class Regex:
    """A regex kept as its source and compiled once, on first use.

    It offers the matching methods of :class:`re.Pattern` that rules use;
    :attr:`compiled` gives the pattern itself.
    """

    __slots__ = ("_compiled", "flags", "pattern")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self.flags = int(flags)
        self._compiled: re.Pattern[str] | None = None

    @classmethod
    def checked(cls, pattern: str, where: str, key: str, flags: int = 0) -> Regex:
        """Compile ``pattern`` now: a bad one is an :class:`InputError` at ``where``, ``key``."""
        regex = cls(pattern, flags)
        try:
            regex._compiled = re.compile(pattern, flags)
        except re.error as exc:
            raise InputError(where, f"bad regex {pattern!r} for key '{key}': {exc}") from None
        return regex

    @property
    def compiled(self) -> re.Pattern[str]:
        """The compiled pattern."""
        compiled = self._compiled
        if compiled is None:
            compiled = self._compiled = re.compile(self.pattern, self.flags)
        return compiled

    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        """As :meth:`re.Pattern.search`."""
        return self.compiled.search(text, pos, endpos)

    def match(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        """As :meth:`re.Pattern.match`."""
        return self.compiled.match(text, pos, endpos)

    def fullmatch(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        """As :meth:`re.Pattern.fullmatch`."""
        return self.compiled.fullmatch(text, pos, endpos)

    def finditer(
        self, text: str, pos: int = 0, endpos: int = sys.maxsize
    ) -> Iterator[re.Match[str]]:
        """As :meth:`re.Pattern.finditer`."""
        return self.compiled.finditer(text, pos, endpos)

    def findall(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> list[Any]:
        """As :meth:`re.Pattern.findall`."""
        return self.compiled.findall(text, pos, endpos)

    def sub(self, repl: str | Callable[[re.Match[str]], str], text: str, count: int = 0) -> str:
        """As :meth:`re.Pattern.sub`."""
        return self.compiled.sub(repl, text, count)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Regex):
            return (self.pattern, self.flags) == (other.pattern, other.flags)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.pattern, self.flags))

    def __repr__(self) -> str:
        flags = f", {self.flags}" if self.flags else ""
        return f"Regex({self.pattern!r}{flags})"

    def __reduce__(self) -> tuple[type[Regex], tuple[str, int]]:
        return (Regex, (self.pattern, self.flags))
