"""``patchlens explain --site DIR``, run as a command: the index and one page per series,
updated in place as v2s and reviews arrive, the Message-ID map, ``{msgid}`` URLs served
by a real HTTP server, real replies from ``../shared/data`` (skipped when absent), and
every page in a real headless Chromium, hostile changelogs included (skipped when
chromium is absent)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from functools import partial
from html import unescape
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urljoin, urlsplit
from urllib.request import urlopen

import pytest
from browser import CHROMIUM, chromium

from lint.explain.site import bare_id, page_name, page_url, stub_name

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
V1, REVIEW, V2 = (EXAMPLES / "thread" / n for n in ("v1-0001.patch", "review.eml", "v2-0001.patch"))
SERIES = EXAMPLES / "series" / "thread.mbox"
FRED = "x86/fred: Fix early boot failures on SEV-ES/SNP guests"
TDX = "x86/tdx: Make early #VE reporting safe"


def site_run(site: Path, *inputs: Path | str, status: int = 0) -> subprocess.CompletedProcess[str]:
    """``patchlens explain --site SITE INPUT...`` as a command, exiting with ``status``."""
    entry = Path(sys.executable).parent / "patchlens"
    command = [str(entry)] if entry.exists() else [sys.executable, "-m", "lint"]
    done = subprocess.run(
        [*command, "explain", "--site", str(site), *map(str, inputs)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        timeout=300,
    )
    assert done.returncode == status, done.stderr
    return done


def state(site: Path) -> dict[str, Any]:
    """The site's ``site.json``."""
    loaded: dict[str, Any] = json.loads((site / "site.json").read_text(encoding="utf-8"))
    return loaded


def index_rows(site: Path) -> list[list[str]]:
    """The index's table: one row of cell texts per series."""
    html = (site / "index.html").read_text(encoding="utf-8")
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        [unescape(re.sub(r"<[^>]+>", "", cell)) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row)]
        for row in re.findall(r"<tr>(.*?)</tr>", body)
    ]


def verdict_of(page: Path) -> str:
    """The worst severity a series page lists under its lint findings, or ``clean``."""
    html = page.read_text(encoding="utf-8")
    findings = html.split("<h2>Lint findings (latest version)</h2>", 1)[1].split("<h2>", 1)[0]
    found = set(re.findall(r"<li>(error|warning|note) <code>", findings))
    return next((s for s in ("error", "warning", "note") if s in found), "clean")


def refresh_target(html: str) -> str:
    """Where a redirect stub sends the browser."""
    found = re.search(r'<meta http-equiv="refresh" content="0; url=([^"]*)">', html)
    assert found is not None, html
    return unescape(found.group(1))


