"""Parsed TOML files cached on disk, keyed by their content.

Every run reads some fifty rule files; parsing them with :mod:`tomllib` costs a
git hook more than linting one patch does. The parsed tables are kept with
:mod:`marshal` under ``$XDG_CACHE_HOME/patchlens`` (or ``~/.cache/patchlens``),
named by a hash of the file's bytes, so an edited file is simply a new entry.
Validation still runs on every load: only the TOML parsing is saved. Any
problem with the cache (unwritable, corrupt, a table marshal cannot hold)
falls back to parsing, silently. ``PATCHLENS_NO_CACHE=1`` turns it off.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
from pathlib import Path
from typing import Any

_FORMAT = f"toml-{sys.version_info[0]}.{sys.version_info[1]}-1"
"""marshal's format belongs to the Python version: one folder per version."""


def cache_dir() -> Path | None:
    """Where parsed tables are kept, or ``None`` when caching is off."""
    if os.environ.get("PATCHLENS_NO_CACHE"):
        return None
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "patchlens" / _FORMAT


def cached_table(data: bytes) -> tuple[Path | None, dict[str, Any] | None]:
    """The cache entry for a file with contents ``data``, and its table if cached."""
    folder = cache_dir()
    if folder is None:
        return None, None
    entry = folder / f"{hashlib.blake2b(data, digest_size=16).hexdigest()}.marshal"
    try:
        table = marshal.loads(entry.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return entry, None
    return entry, table if isinstance(table, dict) else None


def store_table(entry: Path | None, table: dict[str, Any]) -> None:
    """Keep ``table`` at ``entry`` (written atomically); never fails the run."""
    if entry is None:
        return
    try:
        payload = marshal.dumps(table)
    except ValueError:  # a TOML datetime: marshal cannot hold it, parse it each time
        return
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        partial = entry.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(payload)
        partial.replace(entry)
    except OSError:
        return
