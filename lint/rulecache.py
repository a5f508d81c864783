"""The validated rulebook, cached on disk between runs.

Loading the rulebook means reading some fifty TOML files, checking every key,
building each rule's typed parameters and trigger tree, and checking some three
hundred regexes. A git hook would redo all of it for every mail it is shown,
though the files rarely change. So the loaded :class:`~lint.rulebook.ruleset.Ruleset`
(before the run's configuration is applied) is pickled under the cache folder
of :mod:`lint.tomlcache`, together with a fingerprint of everything it was
built from:

- the path and the bytes of every rule file and of every ``rules/data/*.toml``
  (kernel facts, profiles);
- the path, size and modification time of every module of the ``lint``
  package, whose classes the pickle holds.

An entry is used only when its fingerprint equals the current one, byte for
byte, so an edited rule, an added folder or a new patchlens version simply
builds and stores the rulebook again. Regexes are pickled as their source
(:class:`~lint.rulebook.regex.Regex`), checked when the entry was made, and compiled
when first used. There is one entry per list of rule folders, replaced in
place. Any problem with the cache (unwritable, corrupt, made by other code)
falls back to loading the files, silently; ``PATCHLENS_NO_CACHE=1`` turns it
off. The folder is the user's own, as Python's ``__pycache__`` is.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Iterable

from lint.rulebook.ruleset import Ruleset
from lint.tomlcache import cache_dir, read_bytes, write_entry

_FORMAT = b"patchlens-rulebook-1"


def fingerprint(rule_files: Iterable[str], data_files: Iterable[str]) -> bytes:
    """Everything a loaded rulebook depends on, as bytes (see the module docstring)."""
    parts = [_FORMAT]
    for path in (*rule_files, *data_files):
        parts += [os.fsencode(path), read_bytes(path)]
    _stamp_modules(os.path.dirname(__file__), parts)
    return b"\0".join(parts)


def _stamp_modules(folder: str, parts: list[bytes]) -> None:
    with os.scandir(folder) as found:
        for entry in sorted(found, key=lambda entry: entry.name):
            if entry.name.endswith(".py") and entry.is_file():
                status = entry.stat()
                parts.append(f"{entry.path}:{status.st_size}:{status.st_mtime_ns}".encode())
            elif entry.is_dir() and entry.name != "__pycache__":
                _stamp_modules(entry.path, parts)


def _entry(folders: Iterable[str]) -> str | None:
    base = cache_dir()
    if base is None:
        return None
    names = "\0".join(os.path.realpath(folder) for folder in folders)
    return os.path.join(base, f"rulebook-{zlib.crc32(os.fsencode(names)):08x}.pickle")


def load(folders: Iterable[str], key: bytes) -> Ruleset | None:
    """The cached rulebook loaded from ``folders`` if it was built from ``key``."""
    entry = _entry(folders)
    if entry is None:
        return None
    try:
        data = read_bytes(entry)
    except OSError:
        return None
    try:  # CPython's C unpickler alone: importing pickle.py as well costs a hook 2 ms
        from _pickle import loads
    except ImportError:
        from pickle import loads
    try:
        stored_key, ruleset = loads(data)
    except Exception:  # corrupt, or pickled by other code: build it again
        return None
    if stored_key != key or not isinstance(ruleset, Ruleset):
        return None
    return ruleset


def store(folders: Iterable[str], key: bytes, ruleset: Ruleset) -> None:
    """Keep ``ruleset`` for the next run (written atomically); never fails the run."""
    entry = _entry(folders)
    if entry is None:
        return
    import pickle

    try:
        payload = pickle.dumps((key, ruleset), protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError):
        return
    write_entry(entry, payload)
