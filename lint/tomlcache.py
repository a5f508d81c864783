"""Parsed TOML files cached on disk, keyed by their content.

Every run reads some fifty rule files; parsing them with :mod:`tomllib` costs a
git hook more than linting one patch does. The parsed tables are kept with
:mod:`marshal` under ``$XDG_CACHE_HOME/patchlens`` (or ``~/.cache/patchlens``),
named by a checksum of the file's bytes and holding them, so an edited file is
simply a new entry.
Validation still runs on every load: only the TOML parsing is saved. Any
problem with the cache (unwritable, corrupt, a table marshal cannot hold)
falls back to parsing, silently. ``PATCHLENS_NO_CACHE=1`` turns it off.
"""

from __future__ import annotations

import marshal
import os
import sys
import zlib

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_FORMAT = f"toml-{sys.version_info[0]}.{sys.version_info[1]}-2"
"""marshal's format belongs to the Python version: one folder per version."""


def cache_dir() -> str | None:
    """Where parsed tables are kept, or ``None`` when caching is off."""
    if os.environ.get("PATCHLENS_NO_CACHE"):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "patchlens", _FORMAT)


def cached_table(data: bytes) -> tuple[str | None, dict[str, Any] | None]:
    """The cache entry for a file with contents ``data``, and its table if cached."""
    folder = cache_dir()
    if folder is None:
        return None, None
    # The name is a checksum; the entry holds the file's bytes too, and is used only
    # when they are equal, so a checksum collision costs a parse, never a wrong table.
    entry = os.path.join(folder, f"{zlib.crc32(data):08x}-{len(data)}.marshal")
    try:
        stored, table = marshal.loads(read_bytes(entry))
    except (OSError, EOFError, ValueError, TypeError):
        return entry, None
    return entry, table if stored == data and isinstance(table, dict) else None


def store_table(entry: str | None, table: dict[str, Any], data: bytes) -> None:
    """Keep ``table``, parsed from ``data``, at ``entry`` (written atomically); never fails."""
    if entry is None:
        return
    try:
        payload = marshal.dumps((data, table))
    except ValueError:  # a TOML datetime: marshal cannot hold it, parse it each time
        return
    write_entry(entry, payload)


def read_bytes(path: str) -> bytes:
    """The contents of the file at ``path``."""
    with open(path, "rb") as handle:
        return handle.read()


def write_entry(entry: str, payload: bytes) -> None:
    """Write a cache entry atomically (readers see the old one or the new one); never fails.

    Every cache of patchlens writes through here: an unwritable folder only costs the
    next run the work the entry would have saved.
    """
    partial = f"{os.path.splitext(entry)[0]}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(entry), exist_ok=True)
        with open(partial, "wb") as handle:
            handle.write(payload)
        os.replace(partial, entry)
    except OSError:
        return
