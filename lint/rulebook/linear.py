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

Differences remain, and the README says so: ``\\b`` and ``\\B``
look at ASCII word characters only, and ``$`` without ``(?m)`` matches at the
very end of the text, not also before a final newline (the rules search lines,
which carry none). ``finditer`` of a pattern that can match the empty text
moves on after an empty match, where Python may match again at the same place.
And a repeated group that can itself match nothing (``(?:a*|b)*``) may take a
different length: Python ends the loop on an empty pass, RE2 goes on. No rule
has a use for either shape.

What RE2 cannot run at all (look-around, back-references, possessive or atomic
groups, ``\\W`` or ``\\S`` inside a class, the verbose flag) stays with
:mod:`re`: :func:`compile_linear` returns the reason, and the rulebook says so
when the rule loads.
"""

from __future__ import annotations

import re
import sys

from lint.lazyregex import lazy_regex

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


# What translation looks at: escapes, class brackets and "{,n}"; the rest is copied.
_TOKEN = lazy_regex(r"\\u[0-9a-fA-F]{4}|\\U[0-9a-fA-F]{8}|\\.|\[\^?\]?|\]|\{,\d+\}", re.DOTALL)


def translate(source: str, flags: int = 0, *, ascii_text: bool = False) -> str:
    """``source`` (Python syntax, already valid for :mod:`re`) written for RE2.

    With ``ascii_text`` the result is for text that is all ASCII, where ``\\w``,
    ``\\d`` and ``\\s`` need no Unicode tables (RE2 compiles those slowly: some
    0.7 ms for ``\\pL``). Raises :class:`Untranslatable` for what has no RE2
    equivalent that this function knows; RE2 itself rejects the rest
    (look-around and the like).
    """
    for_ascii, for_unicode = translations(source, flags)
    return for_ascii if ascii_text else for_unicode


def translations(source: str, flags: int = 0) -> tuple[str, str]:
    """:func:`translate` for ASCII text and for any text, in one pass."""
    if flags & ~_KNOWN_FLAGS:
        raise Untranslatable("it uses a flag RE2 does not have (verbose, ASCII or locale)")
    prefix = "".join(letter for flag, letter in _FLAG_PREFIX.items() if flags & flag)
    head = f"(?{prefix})" if prefix else ""
    ascii_out, unicode_out = [head], [head]
    last = 0
    in_class = False
    for token in _TOKEN.finditer(source):
        text = token.group()
        plain = source[last : token.start()]
        last = token.end()
        if text[0] == "\\":
            for_ascii, for_unicode = _escape(text, in_class)
        elif text[0] == "[":
            # A "]" first in a class (after an optional "^") is a literal; inside a
            # class "[" and "^" are, and that "]" closes it.
            opened = "[" + text[1:].replace("]", "")
            if "]" not in text:
                for_ascii = for_unicode = opened
            else:
                for_ascii = for_unicode = opened + ("]" if in_class else r"\]")
            in_class = not in_class if "]" in text and in_class else True
        elif text == "]":
            for_ascii = for_unicode = text
            in_class = False
        else:  # {,n}: a quantifier outside a class
            for_ascii = for_unicode = text if in_class else "{0," + text[2:]
        ascii_out += (plain, for_ascii)
        unicode_out += (plain, for_unicode)
    ascii_out.append(source[last:])
    unicode_out.append(source[last:])
    return "".join(ascii_out), "".join(unicode_out)


def _escape(text: str, in_class: bool) -> tuple[str, str]:
    """The RE2 text of the escape ``text``, for ASCII text and for any text."""
    letter = text[1]
    if letter in _UNICODE:
        return _class_escape(letter, in_class, _ASCII), _class_escape(letter, in_class, _UNICODE)
    if letter == "Z":
        return r"\z", r"\z"
    if letter in "uU" and len(text) > 2:
        code = "\\x{" + text[2:] + "}"
        return code, code
    if letter == "N":
        raise Untranslatable("named characters (\\N{...}) have no RE2 equivalent")
    return text, text


def _class_escape(letter: str, in_class: bool, classes: dict[str, tuple[str, bool]]) -> str:
    members, negated = classes[letter]
    if not in_class:
        return f"[^{members}]" if negated else f"[{members}]"
    if negated:
        raise Untranslatable(f"\\{letter} inside a character class has no RE2 equivalent")
    return members


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
        for_ascii, for_unicode = translations(source, flags)
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
