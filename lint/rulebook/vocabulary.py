"""What rule conditions may refer to, from ``rules/data/``: topics, mechanics, named conditions.

- ``topics.toml``: the topics (CR pinning, FRED, SEV, TDX, AP exception setup)
  and the code that belongs to each (:mod:`lint.kernel.topics`);
- ``diff-nature.toml``: what counts as a mechanical change (:mod:`lint.patch.nature`);
- ``conditions.toml``: conditions defined once and used by name in rules
  (``use = "interlock-fix"``), each a ``[name]`` table with a ``when`` and an
  optional ``reason`` (how diagnostics word it). A condition may use the ones
  defined above it in the file;
- ``checkpatch-types.toml``: checkpatch.pl's message types, the names a rule's
  ``checkpatch`` key may take.
"""

from __future__ import annotations

import os

from lint.config import read_toml
from lint.errors import InputError
from lint.kernel.topics import load_topics
from lint.patch.nature import load_vocabulary as load_nature
from lint.record import replace
from lint.rulebook import datafile
from lint.rulebook.conditions import compile_condition
from lint.rulebook.facts import Named, Vocabulary

TYPE_CHECKING = False
if TYPE_CHECKING:
    from lint.resources import StrPath

TOPICS = "topics.toml"
NATURE = "diff-nature.toml"
CONDITIONS = "conditions.toml"
CHECKPATCH_TYPES = "checkpatch-types.toml"


def load_vocabulary(folder: StrPath) -> Vocabulary:
    """Read the four files of the data folder ``folder`` (``rules/data``)."""
    folder = os.fspath(folder)
    vocabulary = Vocabulary(
        topics=load_topics(os.path.join(folder, TOPICS)),
        nature=load_nature(os.path.join(folder, NATURE)),
        named={},
    )
    path = os.path.join(folder, CONDITIONS)
    table = read_toml(path)
    named: dict[str, Named] = {}
    for name, item in table.items():
        if not isinstance(item, dict):
            raise InputError(path, f"key '{name}' must be a table with 'when' (and 'reason')")
        datafile.only(item, {"when", "reason"}, path, f"{name}.")
        if "when" not in item:
            raise InputError(path, f"missing key '{name}.when'")
        reason = (
            datafile.string(item, "reason", path, f"{name}.", empty=True)
            if "reason" in item
            else ""
        )
        so_far = replace(vocabulary, named=dict(named))
        condition = compile_condition(item["when"], path, f"{name}.when", so_far)
        named[name] = Named(name, condition, reason)
    types = _checkpatch_types(os.path.join(folder, CHECKPATCH_TYPES))
    return replace(vocabulary, named=named, checkpatch_types=types)


def _checkpatch_types(path: str) -> frozenset[str]:
    table = read_toml(path)
    datafile.only(table, {"types", "added"}, path, "")
    names = datafile.strings(table, "types", path, "") + datafile.strings(
        table, "added", path, "", optional=True
    )
    return frozenset(names)
