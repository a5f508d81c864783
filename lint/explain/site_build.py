"""One update of the explainer site (:mod:`lint.explain.site`): the series that new mail
touches are rebuilt from the mail the site kept plus the new mail; every other page is
left as it is, unread.

New mail touches a series when it is one of the series' mails again (a re-run, which
refreshes the page), when it or one of the series' mails replies to or references the
other, or when it shares a subject key with it (a v2 sent as a new thread): the links
:mod:`lint.thread.grouping` joins threads by. Those series are grouped again with the
new mail, so a mail that joins two series makes one page of them, and the page that
is gone stays as a redirect to it. Everything here returns text; the CLI writes it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from lint.explain.site import (
    INDEX,
    MAIL,
    SERIES,
    STATE,
    Moved,
    Site,
    SiteFile,
    SitePage,
    SiteState,
    SiteUpdate,
    bare_id,
    mail_name,
    page_name,
    read_site,
    stub_name,
)
from lint.record import record, replace

TYPE_CHECKING = False
if TYPE_CHECKING:
    from jinja2 import Environment

    from lint.checks.api import CheckContext
    from lint.engine.pipeline import DecodeOptions
    from lint.explain.document import ThreadExplainer
    from lint.mail.model import RawMail
    from lint.rulebook.ruleset import Ruleset
    from lint.thread.threads import MessageSummary, Thread

HOME = "../index.html"
"""The index, as a series page links it."""


def update_site(
    root: Path,
    raws: Iterable[RawMail],
    ruleset: Ruleset,
    context: CheckContext | None = None,
    decode: DecodeOptions | None = None,
) -> SiteUpdate:
    """The files that bring the site in ``root`` (:func:`~lint.explain.site.read_site`) up
    to date with the mails ``raws``: see the module docstring. Pages of series the mails
    do not touch are not among them."""
    from lint.explain.render import html_environment

    site = read_site(root)
    job = _Job(ruleset, context, decode, html_environment())
    series = site.state.series
    kept_by_name = {name: entry.page for entry in series for name in entry.mails}
    incoming = _incoming(raws)
    new = {name: raw for name, raw in incoming.items() if name not in kept_by_name}
    fresh = job.summaries(new.values())
    again = {kept_by_name[name] for name in incoming if name in kept_by_name}
    touched_pages = again | _touched(series, fresh)
    touched = [entry for entry in series if entry.page in touched_pages]
    rebuilt = _rebuild(site, touched, list(new), fresh, job)
    entries = rebuilt.entries
    moved = _moved(site.state.moved, touched, entries)
    stored = {name for entry in entries for name in entry.mails}
    state = SiteState(_in_order(series, touched_pages, entries), moved)
    files = [
        *(_mail_file(name, raw) for name, raw in new.items() if name in stored),
        *rebuilt.files,
        *(_redirect_page(job.env, m, entries) for m in moved if m.page in touched_pages),
        SiteFile(STATE, state.to_json()),
        SiteFile(INDEX, _index(job.env, state)),
    ]
    return SiteUpdate(
        files=tuple(files),
        rebuilt=len(entries),
        kept=len(series) - len(touched),
        added=sum(name in stored for name in new),
    )


@record
class _Job:
    """What every page of one update is made with: the rulebook, the lint context, the
    decoding options and one template environment (it compiles each template once)."""

    ruleset: Ruleset
    context: CheckContext | None
    decode: DecodeOptions | None
    env: Environment

    def summaries(self, raws: Iterable[RawMail]) -> list[MessageSummary]:
        """The explainer's summaries of ``raws`` (linted), numbered from 0 in order."""
        from lint.engine.pipeline import read_patches
        from lint.explain.render import summarize_for_explain

        return [
            summarize_for_explain(patch, seq, self.ruleset, self.context)
            for seq, patch in enumerate(read_patches(raws, self.decode))
        ]


def _incoming(raws: Iterable[RawMail]) -> dict[str, RawMail]:
    """The mails of the input by the name the site keeps them under; a mail given twice
    counts once. Each is read as the site keeps it, so that a page says the same whether
    it was built from this input or, later, from ``mail/`` (lines count from its top)."""
    from lint.mail.model import RawMail

    incoming: dict[str, RawMail] = {}
    for raw in raws:
        incoming.setdefault(mail_name(raw), RawMail(raw.data, raw.origin))
    return incoming


@record
class _Rebuilt:
    entries: tuple[SitePage, ...]
    files: tuple[SiteFile, ...]
    """Each rebuilt series' page and the redirect stubs of its Message-IDs."""


def _rebuild(
    site: Site,
    touched: Sequence[SitePage],
    new: Sequence[str],
    fresh: Sequence[MessageSummary],
    job: _Job,
) -> _Rebuilt:
    """The touched series regrouped with the new mails (``new`` names, ``fresh`` their
    summaries): kept mail first, in the order the pages were made, so that a series keeps
    the page of its oldest mail."""
    from lint.explain.model import build_thread
    from lint.thread.grouping import group_threads

    names = [name for entry in touched for name in entry.mails]
    old = job.summaries(site.mail(name) for name in names)
    later = [replace(m, seq=len(old) + position) for position, m in enumerate(fresh)]
    names += new
    previous = {name: entry.page for entry in touched for name in entry.mails}
    touched_pages = {entry.page for entry in touched}
    taken = {entry.page for entry in site.state.series if entry.page not in touched_pages}
    entries: list[SitePage] = []
    files: list[SiteFile] = []
    for thread in group_threads([*old, *later]):
        mails = tuple(names[m.seq] for m in thread.messages)
        page = _choose_page(thread, mails, previous, taken)
        taken.add(page)
        explained = build_thread(thread, job.ruleset)
        entry = _entry(page, thread, explained, mails)
        entries.append(entry)
        files.append(SiteFile(page, _page(job.env, explained, len(thread.messages))))
        files.extend(_stubs(job.env, entry))
    return _Rebuilt(tuple(entries), tuple(files))


