"""The C and assembler functions that changed lines sit in.

Kernel trees set ``diff=cpp`` for C sources, so git's hunk heading (the text after
the second ``@@``) is the nearest line above the hunk that starts at column 0 with
an identifier: a function signature, but also ``struct foo {``, a label or a macro.
Inside a hunk, a C definition such as ``static void __init cr4_init(void)`` followed
by ``{``, or an asm ``SYM_FUNC_START(name)``, takes over for the lines below it.
Only C and assembler sources are looked at.
"""

from __future__ import annotations

from collections.abc import Sequence

from lint.lazyregex import lazy_regex

C_LIKE_SUFFIXES = (".c", ".h", ".S", ".s", ".cc", ".cpp", ".cxx", ".hh", ".hpp")

_CALL = lazy_regex(r"([A-Za-z_]\w*)\s*\(")
_FIRST_ARGUMENT = lazy_regex(r"\(\s*([A-Za-z_]\w*)\s*[,)]")
# Assembler entry points (include/linux/linkage.h) and the macros that
# define C functions under another name (IDT entries, system calls).
_ASM_START = lazy_regex(
    r"(?:SYM_(?:FUNC|CODE|TYPED_FUNC)_START\w*|SYM_INNER_LABEL\w*|ENTRY|GLOBAL)\(\s*(\w+)"
)
_ASM_END = lazy_regex(r"(?:SYM_(?:FUNC|CODE)_END\w*|END|ENDPROC)\(")
_DEFINER = lazy_regex(
    r"(?:DEFINE_IDTENTRY\w*|DEFINE_FREDENTRY\w*|(?:COMPAT_)?SYSCALL(?:32)?_DEFINE\d*)"
    r"\(\s*(\w+)"
)
_MACRO = lazy_regex(r"[A-Z][A-Z0-9_]*")
# Annotations that take arguments and sit before or after the name.
_ANNOTATIONS = frozenset(
    {
        "__attribute__",
        "__printf",
        "__scanf",
        "__aligned",
        "__section",
        "__alloc_size",
        "__acquires",
        "__releases",
        "__must_hold",
        "__cond_acquires",
        "__cond_releases",
        "__diagnose_as",
        "__counted_by",
    }
)
# Statements, and type words that precede "(" only in a pointer declarator
# such as "static int (*handler)(void)".
_KEYWORDS = frozenset(
    {"if", "for", "while", "switch", "return", "sizeof", "do", "else", "case"}
    | {"void", "int", "char", "long", "short", "unsigned", "signed", "bool", "const"}
)


def function_from_heading(heading: str) -> str:
    """The function a hunk heading names, or ``""`` (``struct foo {``, a label...).

    ``static void __init cr4_init(void)`` gives ``cr4_init``;
    ``SYM_FUNC_START(asm_fred_entry_from_user)`` and
    ``DEFINE_IDTENTRY_RAW(exc_page_fault)`` give the name in parentheses.
    """
    return _definition_name(heading, allow_macro=False)


def _definition_name(text: str, *, allow_macro: bool) -> str:
    """The name a column-0 line defines, if it has the shape of a definition."""
    if not text or not (text[0].isalpha() or text[0] == "_"):
        return ""
    if (found := _ASM_START.match(text) or _DEFINER.match(text)) is not None:
        return found.group(1)
    stripped = text.rstrip()
    if stripped.endswith(";") or "(" not in text or "=" in text.partition("(")[0]:
        return ""
    for call in _CALL.finditer(text):
        before = text[: call.start()]
        if before.count("(") != before.count(")"):
            continue
        name = call.group(1)
        if name in _ANNOTATIONS:
            continue
        if name in _KEYWORDS:
            return ""
        if _MACRO.fullmatch(name):
            if not allow_macro:
                return ""
            argument = _FIRST_ARGUMENT.match(text, call.end() - 1)
            return argument.group(1) if argument else ""
        return name
    return ""


# First characters of lines that can neither start nor end a function.
# First characters of a line that cannot start or end a function (indented text,
# preprocessor lines, comments, braces opening a body, diff markers).
INSIDE = frozenset({"", " ", "\t", "#", "/", "*", "{", ")", "-", "+", "@", "."})


def _opens_body(body: Sequence[tuple[str, str, int]], position: int, skip: str) -> bool:
    """Whether the definition-shaped line at ``position`` is followed by its ``{``.

    Kernel style puts a function's brace alone on a line after the
    signature, which may wrap over indented continuation lines.  Lines of
    kind ``skip`` belong to the other side of the hunk and are passed over.
    """
    text = body[position][1]
    if text.rstrip().endswith("{"):
        return ")" in text
    seen = 0
    for following in range(position + 1, len(body)):
        kind, text, _ = body[following]
        if kind == skip:
            continue
        if text.startswith("{"):
            return True
        seen += 1
        if seen > 12 or not text[:1].isspace() or text.rstrip().endswith((";", "}")):
            return False
    return False


def step(
    current: str, body: Sequence[tuple[str, str, int]], position: int, skip: str
) -> tuple[str, str]:
    """The function of the line at ``position`` and the one for the lines after it."""
    text = body[position][1]
    if text.startswith("}"):
        return current, ""
    if (asm := _ASM_START.match(text)) is not None:
        return asm.group(1), asm.group(1)
    if _ASM_END.match(text) is not None:
        return current, ""
    name = _definition_name(text, allow_macro=True)
    if name and _opens_body(body, position, skip):
        return name, name
    return current, current


def enclosing_functions(texts: Sequence[str], initial: str) -> list[str]:
    """The function each line of ``texts`` (one side of a hunk) sits in.

    ``initial`` is the function of the hunk heading.  A definition followed by
    ``{`` (or an asm ``SYM_*_START``) starts a new function from its own line
    on; a ``}`` or ``SYM_*_END`` at column 0 ends it after that line.
    """
    body = [(" ", text, 0) for text in texts]
    result: list[str] = []
    current = initial
    for position, text in enumerate(texts):
        if text[:1] in INSIDE:
            result.append(current)
            continue
        function, current = step(current, body, position, "")
        result.append(function)
    return result
