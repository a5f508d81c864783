"""Rule-file regexes run by RE2, a linear-time engine.

A rule file's patterns are written by users and applied to mail from anyone.
Python's :mod:`re` backtracks: a pattern such as ``(\\w+\\s?)+:`` takes
exponential time on a line an attacker chooses. RE2 (the ``google-re2``
binding) runs every pattern it accepts in time linear in the text, so a rule
file cannot be the way to stall the bot or a hook.

Rule files are written in Python's syntax (that is what the documentation and
``re`` promise), so a pattern is first checked by :mod:`re`, then translated for
RE2 where the two read the same text differently:

- ``\\w``, ``\\d`` and ``\\s`` match Unicode letters, digits and spaces in
  Python, ASCII only in RE2: they become the matching Unicode classes;
- ``\\Z`` is RE2's ``\\z``; ``\\uXXXX`` and ``\\UXXXXXXXX`` become ``\\x{...}``;
- ``{,n}`` is a quantifier in Python and literal text in RE2: it becomes ``{0,n}``.

Two differences remain, and the rules documentation says so: ``\\b`` and ``\\B``
look at ASCII word characters only, and ``$`` without ``(?m)`` matches at the
very end of the text, not also before a final newline (the rules search lines,
which carry none).

What RE2 cannot run at all (look-around, back-references, possessive or atomic
groups, ``\\W`` or ``\\S`` inside a class, the verbose flag) stays with
:mod:`re`: :func:`compile_linear` returns the reason, and the rulebook says so
when the rule loads.
"""

from __future__ import annotations

import re
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# Python's \w is str.isalnum() or "_"; \d is Unicode Nd; \s is str.isspace().
_UNICODE = {
    "w": (r"\pL\pN_", False),
    "d": (r"\p{Nd}", False),
    "s": (r"\t-\r \x{1c}-\x{1f}\x{85}\p{Z}", False),
    "W": (r"\pL\pN_", True),
    "D": (r"\p{Nd}", True),
    "S": (r"\t-\r \x{1c}-\x{1f}\x{85}\p{Z}", True),
}
# On ASCII text RE2's own \w, \d and their negations are Python's; \s lacks \v and \x1c-\x1f.
_ASCII = {
    "w": (r"0-9A-Za-z_", False),
    "d": (r"0-9", False),
    "s": (r"\t-\r \x{1c}-\x{1f}", False),
    "W": (r"0-9A-Za-z_", True),
    "D": (r"0-9", True),
    "S": (r"\t-\r \x{1c}-\x{1f}", True),
}
_FLAG_PREFIX = {re.IGNORECASE: "i", re.MULTILINE: "m", re.DOTALL: "s"}
_KNOWN_FLAGS = re.IGNORECASE | re.MULTILINE | re.DOTALL | re.UNICODE


class Untranslatable(ValueError):
    """A pattern RE2 cannot run with Python's meaning; the message says why."""


def translate(source: str, flags: int = 0, *, ascii_text: bool = False) -> str:
    """``source`` (Python syntax, already valid for :mod:`re`) written for RE2.

    With ``ascii_text`` the result is for text that is all ASCII, where ``\\w``,
    ``\\d`` and ``\\s`` need no Unicode tables (RE2 compiles those slowly: some
    0.7 ms for ``\\pL``). Raises :class:`Untranslatable` for what has no RE2
    equivalent that this function knows; RE2 itself rejects the rest
    (look-around and the like).
    """
    if flags & ~_KNOWN_FLAGS:
        raise Untranslatable("it uses a flag RE2 does not have (verbose, ASCII or locale)")
    classes = _ASCII if ascii_text else _UNICODE
    prefix = "".join(letter for flag, letter in _FLAG_PREFIX.items() if flags & flag)
    out: list[str] = [f"(?{prefix})"] if prefix else []
    position, end = 0, len(source)
    in_class = False
    while position < end:
        char = source[position]
        if char == "\\" and position + 1 < end:
            escaped, position = _escape(source, position, in_class, classes)
            out.append(escaped)
            continue
        if in_class:
            if char == "]":
                in_class = False
            out.append(char)
            position += 1
            continue
        if char == "[":
            in_class = True
            out.append(char)
            position += 1
            # A "]" first in the class (after an optional "^") is a literal.
            if source.startswith("^", position):
                out.append("^")
                position += 1
            if source.startswith("]", position):
                out.append(r"\]")
                position += 1
            continue
        if char == "{" and source.startswith("{,", position):
            quantifier = re.match(r"\{,(\d+)\}", source[position:])
            if quantifier:
                out.append("{0," + quantifier.group(1) + "}")
                position += quantifier.end()
                continue
        out.append(char)
        position += 1
    return "".join(out)


