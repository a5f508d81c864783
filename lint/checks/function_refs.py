"""function-refs: functions the diff changes are written ``name()`` in the changelog.

maintainer-tip.rst ("Function references in changelogs"): "When a function
is mentioned in the changelog, either the text body or the subject line,
please use the format 'function_name()'. Omitting the brackets after the
function name can be ambiguous": ``reservation_count`` could be a variable,
``reservation_count()`` cannot.

The check knows a word is a function when the diff changes lines inside a
function of that name (:attr:`lint.patch.diff.Diff.functions`). Only names that
look like C identifiers rather than English words count (``pattern``, by
default: with an underscore or a digit), so ``probe`` or ``init`` in prose
are left alone. A name after ``struct``/``union``/``enum`` is a type.

Not prose, so never judged: pasted kernel and tool output, from its
first line to the next blank line (a ``WARNING:``, ``BUG:`` or
``[ 12.345]`` line; a compiler diagnostic ``file.c:12:3: error:`` or
``In function 'f':``; a linker's ``in function `f':`` or ``undefined
reference to``; a ``make:``/``ld:``/``objtool:`` line; a call trace entry
``f+0x1a/0x30``): the lines under such a first line (gcc's source excerpt
and its ``did you mean`` suggestion) are output too. Quoted text (``'f'``,
``"f"``, gcc's ``‘f’``) is never judged either. A function used as a value
(``.fn = f``, ``&f``) is not a call and needs no ``()``; neither does a name
the diff also uses as a variable, member or symbol, nor one the author
writes as ``name()`` elsewhere (the bare name then means something else:
"the relocate_kernel page").

The diff is parsed only when some identifier of the changelog is named in a
hunk heading (where git writes the enclosing function), which most
changelogs never trigger.

Parameters:

- ``pattern`` (regex): a name must match it to be judged.

The fix appends ``()`` to exactly the mentions the finding names: never
inside quotes, never on a line of pasted output (a fix must not change what
a compiler or the kernel printed).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lint.checks.api import CheckKind, Finding
from lint.checks.changelog_phrase import prose_lines
from lint.checks.checkpatch.common import stack_dump_flags
from lint.checks.line_edits import subject_fix, text_line_fix
from lint.diagnostic import Part
from lint.lazyregex import lazy_regex
from lint.record import record
from lint.rulebook.regex import Regex

TYPE_CHECKING = False
if TYPE_CHECKING:
    from lint.checks.api import CheckContext
    from lint.patch.model import Patch
    from lint.rulebook.conditions import Trigger


# A C identifier that is not part of a path, a member access, a macro
# argument list or a longer word; "struct foo" names a type.
_WORD = lazy_regex(r"[A-Za-z_]\w*")
_CALL = lazy_regex(r"([A-Za-z_]\w*)\s*\(")
_NAME = lazy_regex(
    r"(?<![\w./>$&*-])(?<!struct )(?<!union )(?<!enum )(?<!= )(?<!=)([A-Za-z_]\w*)(?![\w(/+])"
)
# Quoted text: a name inside quotes is a string, a log line or a symbol, not prose.
_QUOTED = lazy_regex(r"‘[^’]*’|'[^'\s][^']*'|\"[^\"]*\"|`[^`]*`")
# The first line of pasted output, not prose: compiler and linker diagnostics (also as
# the kernel test robot quotes them, "   file.c: ..." and ">> file.c:12:3: ..."),
# build tools' own lines, trace entries, logs. The output runs to the next blank line.
_PASTED = lazy_regex(
    r"^[\s>]*\S+\.(?:[chS]|rs|lds):\d+(?::\d+)?: |^[\s>]*\S+\.k?o: (?:warning|error): "
    r"|In function [‘'\"`]"
    r"|: in function [‘'\"`]|\bundefined reference to [‘'\"`]|^\s*inlined from [‘'\"`]"
    r"|^\s*In file included from |\+0x[0-9a-fA-F]+/0x[0-9a-fA-F]+|\(\S+\.[chS]:\d+"
    r"|^\s*(?:[\w.+-]+-)?(?:make|cc1|gcc|clang|ld(?:\.\w+)?|objtool|modpost|sparse|smatch)"
    r"(?:\[\d+\])?: "
    r"|^\s*(?:RIP|Call Trace|Code|Hardware name|Workqueue):|^\s*\[\s*\d+\.\d+\]"
    r"|^(?:WARNING|BUG|Oops|kernel BUG|UBSAN|KASAN|general protection fault)\b"
)


@record
class Params:
    """Parameters of a ``function-refs`` rule."""

    pattern: Regex = Regex(r"[_0-9]")
    """A name is judged only when it matches (default: it has an underscore or a digit)."""


def _heading_names(diff_text: str) -> set[str]:
    """Names written ``name(`` in the diff's hunk headings (``@@ ... @@ int name(...)``).

    git writes the enclosing function there; finding the headings costs a few
    ``str.find`` calls, where parsing the diff costs a pass over every line.
    A function whose definition only shows in a hunk's context is missed by
    this pre-test (rare: git then names the function above it).
    """
    names: set[str] = set()
    position = diff_text.find("@@ -")
    while position >= 0:
        end = diff_text.find("\n", position)
        line = diff_text[position : end if end >= 0 else len(diff_text)]
        _, _, heading = line.partition(" @@")
        names.update(_CALL.findall(heading))
        position = diff_text.find("\n@@ -", position + 1)
        position = position + 1 if position >= 0 else -1
    return names


def _bare_names(text: str, params: Params) -> list[str]:
    if _PASTED.search(text):
        return []
    judged = params.pattern.compiled.search
    prose = _QUOTED.sub(" ", text)
    return [
        name
        for name in dict.fromkeys(m.group(1) for m in _NAME.finditer(prose))
        if judged(name) and not name.isupper()
    ]


def _with_parens(text: str, names: set[str]) -> str:
    """``text`` with ``()`` after each bare mention of ``names`` that :func:`_bare_names`
    judges: quoted text (a compiler's ``‘f’``, a log line) is copied unchanged."""

    def add(found: re.Match[str]) -> str:
        name = found.group(1)
        return name + "()" if name in names else name

    pieces: list[str] = []
    start = 0
    for quoted in _QUOTED.finditer(text):
        pieces += (_NAME.sub(add, text[start : quoted.start()]), quoted.group(0))
        start = quoted.end()
    pieces.append(_NAME.sub(add, text[start:]))
    return "".join(pieces)


def check(
    patch: Patch, params: Params, trigger: Trigger | None, context: CheckContext
) -> Iterator[Finding]:
    """Report each changelog line (and the subject) naming a changed function without ``()``."""
    summary = patch.subject.summary
    # Cheap pre-tests, before any line is split or the diff parsed: the
    # changelog must hold identifier-like words, and a function the diff
    # changes is written "name(" somewhere in the diff text (its hunk heading
    # or its definition in the context).
    judged = params.pattern.compiled.search  # called for every word of every changelog
    words = {
        word
        for word in _WORD.findall(f"{summary}\n{patch.mail.message}")
        if judged(word) and not word.isupper()
    }
    if not words:
        return
    if patch.parsed_diff is None:
        words &= _heading_names(patch.diff_source.text)
        if not words:
            return
    pasted = _pasted_output(patch)
    lines = [
        (item, _bare_names(item.text, params))
        for item in prose_lines(patch.changelog)
        if item.line not in pasted
    ]
    candidates = {name for _, names in lines for name in names} | set(_bare_names(summary, params))
    candidates &= words
    if not candidates:
        return
    functions = set(patch.diff.functions) & candidates
    functions -= _also_values(patch, functions)
    # An author who writes name() elsewhere knows it is a function: a bare
    # "name" then means something else ("the relocate_kernel page").
    functions -= _written_as_calls(f"{summary}\n{patch.mail.message}", functions)
    if not functions:
        return
    in_subject = sorted(n for n in _bare_names(summary, params) if n in functions)
    if in_subject:
        new_summary = _with_parens(summary, set(in_subject))
        yield Finding(
            _message(in_subject),
            patch.subject.line,
            Part.SUBJECT,
            help="Write function names as 'name()' (maintainer-tip.rst).",
            fix=subject_fix(patch, new_summary, "add '()' to function names"),
        )
    for item, names in lines:
        named = [name for name in names if name in functions]
        if not named:
            continue
        yield Finding(
            _message(named),
            item.line,
            Part.BODY,
            help="Write function names as 'name()' (maintainer-tip.rst).",
            fix=text_line_fix(
                item, _with_parens(item.text, set(named)), "add '()' to function names"
            ),
        )


def _also_values(patch: Patch, names: set[str]) -> set[str]:
    """Names the diff also uses as something other than a call: a per-CPU variable or
    struct member of the same name (or named after it), an asm symbol, a pointer
    (``.fn = name``). The changelog may mean that thing; it is left alone."""
    diff = patch.diff
    text = f"{diff.added_text}\n{diff.removed_text}"
    found = set()
    for name in names:
        # name itself, or a variable named after it (cpu_current_top_of_stack
        # for current_top_of_stack()), used other than as a call.
        if re.compile(rf"\b(?:\w+_)?{name}(?:_\w+)?\b(?!\s*\()").search(text):
            found.add(name)
    return found


def _written_as_calls(text: str, names: set[str]) -> set[str]:
    """The names ``text`` writes as ``name()`` somewhere."""
    return {name for name in names if f"{name}()" in text}


def _pasted_output(patch: Patch) -> set[int]:
    """Input lines of pasted output: from a line that starts it (checkpatch's stack dump
    start, or :data:`_PASTED`) up to the next blank one.

    A compiler's diagnostic is followed by lines that do not look like output on
    their own: the source excerpt, gcc's ``did you mean`` suggestion, the
    ``inlined from`` chain. They belong to it all the same.
    """
    lines = patch.changelog.lines
    pasted: set[int] = set()
    inside = False
    for item, dump in zip(lines, stack_dump_flags(lines), strict=True):
        if not item.text.strip():
            inside = False
            continue
        inside = inside or dump or bool(_PASTED.search(item.text))
        if inside:
            pasted.add(item.line)
    return pasted


def _message(names: list[str]) -> str:
    listed = ", ".join(f"'{name}'" for name in names)
    plural = "s" if len(names) > 1 else ""
    return f"the changed function{plural} {listed} should be written with '()'"


KIND = CheckKind(name="function-refs", params_type=Params, doc=__doc__ or "", on_patch=check)
