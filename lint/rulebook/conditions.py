"""Rule triggers: the ``[when]`` table of a rule, compiled once into a frozen tree.

A rule such as "a change to FRED carries a FRED Background section" only
applies to patches that touch FRED. Its ``[when]`` table says what "touches"
means, with these leaves (each may be one string or a list meaning "any of")::

    diff_path      = "arch/x86/kernel/fred.c"   # glob on a changed file's path
    diff_line      = '\\bX86_CR4_FRED\\b'          # regex on changed lines
    side           = "added"                     # diff_line only: added|removed|changed
    function       = ["cr4_init", "native_write_cr4"]  # a changed line lies in it
    subject_prefix = '^x86(/|$)'                  # regex on the subject area
    changelog      = 'FRED'                       # regex on the changelog text

combined with ``any = [...]`` (``[[when.any]]`` tables), ``all = [...]`` and
``not = {...}``, nested freely. Several keys in one table must all hold.

Path globs are fnmatch-style on the whole path, where ``*`` and ``?`` stay
inside one path component and ``**`` spans folders; a pattern ending in ``/``
means "anything under this folder".

:meth:`Condition.matches` returns a :class:`Trigger` saying *what* matched
("touches arch/x86/kernel/fred.c"), so a diagnostic can cite it, or ``None``.
"""

from __future__ import annotations

import os
import re

from lint.errors import InputError
from lint.patch.diff import ChangedLine, FileDiff
from lint.patch.model import Patch
from lint.record import record
from lint.rulebook.facts import FACT_KEYS, Vocabulary, compile_fact
from lint.rulebook.globs import glob_to_regex
from lint.rulebook.literal import required_literal
from lint.rulebook.regex import Regex
from lint.rulebook.trigger import Trigger

__all__ = ["Condition", "Trigger", "compile_condition", "glob_to_regex"]

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from lint.rulebook.trigger import Condition

SIDES = ("added", "removed", "changed")
LEAF_KEYS = ("diff_path", "diff_line", "function", "subject_prefix", "changelog")
_COMPANIONS = {"side": "diff_line", "trailer_value": "trailer"}
"""Keys that only qualify another key of the same table."""


@record
class DiffPath:
    """A changed file's path (old or new name) matches one of the globs."""

    globs: tuple[str, ...]
    patterns: tuple[Regex, ...]
    prefixes: frozenset[str] = frozenset()
    """The literal start of each glob (``arch/x86/entry/`` of ``arch/x86/entry/*fred*``),
    or empty when a glob starts with a wildcard: every path is written out in the diff
    text, so a diff holding none of them touches no matching file."""
    gate: frozenset[str] = frozenset()
    """What all :attr:`prefixes` start with (``arch/x86/``), when that is long enough:
    one search rules out most patches before the prefixes are searched one by one."""

    def matches(self, patch: Patch) -> Trigger | None:
        if self.gate and not patch.diff_may_contain_any(self.gate):
            return None
        if self.prefixes and not patch.diff_may_contain_any(self.prefixes):
            return None
        for changed in patch.diff.files:
            names = dict.fromkeys((changed.new_path, changed.old_path, changed.path))
            for name in names:
                if name and any(p.fullmatch(name) for p in self.patterns):
                    return Trigger(f"touches {name}", path=name, line=changed.line)
        return None

    def describe(self) -> str:
        return "touches " + " or ".join(self.globs)


@record
class DiffLine:
    """An added/removed line of the diff matches one of the regexes."""

    sources: tuple[str, ...]
    patterns: tuple[Regex, ...]
    side: str
    literals: frozenset[str] = frozenset()
    """A text each pattern needs (``X86_CR4_FRED`` for ``\\bX86_CR4_FRED\\b``), or empty
    when some pattern needs none: a substring test rules out most patches far faster than
    any regex scan of a large diff."""

    def matches(self, patch: Patch) -> Trigger | None:
        if self.literals and not self._may_match(patch):
            return None
        for changed, line in patch.diff.changed_lines:
            if (self.side == "added" and not line.added) or (self.side == "removed" and line.added):
                continue
            for pattern in self.patterns:
                found = pattern.search(line.text)
                if found:
                    verb = "adds" if line.added else "removes"
                    where = _file_position(changed, line)
                    return Trigger(
                        f"{verb} a line mentioning {found.group(0).strip() or pattern.pattern}"
                        f" at {where}",
                        path=changed.path,
                        line=line.line,
                    )
        return None

    def _may_match(self, patch: Patch) -> bool:
        if not patch.diff_may_contain_any(self.literals):
            return False
        diff = patch.diff
        texts = (
            diff.added_text if self.side != "removed" else "",
            diff.removed_text if self.side != "added" else "",
        )
        return any(literal in text for text in texts if text for literal in self.literals)

    def describe(self) -> str:
        verb = {"added": "adds", "removed": "removes", "changed": "changes"}[self.side]
        return f"{verb} a line matching " + " or ".join(repr(s) for s in self.sources)


