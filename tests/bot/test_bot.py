"""The list bot against real servers: aiosmtpd over STARTTLS+AUTH, and the real entry point.

Its Patchwork checks are tested against the real Patchwork in test_bot_patchwork.py.

The mails in tests/bot_fixtures/list/ were written for these tests: a v1 series
with a cover letter, a review reply, a v2 answering v1, a clean patch, a patch
without Signed-off-by (and the same mail cross-posted), a truncated mail, one
of the bot's own replies, two opted-out authors, one part of an unfinished
series and a discussion mail without a diff.
"""

from __future__ import annotations

import shutil
import socket
import sqlite3
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

import pytest

from lint.bot.config import BotConfig, load_bot_config
from lint.bot.intake import Examiner, examine
from lint.bot.model import Arrival
from lint.bot.run import RunOptions, run_bot
from lint.bot.series import assess, series_key
from lint.bot.state import BotState
from lint.cli.main import main
from lint.config import Config
from lint.errors import InputError
from lint.record import replace
from lint.rulebook.ruleset import load_ruleset

FIXTURES = Path(__file__).resolve().parents[1] / "bot_fixtures" / "list"
ROOT = Path(__file__).resolve().parents[2]
SENDER = "patchlens bot <patchlens@bot.example.org>"
PASSWORD = "s3cret-relay-pass"

V1 = "<v1-cover.mira@example.org>"
V2 = "<v2-cover.mira@example.org>"
BEN = "<nosob-1.ben@example.com>"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fill_maildir(folder: Path, names: list[str] | None = None) -> Path:
    for sub in ("new", "cur", "tmp"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    for source in sorted(FIXTURES.iterdir()):
        if names is None or source.name in names:
            shutil.copy(source, folder / "new" / source.name)
    return folder


def rows(state_path: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(state_path) as db:
        return db.execute(sql).fetchall()


def statuses(state_path: Path) -> dict[str, tuple[str, str]]:
    found = rows(state_path, "SELECT message_id, status, kind FROM messages")
    return {msgid: (status, kind) for msgid, status, kind in found}


# --- a real SMTP server ---------------------------------------------------------------


class Inbox:
    """aiosmtpd handler keeping what arrived."""

    def __init__(self) -> None:
        self.mails: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.mails.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"

    def by_reply_to(self) -> dict[str, Message]:
        parsed = [message_from_bytes(content) for _, _, content in self.mails]
        return {str(mail["In-Reply-To"]): mail for mail in parsed}


@pytest.fixture
def tls_cert(tmp_path: Path) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make the SMTP server's certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt"),
            *("ec_paramgen_curve:prime256v1", "-nodes", "-days", "1"),
            *("-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1"),
            *("-addext", "subjectAltName=IP:127.0.0.1"),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@pytest.fixture
def smtp_server(tls_cert: tuple[Path, Path]) -> Iterator[tuple[int, Inbox]]:
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
            b"bot",
            PASSWORD.encode(),
        )
        return AuthResult(success=ok)

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*tls_cert)
    inbox = Inbox()
    port = free_port()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        tls_context=context,
        require_starttls=True,
        authenticator=authenticate,
        auth_require_tls=True,
    )
    controller.start()
    try:
        yield port, inbox
    finally:
        controller.stop()


def write_config(tmp_path: Path, extra: str) -> Path:
    config = tmp_path / "bot.toml"
    config.write_text(
        f"""
[bot]
state = "state.sqlite"
from = "{SENDER}"
opt_out = ["carla@optout.example.com"]
{extra}
""",
        encoding="utf-8",
    )
    return config


