"""The cache folder of patchlens, and the two memos kept in it between runs.

A git hook starts patchlens afresh for every mail. Two things it would redo for
each are kept on disk, as Python keeps byte code in ``__pycache__``:

- parsed TOML tables (rule, data and configuration files): parsing some fifty
  files costs a hook more than linting one patch. An entry is named by a checksum
  of the file's bytes and holds those bytes, and is used only when they are equal,
  so an edited file is simply a new entry (:func:`cached_table`);
- the validated rulebook, keyed by a fingerprint of everything it was built from:
  the path and bytes of every rule and data file, and the path, size and time of
  every module of the package, whose classes it holds (:func:`load_rulebook`).

Both are memos of pure functions: a missing, stale or damaged entry only costs the
work it would have saved, and any problem with the cache falls back to that work,
silently. ``PATCHLENS_NO_CACHE=1`` turns the cache off.

The folder is ``$XDG_CACHE_HOME/patchlens`` (``~/.cache/patchlens``). CI systems
restore such folders between jobs, and another user's files must never decide what
patchlens does, so:

- the folder is created with mode 0700 and used only when it is a directory (not
  a symbolic link) owned by the user and not writable by group or others; entries
  are written 0600;
- entries are pickles of plain data and of the package's own records and enums,
  read back by an unpickler that refuses any other class or function (no code is
  ever run from the cache).
"""

from __future__ import annotations

import os
import sys
import zlib

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from typing import Any

_FORMAT = f"py{sys.version_info[0]}.{sys.version_info[1]}"
"""Entries are made by one Python version for the same version: their names say which."""
_RULEBOOK = b"patchlens-rulebook-2"
_TOML_CLASSES = frozenset(
    {("datetime", "datetime"), ("datetime", "date"), ("datetime", "time")}
    | {("datetime", "timezone"), ("datetime", "timedelta")}
)
"""What a parsed TOML table may hold beyond plain data: its dates and times."""


_PACKAGE_EXTRAS = frozenset({("lint.record", "_rebuild"), ("lint.rulebook.regex", "Regex")})


def cache_dir() -> str | None:
    """The folder entries are kept in, created if need be; ``None``: no caching this run.

    ``None`` when caching is off, or when the folder is not a directory of the
    user's own that only they can write.
    """
    if os.environ.get("PATCHLENS_NO_CACHE"):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = os.path.join(base, "patchlens")
    try:
        os.makedirs(base, exist_ok=True)  # ~/.cache is not ours: made as the system makes it
        os.mkdir(folder, 0o700)
    except FileExistsError:
        pass
    except OSError:
        return None
    return folder if is_private_folder(folder) else None


def is_private_folder(path: str) -> bool:
    """Whether ``path`` is a real directory owned by this user, writable by no one else."""
    import stat

    try:
        status = os.lstat(path)
    except OSError:
        return False
    return (
        stat.S_ISDIR(status.st_mode)
        and status.st_uid == os.getuid()
        and not status.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    )


def read_bytes(path: str) -> bytes:
    """The contents of the file at ``path``."""
    with open(path, "rb") as handle:
        return handle.read()


def write_entry(entry: str, payload: bytes) -> None:
    """Write a cache entry atomically, mode 0600 (readers see the old or the new one).

    Never fails: an unwritable folder only costs the next run the work the entry
    would have saved.
    """
    partial = f"{os.path.splitext(entry)[0]}.{os.getpid()}.tmp"
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with open(fd, "wb") as handle:
            handle.write(payload)
        os.replace(partial, entry)
    except OSError:
        return


def loads(data: bytes, allowed: Callable[[str, str], bool]) -> object:
    """Unpickle ``data``, refusing every global ``allowed(module, name)`` does not accept.

    Raises :class:`pickle.UnpicklingError` (or another exception of a damaged
    pickle) on anything else; callers treat any exception as "no entry".
    """
    import io
    import pickle

    class Unpickler(pickle.Unpickler):
        def find_class(self, module: str, name: str) -> Any:
            if not allowed(module, name):
                raise pickle.UnpicklingError(f"{module}.{name} is not allowed in the cache")
            return super().find_class(module, name)

    return Unpickler(io.BytesIO(data)).load()


