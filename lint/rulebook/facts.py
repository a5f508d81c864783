"""Rule conditions on what a patch *is*: a fix, a mechanical change, a change to a topic.

These leaves of a rule's ``[when]`` let the rulebook state a reviewer's policy
as data, for example "an error only for a behavioural fix that changes the
CR pinning machinery"::

    trailer        = "Fixes"                 # has this tag (any of a list)
    trailer_value  = 'stable@'               # trailer only: and its value matches
    subject        = '(?i)^fix'              # regex on the subject's summary
    mechanical     = false                   # the diff changes (no) behaviour
    topic          = "cr-pinning"            # changes the code of this topic (any of a list)
    topics_min     = 2                       # changes the code of at least N topics
    code_lines_min = 10                      # changes at least N behavioural lines
    topic_named    = "fred"                  # the subject names this topic
    paragraphs_min = 3                       # the changelog has N prose paragraphs

What is behaviour and what is mechanical is :mod:`lint.patch.nature`'s call;
what code belongs to a topic, :mod:`lint.kernel.topics`'. A patch without a
diff (a commit message on its own) matches none of the diff leaves, either way.
"""

from __future__ import annotations

from lint.errors import InputError
from lint.kernel.topics import Topic, TopicBook, named_topics, touched_topics
from lint.patch.model import Memo, Patch
from lint.patch.nature import NatureVocabulary, diff_nature
from lint.record import record
from lint.rulebook.regex import Regex
from lint.rulebook.trigger import Trigger

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

    from lint.rulebook.trigger import Condition

_NAMED: Memo[dict[str, Trigger | None]] = Memo("named conditions")
"""Per patch: each named condition asked about, and its trigger (``None``: no match)."""

FACT_KEYS = (
    "trailer",
    "subject",
    "mechanical",
    "topic",
    "topics_min",
    "code_lines_min",
    "topic_named",
    "paragraphs_min",
)


@record
class Named:
    """A condition defined once in ``rules/data/conditions.toml`` and used by name."""

    name: str
    part: Condition
    reason: str = ""
    """How a diagnostic words it (``is a fix of the CR pinning interlock``); the
    position and detail of the inner condition are added in parentheses."""

    def matches(self, patch: Patch) -> Trigger | None:
        # Several rules use one named condition: answer it once per patch.
        memo = patch.memo(_NAMED, dict)
        if self.name in memo:
            return memo[self.name]
        found = memo[self.name] = self._matches(patch)
        return found

    def _matches(self, patch: Patch) -> Trigger | None:
        inner = self.part.matches(patch)
        if inner is None or not self.reason:
            return inner
        if not inner.path:
            return Trigger(self.reason, line=inner.line)
        return Trigger(
            f"{self.reason} ({inner.located})",
            path=inner.path,
            line=inner.line,
            detail=inner.located,
        )

    def describe(self) -> str:
        return self.reason or self.part.describe()


@record
class Vocabulary:
    """The data rule conditions may refer to: topics, the diff vocabulary, named conditions."""

    topics: TopicBook
    nature: NatureVocabulary
    named: Mapping[str, Named]
    checkpatch_types: frozenset[str] = frozenset()
    """checkpatch.pl's message types: the names a rule's ``checkpatch`` key may take."""


@record
class HasTrailer:
    """A trailer with one of these keys (and, if given, a matching value)."""

    keys: tuple[str, ...]
    value: Regex | None = None

    def matches(self, patch: Patch) -> Trigger | None:
        wanted = {key.lower() for key in self.keys}
        for trailer in patch.changelog.trailers:
            if trailer.key.lower() in wanted and (
                self.value is None or self.value.search(trailer.value)
            ):
                return Trigger(f"has a '{trailer.key}:' tag", line=trailer.line)
        return None

    def describe(self) -> str:
        tags = " or ".join(f"'{key}:'" for key in self.keys)
        value = f" matching {self.value.pattern!r}" if self.value is not None else ""
        return f"has a {tags} tag{value}"


@record
class SubjectSummary:
    """The subject's summary (after the prefix) matches a regex."""

    sources: tuple[str, ...]
    patterns: tuple[Regex, ...]

    def matches(self, patch: Patch) -> Trigger | None:
        summary = patch.subject.summary
        for pattern in self.patterns:
            found = pattern.search(summary)
            if found:
                return Trigger(f"says '{found.group(0)}' in its subject", line=patch.subject.line)
        return None

    def describe(self) -> str:
        return "has a subject matching " + " or ".join(repr(s) for s in self.sources)


@record
class Mechanical:
    """The diff changes no behaviour (``expected = true``), or does (``false``)."""

    expected: bool
    vocabulary: NatureVocabulary

    def matches(self, patch: Patch) -> Trigger | None:
        if not patch.has_diff:
            return None
        nature = diff_nature(patch, self.vocabulary)
        if nature.mechanical != self.expected:
            return None
        if self.expected:
            kinds = ", ".join(sorted(nature.kinds)) or "nothing"
            return Trigger(f"changes no behaviour ({kinds})")
        count = len(nature.code)
        return Trigger(f"changes {count} line{'s' if count != 1 else ''} of code")

    def describe(self) -> str:
        return "changes no behaviour" if self.expected else "changes behaviour"


