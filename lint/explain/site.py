"""The explainer site (``patchlens explain --site DIR``): its layout, names and state.

A static site that a bot or a cron job updates in place as mail arrives::

    DIR/index.html            every series: subject, author, version, verdict, date
    DIR/series/<name>.html    one explainer page per series (the HTML explainer)
    DIR/<msgid>/index.html    one redirect stub per Message-ID, to its series' page
    DIR/mail/<sha256>.eml     every mail the site was built from, as it came
    DIR/site.json             the map Message-ID -> page, and what the index lists

``<name>`` is derived from the Message-ID of the first mail of the series (the
cover letter or the first patch of v1), made file-name-safe, with a hash of the
whole id so that no two series share it (:func:`page_name`); a series keeps its
page once it has one, even when older mail turns up later. The site keeps the
mails because a bot runs it on each new mail alone: the page of a v2 must still
show v1 and the review of v1. :mod:`lint.explain.site_build` makes the update.

How ``{msgid}`` finds a page, for a bot's ``target_url =
"https://example.org/patchlens/{msgid}"`` (DIR served at that base, ``{msgid}``
the Message-ID without angle brackets, percent-encoded as ``lint.bot.delivery``
does): the web server decodes the path and finds the folder ``DIR/<msgid>/``;
like every common static server (nginx, Apache, GitHub Pages, ``python -m
http.server``) it redirects to ``<msgid>/`` and serves its ``index.html``, which
sends the browser on to the series page (a meta refresh, and a plain link: no
script). The folder is named by the bare id itself when it is a plain one
(:func:`stub_name`): RFC 5322 dot-atom characters around an ``@``, without ``/``
and ``%``, not starting with a dot, at most 200 characters, as git send-email, b4
and mail clients make them. Any other id gets ``msgid-<hash>/``; :func:`page_url`
gives the right address for every id.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from pathlib import Path
from urllib.parse import quote

from lint.errors import InputError, os_reason
from lint.record import fields, record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from lint.mail.model import RawMail

STATE = "site.json"
INDEX = "index.html"
SERIES = "series"
MAIL = "mail"
FORMAT = 1
"""The version of ``site.json``'s layout; another is refused, not misread."""

# RFC 5322 atext (and dots), less "/" (a path separator) and "%" (a server might
# decode it twice); a leading dot would make a hidden folder.
_PLAIN_ID = re.compile(r"[A-Za-z0-9!#$&'*+=?^_`{|}~@-][A-Za-z0-9!#$&'*+=?^_`{|}~@.-]{0,199}")
_NOT_FILE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def bare_id(msgid: str) -> str:
    """A Message-ID without blanks and angle brackets, as URLs and ``site.json`` carry it."""
    return msgid.strip().strip("<>")


def stub_name(msgid: str) -> str:
    """The folder of the redirect stub of ``msgid``: the bare id when it is a plain one."""
    bare = bare_id(msgid)
    if "@" in bare and _PLAIN_ID.fullmatch(bare):
        return bare
    return f"msgid-{_digest(bare)[:24]}"


def page_url(base_url: str, msgid: str) -> str:
    """The address of the page explaining the message ``msgid`` on a site served at
    ``base_url`` (its redirect stub, with the slash that spares a redirect).

    For a plain id this is the ``{msgid}`` URL template's address plus ``/``; for
    any other id, the only address that reaches its page.
    """
    return f"{base_url.rstrip('/')}/{quote(stub_name(msgid), safe='@')}/"


def page_name(first: str) -> str:
    """The file name (without ``.html``) of a series page, from its first mail's
    Message-ID (or any text naming that mail): readable, file-name-safe, collision-free."""
    bare = bare_id(first)
    slug = _NOT_FILE_NAME.sub("-", bare)[:60].strip(".-")
    return f"{slug or 'series'}-{_digest(bare)[:10]}"


def mail_name(raw: RawMail) -> str:
    """The file name a mail is kept under in ``mail/``: its content's hash."""
    return f"{hashlib.sha256(raw.data).hexdigest()[:32]}.eml"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


@record
class SitePage:
    """One series of the site: what the index shows, and what finds its mail again."""

    page: str
    """The page, relative to the site: ``series/<name>.html``."""
    title: str
    author: str
    version: str
    """The latest posting: ``v2``, ``RFC v1``; ``-`` when only replies are known."""
    verdict: str
    """The worst severity of the latest version's lint findings, or ``clean``."""
    date: str
    """The Date header of the latest posting's first mail."""
    timestamp: float
    messages: tuple[str, ...]
    """The bare Message-IDs of the series' mails."""
    links: tuple[str, ...]
    """Ids its mails reply to or reference that are not among them: mail to come may
    carry one and belong here."""
    keys: tuple[str, ...]
    """Subject keys of its mails (:attr:`MessageSummary.key`): a v2 sent as a new thread
    joins its v1 by subject."""
    mails: tuple[str, ...]
    """The files in ``mail/`` it is built from, in the order they came."""

    @property
    def day(self) -> str:
        """The date as the index shows it: ``2026-11-09`` (UTC), else as the header had it."""
        if not self.timestamp:
            return self.date
        return time.strftime("%Y-%m-%d", time.gmtime(self.timestamp))


