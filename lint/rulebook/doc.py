"""A rule file's ``[doc]`` table: what ``patchlens rules ID`` tells a user about the rule.

- ``rationale`` (Markdown): why maintainers want it;
- ``reference``: reference background text for a section rule's topic;
- ``bad`` and ``good``: a mail the rule reports and one it leaves alone, each a
  string, or for a thread or series rule a list of mails (:mod:`lint.engine.examples`
  runs them);
- ``commits``: the history the examples cite, ``"<40 hex digits> <subject>"`` each.
"""

from __future__ import annotations

from lint.errors import InputError
from lint.lazyregex import lazy_regex
from lint.record import record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_KEYS = frozenset({"rationale", "reference", "bad", "good", "commits"})
_SHA = lazy_regex(r"[0-9a-f]{40}")


@record
class RuleDoc:
    """The ``[doc]`` table of one rule file, checked."""

    rationale: str = ""
    reference: str = ""
    bad: tuple[str, ...] = ()
    good: tuple[str, ...] = ()
    commits: tuple[tuple[str, str], ...] = ()
    """(id, subject) of each commit the examples cite."""


def read_doc(doc: Any, where: str) -> RuleDoc:
    """Check the ``[doc]`` table ``doc`` of the rule file ``where``."""
    if not isinstance(doc, dict):
        raise InputError(where, "key 'doc' must be a table")
    for key in doc:
        if key not in _KEYS:
            raise InputError(where, f"unknown key 'doc.{key}'")
    return RuleDoc(
        rationale=_text(doc, "rationale", where),
        reference=_text(doc, "reference", where),
        bad=_mails(doc, "bad", where),
        good=_mails(doc, "good", where),
        commits=_commits(doc, where),
    )


def _text(doc: dict[str, Any], key: str, where: str) -> str:
    value = doc.get(key, "")
    if not isinstance(value, str):
        raise InputError(where, f"key 'doc.{key}' must be a string")
    return value


def _mails(doc: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    """An example: one mail as a string, or a list of mails."""
    value = doc.get(key, ())
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple) or not all(
        isinstance(item, str) and item.strip() for item in value
    ):
        raise InputError(where, f"key 'doc.{key}' must be a mail or a list of mails (strings)")
    return tuple(value)


def _commits(doc: dict[str, Any], where: str) -> tuple[tuple[str, str], ...]:
    value = doc.get("commits", [])
    found: list[tuple[str, str]] = []
    for item in value if isinstance(value, list) else [None]:
        sha, _, subject = item.partition(" ") if isinstance(item, str) else ("", "", "")
        if not _SHA.fullmatch(sha) or not subject.strip():
            raise InputError(where, "key 'doc.commits' must list '<40 hex digits> <subject>'")
        found.append((sha, subject.strip()))
    return tuple(found)
