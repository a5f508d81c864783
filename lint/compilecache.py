"""Compiled regexes and generated ``__init__`` methods, kept between runs.

A git hook starts patchlens afresh for every mail, and before it reads a line
a cold process compiled some seventy regexes (CPython's regex compiler is
written in Python: about 0.15 ms each here) and a score of generated record
``__init__`` methods (about 0.2 ms each, see :mod:`lint.record`): a third of
a one-patch run. Python keeps its own byte code in ``__pycache__``; this
module does the same for these two, in one :mod:`marshal` file under the
cache folder of :mod:`lint.tomlcache`:

- a regex is kept as the program CPython's compiler produced for it (the
  arguments of ``_sre.compile``), keyed by its source and flags, and rebuilt
  with ``_sre.compile`` in microseconds; ``_sre`` checks the program, and any
  surprise (another Python, a damaged file) falls back to :func:`re.compile`;
- generated source is kept as its code object, keyed by the source text.

Keys are the whole input, so an entry can never be stale; the file is named
by the Python version and the regex engine's magic number. The file is read
once per process, on first use, and written back (atomically) at exit when
the run compiled something new. Like :mod:`re`'s own cache, this is process
state: a memo of pure functions, not configuration. The code objects are run as
byte code from ``__pycache__`` is, so the folder must be the user's own (it is:
``$XDG_CACHE_HOME`` or ``~/.cache``); ``PATCHLENS_NO_CACHE=1`` keeps it all in memory.
"""

from __future__ import annotations

import marshal
import os
import re
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import CodeType
    from typing import Any, AnyStr

_LIMIT = 4096
"""Entries kept at most; past it the file starts afresh (rule sets come and go)."""


class _Store:
    """The entries of the cache file, loaded on first use."""

    def __init__(self) -> None:
        self.path: str | None = None
        self.entries: dict[Any, bytes] = {}
        """Each entry marshalled on its own: a run unmarshals only the few it uses."""
        self.built: dict[Any, Any] = {}
        """What this process already rebuilt, by key: patterns made in a loop come from here."""
        self.dirty = False
        self._load()

    def get(self, key: object) -> Any:
        blob = self.entries.get(key)
        if blob is None:
            return None
        try:
            return marshal.loads(blob)
        except (EOFError, ValueError, TypeError):
            return None

    def _load(self) -> None:
        from re import _constants  # type: ignore[attr-defined]

        from lint.tomlcache import cache_dir, read_bytes

        folder = cache_dir()
        if folder is None:
            return
        version = "-".join(map(str, sys.version_info[:3]))
        self.path = os.path.join(folder, f"compiled-{version}-{_constants.MAGIC}-2.marshal")
        try:
            entries = marshal.loads(read_bytes(self.path))
        except (OSError, EOFError, ValueError, TypeError):
            return
        if isinstance(entries, dict):
            self.entries = entries

    def add(self, key: object, value: Any) -> None:
        if not self.dirty:
            import atexit

            atexit.register(self.save)
        if len(self.entries) >= _LIMIT:
            self.entries = {}
        self.entries[key] = marshal.dumps(value)
        self.dirty = True

    def save(self) -> None:
        """Write the entries back (atomically); never fails the run."""
        if self.path is None or not self.dirty:
            return
        self.dirty = False
        from lint.tomlcache import write_entry

        try:
            payload = marshal.dumps(self.entries)
        except ValueError:
            return
        write_entry(self.path, payload)


_store: _Store | None = None


def _entries() -> _Store:
    global _store
    if _store is None:
        _store = _Store()
    return _store


def compile_regex(pattern: AnyStr, flags: int = 0) -> re.Pattern[AnyStr]:
    """``re.compile(pattern, flags)``, from the cache when it was compiled before."""
    store = _entries()
    key = ("re", pattern, int(flags))
    compiled: re.Pattern[AnyStr] | None = store.built.get(key)
    if compiled is not None:
        return compiled
    program = store.get(key)
    if program is not None:
        try:
            compiled = store.built[key] = _build(pattern, program)
            return compiled
        except Exception:  # not a program this Python accepts: compile it anew
            store.entries.pop(key, None)
    try:
        program = _program(pattern, int(flags))
        compiled = _build(pattern, program)
    except re.error:
        raise
    except Exception:  # the compiler's internals differ here: the plain way, uncached
        return re.compile(pattern, flags)
    store.add(key, program)
    store.built[key] = compiled
    return compiled


def compile_code(source: str, filename: str) -> CodeType:
    """``compile(source, filename, "exec")``, from the cache when compiled before."""
    store = _entries()
    key = ("code", filename, source)
    cached = store.get(key)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    compiled = compile(source, filename, "exec")
    store.add(key, compiled)
    return compiled


def _program(pattern: str | bytes, flags: int) -> tuple[Any, ...]:
    """What CPython's regex compiler makes of ``pattern``: ``_sre.compile``'s arguments.

    The steps of ``re._compiler.compile()``, keeping the result instead of building
    the pattern, for the Python versions patchlens supports.
    """
    from re import _compiler, _parser  # type: ignore[attr-defined]

    parsed = _parser.parse(pattern, flags)
    # Opcodes are int subclasses (named constants): marshal keeps plain ints.
    program = [int(op) for op in _compiler._code(parsed, flags)]
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    return (
        flags | parsed.state.flags,
        program,
        parsed.state.groups - 1,
        groupindex,
        tuple(indexgroup),
    )


def _build(pattern: AnyStr, program: tuple[Any, ...]) -> re.Pattern[AnyStr]:
    import _sre  # type: ignore[import-not-found]

    compiled: re.Pattern[AnyStr] = _sre.compile(pattern, *program)
    return compiled