def _links(m: MessageSummary) -> Iterable[str]:
    """What joins ``m`` to a thread: its own id, the ids it replies to, its subject key."""
    for msgid in (m.message_id, m.in_reply_to, *m.references):
        if msgid:
            yield bare_id(msgid)
    if m.key:
        yield f"subject:{m.key}"


def _touched(series: Sequence[SitePage], fresh: Sequence[MessageSummary]) -> set[str]:
    """The pages of the series that ``fresh`` mail may join."""
    by_link: dict[str, set[str]] = {}
    for entry in series:
        for link in (*entry.messages, *entry.links, *(f"subject:{k}" for k in entry.keys)):
            by_link.setdefault(link, set()).add(entry.page)
    return {page for m in fresh for link in _links(m) for page in by_link.get(link, ())}


def _choose_page(
    thread: Thread, mails: Sequence[str], previous: Mapping[str, str], taken: set[str]
) -> str:
    """The page of ``thread``: the page one of its mails had (the first's), else one named
    after the first mail of its first posting; never a page another series holds."""
    had = [previous[name] for name in mails if name in previous]
    first = thread.postings[0].messages[0] if thread.postings else thread.messages[0]
    name = page_name(first.message_id or mails[thread.messages.index(first)])
    derived = [f"{SERIES}/{name}{suffix}.html" for suffix in ("", *range(2, 1000))]
    return next(page for page in (*had, *derived) if page not in taken)


def _entry(
    page: str, thread: Thread, explained: ThreadExplainer, mails: tuple[str, ...]
) -> SitePage:
    from lint.diagnostic import Severity

    latest = thread.latest
    head = latest.messages[0] if latest is not None and latest.messages else thread.messages[0]
    ids = tuple(bare_id(m.message_id) for m in thread.messages if m.message_id)
    referenced = (bare_id(r) for m in thread.messages for r in (m.in_reply_to, *m.references))
    worst = max((Severity.parse(f.severity) for f in explained.findings), default=None)
    return SitePage(
        page=page,
        title=explained.title,
        author=explained.author,
        version=latest.label if latest is not None else "-",
        verdict=worst.label if worst is not None else "clean",
        date=head.date,
        timestamp=head.timestamp,
        messages=ids,
        links=tuple(dict.fromkeys(r for r in referenced if r and r not in ids)),
        keys=tuple(dict.fromkeys(m.key for m in thread.messages if m.key)),
        mails=mails,
    )


def _in_order(
    series: Sequence[SitePage], touched: set[str], entries: Sequence[SitePage]
) -> tuple[SitePage, ...]:
    """The series in the order their pages were made: a rebuilt one in its page's place,
    a new one last (so that when two series join, the older page is the one kept)."""
    rebuilt = {entry.page: entry for entry in entries}
    kept = (rebuilt.pop(e.page, None) if e.page in touched else e for e in series)
    return (*(e for e in kept if e is not None), *rebuilt.values())


def _moved(
    before: Sequence[Moved], touched: Sequence[SitePage], entries: Sequence[SitePage]
) -> tuple[Moved, ...]:
    """Redirects: the earlier ones, less pages a series holds again, plus the pages of
    series that joined another (to the page that now has their first mail)."""
    held = {entry.page for entry in entries}
    page_of = {name: entry.page for entry in entries for name in entry.mails}
    gone = (e for e in touched if e.page not in held and e.mails and e.mails[0] in page_of)
    joined = [Moved(e.page, page_of[e.mails[0]]) for e in gone]
    return (*(m for m in before if m.page not in held), *joined)


def _mail_file(name: str, raw: RawMail) -> SiteFile:
    # surrogateescape: bytes that are not UTF-8 are written back as they came.
    return SiteFile(f"{MAIL}/{name}", raw.data.decode("utf-8", "surrogateescape"))


def _page(env: Environment, explained: ThreadExplainer, messages: int) -> str:
    from lint.explain.render import Explainer, explainer_page

    return explainer_page(env, Explainer(threads=(explained,), messages=messages), HOME)


def _stubs(env: Environment, entry: SitePage) -> Iterable[SiteFile]:
    """One redirect stub per Message-ID of ``entry``: where a ``{msgid}`` URL lands."""
    template = env.get_template("site-redirect.html.j2")
    for msgid in entry.messages:
        text = template.render(target=f"../{entry.page}", title=entry.title, what=f"<{msgid}>")
        yield SiteFile(f"{stub_name(msgid)}/index.html", text)


def _redirect_page(env: Environment, moved: Moved, entries: Sequence[SitePage]) -> SiteFile:
    """The page of a series that joined another: a redirect to the page they now share."""
    title = next(entry.title for entry in entries if entry.page == moved.to)
    text = env.get_template("site-redirect.html.j2").render(
        target=moved.to.removeprefix(f"{SERIES}/"), title=title, what="This series"
    )
    return SiteFile(moved.page, text)


def _index(env: Environment, state: SiteState) -> str:
    series = sorted(state.series, key=lambda s: (-s.timestamp, s.page))
    messages = sum(len(s.mails) for s in series)
    return env.get_template("site-index.html.j2").render(
        series=series, messages=messages, state=STATE
    )
