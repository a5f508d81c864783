"""The ``[bot]`` table of ``.patchlens.toml`` (or of the file given by ``--config``).

A minimal bot configuration is an empty table: replies go to an outbox maildir
beside the state file and nothing leaves the machine. Everything else is
opt-in::

    [bot]
    state            = "bot/state.sqlite"   # relative to this file
    from             = "patchlens bot <patchlens@example.org>"
    about            = "https://example.org/patchlens-bot"  # shown in the reply footer
    reply_per        = "series"             # series | patch
    grace_period     = 21600                # seconds to wait for a series to complete
    reply_when_clean = false                # reply to clean series too
    cc_recipients    = true                 # Cc the original To/Cc (the list)
    cc               = []                   # more addresses to Cc
    opt_out          = ["someone@example.org", "linux-foo.vger.kernel.org"]
    opt_out_header   = "X-Patchlens-Opt-Out"
    thread_limit     = 3                    # replies per thread per rate_window
    author_limit     = 20                   # replies per author per rate_window
    rate_window      = 86400
    max_attempts     = 8                    # delivery attempts before giving up
    retry_base       = 60                   # seconds; doubled per attempt
    retry_max        = 3600
    durable          = true                 # fsync: survive power loss, not only crashes
    site             = "bot/site"           # keep an explainer site of every series

    [bot.outbox]
    enabled = true
    path    = "bot/outbox"

    [bot.smtp]
    host = "smtp.example.org"
    port = 587
    starttls = true
    ca_file = "relay-ca.pem"                      # optional: a private CA
    username = "patchlens"
    password_env = "PATCHLENS_SMTP_PASSWORD"     # or password_file, or password

    [bot.patchwork]
    url        = "https://patchwork.example.org"
    token_env  = "PATCHLENS_PATCHWORK_TOKEN"     # or token_file, or token
    context    = "patchlens"
    target_url = "https://example.org/patchlens/{msgid}"
    project    = "x86"                            # link name or list-id; optional

Secrets are read when the file is loaded and kept in fields that are left out
of ``repr()``, so that no log line or traceback can show them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from lint.config import read_toml
from lint.errors import InputError
from lint.lazyregex import lazy_regex
from lint.record import field, record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

OWN_HEADER = "X-Patchlens-Bot"
"""Header the bot sets on every mail it sends; mail carrying it is never answered."""

_CONTEXT = lazy_regex(r"[-a-zA-Z0-9_]+")


@record
class SmtpConfig:
    """Where and how to submit reply mail."""

    host: str
    port: int = 587
    starttls: bool = True
    """Upgrade the connection with STARTTLS before authenticating."""
    username: str = ""
    password: str = field(default="", repr=False)
    """Never logged: read from the file, an environment variable or the config."""
    timeout: float = 30.0
    ca_file: Path | None = None
    """Trust this CA bundle for STARTTLS instead of the system's (a private relay)."""


@record
class PatchworkConfig:
    """A patchwork instance to post checks to (``POST /api/patches/{id}/checks/``)."""

    url: str
    """Base URL, e.g. ``https://patchwork.kernel.org``."""
    token: str = field(default="", repr=False)
    context: str = "patchlens"
    """Check context: ``[-a-zA-Z0-9_]+``, one per tool."""
    target_url: str = ""
    """Template with ``{msgid}``; dropped when the result is longer than 200 characters."""
    timeout: float = 30.0
    project: str = ""
    """The Patchwork project the checks are for: its link name or its list-id. A patch
    cross-posted to two lists is in two projects of one instance, and the bot's user
    may maintain only one; empty takes the first project Patchwork answers with."""