@record
class InFunction:
    """A changed line lies inside one of the named functions."""

    names: frozenset[str]

    def matches(self, patch: Patch) -> Trigger | None:
        # A function is named in the hunk heading or the hunk's own lines, so a diff
        # that never spells its name cannot change it.
        if not patch.diff_may_contain_any(self.names):
            return None
        if self.names.isdisjoint(patch.diff.functions):
            return None
        for changed, line in patch.diff.changed_lines:
            if line.function in self.names:
                return Trigger(
                    f"changes {line.function}() at {_file_position(changed, line)}",
                    path=changed.path,
                    line=line.line,
                )
        return None

    def describe(self) -> str:
        return "changes " + " or ".join(f"{name}()" for name in sorted(self.names))


@record
class SubjectPrefix:
    """The subject's area (``x86/fred`` in ``x86/fred: Fix ...``) matches a regex."""

    sources: tuple[str, ...]
    patterns: tuple[Regex, ...]

    def matches(self, patch: Patch) -> Trigger | None:
        area = patch.subject.area
        if any(p.search(area) for p in self.patterns):
            return Trigger(f"has the subject prefix '{area}:'")
        return None

    def describe(self) -> str:
        return "has a subject prefix matching " + " or ".join(repr(s) for s in self.sources)


@record
class ChangelogText:
    """The changelog text matches a regex."""

    sources: tuple[str, ...]
    patterns: tuple[Regex, ...]

    def matches(self, patch: Patch) -> Trigger | None:
        for item in patch.changelog.lines:
            for pattern in self.patterns:
                found = pattern.search(item.text)
                if found:
                    return Trigger(
                        f"mentions {found.group(0).strip() or pattern.pattern} in the changelog",
                        line=item.line,
                    )
        return None

    def describe(self) -> str:
        return "mentions " + " or ".join(repr(s) for s in self.sources) + " in the changelog"


@record
class AnyOf:
    """At least one sub-condition holds; the first that does gives the reason."""

    parts: tuple[Condition, ...]

    def matches(self, patch: Patch) -> Trigger | None:
        for part in self.parts:
            trigger = part.matches(patch)
            if trigger is not None:
                return trigger
        return None

    def describe(self) -> str:
        return "(" + " or ".join(part.describe() for part in self.parts) + ")"


@record
class AllOf:
    """Every sub-condition holds; the reasons are joined, the first position kept."""

    parts: tuple[Condition, ...]

    def matches(self, patch: Patch) -> Trigger | None:
        triggers: list[Trigger] = []
        for part in self.parts:
            trigger = part.matches(patch)
            if trigger is None:
                return None
            triggers.append(trigger)
        located = next((t for t in triggers if t.path), triggers[0])
        reasons: list[str] = []
        for trigger in triggers:
            # "fixes X (changes Y)" already says "changes Y": say it once.
            if not any(trigger.reason in earlier for earlier in reasons):
                reasons.append(trigger.reason)
        reason = " and ".join(reasons)
        detail = located.located if located.path else ""
        return Trigger(reason, path=located.path, line=located.line, detail=detail)

    def describe(self) -> str:
        return "(" + " and ".join(part.describe() for part in self.parts) + ")"


@record
class NotCondition:
    """The sub-condition does not hold."""

    part: Condition

    def matches(self, patch: Patch) -> Trigger | None:
        if self.part.matches(patch) is None:
            return Trigger(f"does not match: {self.part.describe()}")
        return None

    def describe(self) -> str:
        return f"not {self.part.describe()}"


def _file_position(changed: FileDiff, line: ChangedLine) -> str:
    number = line.new_line if line.added else line.old_line
    return f"{changed.path}:{number}" if number else changed.path


