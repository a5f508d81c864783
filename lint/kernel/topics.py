"""Topics (CR pinning, FRED, SEV, TDX, AP exception setup) and which ones a patch touches.

``rules/data/topics.toml`` says what code belongs to each topic: its own
files, its own functions, its symbols. A patch *touches* a topic only through
its behavioural lines (:mod:`lint.patch.nature`): a rename, a moved function, a
comment or a ``pr_info()`` naming ``X86_CR4_FRED`` does not make a patch a
change to FRED, and neither does a call to ``native_write_cr4()`` from some
other function make it a change to CR pinning.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable

from lint.config import read_toml
from lint.errors import InputError
from lint.patch.model import Memo, Patch
from lint.patch.nature import C_SUFFIXES, CodeLine, NatureVocabulary, diff_nature
from lint.record import record
from lint.rulebook import datafile
from lint.rulebook.globs import glob_to_regex
from lint.rulebook.regex import Regex

TYPE_CHECKING = False
if TYPE_CHECKING:
    from lint.resources import StrPath

_TOUCHED: Memo[dict[str, Touch | None]] = Memo("topics touched")
"""Per patch: each topic asked about, and how the patch touches it (``None``: not)."""
_KEYS = frozenset(
    {"id", "name", "background", "interlock", "mention", "paths", "functions", "symbols"}
)
_PLAIN = re.compile(r"[A-Za-z0-9_]{4,}")


@record
class Topic:
    """One piece of kernel knowledge, and the code that belongs to it."""

    id: str
    name: str
    """The topic in words: ``CR pinning``, ``FRED``."""
    background: str
    """The changelog section explaining it (``FRED Background``), or ``""``."""
    interlock: bool
    """True where pinning, pinned features and exception setup meet."""
    mention: Regex
    """How a subject line names the topic."""
    paths: tuple[Regex, ...]
    functions: frozenset[str]
    symbols: tuple[Regex, ...]
    literals: frozenset[str]
    """Texts the diff must contain for the topic to be touched at all (a cheap pre-test),
    or empty when some part of the topic has no such text."""


@record
class TopicBook:
    """Every topic of ``topics.toml``, in file order."""

    topics: tuple[Topic, ...]
    path: str = ""
    scope: tuple[str, ...] = ()
    """Path prefixes a changed file must be under to touch any topic (``arch/x86/``)."""

    def get(self, topic_id: str) -> Topic | None:
        """The topic called ``topic_id``."""
        for topic in self.topics:
            if topic.id == topic_id:
                return topic
        return None


@record
class Touch:
    """The first behavioural line through which a patch touches a topic."""

    topic: Topic
    code: CodeLine
    how: str
    """``in cr4_init()``, ``in arch/x86/kernel/fred.c`` or ``using X86_CR4_FRED``."""


def load_topics(path: StrPath) -> TopicBook:
    """Read and check ``topics.toml``."""
    path = where = os.fspath(path)
    table = read_toml(path)
    datafile.only(table, {"topic", "scope"}, where, "")
    scope = datafile.strings(table, "scope", where, "", optional=True)
    topics: list[Topic] = []
    for item in datafile.tables(table, "topic", where, ""):
        datafile.only(item, _KEYS, where, "topic.")
        topic_id = datafile.string(item, "id", where, "topic.")
        key = f"topic[{topic_id}]."
        globs = datafile.strings(item, "paths", where, key, optional=True)
        functions = datafile.strings(item, "functions", where, key, optional=True)
        symbols = datafile.strings(item, "symbols", where, key, optional=True)
        if not (globs or functions or symbols):
            raise InputError(where, f"topic '{topic_id}' has no paths, functions or symbols")
        literals = _literals(globs, functions, symbols)
        topics.append(
            Topic(
                id=topic_id,
                name=datafile.string(item, "name", where, key),
                background=datafile.string(item, "background", where, key, empty=True),
                interlock=datafile.boolean(item, "interlock", where, key, False),
                mention=Regex.checked(
                    datafile.string(item, "mention", where, key), where, key + "mention"
                ),
                paths=tuple(Regex.checked(glob_to_regex(g), where, key + "paths") for g in globs),
                functions=frozenset(functions),
                symbols=tuple(Regex.checked(s, where, key + "symbols") for s in symbols),
                literals=literals,
            )
        )
    ids = [topic.id for topic in topics]
    for topic_id in ids:
        if ids.count(topic_id) > 1:
            raise InputError(where, f"topic '{topic_id}' is defined twice")
    return TopicBook(tuple(topics), path, scope)


def _literals(
    globs: tuple[str, ...], functions: tuple[str, ...], symbols: tuple[str, ...]
) -> frozenset[str]:
    texts: list[str] = []
    for glob in globs:
        prefix = re.split(r"[*?\[]", glob, maxsplit=1)[0]
        if len(prefix) < 4:
            return frozenset()
        texts.append(prefix)
    texts.extend(functions)
    for symbol in symbols:
        runs = _PLAIN.findall(symbol.replace(r"\b", " ").replace(r"\w", " "))
        if not runs:
            return frozenset()
        texts.append(max(runs, key=len))
    return frozenset(texts)


def touched_topics(
    patch: Patch,
    book: TopicBook,
    vocabulary: NatureVocabulary,
    wanted: Iterable[Topic] | None = None,
) -> dict[str, Touch]:
    """The topics of ``wanted`` (default: all) that ``patch`` touches, by topic id.

    Each topic's answer is computed once per patch, and only when asked: most
    patches are ruled out by the topic's own texts (not in the diff at all),
    then by the parsed diff (not in a changed file of the topic, a changed line
    of its functions, or a changed line naming its symbols); only those left
    need the analysis of what is behaviour.
    """
    known = patch.memo(_TOUCHED, dict)
    asked = tuple(book.topics if wanted is None else wanted)
    unknown = [topic for topic in asked if topic.id not in known]
    if unknown:
        if book.scope and not patch.diff_may_contain_any(frozenset(book.scope)):
            possible = []
        else:
            possible = [
                topic
                for topic in unknown
                if (not topic.literals or patch.diff_may_contain_any(topic.literals))
                and patch.has_diff
                and _possible(topic, patch, book.scope)
            ]
        for topic in unknown:
            known[topic.id] = None
        if possible:
            for code in diff_nature(patch, vocabulary).code:
                if book.scope and not code.file.path.startswith(book.scope):
                    continue
                for topic in possible:
                    if known[topic.id] is None:
                        how = _how(topic, code)
                        if how:
                            known[topic.id] = Touch(topic, code, how)
    return {topic.id: touch for topic in asked if (touch := known[topic.id]) is not None}


def _possible(topic: Topic, patch: Patch, scope: tuple[str, ...]) -> bool:
    diff = patch.diff
    if scope and not any(changed.path.startswith(scope) for changed in diff.files):
        return False
    for changed in diff.files:
        for name in (changed.new_path, changed.old_path):
            if name and any(pattern.fullmatch(name) for pattern in topic.paths):
                return True
    if not topic.functions.isdisjoint(diff.functions):
        return True
    changed_text = f"{diff.added_text}\n{diff.removed_text}"
    return any(symbol.search(changed_text) for symbol in topic.symbols)


def _how(topic: Topic, code: CodeLine) -> str:
    """How ``code`` belongs to ``topic`` in words, or ``""``.

    Functions and symbols count in C and assembler sources only: a rule file or
    a test fixture naming ``cr4_pinned_mask`` is not kernel code.
    """
    changed = code.file
    function = code.line.function
    for name in dict.fromkeys((changed.new_path, changed.old_path)):
        if name and any(pattern.fullmatch(name) for pattern in topic.paths):
            return f"in {function}()" if function else f"in {name}"
    if not changed.path.endswith(C_SUFFIXES):
        return ""
    if function in topic.functions:
        return f"in {function}()"
    for symbol in topic.symbols:
        found = symbol.search(code.code)
        if found:
            return f"using {found.group(0)}"
    return ""


def named_topics(patch: Patch, book: TopicBook) -> list[Topic]:
    """The topics the subject line names (``x86/fred:``, ``... on SEV-ES guests``)."""
    subject = patch.subject
    text = f"{subject.area}: {subject.summary}" if subject.area else subject.summary
    return [topic for topic in book.topics if topic.mention.search(text)]
