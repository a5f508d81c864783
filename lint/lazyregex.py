"""Module-level regexes compiled the first time they are used.

A git hook starts patchlens afresh for every mail. CPython's regex compiler is
written in Python (about 0.15 ms a pattern here), and the modules a run imports
define some seventy patterns, most of which one mail never needs: the checkpatch
ports' patterns, the bot's, the kernel-tree reader's. So a module writes::

    _HUNK_HEADER = lazy_regex(r"@@ -(\\d+)(?:,(\\d+))? \\+(\\d+)(?:,(\\d+))? @@ ?(.*)")

and the pattern is compiled by :func:`re.compile` on its first use. The first call
of a method also puts the compiled pattern's own method on the object, so every
later ``_HUNK_HEADER.match(...)`` is the C method itself, found in the instance
before the class: no Python call in between.
"""

from __future__ import annotations

import re
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from typing import Any, AnyStr, Generic

    class _Base(Generic[AnyStr]):
        pass

else:

    class _Base:
        __slots__ = ()

        def __class_getitem__(cls, item: object) -> type:
            return cls


_METHODS = ("match", "fullmatch", "search", "finditer", "findall", "sub", "subn", "split")


class LazyPattern(_Base["AnyStr"]):
    """A :class:`re.Pattern` compiled on first use (see the module docstring)."""

    def __init__(self, pattern: AnyStr, flags: int = 0) -> None:
        self.pattern: AnyStr = pattern
        self._flags = int(flags)

    def __repr__(self) -> str:
        return f"lazy_regex({self.pattern!r}, {self._flags})"

    def __reduce__(self) -> tuple[Any, tuple[AnyStr, int]]:
        return (LazyPattern, (self.pattern, self._flags))

    @property
    def compiled(self) -> re.Pattern[AnyStr]:
        """The compiled pattern (compiled now if it was not yet)."""
        found: re.Pattern[AnyStr] | None = self.__dict__.get("_compiled")
        if found is None:
            found = re.compile(self.pattern, self._flags)
            self.__dict__["_compiled"] = found
            for name in _METHODS:  # from now on, the instance's own attributes win
                self.__dict__[name] = getattr(found, name)
        return found

    @property
    def flags(self) -> int:
        return self.compiled.flags

    @property
    def groups(self) -> int:
        return self.compiled.groups

    @property
    def groupindex(self) -> Any:
        return self.compiled.groupindex

    def match(
        self, string: AnyStr, pos: int = 0, endpos: int = sys.maxsize
    ) -> re.Match[AnyStr] | None:
        return self.compiled.match(string, pos, endpos)

    def fullmatch(
        self, string: AnyStr, pos: int = 0, endpos: int = sys.maxsize
    ) -> re.Match[AnyStr] | None:
        return self.compiled.fullmatch(string, pos, endpos)

    def search(
        self, string: AnyStr, pos: int = 0, endpos: int = sys.maxsize
    ) -> re.Match[AnyStr] | None:
        return self.compiled.search(string, pos, endpos)

    def search_buffer(
        self: LazyPattern[bytes], buffer: bytearray, pos: int = 0, endpos: int = sys.maxsize
    ) -> re.Match[bytes] | None:
        """:meth:`search` in a mutable buffer (a bytes pattern searches any buffer)."""
        return self.compiled.search(buffer, pos, endpos)

    def finditer(
        self, string: AnyStr, pos: int = 0, endpos: int = sys.maxsize
    ) -> Iterator[re.Match[AnyStr]]:
        return self.compiled.finditer(string, pos, endpos)

    def findall(self, string: AnyStr, pos: int = 0, endpos: int = sys.maxsize) -> list[Any]:
        return self.compiled.findall(string, pos, endpos)

    def sub(
        self, repl: AnyStr | Callable[[re.Match[AnyStr]], AnyStr], string: AnyStr, count: int = 0
    ) -> AnyStr:
        return self.compiled.sub(repl, string, count)

    def subn(
        self, repl: AnyStr | Callable[[re.Match[AnyStr]], AnyStr], string: AnyStr, count: int = 0
    ) -> tuple[AnyStr, int]:
        return self.compiled.subn(repl, string, count)

    def split(self, string: AnyStr, maxsplit: int = 0) -> list[AnyStr | Any]:
        return self.compiled.split(string, maxsplit)


def lazy_regex(pattern: AnyStr, flags: int = 0) -> LazyPattern[AnyStr]:
    """A pattern :func:`re.compile` compiles on its first use (see the module docstring)."""
    return LazyPattern(pattern, flags)
