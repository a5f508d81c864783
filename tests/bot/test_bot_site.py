"""The bot keeps an explainer site ([bot] site) its patchwork checks can link to."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
import urllib.request
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from lint.bot.config import PatchworkConfig
from lint.bot.delivery import check_body, target_url
from lint.explain.site import page_url

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "bot_fixtures" / "list"
TEMPLATE = "https://ci.example.org/patchlens/{msgid}"


def bot_run(config: Path, maildir: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "lint", "bot", "run", "--maildir", str(maildir)]
    return subprocess.run(
        [*command, "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )


def deliver(maildir: Path, names: list[str]) -> None:
    for sub in ("new", "cur", "tmp"):
        (maildir / sub).mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(FIXTURES / name, maildir / "new" / name)


def serve(folder: Path) -> tuple[ThreadingHTTPServer, str]:
    handler = partial(SimpleHTTPRequestHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def test_the_bot_keeps_a_page_for_every_mail_it_reads(tmp_path: Path) -> None:
    config = tmp_path / "bot.toml"
    config.write_text('[bot]\nstate = "state.sqlite"\nsite = "site"\n')
    maildir = tmp_path / "list"
    names = sorted(p.name for p in FIXTURES.iterdir())
    deliver(maildir, names[:4])
    first = bot_run(config, maildir)
    assert first.returncode == 0, first.stderr
    site = tmp_path / "site"
    state = json.loads((site / "site.json").read_text())
    assert (site / "index.html").is_file()
    pages_before = dict(state["messages"])
    assert pages_before, "the site maps the mails read"

    deliver(maildir, names[4:])  # a later pass: more versions and reviews arrive
    second = bot_run(config, maildir)
    assert second.returncode == 0, second.stderr
    state = json.loads((site / "site.json").read_text())
    assert set(pages_before) < set(state["messages"])

    # Every check link the bot would post reaches an existing page of the site.
    server, base = serve(site)
    try:
        for msgid in state["messages"]:
            link = target_url(f"{base}/{{msgid}}", msgid)
            with urllib.request.urlopen(link, timeout=30) as answer:
                page = answer.read().decode()
            assert answer.status == 200 and "<html" in page.lower(), link
    finally:
        server.shutdown()


def test_an_unwritable_site_costs_the_bot_nothing_else(tmp_path: Path) -> None:
    (tmp_path / "site").write_text("a file where the site should be\n")
    config = tmp_path / "bot.toml"
    config.write_text('[bot]\nstate = "state.sqlite"\nsite = "site"\n')
    maildir = tmp_path / "list"
    deliver(maildir, sorted(p.name for p in FIXTURES.iterdir())[:2])
    done = bot_run(config, maildir)
    assert done.returncode == 0
    assert f"patchlens bot: site {tmp_path / 'site'}: " in done.stderr
    assert "replies composed" in done.stderr  # the bot went on answering


def test_a_check_links_to_the_page_of_any_message_id() -> None:
    plain, odd = "<v1-1.mira@example.org>", "<20261109/odd%id@example.org>"
    assert target_url(TEMPLATE, plain) == "https://ci.example.org/patchlens/v1-1.mira@example.org"
    assert target_url(TEMPLATE, odd) == page_url("https://ci.example.org/patchlens/", odd).rstrip(
        "/"
    )
    assert "/" not in target_url(TEMPLATE, odd).removeprefix("https://ci.example.org/patchlens/")
    patchwork = PatchworkConfig(url="https://pw.example.org", token="t", target_url=TEMPLATE)
    assert check_body(patchwork, plain, "fail", "d")["target_url"] == target_url(TEMPLATE, plain)
    # A template with {msgid} elsewhere keeps the bare id there, as before.
    assert target_url("https://x.org/?id={msgid}&v=1", plain) == (
        "https://x.org/?id=v1-1.mira@example.org&v=1"
    )