def test_maildir_series_get_exactly_the_expected_replies_over_smtp(
    tmp_path: Path,
    smtp_server: tuple[int, Inbox],
    tls_cert: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    port, inbox = smtp_server
    monkeypatch.setenv("RELAY_PASSWORD", PASSWORD)
    config = write_config(
        tmp_path,
        f"""
[bot.outbox]
enabled = false
[bot.smtp]
host = "127.0.0.1"
port = {port}
starttls = true
ca_file = "{tls_cert[0]}"
username = "bot"
password_env = "RELAY_PASSWORD"
timeout = 10
""",
    )
    maildir = fill_maildir(tmp_path / "list")
    assert main(["bot", "run", "--maildir", str(maildir), "--config", str(config)]) == 0
    assert capsys.readouterr().err == (
        "patchlens bot: 15 new mails (1 failed, 1 seen before); 4 series checked: "
        "3 replies composed, 1 clean (no reply needed); delivered: 3 reply mails by SMTP; "
        "0 delivery failures\n"
        "patchlens bot: <broken-1.eve@example.com>: message is truncated: "
        "it ends inside its headers\n"
    )

    replies = inbox.by_reply_to()
    assert sorted(replies) == sorted([V1, V2, BEN])
    assert len(inbox.mails) == 3

    v2 = replies[V2]
    assert v2["Subject"] == (
        "Re: [PATCH v2 0/2] x86/cpu: Make secondary CPU bringup follow the boot CPU"
    )
    assert v2["References"] == f"{V1} {V2}"
    assert v2["To"] == "Mira Castell <mira.castell@example.org>"
    assert "x86-devel@lists.example.org" in v2["Cc"]
    assert v2["X-Patchlens-Bot"] == "yes"
    assert replies[V1]["References"] == V1
    assert replies[BEN]["References"] == BEN

    v1_body = replies[V1].get_payload(decode=True).decode()
    assert "cr-pinning-background" in v1_body
    assert "== CR Pinning Background ==" in v1_body
    assert "  > -\tif (static_branch_likely(&cr_pinning))" in v1_body
    v2_body = v2.get_payload(decode=True).decode()
    assert "cr-pinning-background" not in v2_body  # v2 added the section
    assert "signed-off-by" in v2_body.split("[PATCH v2 2/2]")[1]
    assert "error: signed-off-by" in replies[BEN].get_payload(decode=True).decode()

    sender, recipients, _ = inbox.mails[0]
    assert sender == "patchlens@bot.example.org"
    assert "x86-devel@lists.example.org" in recipients

    state = tmp_path / "state.sqlite"
    seen = statuses(state)
    assert seen["<broken-1.eve@example.com>"] == ("failed", "malformed")
    assert rows(state, "SELECT reason FROM messages WHERE status = 'failed'") == [
        ("message is truncated: it ends inside its headers",)
    ]
    assert seen["<patchlens-0123456789abcdef@bot.example.org>"] == ("skipped", "own")
    assert seen["<review-1.tomas@example.org>"] == ("skipped", "reply")
    assert seen["<optout-1.carla@example.com>"] == ("skipped", "opted-out")
    assert seen["<optout-2.dan@example.com>"] == ("skipped", "opted-out")
    assert seen["<discussion-1.ana@example.net>"] == ("skipped", "not-patch")
    assert seen["<incomplete-1.mira@example.org>"] == ("waiting", "patch")
    assert seen["<clean-1.ana@example.net>"] == ("replied", "patch")
    assert len(seen) == 15  # 16 files, one cross-posted twice
    assert not list((maildir / "new").iterdir())
    assert len(list((maildir / "cur").iterdir())) == 16

    # A second run over the same maildir sends nothing more.
    shutil.copy(FIXTURES / "09-single-no-sob.eml", maildir / "new" / "again.eml")
    assert main(["bot", "run", "--maildir", str(maildir), "--config", str(config)]) == 0
    assert len(inbox.mails) == 3

    assert main(["bot", "status", "--config", str(config), "--maildir", str(maildir)]) == 0
    out, err = capsys.readouterr()
    assert "failed 1" in out
    assert "<broken-1.eve@example.com>: message is truncated" in out
    assert "1 open series, 0 pending deliveries, 0 unclaimed mails" in out
    assert "replies:    3 with a mail, 1 without (clean or rate-limited)\n" in out
    dump = "\n".join(sqlite3.connect(state).iterdump())
    assert PASSWORD not in dump and PASSWORD not in out + err


def test_unreachable_relay_is_retried_then_given_up_and_the_password_never_shown(
    tmp_path: Path,
) -> None:
    secret = "not-to-be-logged-42"
    config = write_config(
        tmp_path,
        f"""
retry_base = 0
max_attempts = 3
[bot.outbox]
enabled = false
[bot.smtp]
host = "127.0.0.1"
port = {free_port()}
username = "bot"
password = "{secret}"
timeout = 5
""",
    )
    maildir = fill_maildir(tmp_path / "list", ["09-single-no-sob.eml"])
    assert main(["bot", "run", "--maildir", str(maildir), "--config", str(config)]) == 0
    state = tmp_path / "state.sqlite"
    [(status, attempts, error)] = rows(state, "SELECT status, attempts, last_error FROM deliveries")
    assert (status, attempts) == ("failed", 3)
    assert "ConnectionRefusedError" in error
    assert secret not in "\n".join(sqlite3.connect(state).iterdump())
    assert secret not in repr(load_bot_config(config))


# --- options built in-process, with a clock the test controls ---------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def options_for(
    tmp_path: Path, maildir: Path | None, clock: Clock, **bot: Any
) -> tuple[BotState, RunOptions]:
    settings: dict[str, Any] = {
        "state": tmp_path / "state.sqlite",
        "sender": SENDER,
        "outbox": tmp_path / "outbox",
        "grace_period": 3600.0,
        "opt_out": ("carla@optout.example.com",),
    }
    settings.update(bot)
    config = BotConfig(**settings)
    examiner = Examiner(config, load_ruleset(Config()))
    state = BotState(config.state)
    return state, RunOptions(examiner=examiner, maildir=maildir, clock=clock)


