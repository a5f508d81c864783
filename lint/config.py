"""Project configuration: ``.patchlens.toml``, found at the git top level or given explicitly.

A kernel tree (or a subsystem tree) can carry its own ``.patchlens.toml`` so
every contributor and the list bot lint with the same rulebook::

    profile   = "auto"                  # auto | tip | kernel
    fail_on   = "error"                 # default for --fail-on
    time_budget = 5.0                   # seconds per message (--time-budget); 0: no limit
    rule_dirs = ["tools/patchlens-rules"]  # extra rule folders, relative to this file

    [rules]
    enable  = ["some-optional-rule"]
    disable = ["line-length"]

    [rules.severity]
    "subject-format" = "warning"

Every key is validated when the file is read; a typo is an :class:`InputError`
naming the file and the key, never a silently ignored setting.
"""

from __future__ import annotations

import os

from lint.diagnostic import Severity
from lint.errors import InputError
from lint.lazyregex import lazy_regex
from lint.record import record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from lint.resources import StrPath

CONFIG_NAME = ".patchlens.toml"
"""File name looked for at the top of the git repository."""

PROFILES = ("auto", "tip", "kernel")
"""``tip`` = the x86/scheduler/locking/timers trees with their stricter changelog
rules (Documentation/process/maintainer-tip.rst); ``kernel`` = everything else;
``auto`` = pick per patch from its subject prefix."""

_TOML_POSITION = lazy_regex(r"\(at line (\d+), column (\d+)\)$")


DEFAULT_PART_LIMIT = 4 << 20
"""Characters of a changelog or diff checked by default: twice the largest real patch in
the shared data (1.8 MB), about two seconds of checks here (:mod:`lint.patch.limits`)."""


@record
class Config:
    """Validated configuration; the defaults are what you get without a file."""

    path: str | None = None
    """The file this came from, or ``None`` for the built-in defaults."""
    profile: str = "auto"
    """One of :data:`PROFILES`."""
    fail_on: Severity | None = None
    """Default for ``--fail-on``; ``None`` leaves it to the front door."""
    time_budget: float = 5.0
    """Seconds the work on one message may take (:mod:`lint.engine.budget`); 0: no limit."""
    part_limit: int = DEFAULT_PART_LIMIT
    """Characters of a changelog or diff that are checked (:mod:`lint.patch.limits`); 0: all."""
    rule_dirs: tuple[str, ...] = ()
    """Extra rule folders (absolute), loaded after the packaged rules."""
    enable: tuple[str, ...] = ()
    """Rules (ids or checkpatch names) switched on although off by default."""
    disable: tuple[str, ...] = ()
    """Rules (ids or checkpatch names) switched off."""
    severity: tuple[tuple[str, Severity], ...] = ()
    """Per-rule severity overrides, in file order."""

    @property
    def where(self) -> str:
        """How to name this configuration in an error message."""
        return self.path if self.path is not None else "configuration"


def read_toml(path: StrPath) -> dict[str, Any]:
    """Parse a TOML file; unreadable files and syntax errors are :class:`InputError`.

    The error names the file, and for syntax errors the line and column.
    """
    from lint.cache import cached_table, read_bytes, store_table

    path = os.fspath(path)
    try:
        data = read_bytes(path)
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
    entry, table = cached_table(data)
    if table is not None:
        return table
    import tomllib  # only on a cache miss: importing it costs a hook 5 ms

    try:
        table = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise InputError(path, "not valid UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = _TOML_POSITION.search(message)
        if found is None:
            raise InputError(path, f"TOML syntax error: {message}") from None
        reason = message[: found.start()].strip()
        raise InputError(
            f"{path}:{found.group(1)}:{found.group(2)}",
            f"TOML syntax error: {reason} (line {found.group(1)}, column {found.group(2)})",
        ) from None
    store_table(entry, table, data)
    return table


def find_config(start: StrPath) -> str | None:
    """The ``.patchlens.toml`` at the top of the git repository holding ``start``.

    Walks up from ``start`` to the first folder holding ``.git`` (a folder, or
    a file in worktrees and submodules); no repository or no file there means
    ``None``.
    """
    folder = os.path.realpath(start)
    while True:
        if os.path.exists(os.path.join(folder, ".git")):
            candidate = os.path.join(folder, CONFIG_NAME)
            return candidate if os.path.isfile(candidate) else None
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def load_config(explicit: StrPath | None, start: StrPath) -> Config:
    """Load ``explicit`` if given (it must exist), else the repository's file, else defaults."""
    path = os.fspath(explicit) if explicit is not None else find_config(start)
    if path is None:
        return Config()
    if explicit is not None and not os.path.isfile(path):
        raise InputError(path, "configuration file not found")
    return parse_config(read_toml(path), path)


DEFAULT_TIME_BUDGET = 5.0
_SIZE_UNITS = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30}