@record
class BotConfig:
    """Validated bot settings; the defaults are what an empty ``[bot]`` gives."""

    state: Path = Path("patchlens-bot.sqlite")
    state_chosen: bool = False
    """True when ``--state`` or ``[bot] state`` named the state file. Otherwise it is the
    default name in the current directory (beside the config file, with one), which
    ``bot run`` says on stderr: a list operator should not find it by surprise."""
    sender: str = "patchlens bot <patchlens@localhost>"
    about: str = ""
    """One line for the reply footer saying where patchlens and this bot are described (a
    URL, say). patchlens is not on any package index, so the footer tells readers
    nothing about where to get it unless the operator says so here."""
    reply_per: str = "series"
    """``series``: one reply per series; ``patch``: one per patch mail."""
    grace_period: float = 6 * 3600.0
    """Seconds after the first mail of a series before it is linted incomplete."""
    reply_when_clean: bool = False
    cc_recipients: bool = True
    cc: tuple[str, ...] = ()
    opt_out: tuple[str, ...] = ()
    """Addresses (author, To, Cc) or list ids whose mail is never answered."""
    opt_out_header: str = "X-Patchlens-Opt-Out"
    thread_limit: int = 3
    author_limit: int = 20
    rate_window: float = 86400.0
    max_attempts: int = 8
    retry_base: float = 60.0
    retry_max: float = 3600.0
    durable: bool = True
    """Commit with fsync (SQLite ``synchronous=FULL``, outbox files fsynced): nothing
    recorded is lost even on power loss. ``False`` still survives any crash of
    the bot itself (SIGKILL included) and is several times faster."""
    outbox: Path | None = Path("patchlens-outbox")
    site: Path | None = None
    """A static explainer site (``patchlens explain --site``) kept up to date with every
    mail the bot reads; serve it where ``[bot.patchwork] target_url`` points."""
    smtp: SmtpConfig | None = None
    patchwork: PatchworkConfig | None = None


_TOP = {
    "state": str,
    "from": str,
    "about": str,
    "reply_per": str,
    "grace_period": float,
    "reply_when_clean": bool,
    "cc_recipients": bool,
    "cc": list,
    "opt_out": list,
    "opt_out_header": str,
    "thread_limit": int,
    "author_limit": int,
    "rate_window": float,
    "max_attempts": int,
    "retry_base": float,
    "retry_max": float,
    "durable": bool,
    "site": str,
    "outbox": dict,
    "smtp": dict,
    "patchwork": dict,
}


def load_bot_config(path: str | Path | None, state: Path | None = None) -> BotConfig:
    """The ``[bot]`` table of ``path`` (defaults without a file); ``state`` overrides it."""
    table: dict[str, Any] = {}
    base = Path.cwd()
    if path is not None:
        path = Path(path)
        data = read_toml(path)
        bot = data.get("bot", {})
        if not isinstance(bot, dict):
            raise InputError(str(path), "key 'bot' must be a table")
        table = bot
        base = path.resolve().parent
    return parse_bot_config(table, base, str(path or "configuration"), os.environ, state)


def parse_bot_config(
    table: dict[str, Any],
    base: Path,
    where: str,
    environ: Mapping[str, str],
    state_override: Path | None = None,
) -> BotConfig:
    """Validate a ``[bot]`` table; relative paths are relative to ``base``.

    ``state_override`` (the ``--state`` option) replaces the configured state
    file; the default outbox then sits beside it.
    """
    for key, value in table.items():
        kind = _TOP.get(key)
        if kind is None:
            raise InputError(where, f"unknown key '{key}' in [bot]")
        _expect(value, kind, where, f"key '{key}' in [bot]")
    if state_override is not None:
        state = state_override.resolve()
    else:
        state = (base / table.get("state", "patchlens-bot.sqlite")).resolve()
    reply_per = table.get("reply_per", "series")
    if reply_per not in ("series", "patch"):
        raise InputError(where, f"bad value {reply_per!r} for 'reply_per' (series or patch)")
    for key in ("thread_limit", "author_limit", "max_attempts"):
        if table.get(key, 1) < 1:
            raise InputError(where, f"key '{key}' in [bot] must be at least 1")
    for key in ("grace_period", "rate_window", "retry_base", "retry_max"):
        if float(table.get(key, 0)) < 0:
            raise InputError(where, f"key '{key}' in [bot] must not be negative")
    about = table.get("about", "").strip()
    if "\n" in about:
        raise InputError(where, "key 'about' in [bot] must be one line")
    defaults = BotConfig()
    return BotConfig(
        state=state,
        state_chosen=state_override is not None or "state" in table,
        sender=table.get("from", defaults.sender),
        about=about,
        reply_per=reply_per,
        grace_period=float(table.get("grace_period", defaults.grace_period)),
        reply_when_clean=table.get("reply_when_clean", False),
        cc_recipients=table.get("cc_recipients", True),
        cc=_strings(table, "cc", where),
        opt_out=tuple(item.lower() for item in _strings(table, "opt_out", where)),
        opt_out_header=table.get("opt_out_header", defaults.opt_out_header),
        thread_limit=table.get("thread_limit", defaults.thread_limit),
        author_limit=table.get("author_limit", defaults.author_limit),
        rate_window=float(table.get("rate_window", defaults.rate_window)),
        max_attempts=table.get("max_attempts", defaults.max_attempts),
        retry_base=float(table.get("retry_base", defaults.retry_base)),
        retry_max=float(table.get("retry_max", defaults.retry_max)),
        durable=table.get("durable", True),
        outbox=_outbox(table.get("outbox", {}), state, base, where),
        site=(base / table["site"]).resolve() if "site" in table else None,
        smtp=_smtp(table["smtp"], base, where, environ) if "smtp" in table else None,
        patchwork=(
            _patchwork(table["patchwork"], base, where, environ) if "patchwork" in table else None
        ),
    )