def outbox_mails(folder: Path) -> list[Message]:
    return [message_from_bytes(path.read_bytes()) for path in sorted((folder / "new").iterdir())]


def test_incomplete_series_is_answered_after_the_grace_period(tmp_path: Path) -> None:
    clock = Clock()
    maildir = fill_maildir(tmp_path / "list", ["14-incomplete-1of3.eml"])
    state, options = options_for(tmp_path, maildir, clock)
    run_bot(state, options, print, threading.Event())
    assert not (tmp_path / "outbox" / "new").exists()
    clock.now += 3599
    run_bot(state, options, print, threading.Event())
    assert not (tmp_path / "outbox" / "new").exists()
    clock.now += 2
    run_bot(state, options, print, threading.Event())
    [reply] = outbox_mails(tmp_path / "outbox")
    body = reply.get_payload(decode=True).decode()
    assert "patches 2/3 and 3/3 never reached the list" in " ".join(body.split())
    assert reply["In-Reply-To"] == "<incomplete-1.mira@example.org>"


def test_thread_rate_limit_holds_back_the_second_reply(tmp_path: Path) -> None:
    clock = Clock()
    maildir = fill_maildir(tmp_path / "list")
    state, options = options_for(tmp_path, maildir, clock, thread_limit=1)
    counts = run_bot(state, options, print, threading.Event())
    # v1 and Ben's patch are mailed, v2 is held back, the clean patch needs no reply.
    assert (counts.replies, counts.held, counts.clean) == (2, 1, 1)
    assert counts.delivered == {"outbox": 2}
    threads = [mail["In-Reply-To"] for mail in outbox_mails(tmp_path / "outbox")]
    # v1 and v2 share the thread rooted at the v1 cover letter: only v1 is mailed.
    assert sorted(threads) == sorted([V1, BEN])
    [(outcome,)] = rows(
        tmp_path / "state.sqlite", "SELECT outcome FROM series WHERE outcome LIKE 'rate%'"
    )
    assert outcome == "rate-limited: too many replies in this thread"


def test_reply_per_patch_answers_each_patch(tmp_path: Path) -> None:
    maildir = fill_maildir(tmp_path / "list", ["01-v1-cover.eml", "02-v1-1.eml", "03-v1-2.eml"])
    state, options = options_for(
        tmp_path, maildir, Clock(), reply_per="patch", reply_when_clean=True
    )
    run_bot(state, options, print, threading.Event())
    threads = sorted(mail["In-Reply-To"] for mail in outbox_mails(tmp_path / "outbox"))
    assert threads == ["<v1-1.mira@example.org>", "<v1-2.mira@example.org>"]


# --- the real entry point: stdin, --watch with SIGTERM, --dry-run ------------------------


def bot_command(*args: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lint", "bot", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        **kwargs,
    )