def internal_links(site: Path) -> Iterator[tuple[Path, str]]:
    """Every (page, address) of the site that is not an https link: hrefs and refreshes."""
    for page in sorted(site.rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        targets = [unescape(h) for h in re.findall(r'href="([^"]*)"', html)]
        if 'http-equiv="refresh"' in html:
            targets.append(refresh_target(html))
        for target in targets:
            if not target.startswith("https://"):
                yield page, target


def assert_links_resolve(site: Path) -> int:
    count = 0
    for page, target in internal_links(site):
        assert not re.match(r"(?i)\s*[a-z][a-z0-9+.-]*:", target), (page, target)  # no scheme
        path = (page.parent / unquote(target.split("#")[0])).resolve()
        assert path.is_relative_to(site.resolve()), (page, target)
        assert path.is_file() or (path / "index.html").is_file(), (page, target)
        count += 1
    return count


def no_partial_files(site: Path) -> None:
    """write_atomically's hidden temporary files are all gone."""
    assert list(site.rglob(".*")) == []


# --- building and updating --------------------------------------------------------------


def test_site_of_two_series_then_updated_in_place(tmp_path: Path) -> None:
    site = tmp_path / "www"
    done = site_run(site, V1, SERIES)
    assert "2 series page(s) written, 0 kept, 11 new mail(s)" in done.stderr
    first = state(site)
    messages = first["messages"]
    fred_page = messages["20261103081422.4821-1-mira.castell@example.org"]
    tdx_page = messages["20261012080000.100-0-ilse.varga@example.net"]
    assert fred_page == f"series/{page_name('20261103081422.4821-1-mira.castell@example.org')}.html"
    rows = sorted(index_rows(site))
    assert [row[:3] + row[4:] for row in rows] == [
        [FRED, "Mira Castell <mira.castell@example.org>", "v1", "2026-11-03"],
        [TDX, "Ilse Varga <ilse.varga@example.net>", "v2", "2026-10-19"],
    ]
    # The verdict is the worst finding the page lists: v1 lacks its background sections.
    assert [row[3] for row in rows] == [verdict_of(site / fred_page), verdict_of(site / tdx_page)]
    assert rows[0][3] == "error"
    fred_v1 = (site / fred_page).read_text(encoding="utf-8")
    assert "<h1>x86/fred: Fix early boot failures" in fred_v1 and "Reviewers: none" in fred_v1
    tdx_before = (site / tdx_page).stat()

    # A review and v2 arrive: the FRED page and the index are rewritten, the TDX page is not.
    done = site_run(site, REVIEW, V2)
    assert "1 series page(s) written, 1 kept, 2 new mail(s)" in done.stderr
    after = state(site)
    assert after["messages"] == {
        **messages,
        "5e1a2b3c-review-tomas.reyes@example.org": fred_page,
        "20261109090247.7313-1-mira.castell@example.org": fred_page,
    }
    fred_v2 = (site / fred_page).read_text(encoding="utf-8")
    assert "<li><strong>v2</strong>" in fred_v2
    assert "Reviewers: Tomas Reyes &lt;tomas.reyes@example.org&gt;" in fred_v2
    assert "[PATCH] -&gt; review by Tomas Reyes" in fred_v2 and "6/6 carried, satisfied" in fred_v2
    assert '<nav><a href="../index.html">All series</a></nav>' in fred_v2
    assert (site / tdx_page).stat().st_ino == tdx_before.st_ino  # never replaced
    assert (site / tdx_page).stat().st_mtime_ns == tdx_before.st_mtime_ns
    (fred_row,) = (row for row in index_rows(site) if row[0] == FRED)
    assert fred_row[2:] == ["v2", verdict_of(site / fred_page), "2026-11-09"]
    assert fred_row[3] != "error"  # v2 carries the sections the review asked for
    assert assert_links_resolve(site) > 20
    no_partial_files(site)


def test_the_map_and_every_stub(tmp_path: Path) -> None:
    site = tmp_path / "www"
    site_run(site, V1, REVIEW, V2, SERIES)
    messages = state(site)["messages"]
    assert len(messages) == 13
    for msgid, page in messages.items():
        assert (site / page).is_file()
        stub = site / stub_name(msgid) / "index.html"
        assert stub_name(msgid) == msgid  # every id here is a plain one: the folder is the id
        assert (stub.parent / refresh_target(stub.read_text(encoding="utf-8"))).resolve() == (
            site / page
        ).resolve()
    assert sorted(p.name for p in site.iterdir() if "@" not in p.name) == [
        "index.html",
        "mail",
        "series",
        "site.json",
    ]
    kept = {p.read_bytes() for p in (site / "mail").iterdir()}
    assert len(kept) == 13  # the mails as they came (without the mbox From line)
    assert V1.read_bytes().split(b"\n", 1)[1] in kept


def test_running_again_with_the_same_mail_changes_nothing(tmp_path: Path) -> None:
    site = tmp_path / "www"
    site_run(site, V1, REVIEW, V2, SERIES)
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    done = site_run(site, SERIES, V2, V1)
    assert "2 series page(s) written, 0 kept, 0 new mail(s)" in done.stderr
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before


def test_a_series_keeps_its_page_when_older_mail_arrives(tmp_path: Path) -> None:
    """v2 first, then v1 and its review: one page, still named after v2, as complete as a
    site built from all three at once."""
    late = tmp_path / "late"
    site_run(late, V2)
    (page,) = set(state(late)["messages"].values())
    site_run(late, V1, REVIEW)
    assert set(state(late)["messages"].values()) == {page}
    assert page == f"series/{page_name('20261109090247.7313-1-mira.castell@example.org')}.html"
    at_once = tmp_path / "at-once"
    site_run(at_once, V2, V1, REVIEW)
    (other,) = set(state(at_once)["messages"].values())
    assert (late / page).read_text() == (at_once / other).read_text()
    assert index_rows(late) == index_rows(at_once)


JOINED = {
    "a.eml": "Subject: [PATCH] x86/sev: Check the GHCB version early\n"
    "Message-ID: <a-1@example.org>\nDate: Mon, 2 Nov 2026 10:00:00 +0000\n",
    "b.eml": "Subject: [PATCH] x86/boot: Map the GHCB page before use\n"
    "Message-ID: <b-1@example.org>\nDate: Tue, 3 Nov 2026 10:00:00 +0000\n",
    # One reply that answers both: the two are one conversation after all.
    "c.eml": "Subject: Re: [PATCH] x86/sev: Check the GHCB version early\n"
    "Message-ID: <c-1@example.org>\nDate: Wed, 4 Nov 2026 10:00:00 +0000\n"
    "In-Reply-To: <a-1@example.org>\nReferences: <b-1@example.org> <a-1@example.org>\n",
}


def write_mails(folder: Path, mails: dict[str, str]) -> list[Path]:
    folder.mkdir(exist_ok=True)
    paths = []
    for name, headers in mails.items():
        path = folder / name
        path.write_text(
            f"From: Ana Lindqvist <ana@example.org>\n{headers}\nSome text.\n\n"
            "Signed-off-by: Ana Lindqvist <ana@example.org>\n",
            encoding="utf-8",
        )
        paths.append(path)
    return paths


def test_mail_joining_two_series_leaves_a_redirect(tmp_path: Path) -> None:
    a, b, c = write_mails(tmp_path / "mail", JOINED)
    site = tmp_path / "www"
    site_run(site, a, b)
    pages = state(site)["messages"]
    assert pages["a-1@example.org"] != pages["b-1@example.org"]
    site_run(site, c)
    after = state(site)
    assert set(after["messages"].values()) == {pages["a-1@example.org"]}
    assert after["moved"] == {pages["b-1@example.org"]: pages["a-1@example.org"]}
    old = site / pages["b-1@example.org"]
    assert refresh_target(old.read_text(encoding="utf-8")) == Path(pages["a-1@example.org"]).name
    assert len(index_rows(site)) == 1
    assert assert_links_resolve(site) > 0


def test_a_failed_run_leaves_whole_files_and_the_previous_map(tmp_path: Path) -> None:
    site = tmp_path / "www"
    site_run(site, V1, SERIES)
    before = (site / "site.json").read_bytes(), (site / "index.html").read_bytes()
    # Something in the way of v2's stub: the run stops there, with one line saying why.
    blocker = site / "20261109090247.7313-1-mira.castell@example.org" / "index.html"
    blocker.mkdir(parents=True)
    done = site_run(site, REVIEW, V2, status=2)
    assert done.stderr.startswith("patchlens: ") and done.stderr.count("\n") == 1, done.stderr
    assert ((site / "site.json").read_bytes(), (site / "index.html").read_bytes()) == before
    no_partial_files(site)
    for page in site.rglob("*.html"):
        if page.is_file():
            assert page.read_text(encoding="utf-8").endswith("</html>\n"), page
    blocker.rmdir()
    site_run(site, REVIEW, V2)
    assert len(state(site)["messages"]) == 13
    assert assert_links_resolve(site) > 0


def test_a_folder_that_is_no_site_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine\n")
    done = site_run(tmp_path, V1, status=2)
    assert "not empty and not a patchlens site (no site.json)" in done.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]
    (tmp_path / "site.json").write_text('{"format": 1, "series": [{"page": "../../x"}]}')
    done = site_run(tmp_path, V1, status=2)
    assert "site.json: not a patchlens site.json" in done.stderr