def _escape(
    source: str, position: int, in_class: bool, classes: dict[str, tuple[str, bool]]
) -> tuple[str, int]:
    """The RE2 text for the escape at ``position``, and the position after it."""
    letter = source[position + 1]
    after = position + 2
    if letter in classes:
        members, negated = classes[letter]
        if not in_class:
            return f"[^{members}]" if negated else f"[{members}]", after
        if negated:
            raise Untranslatable(f"\\{letter} inside a character class has no RE2 equivalent")
        return members, after
    if letter == "Z":
        return r"\z", after
    if letter in "uU":
        width = 4 if letter == "u" else 8
        digits = source[after : after + width]
        return "\\x{" + digits + "}", after + width
    if letter == "N":
        raise Untranslatable("named characters (\\N{...}) have no RE2 equivalent")
    return source[position:after], after


class LinearPattern:
    """A pattern compiled by RE2, with the methods of :class:`re.Pattern`.

    Each call runs the ASCII-text translation on ASCII text (most mail), and the
    Unicode one, compiled when first needed, on other text.
    """

    __slots__ = ("_ascii", "_unicode", "_unicode_source", "pattern")

    def __init__(self, pattern: str, ascii_regexp: Any, unicode_source: str | None) -> None:
        self.pattern = pattern
        self._ascii = ascii_regexp
        self._unicode: Any = None if unicode_source is not None else ascii_regexp
        self._unicode_source = unicode_source

    def _for(self, text: str) -> Any:
        if text.isascii():
            return self._ascii
        unicode = self._unicode
        if unicode is None:
            unicode = self._unicode = _re2_compile(self._unicode_source or "")
        return unicode

    def search(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> Any:
        return self._for(string).search(string, pos, endpos)

    def match(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> Any:
        return self._for(string).match(string, pos, endpos)

    def fullmatch(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> Any:
        return self._for(string).fullmatch(string, pos, endpos)

    def finditer(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> Any:
        return self._for(string).finditer(string, pos, endpos)

    def findall(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> Any:
        return self._for(string).findall(string, pos, endpos)

    def sub(self, repl: Any, string: str, count: int = 0) -> Any:
        return self._for(string).sub(repl, string, count)


def compile_linear(source: str, flags: int = 0, *, eager: bool = False) -> LinearPattern | str:
    """``source`` compiled by RE2, or the reason it cannot be (a ``str``).

    ``eager`` compiles the Unicode translation now as well (a rule file being
    checked), rather than on the first text outside ASCII.
    """
    import re2

    try:
        for_ascii = translate(source, flags, ascii_text=True)
        for_unicode = translate(source, flags)
        regexp = _re2_compile(for_ascii)
        if eager and for_unicode != for_ascii:
            _re2_compile(for_unicode)
    except Untranslatable as exc:
        return str(exc)
    except re2.error as exc:
        return f"RE2 cannot run it ({_reason(exc)})"
    return LinearPattern(source, regexp, for_unicode if for_unicode != for_ascii else None)


def _re2_compile(source: str) -> Any:
    import re2

    options = re2.Options()
    options.log_errors = False  # RE2 would write each rejection to stderr
    return re2.compile(source, options)


def _reason(exc: Exception) -> str:
    """RE2's error message, readable: ``invalid perl operator: (?<``."""
    text = str(exc.args[0]) if exc.args else str(exc)
    if text.startswith(("b'", 'b"')):
        text = text[2:-1]
    return text