def _expect(value: object, kind: type, where: str, what: str) -> None:
    if kind is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
    elif kind is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    else:
        ok = isinstance(value, kind)
    if not ok:
        name = {str: "a string", bool: "true or false", list: "a list", dict: "a table"}.get(
            kind, "a number"
        )
        raise InputError(where, f"{what} must be {name}")


def _strings(table: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = table.get(key, [])
    if not all(isinstance(item, str) for item in value):
        raise InputError(where, f"key '{key}' in [bot] must be a list of strings")
    return tuple(value)


def _check_keys(table: dict[str, Any], known: dict[str, type], where: str, section: str) -> None:
    for key, value in table.items():
        kind = known.get(key)
        if kind is None:
            raise InputError(where, f"unknown key '{key}' in [{section}]")
        _expect(value, kind, where, f"key '{key}' in [{section}]")


def _outbox(table: dict[str, Any], state: Path, base: Path, where: str) -> Path | None:
    _check_keys(table, {"enabled": bool, "path": str}, where, "bot.outbox")
    if not table.get("enabled", True):
        return None
    if "path" in table:
        return (base / str(table["path"])).resolve()
    return state.parent / "patchlens-outbox"


def _secret(
    table: dict[str, Any], name: str, base: Path, where: str, environ: Mapping[str, str]
) -> str:
    """A secret from ``NAME``, ``NAME_file`` or ``NAME_env``; the error never quotes it."""
    given = [key for key in (name, f"{name}_file", f"{name}_env") if key in table]
    if len(given) > 1:
        raise InputError(where, f"give only one of {', '.join(given)}")
    if f"{name}_file" in table:
        secret_path = base / str(table[f"{name}_file"])
        try:
            return secret_path.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise InputError(str(secret_path), f"cannot read {name}: {exc.strerror}") from None
    if f"{name}_env" in table:
        variable = table[f"{name}_env"]
        if variable not in environ:
            raise InputError(where, f"environment variable {variable} ({name}) is not set")
        return str(environ[variable])
    return str(table.get(name, ""))


def _smtp(table: dict[str, Any], base: Path, where: str, environ: Mapping[str, str]) -> SmtpConfig:
    known = {"host": str, "port": int, "starttls": bool, "username": str, "timeout": float}
    known |= {"ca_file": str}
    known |= {"password": str, "password_file": str, "password_env": str}
    _check_keys(table, known, where, "bot.smtp")
    if "host" not in table:
        raise InputError(where, "key 'host' is required in [bot.smtp]")
    return SmtpConfig(
        host=table["host"],
        port=table.get("port", 587),
        starttls=table.get("starttls", True),
        username=table.get("username", ""),
        password=_secret(table, "password", base, where, environ),
        timeout=float(table.get("timeout", 30.0)),
        ca_file=(base / str(table["ca_file"])).resolve() if "ca_file" in table else None,
    )


def _patchwork(
    table: dict[str, Any], base: Path, where: str, environ: Mapping[str, str]
) -> PatchworkConfig:
    known = {"url": str, "context": str, "target_url": str, "timeout": float, "project": str}
    known |= {"token": str, "token_file": str, "token_env": str}
    _check_keys(table, known, where, "bot.patchwork")
    if "url" not in table:
        raise InputError(where, "key 'url' is required in [bot.patchwork]")
    context = table.get("context", "patchlens")
    if not _CONTEXT.fullmatch(context):
        raise InputError(where, f"bad check context {context!r}: use [-a-zA-Z0-9_]+")
    token = _secret(table, "token", base, where, environ)
    if not token:
        raise InputError(where, "[bot.patchwork] needs a token (token, token_file or token_env)")
    return PatchworkConfig(
        url=table["url"].rstrip("/"),
        token=token,
        context=context,
        target_url=table.get("target_url", ""),
        timeout=float(table.get("timeout", 30.0)),
        project=table.get("project", "").strip(),
    )