def test_site_takes_no_other_format(tmp_path: Path) -> None:
    done = site_run(tmp_path / "www", "--format", "md", V1, status=2)
    assert done.stderr == "patchlens: --format md: --site writes HTML pages of its own\n"
    done = site_run(tmp_path / "www", "-o", str(tmp_path / "x.html"), V1, status=2)
    assert "argument -o/--output: not allowed with argument --site" in done.stderr
    assert not (tmp_path / "www").exists()


# --- {msgid} URLs ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("msgid", "plain"),
    [
        ("<20261103081422.4821-1-mira.castell@example.org>", True),
        ("<CAHk-=wh+x_3Lq9~Zr@mail.gmail.com>", True),
        ("<20240101-topic-v2-1-0a1b2c3d4e5f@kernel.org>", True),
        ("<'x=1'&y@example.org>", True),
        ("<../../etc/passwd@example.org>", False),
        ("<a/b@example.org>", False),
        ("<.hidden@example.org>", False),
        ("<a%2Fb@example.org>", False),
        ("<no-at-sign>", False),
        ('<hostile"><script>@example.org>', False),
        (f"<{'x' * 200}@example.org>", False),
    ],
)
def test_stub_names(msgid: str, plain: bool) -> None:
    name = stub_name(msgid)
    assert (name == bare_id(msgid)) is plain
    assert "/" not in name and not name.startswith(".") and len(name) <= 200
    assert page_url("https://example.org/patchlens/", msgid) == (
        f"https://example.org/patchlens/{quote(name, safe='@')}/"
    )
    assert re.fullmatch(r"[A-Za-z0-9._-]+", page_name(msgid))


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A site folder served by a real HTTP server, and its base URL."""
    site = tmp_path / "www"
    site.mkdir()
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site, f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        thread.join(timeout=30)
        server.server_close()


def fetch(url: str) -> tuple[str, str]:
    """The final URL (redirects followed) and the text of ``url``."""
    with urlopen(url, timeout=30) as response:
        return response.geturl(), response.read().decode("utf-8")


def test_msgid_url_template_resolves_over_http(served: tuple[Path, str], tmp_path: Path) -> None:
    """What the bot puts in ``target_url`` (lint.bot.delivery's quoting of the id) reaches
    the series page: the stub folder's redirect, then its refresh."""
    site, base = served
    odd = write_mails(
        tmp_path / "odd",
        {
            "odd.eml": "Subject: [PATCH] x86/sev: Odd ids\nMessage-ID: <'x=1'&y+z@example.org>\n",
            "re.eml": "Subject: Re: [PATCH] x86/sev: Odd ids\nMessage-ID: <a/b%c@example.org>\n"
            "In-Reply-To: <'x=1'&y+z@example.org>\n",
        },
    )
    site_run(site, V1, REVIEW, SERIES, *odd)
    messages = state(site)["messages"]
    for msgid, page in messages.items():
        bot_url = "https://example.org/patchlens/{msgid}".replace(
            "{msgid}", quote(msgid.strip("<>"), safe="@")
        )
        url = base + bot_url.removeprefix("https://example.org/patchlens/")
        if stub_name(msgid) != msgid:
            assert msgid == "a/b%c@example.org"  # no folder can be named so: page_url's address
            url = page_url(base, msgid)
        landed, stub = fetch(url)
        assert landed.endswith("/")  # the server's redirect to the folder
        final, text = fetch(urljoin(landed, refresh_target(stub)))
        assert urlsplit(final).path == f"/{page}"
        assert text.startswith("<!DOCTYPE html>") and "<h1>" in text
        assert fetch(page_url(base, msgid))[1] == stub


# --- real data ------------------------------------------------------------------------------


def test_site_of_real_replies_built_at_once_or_in_two_runs(
    shared_data: Path, tmp_path: Path
) -> None:
    """Real replies (../shared/data/replies, read in place): every Message-ID is mapped to
    a page that exists, and adding half of them later groups them exactly as one run does."""
    replies = sorted((shared_data / "replies").glob("*.eml"))
    if not replies:
        pytest.skip(f"no reply under {shared_data / 'replies'}")
    at_once = tmp_path / "at-once"
    site_run(at_once, *replies)
    messages = state(at_once)["messages"]
    assert len(messages) == len(replies)
    assert all((at_once / page).is_file() for page in messages.values())
    assert len(index_rows(at_once)) == len(set(messages.values()))
    assert assert_links_resolve(at_once) > len(replies)
    in_two = tmp_path / "in-two"
    site_run(in_two, *replies[::2])
    site_run(in_two, *replies[1::2])

    def partition(site: Path) -> set[frozenset[str]]:
        pages: dict[str, set[str]] = {}
        for msgid, page in state(site)["messages"].items():
            pages.setdefault(page, set()).add(msgid)
        return {frozenset(ids) for ids in pages.values()}

    assert partition(in_two) == partition(at_once)
    no_partial_files(in_two)


# --- a real browser ---------------------------------------------------------------------------

HOSTILE = """\
From: Eve <eve@example.org>
Subject: [PATCH] x86/fred: <script>document.title='pwned'</script> subject
Date: Thu, 5 Nov 2026 09:00:00 +0000
Message-ID: <hostile"><script>document.title='pwned'</script>@example.org>

== FRED Background ==

<script>document.title='pwned';document.write('<p id="marker">x</p>')</script>
<img src=x onerror="document.title='pwned'"> and <svg onload="document.title='pwned'">
[click me](javascript:document.title='pwned') and <a href="javascript:alert(1)">link</a>
<meta http-equiv="refresh" content="0; url=javascript:document.title='pwned'">

== Problem ==

<div id="marker">raw html block</div>

== Fix ==

    indented <script>document.title='pwned'</script> code

Signed-off-by: Eve <eve@example.org>
---
 arch/x86/kernel/fred.c | 1 +
 1 file changed, 1 insertion(+)

diff --git a/arch/x86/kernel/fred.c b/arch/x86/kernel/fred.c
index 1111111..2222222 100644
--- a/arch/x86/kernel/fred.c
+++ b/arch/x86/kernel/fred.c
@@ -1,3 +1,4 @@
 a
+<img src=x onerror="document.title='pwned'">
 b
 c
"""
HOSTILE_REPLY = """\
From: Mallory <mallory@example.org>
Subject: Re: [PATCH] x86/fred: <script>document.title='pwned'</script> subject
Date: Fri, 6 Nov 2026 09:00:00 +0000
Message-ID: <'onmouseover=alert`1`'@example.org>
In-Reply-To: <hostile"><script>document.title='pwned'</script>@example.org>

Looks fine. <script>document.title='pwned'</script>

Reviewed-by: Mallory <mallory@example.org>
"""


def title_of(dom: str) -> str:
    found = re.search(r"<title>(.*?)</title>", dom, re.S)
    assert found is not None, dom[:500]
    return unescape(found.group(1))


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
def test_every_page_in_chromium_and_hostile_mail_runs_nothing(tmp_path: Path) -> None:
    mails = tmp_path / "mail"
    mails.mkdir()
    (mails / "hostile.patch").write_text(HOSTILE, encoding="utf-8")
    (mails / "reply.eml").write_text(HOSTILE_REPLY, encoding="utf-8")
    site = tmp_path / "www"
    site_run(site, V1, SERIES, mails / "hostile.patch")
    site_run(site, REVIEW, V2, mails / "reply.eml")
    assert assert_links_resolve(site) > 20
    messages = state(site)["messages"]
    assert len(messages) == 15
    hostile_page = messages['hostile"']  # the id as the mail reader took it from the header
    assert messages["'onmouseover=alert`1`'@example.org"] == hostile_page
    pages = [site / "index.html", *sorted((site / "series").glob("*.html"))]
    stubs = sorted(site.glob("*/index.html"))
    assert len(pages) == 4 and len(stubs) == 15
    titles: dict[Path, str] = {}
    texts: dict[Path, str] = {}
    for number, page in enumerate([*pages, *stubs]):
        dom = chromium(page.as_uri(), tmp_path / f"profile-{number}", "--dump-dom")
        titles[page] = title_of(dom)
        # A script that ran would have renamed the page or added the marker element.
        assert titles[page].count("pwned") == titles[page].count("<script>document.title='pwned'")
        assert re.search(r'<[a-z]+[^<>]*\bid="marker"', dom) is None, page
        body = dom.split("<body>", 1)[1]
        assert re.search(r"<(script|img|svg|div|iframe)\b", body) is None, page
        assert re.search(r"(?i)<a\b[^<>]*href=\"\s*javascript", body) is None, page
        assert re.search(r"(?i)<meta\b[^<>]*refresh", body) is None, page
        texts[page] = " ".join(unescape(re.sub(r"<[^>]+>", " ", body)).split())
    assert titles[site / "index.html"] == "patchlens: 3 series"
    hostile_subject = "x86/fred: <script>document.title='pwned'</script> subject"
    assert f"{hostile_subject} Eve <eve@example.org> v1" in texts[site / "index.html"]
    assert titles[site / hostile_page] == f"patchlens: {hostile_subject}"
    shown = texts[site / hostile_page]
    assert (
        "<script>document.title='pwned';document.write('<p id=\"marker\">x</p>')</script>" in shown
    )
    assert "<img src=x onerror=\"document.title='pwned'\">" in shown
    assert "[click me](javascript:document.title='pwned')" in shown
    # Each stub was followed to the page of its series, and that page rendered.
    for msgid, page in messages.items():
        stub = site / stub_name(msgid) / "index.html"
        assert titles[stub] == titles[site / page], msgid
        assert texts[stub] == texts[site / page], msgid