def dumps(value: object) -> bytes | None:
    """``value`` pickled, or ``None`` when it cannot be."""
    import pickle

    try:
        return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError, RecursionError):
        return None


def package_class(module: str, name: str) -> bool:
    """The allow-list of the rulebook cache: a record or enum class of this package.

    Also :data:`_PACKAGE_EXTRAS`: the function records are rebuilt with, and a rule's
    regex, which is pickled as its source text.
    """
    if module != "lint" and not module.startswith("lint."):
        return False
    if (module, name) in _PACKAGE_EXTRAS:
        return True
    found = sys.modules.get(module)
    if found is None:  # a module of the package not imported yet: import it, it is ours
        import importlib

        try:
            found = importlib.import_module(module)
        except ImportError:
            return False
    value = getattr(found, name, None)
    if not isinstance(value, type) or value.__module__ != module:
        return False
    from enum import Enum

    from lint.record import is_record

    return is_record(value) or issubclass(value, Enum)


# --- parsed TOML tables ----------------------------------------------------------------


def cached_table(data: bytes) -> tuple[str | None, dict[str, Any] | None]:
    """The cache entry for a TOML file with contents ``data``, and its table if cached."""
    folder = cache_dir()
    if folder is None:
        return None, None
    # The name is a checksum; the entry holds the file's bytes too, and is used only
    # when they are equal, so a checksum collision costs a parse, never a wrong table.
    entry = os.path.join(folder, f"toml-{_FORMAT}-{zlib.crc32(data):08x}-{len(data)}.pickle")
    try:
        found = loads(read_bytes(entry), _toml_class)
    except Exception:  # absent, damaged, or not ours: parse the file
        return entry, None
    if not isinstance(found, tuple) or len(found) != 2 or found[0] != data:
        return entry, None
    table = found[1]
    return entry, table if isinstance(table, dict) else None


def store_table(entry: str | None, table: dict[str, Any], data: bytes) -> None:
    """Keep ``table``, parsed from ``data``, at ``entry``; never fails."""
    if entry is None:
        return
    payload = dumps((data, table))
    if payload is not None:
        write_entry(entry, payload)


def _toml_class(module: str, name: str) -> bool:
    return (module, name) in _TOML_CLASSES


# --- the validated rulebook ------------------------------------------------------------


def rulebook_key(rule_files: Iterable[str], data_files: Iterable[str]) -> bytes:
    """Everything a loaded rulebook depends on, as bytes (see the module docstring)."""
    parts = [_RULEBOOK]
    for path in (*rule_files, *data_files):
        parts += [os.fsencode(path), read_bytes(path)]
    _stamp_modules(os.path.dirname(os.path.abspath(__file__)), parts)
    return b"\0".join(parts)


def _stamp_modules(folder: str, parts: list[bytes]) -> None:
    with os.scandir(folder) as found:
        for entry in sorted(found, key=lambda entry: entry.name):
            if entry.name.endswith(".py") and entry.is_file():
                status = entry.stat()
                parts.append(f"{entry.path}:{status.st_size}:{status.st_mtime_ns}".encode())
            elif entry.is_dir() and entry.name != "__pycache__":
                _stamp_modules(entry.path, parts)


def _rulebook_entry(folders: Iterable[str]) -> str | None:
    base = cache_dir()
    if base is None:
        return None
    names = "\0".join(os.path.realpath(folder) for folder in folders)
    return os.path.join(base, f"rulebook-{_FORMAT}-{zlib.crc32(os.fsencode(names)):08x}.pickle")


def load_rulebook(folders: Iterable[str], key: bytes) -> object | None:
    """What :func:`store_rulebook` kept for ``folders`` if it was built from ``key``."""
    entry = _rulebook_entry(folders)
    if entry is None:
        return None
    try:
        found = loads(read_bytes(entry), package_class)
    except Exception:  # absent, damaged, or not ours: build it again
        return None
    if not isinstance(found, tuple) or len(found) != 2 or found[0] != key:
        return None
    value: object = found[1]
    return value


def store_rulebook(folders: Iterable[str], key: bytes, value: object) -> None:
    """Keep ``value`` (the loaded rulebook of ``folders``) for the next run; never fails."""
    entry = _rulebook_entry(folders)
    payload = dumps((key, value)) if entry is not None else None
    if entry is not None and payload is not None:
        write_entry(entry, payload)