@record
class TouchesTopic:
    """A behavioural line of the diff belongs to one of the topics."""

    topics: tuple[Topic, ...]
    vocabulary: Vocabulary

    def matches(self, patch: Patch) -> Trigger | None:
        if not patch.has_diff:
            return None
        touched = touched_topics(patch, self.vocabulary.topics, self.vocabulary.nature, self.topics)
        for topic in self.topics:
            touch = touched.get(topic.id)
            if touch is not None:
                line = touch.code.line
                number = line.new_line if line.added else line.old_line
                where = f"{touch.code.file.path}:{number}" if number else touch.code.file.path
                return Trigger(
                    f"changes {topic.name} code {touch.how} at {where}",
                    path=touch.code.file.path,
                    line=line.line,
                )
        return None

    def describe(self) -> str:
        return "changes the code of " + " or ".join(topic.name for topic in self.topics)


@record
class TopicCount:
    """The behavioural lines belong to at least ``minimum`` topics."""

    minimum: int
    vocabulary: Vocabulary

    def matches(self, patch: Patch) -> Trigger | None:
        if not patch.has_diff:
            return None
        touched = touched_topics(patch, self.vocabulary.topics, self.vocabulary.nature)
        if len(touched) < self.minimum:
            return None
        names = [touch.topic.name for touch in touched.values()]
        first = next(iter(touched.values())).code
        return Trigger(
            "changes the code of " + ", ".join(names[:-1]) + " and " + names[-1],
            path=first.file.path,
            line=first.line.line,
        )

    def describe(self) -> str:
        return f"changes the code of at least {self.minimum} topics"


@record
class CodeLines:
    """The diff has at least ``minimum`` behavioural lines."""

    minimum: int
    vocabulary: NatureVocabulary

    def matches(self, patch: Patch) -> Trigger | None:
        if not patch.has_diff:
            return None
        count = len(diff_nature(patch, self.vocabulary).code)
        if count < self.minimum:
            return None
        return Trigger(f"changes {count} lines of code")

    def describe(self) -> str:
        return f"changes at least {self.minimum} lines of code"


@record
class NamesTopic:
    """The subject line names one of the topics."""

    topics: tuple[Topic, ...]
    book: TopicBook

    def matches(self, patch: Patch) -> Trigger | None:
        named = {topic.id for topic in named_topics(patch, self.book)}
        for topic in self.topics:
            if topic.id in named:
                return Trigger(f"names {topic.name} in its subject", line=patch.subject.line)
        return None

    def describe(self) -> str:
        return "names " + " or ".join(topic.name for topic in self.topics) + " in its subject"


@record
class ChangelogParagraphs:
    """The changelog has at least ``minimum`` paragraphs of prose above its tags.

    maintainer-tip.rst asks for "the context, the problem and the solution in
    separate paragraphs and this order": three such paragraphs are a changelog
    that already carries its background, headings or not. Indented blocks
    (code, logs), quoted lines and ``== Heading ==`` lines are not prose.
    """

    minimum: int

    def matches(self, patch: Patch) -> Trigger | None:
        changelog = patch.changelog
        end = changelog.trailer_line or 0
        count = 0
        for paragraph in changelog.paragraphs:
            if end and paragraph.line >= end:
                break
            if any(_is_prose(item.text) for item in paragraph.lines):
                count += 1
        if count < self.minimum:
            return None
        return Trigger(f"explains itself in {count} paragraphs")

    def describe(self) -> str:
        return f"has at least {self.minimum} changelog paragraphs"


def _is_prose(text: str) -> bool:
    stripped = text.strip()
    if not stripped or text[0].isspace() or text.startswith(">"):
        return False
    return not (stripped.startswith("==") and stripped.endswith("=="))


def compile_fact(
    name: str, value: Any, table: dict[str, Any], vocabulary: Vocabulary, where: str, key: str
) -> Condition:
    """The leaf for key ``name`` of a ``[when]`` table (one of :data:`FACT_KEYS`)."""
    if name == "trailer":
        keys = _strings(value, where, key)
        pattern = table.get("trailer_value")
        if pattern is None:
            return HasTrailer(keys)
        if not isinstance(pattern, str):
            raise InputError(where, f"key '{key}_value' must be a regex string")
        return HasTrailer(keys, Regex.checked(pattern, where, f"{key}_value"))
    if name == "subject":
        sources = _strings(value, where, key)
        return SubjectSummary(sources, tuple(Regex.checked(s, where, key) for s in sources))
    if name == "mechanical":
        if not isinstance(value, bool):
            raise InputError(where, f"key '{key}' must be true or false")
        return Mechanical(value, vocabulary.nature)
    if name in ("topics_min", "code_lines_min", "paragraphs_min"):
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise InputError(where, f"key '{key}' must be a positive integer")
        if name == "topics_min":
            return TopicCount(value, vocabulary)
        if name == "paragraphs_min":
            return ChangelogParagraphs(value)
        return CodeLines(value, vocabulary.nature)
    topics = tuple(
        _topic(item, vocabulary.topics, where, key) for item in _strings(value, where, key)
    )
    if name == "topic":
        return TouchesTopic(topics, vocabulary)
    return NamesTopic(topics, vocabulary.topics)


def _topic(topic_id: str, book: TopicBook, where: str, key: str) -> Topic:
    topic = book.get(topic_id)
    if topic is None:
        known = ", ".join(topic.id for topic in book.topics)
        raise InputError(where, f"key '{key}': unknown topic '{topic_id}' (known: {known})")
    return topic


def _strings(value: Any, where: str, key: str) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items or not all(isinstance(i, str) for i in items):
        raise InputError(where, f"key '{key}' must be a string or a non-empty list of strings")
    return tuple(items)
