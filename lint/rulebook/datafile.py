"""Typed reading of the tables in ``rules/data/*.toml``: one error form for every key.

The data files (kernel facts, topics, the diff vocabulary, named conditions)
are hand-edited; a typo must stop the run with the file and the key path
named (:class:`~lint.errors.InputError`, exit status 2), never surface later
as a wrong finding.
"""

from __future__ import annotations

from lint.errors import InputError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def only(item: dict[str, Any], keys: set[str] | frozenset[str], where: str, prefix: str) -> None:
    """Refuse any key of ``item`` not in ``keys``."""
    for key in item:
        if key not in keys:
            raise InputError(where, f"unknown key '{prefix}{key}'")


def table(item: dict[str, Any], key: str, where: str, prefix: str = "") -> dict[str, Any]:
    """The sub-table ``key``."""
    value = item.get(key)
    if not isinstance(value, dict):
        raise InputError(where, f"key '{prefix}{key}' must be a table")
    return value


def tables(item: dict[str, Any], key: str, where: str, prefix: str) -> list[dict[str, Any]]:
    """The array of tables ``key`` (``[[key]]``)."""
    value = item.get(key)
    if not isinstance(value, list) or not all(isinstance(entry, dict) for entry in value):
        raise InputError(where, f"key '{prefix}{key}' must be an array of tables")
    return value


def string(item: dict[str, Any], key: str, where: str, prefix: str, *, empty: bool = False) -> str:
    """The string ``key``; empty only when ``empty`` allows it."""
    value = item.get(key)
    if not isinstance(value, str) or (not empty and not value.strip()):
        raise InputError(where, f"key '{prefix}{key}' must be a non-empty string")
    return value


def strings(
    item: dict[str, Any], key: str, where: str, prefix: str, *, optional: bool = False
) -> tuple[str, ...]:
    """The list of strings ``key`` (``()`` when absent and ``optional``)."""
    if optional and key not in item:
        return ()
    value = item.get(key)
    if not isinstance(value, list) or not all(isinstance(entry, str) for entry in value):
        raise InputError(where, f"key '{prefix}{key}' must be a list of strings")
    return tuple(value)


def boolean(item: dict[str, Any], key: str, where: str, prefix: str, default: bool) -> bool:
    """The boolean ``key``, or ``default`` when absent."""
    value = item.get(key, default)
    if not isinstance(value, bool):
        raise InputError(where, f"key '{prefix}{key}' must be true or false")
    return value
