"""Regular expressions from rule files, compiled when first used.

The rulebook holds some three hundred regexes (triggers, subject areas, rule
parameters), and a one-patch run, the git hook's case, needs a few dozen of
them: the others sit behind a substring pre-test that rules the patch out.
Compiling all of them at load cost a hook more than linting did. A
:class:`Regex` is checked when its rule file is first loaded
(:meth:`Regex.checked`), stored in the compiled-rulebook cache as its source
text (:mod:`lint.cache`), and compiled on first use.

The engine is RE2, which runs in time linear in the text (:mod:`lint.rulebook.linear`):
rule files are written by users and applied to mail from anyone. A pattern RE2
cannot run (look-around, back-references) runs on :mod:`re`, and :attr:`Regex.note`
says so; the rulebook shows that note when the rule loads.
"""

from __future__ import annotations

import re
import sys

from lint.errors import InputError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from typing import Any, Protocol

    class Match(Protocol):
        """What rules use of a match, from :mod:`re` or from RE2."""

        def group(self, group: int | str, /) -> Any: ...
        def groups(self) -> tuple[Any, ...]: ...
        def start(self, group: int | str = 0, /) -> int: ...
        def end(self, group: int | str = 0, /) -> int: ...
        def span(self, group: int | str = 0, /) -> tuple[int, int]: ...
        def __getitem__(self, group: int | str, /) -> Any: ...

    class Pattern(Protocol):
        """A compiled pattern, from :mod:`re` or from RE2."""

        @property
        def pattern(self) -> str: ...
        def search(self, string: str, pos: int = ..., endpos: int = ...) -> Match | None: ...
        def match(self, string: str, pos: int = ..., endpos: int = ...) -> Match | None: ...
        def fullmatch(self, string: str, pos: int = ..., endpos: int = ...) -> Match | None: ...
        def finditer(self, string: str, pos: int = ..., endpos: int = ...) -> Iterator[Match]: ...
        def findall(self, string: str, pos: int = ..., endpos: int = ...) -> list[Any]: ...
        def sub(self, repl: Any, string: str, count: int = ...) -> str: ...


class Regex:
    """A regex kept as its source and compiled once, on first use.

    It offers the matching methods of :class:`re.Pattern` that rules use, run by
    RE2 or, for a pattern RE2 cannot run, by :mod:`re`; :attr:`compiled` gives the
    compiled pattern itself. :attr:`note` is set by :meth:`checked` when the
    pattern runs on :mod:`re`: where it comes from, and why.
    """

    __slots__ = ("_compiled", "flags", "note", "pattern")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self.flags = int(flags)
        self._compiled: Pattern | None = None
        self.note = ""

    @classmethod
    def checked(cls, pattern: str, where: str, key: str, flags: int = 0) -> Regex:
        """Compile ``pattern`` now: a bad one is an :class:`InputError` at ``where``, ``key``.

        Rule files use Python's syntax, so :mod:`re` judges it; a pattern that only
        :mod:`re` can run gets a :attr:`note` naming ``where`` and ``key``.
        """
        regex = cls(pattern, flags)
        try:
            re.compile(pattern, flags)
        except re.error as exc:
            raise InputError(where, f"bad regex {pattern!r} for key '{key}': {exc}") from None
        regex._compiled, reason = _compile(pattern, regex.flags, eager=True)
        if reason:
            regex.note = (
                f"{where}: key '{key}': {reason}; it runs on Python's re, "
                "whose time can grow faster than the text"
            )
        return regex

    @property
    def linear(self) -> bool:
        """The pattern runs on RE2, in time linear in the text."""
        return not isinstance(self.compiled, re.Pattern)

    @property
    def compiled(self) -> Pattern:
        """The compiled pattern: RE2's, or else :mod:`re`'s (same methods)."""
        compiled = self._compiled
        if compiled is None:
            compiled, _ = _compile(self.pattern, self.flags)
            self._compiled = compiled
        return compiled

    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> Match | None:
        """As :meth:`re.Pattern.search`."""
        return self.compiled.search(text, pos, endpos)

    def match(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> Match | None:
        """As :meth:`re.Pattern.match`."""
        return self.compiled.match(text, pos, endpos)

    def fullmatch(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> Match | None:
        """As :meth:`re.Pattern.fullmatch`."""
        return self.compiled.fullmatch(text, pos, endpos)

    def finditer(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[Match]:
        """As :meth:`re.Pattern.finditer`."""
        return self.compiled.finditer(text, pos, endpos)

    def findall(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> list[Any]:
        """As :meth:`re.Pattern.findall`."""
        return self.compiled.findall(text, pos, endpos)

    def sub(self, repl: str | Callable[[Match], str], text: str, count: int = 0) -> str:
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


def _compile(pattern: str, flags: int, eager: bool = False) -> tuple[Pattern, str]:
    """``pattern`` compiled by RE2 when it can run it, else by :mod:`re` and the reason."""
    from lint.rulebook.linear import compile_linear

    compiled = compile_linear(pattern, flags, eager=eager)
    if isinstance(compiled, str):
        return re.compile(pattern, flags), compiled
    pattern_object: Pattern = compiled
    return pattern_object, ""


def regex_notes(value: object) -> Iterator[str]:
    """The :attr:`Regex.note` of every regex in ``value`` (records, tuples, dicts)."""
    return (regex.note for regex in regexes_in(value) if regex.note)


def regexes_in(value: object) -> Iterator[Regex]:
    """Every :class:`Regex` in ``value``: records, tuples, lists and dicts, walked."""
    from lint.record import fields, is_record

    seen: set[int] = set()
    stack = [value]
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, Regex):
            yield item
        elif isinstance(item, (tuple, list, frozenset)):
            stack.extend(reversed(list(item)))
        elif isinstance(item, dict):
            stack.extend(reversed(list(item.values())))
        elif is_record(item):
            stack.extend(getattr(item, f.name) for f in reversed(fields(item)))