def compile_condition(
    table: Any, where: str, key: str = "when", vocabulary: Vocabulary | None = None
) -> Condition:
    """Compile a ``[when]`` table (or list, meaning any) into a :class:`Condition`.

    ``vocabulary`` (topics, the diff vocabulary, named conditions) is what the
    fact leaves of :mod:`lint.rulebook.facts` and ``use`` need. Errors are
    :class:`InputError` at ``where`` naming the offending key.
    """
    if isinstance(table, list):
        return AnyOf(tuple(compile_condition(item, where, key, vocabulary) for item in table))
    if not isinstance(table, dict):
        raise InputError(where, f"key '{key}' must be a table or a list of tables")
    if not table:
        raise InputError(where, f"key '{key}' is an empty condition")
    parts: list[Condition] = []
    for name, value in table.items():
        if name in _COMPANIONS:
            if _COMPANIONS[name] not in table:
                raise InputError(
                    where, f"key '{key}.{name}' is only allowed with {_COMPANIONS[name]}"
                )
            continue
        parts.append(_compile_key(name, value, table, where, f"{key}.{name}", vocabulary))
    return parts[0] if len(parts) == 1 else AllOf(tuple(parts))


def _compile_key(
    name: str,
    value: Any,
    table: dict[str, Any],
    where: str,
    key: str,
    vocabulary: Vocabulary | None,
) -> Condition:
    if name == "any":
        return AnyOf(_compile_list(value, where, key, vocabulary))
    if name == "all":
        return AllOf(_compile_list(value, where, key, vocabulary))
    if name == "not":
        return NotCondition(compile_condition(value, where, key, vocabulary))
    if name == "use" or name in FACT_KEYS:
        if vocabulary is None:
            raise InputError(where, f"key '{key}' needs the rulebook's data (rules/data/)")
        if name != "use":
            return compile_fact(name, value, table, vocabulary, where, key)
        named = vocabulary.named.get(value) if isinstance(value, str) else None
        if named is None:
            known = ", ".join(vocabulary.named) or "none"
            raise InputError(where, f"key '{key}': unknown condition {value!r} (known: {known})")
        return named
    if name == "diff_path":
        globs = _strings(value, where, key)
        prefixes = tuple(re.split(r"[*?\[]", glob, maxsplit=1)[0] for glob in globs)
        usable = all(len(p) >= 3 for p in prefixes)
        # Any text all prefixes begin with is a valid gate, path components or not.
        common = os.path.commonprefix(prefixes) if usable and len(prefixes) > 1 else ""  # noqa: RUF071
        return DiffPath(
            globs,
            tuple(Regex.checked(glob_to_regex(g), where, key) for g in globs),
            frozenset(prefixes) if usable else frozenset(),
            frozenset((common,)) if len(common) >= 3 else frozenset(),
        )
    if name == "diff_line":
        side = table.get("side", "changed")
        if side not in SIDES:
            parent = key.rpartition(".")[0]
            raise InputError(
                where, f"bad value {side!r} for key '{parent}.side' (expected {', '.join(SIDES)})"
            )
        sources = _strings(value, where, key)
        patterns = _regexes(sources, where, key)
        literals = tuple(required_literal(p) for p in patterns)
        return DiffLine(
            sources, patterns, side, frozenset(literals) if all(literals) else frozenset()
        )
    if name == "function":
        return InFunction(frozenset(_strings(value, where, key)))
    if name == "subject_prefix":
        sources = _strings(value, where, key)
        return SubjectPrefix(sources, _regexes(sources, where, key))
    if name == "changelog":
        sources = _strings(value, where, key)
        return ChangelogText(sources, _regexes(sources, where, key))
    known = ", ".join((*LEAF_KEYS, *FACT_KEYS, *_COMPANIONS, "use", "any", "all", "not"))
    raise InputError(where, f"unknown key '{key}' (expected one of {known})")


def _compile_list(
    value: Any, where: str, key: str, vocabulary: Vocabulary | None
) -> tuple[Condition, ...]:
    if not isinstance(value, list) or not value:
        raise InputError(where, f"key '{key}' must be a non-empty list of tables")
    return tuple(
        compile_condition(item, where, f"{key}[{n}]", vocabulary) for n, item in enumerate(value)
    )


def _strings(value: Any, where: str, key: str) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items or not all(isinstance(i, str) for i in items):
        raise InputError(where, f"key '{key}' must be a string or a non-empty list of strings")
    return tuple(items)


def _regexes(sources: tuple[str, ...], where: str, key: str) -> tuple[Regex, ...]:
    return tuple(Regex.checked(source, where, key) for source in sources)