@record
class Moved:
    """A page whose series joined another one: it stays as a redirect, so links keep working."""

    page: str
    to: str


@record
class SiteState:
    """What ``site.json`` holds."""

    series: tuple[SitePage, ...]
    moved: tuple[Moved, ...] = ()

    def messages(self) -> dict[str, str]:
        """Bare Message-ID -> page, for every mail of every series."""
        return {msgid: s.page for s in self.series for msgid in s.messages}

    def to_json(self) -> str:
        """``site.json``: the map first (what a bot reads), then the series in the order
        their pages were made."""
        series = self.series
        document = {
            "format": FORMAT,
            "messages": self.messages(),
            "series": [
                {name: getattr(s, name) for name in _ENTRY_FIELDS} | {"day": s.day} for s in series
            ],
            "moved": {m.page: m.to for m in self.moved},
        }
        return json.dumps(document, indent=1) + "\n"


_ENTRY_FIELDS = tuple(f.name for f in fields(SitePage))
_PAGE = re.compile(rf"{SERIES}/[A-Za-z0-9._-]+\.html")
_MAIL_FILE = re.compile(r"[0-9a-f]{32}\.eml")


def parse_state(text: str, where: str) -> SiteState:
    """The state in ``text`` (a ``site.json``); :class:`InputError` naming ``where`` if it is
    not one this version wrote. Page and mail names are checked: the update writes there."""
    try:
        document = json.loads(text)
        if document.get("format") != FORMAT:
            raise InputError(where, f"site format {document.get('format')!r}, expected {FORMAT}")
        series = tuple(_entry(e) for e in document["series"])
        moved = tuple(Moved(_page(page), _page(to)) for page, to in document["moved"].items())
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise InputError(where, f"not a patchlens site.json ({error})") from None
    return SiteState(series, moved)


def _entry(e: dict[str, object]) -> SitePage:
    def text(name: str) -> str:
        if not isinstance(e[name], str):
            raise TypeError(f"{name} is not a string")
        return str(e[name])

    def texts(name: str) -> tuple[str, ...]:
        value = e[name]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise TypeError(f"{name} is not a list of strings")
        return tuple(value)

    mails = texts("mails")
    if not all(_MAIL_FILE.fullmatch(name) for name in mails):
        raise ValueError(f"a mail file name of {text('page')} is not one the site makes")
    timestamp = e["timestamp"]
    if not isinstance(timestamp, int | float):
        raise TypeError("timestamp is not a number")
    return SitePage(
        page=_page(e["page"]),
        title=text("title"),
        author=text("author"),
        version=text("version"),
        verdict=text("verdict"),
        date=text("date"),
        timestamp=float(timestamp),
        messages=texts("messages"),
        links=texts("links"),
        keys=texts("keys"),
        mails=mails,
    )


def _page(value: object) -> str:
    if not isinstance(value, str) or not _PAGE.fullmatch(value):
        raise ValueError(f"{value!r} is not a page the site makes")
    return value


@record
class Site:
    """A site as found on disk: where it is and its state (empty for a new site)."""

    root: Path
    state: SiteState

    def mail(self, name: str) -> RawMail:
        """The kept mail ``name`` (of ``mail/``), to rebuild its series' page."""
        from lint.mail.model import RawMail

        path = self.root / MAIL / name
        try:
            return RawMail(path.read_bytes(), str(path))
        except OSError as error:
            raise InputError(
                str(path), f"{os_reason(error)} (a mail the site was built from)"
            ) from None


def read_site(root: Path) -> Site:
    """The site in ``root``; a new, empty one when ``root`` is absent or an empty folder.

    A folder with files but no ``site.json`` is refused: ``--site ~`` must not
    write pages among someone's files.
    """
    path = root / STATE
    try:
        return Site(root, parse_state(path.read_text(encoding="utf-8"), str(path)))
    except FileNotFoundError:
        pass
    except OSError as error:
        raise InputError(str(path), os_reason(error)) from None
    try:
        if root.exists() and (not root.is_dir() or any(root.iterdir())):
            raise InputError(str(root), f"not empty and not a patchlens site (no {STATE})")
    except OSError as error:
        raise InputError(str(root), os_reason(error)) from None
    return Site(root, SiteState(()))


@record
class SiteFile:
    """One file of the site to write whole: its path relative to the site, and its text."""

    path: str
    text: str

    def __post_init__(self) -> None:
        # Names come from mail (Message-IDs): never a path out of the site or a hidden file.
        parts = self.path.split("/")
        if self.path.startswith("/") or any(not p or p.startswith(".") for p in parts):
            raise ValueError(f"not a path inside the site: {self.path!r}")


@record
class SiteUpdate:
    """What one run changes: the files to write, in order (``site.json`` and the index last,
    so that a run cut short leaves the previous map and index pointing at whole pages)."""

    files: tuple[SiteFile, ...]
    rebuilt: int
    """Series pages written."""
    kept: int
    """Series pages left as they were."""
    added: int
    """Mails new to the site."""

    @property
    def summary(self) -> str:
        return f"{self.rebuilt} series page(s) written, {self.kept} kept, {self.added} new mail(s)"