def parse_size(value: object) -> int:
    """A size in characters: ``4194304``, ``"512K"``, ``"4M"`` (K and M are 1024-based).

    Raises :class:`ValueError` with the reason for anything else.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        number, unit = value, ""
    elif isinstance(value, str):
        text = value.strip().lower().removesuffix("b").removesuffix("i")
        digits = text.rstrip("kmg")
        number, unit = (int(digits), text[len(digits) :]) if digits.isdigit() else (-1, "")
        if unit not in _SIZE_UNITS:
            number = -1
    else:
        number, unit = -1, ""
    if number < 0:
        raise ValueError(f"{value!r} is not a size (a number of characters, or 512K, 4M; 0: none)")
    return number * _SIZE_UNITS[unit]


def parse_config(table: dict[str, Any], path: StrPath) -> Config:
    """Validate a parsed ``.patchlens.toml`` table; ``path`` names it in errors."""
    path = where = os.fspath(path)
    # [bot] belongs to the list bot and is validated by lint.bot.config.
    known = {"profile", "fail_on", "time_budget", "part_limit", "rule_dirs", "rules", "bot"}
    _reject_unknown(table, known, where, "")
    profile = _string(table, "profile", where, "", "auto")
    if profile not in PROFILES:
        raise InputError(
            where, f"bad value {profile!r} for key 'profile' (expected {', '.join(PROFILES)})"
        )
    fail_on: Severity | None = None
    if "fail_on" in table:
        fail_on = _severity(_string(table, "fail_on", where, "", ""), where, "key 'fail_on'")
    time_budget = table.get("time_budget", DEFAULT_TIME_BUDGET)
    if isinstance(time_budget, bool) or not isinstance(time_budget, int | float) or time_budget < 0:
        raise InputError(where, "key 'time_budget' must be a number of seconds, 0 or more")
    part_limit = DEFAULT_PART_LIMIT
    if "part_limit" in table:
        try:
            part_limit = parse_size(table["part_limit"])
        except ValueError as exc:
            raise InputError(where, f"key 'part_limit': {exc}") from None
    rule_dirs = tuple(
        _rule_dir(os.path.dirname(path), name, where)
        for name in _strings(table, "rule_dirs", where, "")
    )
    rules = table.get("rules", {})
    if not isinstance(rules, dict):
        raise InputError(where, "key 'rules' must be a table")
    _reject_unknown(rules, {"enable", "disable", "severity"}, where, "rules")
    severities = rules.get("severity", {})
    if not isinstance(severities, dict):
        raise InputError(where, "key 'severity' in [rules] must be a table")
    overrides: list[tuple[str, Severity]] = []
    for rule, value in severities.items():
        if not isinstance(value, str):
            raise InputError(where, f"key '{rule}' in [rules.severity] must be a string")
        overrides.append((rule, _severity(value, where, f"key '{rule}' in [rules.severity]")))
    return Config(
        path=path,
        profile=profile,
        fail_on=fail_on,
        time_budget=float(time_budget),
        part_limit=part_limit,
        rule_dirs=rule_dirs,
        enable=_strings(rules, "enable", where, "rules"),
        disable=_strings(rules, "disable", where, "rules"),
        severity=tuple(overrides),
    )


def _in(section: str) -> str:
    return f" in [{section}]" if section else ""


def _reject_unknown(table: dict[str, Any], known: set[str], where: str, section: str) -> None:
    for key in table:
        if key not in known:
            raise InputError(where, f"unknown key '{key}'{_in(section)}")


def _string(table: dict[str, Any], key: str, where: str, section: str, default: str) -> str:
    value = table.get(key, default)
    if not isinstance(value, str):
        raise InputError(where, f"key '{key}'{_in(section)} must be a string")
    return value


def _strings(table: dict[str, Any], key: str, where: str, section: str) -> tuple[str, ...]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise InputError(where, f"key '{key}'{_in(section)} must be a list of strings")
    return tuple(value)


def _severity(text: str, where: str, what: str) -> Severity:
    try:
        return Severity.parse(text)
    except ValueError as exc:
        raise InputError(where, f"bad value for {what}: {exc}") from None


def _rule_dir(base: str, name: str, where: str) -> str:
    folder = os.path.realpath(os.path.join(base, name))
    if not os.path.isdir(folder):
        raise InputError(where, f"key 'rule_dirs': folder '{name}' does not exist")
    return folder