def test_stdin_takes_one_mail_per_invocation(tmp_path: Path) -> None:
    config = write_config(tmp_path, "")
    for name in ["01-v1-cover.eml", "02-v1-1.eml", "10-malformed.eml", "03-v1-2.eml"]:
        data = (FIXTURES / name).read_text()
        result = bot_command("run", "--stdin", "--config", str(config), input=data)
        assert result.returncode == 0, result.stderr
    [reply] = outbox_mails(tmp_path / "patchlens-outbox")
    assert reply["In-Reply-To"] == V1
    assert statuses(tmp_path / "state.sqlite")["<broken-1.eve@example.com>"][0] == "failed"


def test_watch_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    import signal

    config = write_config(tmp_path, "")
    maildir = fill_maildir(tmp_path / "list", [])
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "lint", "bot", "run", "--watch", "--poll", "0.1"),
            *("--maildir", str(maildir), "--config", str(config)),
        ],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        shutil.copy(FIXTURES / "09-single-no-sob.eml", maildir / "tmp" / "m1")
        (maildir / "tmp" / "m1").rename(maildir / "new" / "m1")
        deadline = time.monotonic() + 20
        while not list((tmp_path / "patchlens-outbox" / "new").glob("*")):
            assert time.monotonic() < deadline, "the watching bot never answered"
            time.sleep(0.05)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
    finally:
        process.kill()
    assert "1 new mail (" in (process.stderr.read() if process.stderr else "")


def test_dry_run_prints_the_mails_and_changes_nothing(tmp_path: Path) -> None:
    config = write_config(tmp_path, "")
    maildir = fill_maildir(tmp_path / "list")
    result = bot_command("run", "--dry-run", "--maildir", str(maildir), "--config", str(config))
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("\nIn-Reply-To: ") == 3
    assert f"In-Reply-To: {V2}" in result.stdout
    assert len(list((maildir / "new").iterdir())) == 16
    assert not (tmp_path / "state.sqlite").exists()
    assert not (tmp_path / "patchlens-outbox").exists()
    assert result.stderr.startswith(
        "patchlens bot: 15 new mails (1 failed, 1 seen before); 4 series checked: "
        "3 replies composed, 1 clean (no reply needed); dry run: nothing delivered "
        "(3 reply mails and 0 patchwork checks printed instead)\n"
    )


def test_dry_run_prints_the_mails_it_would_send_by_smtp(tmp_path: Path) -> None:
    """Without an outbox the replies would go by SMTP only: a dry run still shows them,
    and connects to nothing (no server listens on the port)."""
    config = write_config(
        tmp_path,
        f"[bot.outbox]\nenabled = false\n[bot.smtp]\nhost = '127.0.0.1'\nport = {free_port()}\n",
    )
    maildir = fill_maildir(tmp_path / "list", ["09-single-no-sob.eml", "08-clean-single.eml"])
    result = bot_command("run", "--dry-run", "--maildir", str(maildir), "--config", str(config))
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("\nIn-Reply-To: ") == 1
    assert f"In-Reply-To: {BEN}" in result.stdout
    assert result.stderr == (
        "patchlens bot: 2 new mails (0 failed, 0 seen before); 2 series checked: "
        "1 reply composed, 1 clean (no reply needed); dry run: nothing delivered "
        "(1 reply mail and 0 patchwork checks printed instead)\n"
    )


# --- where the state is kept, and status before the first run ----------------------------


def test_run_without_state_or_config_says_where_the_default_state_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    maildir = fill_maildir(tmp_path / "list", ["09-single-no-sob.eml"])
    work = tmp_path / "cron-home"
    work.mkdir()
    monkeypatch.chdir(work)
    assert main(["bot", "run", "--maildir", str(maildir)]) == 0
    err = capsys.readouterr().err
    assert err.startswith(
        f"patchlens bot: note: state kept in {work / 'patchlens-bot.sqlite'} (the default: "
        f"neither --state nor [bot] state names one); replies go to the outbox "
        f"{work / 'patchlens-outbox'}\n"
    )
    assert (work / "patchlens-bot.sqlite").is_file()
    # Named, it is not announced.
    shutil.copy(FIXTURES / "08-clean-single.eml", maildir / "new")
    assert main(["bot", "run", "--maildir", str(maildir), "--state", "named.sqlite"]) == 0
    assert "note: state" not in capsys.readouterr().err


def test_run_help_says_where_the_state_is_kept(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["bot", "run", "--help"])
    assert done.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "else patchlens-bot.sqlite in the current directory" in text
    assert "When the default file is used, the run says where it is on stderr" in text


def test_status_before_any_run_says_so_and_succeeds(tmp_path: Path) -> None:
    state = tmp_path / "bot" / "state.sqlite"
    result = bot_command("status", "--state", str(state))
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"no bot state yet at {state}: the bot has not run there yet\n"
    assert result.stderr == ""
    assert not state.parent.exists()


# --- the reply's footer says who sent it and nothing it cannot back -----------------------


def reply_body(tmp_path: Path, extra: str, rules: str = "") -> str:
    config = write_config(tmp_path, extra)
    if rules:
        config.write_text(rules + config.read_text(encoding="utf-8"), encoding="utf-8")
    maildir = fill_maildir(tmp_path / "list", ["09-single-no-sob.eml"])
    assert main(["bot", "run", "--maildir", str(maildir), "--config", str(config)]) == 0
    [reply] = outbox_mails(tmp_path / "patchlens-outbox")
    return str(reply.get_payload(decode=True).decode())


def test_footer_without_about_names_the_sender_and_no_package(tmp_path: Path) -> None:
    body = reply_body(tmp_path, "")
    footer = body.split("\n-- \n", 1)[1]
    assert "pip install" not in body
    assert "patchlens rules" not in body
    assert footer.startswith("This mail was written by patchlens ")
    assert ", run by patchlens@bot.example.org.\n\nTo stop these mails" in footer


def test_footer_with_about_points_there_and_at_the_rule_rationale(tmp_path: Path) -> None:
    body = reply_body(tmp_path, 'about = "https://example.org/patchlens-bot"')
    footer = body.split("\n-- \n", 1)[1]
    assert "pip install" not in body
    assert (
        ", run by patchlens@bot.example.org.\n"
        "About patchlens and this bot: https://example.org/patchlens-bot\n"
        'With patchlens installed, "patchlens rules RULE-ID" shows why a rule\nexists.\n'
    ) in footer


def test_footer_leaves_out_the_rules_command_for_the_operators_own_rule(tmp_path: Path) -> None:
    """``patchlens rules ID`` cannot show a rule that exists only on the bot's machine."""
    rules = tmp_path / "local-rules"
    rules.mkdir()
    (rules / "demo-milliseconds.toml").write_text(
        'id = "demo-milliseconds"\nkind = "changelog-phrase"\nseverity = "warning"\n'
        "summary = \"Say which unit\"\n\n[params]\npattern = 'milliseconds'\n",
        encoding="utf-8",
    )
    body = reply_body(
        tmp_path, 'about = "https://example.org/patchlens-bot"', 'rule_dirs = ["local-rules"]\n'
    )
    assert "demo-milliseconds" in body
    assert "About patchlens and this bot: https://example.org/patchlens-bot\n" in body
    assert "patchlens rules" not in body


# --- units ------------------------------------------------------------------------------


def arrival(name: str) -> Arrival:
    examiner = Examiner(BotConfig(sender=SENDER), load_ruleset(Config()))
    return examine((FIXTURES / name).read_bytes(), name, examiner)


def test_series_keys_group_a_series_and_separate_its_next_version() -> None:
    v1 = [series_key(arrival(n), "series") for n in ("01-v1-cover.eml", "02-v1-1.eml")]
    v2 = [series_key(arrival(n), "series") for n in ("05-v2-cover.eml", "07-v2-2.eml")]
    assert v1[0] == v1[1]
    assert v2[0] == v2[1]
    assert v1[0] != v2[0]
    assert series_key(arrival("02-v1-1.eml"), "patch") == "mail <v1-1.mira@example.org>"


@pytest.mark.parametrize(
    ("parts", "now", "ready", "missing"),
    [
        ([1, 2, 3], 0.0, True, ()),
        ([3, 1], 10.0, False, (2,)),
        ([3, 1], 100.0, True, (2,)),
        ([], 100.0, True, (1, 2, 3)),
    ],
)
def test_assess(parts: list[int], now: float, ready: bool, missing: tuple[int, ...]) -> None:
    readiness = assess(parts, 3, first_seen=0.0, now=now, grace=100.0)
    assert (readiness.ready, readiness.missing) == (ready, missing)


@pytest.mark.parametrize(
    ("table", "problem"),
    [
        ("colour = 1", "unknown key 'colour' in [bot]"),
        ("reply_per = 'thread'", "bad value 'thread' for 'reply_per'"),
        ("thread_limit = 0", "key 'thread_limit' in [bot] must be at least 1"),
        ("[bot.patchwork]\nurl = 'http://x'\ntoken = 't'\ncontext = 'a b'", "bad check context"),
        ("[bot.patchwork]\nurl = 'http://x'", "needs a token"),
        ("[bot.smtp]\nport = 25", "key 'host' is required in [bot.smtp]"),
        ('about = """two\nlines"""', "key 'about' in [bot] must be one line"),
        ("[bot.smtp]\nhost = 'h'\npassword_env = 'PATCHLENS_TEST_UNSET'", "is not set"),
    ],
)
def test_bad_bot_config_is_named(tmp_path: Path, table: str, problem: str) -> None:
    path = tmp_path / "bot.toml"
    path.write_text(f"[bot]\n{table}\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_bot_config(path)
    assert problem in caught.value.problem


def test_bot_table_passes_the_project_config(tmp_path: Path) -> None:
    path = tmp_path / "bot.toml"
    path.write_text("profile = 'tip'\n[bot]\nstate = 's.db'\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "lint", "rules", "--config", str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert load_bot_config(path).state == tmp_path / "s.db"


def test_a_stalling_mail_between_two_others_is_failed_and_the_others_answered(
    tmp_path: Path,
) -> None:
    """A user's rule backtracks exponentially on the middle mail: the bot records it as
    failed with the stage it reached, answers the other two once each, and goes on.

    The look-ahead keeps the pattern on Python's re (RE2 would run it in linear time)."""
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "slow-phrase.toml").write_text(
        'id = "slow-phrase"\nkind = "changelog-phrase"\nseverity = "warning"\n'
        "summary = \"A phrase\"\n\n[params]\npattern = '(x+x+)+(?=y)'\n"
    )
    examples = Path(__file__).resolve().parents[2] / "examples" / "thread"
    first = (examples / "v1-0001.patch").read_bytes()
    second = (examples / "v2-0001.patch").read_bytes()
    stalling = second.replace(b"== Problem ==", b"x" * 40 + b"\n\n== Problem ==")
    stalling = stalling.replace(b"<20261109090247.7313-1", b"<stalling.7313-1")
    maildir = fill_maildir(tmp_path / "list", [])
    for name, data in (("1.eml", first), ("2.eml", stalling), ("3.eml", second)):
        (maildir / "new" / name).write_bytes(data)
    state, options = options_for(
        tmp_path, maildir, Clock(), reply_per="patch", reply_when_clean=True
    )
    slow = load_ruleset(Config(rule_dirs=(str(rules),)))
    examiner = replace(options.examiner, ruleset=slow, time_budget=0.5)
    options = RunOptions(examiner=examiner, maildir=maildir, clock=options.clock)
    started = time.monotonic()
    for _ in range(2):  # a second run answers nothing again
        run_bot(state, options, print, threading.Event())
    assert time.monotonic() - started < 20
    replied = sorted(mail["In-Reply-To"] for mail in outbox_mails(tmp_path / "outbox"))
    assert replied == [
        "<20261103081422.4821-1-mira.castell@example.org>",
        "<20261109090247.7313-1-mira.castell@example.org>",
    ]
    [(status, kind, reason)] = rows(
        tmp_path / "state.sqlite",
        "SELECT status, json_extract(arrival, '$.kind'), reason FROM messages "
        "WHERE message_id = '<stalling.7313-1-mira.castell@example.org>'",
    )
    assert (status, kind) == ("failed", "stalled")
    assert reason.startswith("analysis stopped after 0.5 s at rule slow-phrase")
