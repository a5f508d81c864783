"""The bot against the real Patchwork 3.2.1 (see patchwork_server.py): checks posted by
``bot run`` and read back through Patchwork's REST API, faults from a real proxy in front
of it, and the errors an operator gets when Patchwork says no.

Every test files its mails into a project of its own with Patchwork's ``parsemail``.
Without the vendored release or a package registry these tests skip, saying why.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest
from patchwork_server import (
    FaultProxy,
    Patchwork,
    Project,
    checks_of,
    new_project,
    parse_mail,
    patch_of,
)

from lint.bot.config import BotConfig, PatchworkConfig
from lint.bot.intake import Examiner
from lint.bot.run import RunOptions, run_bot
from lint.bot.state import BotState
from lint.cli.main import main
from lint.config import Config
from lint.record import replace
from lint.rulebook.ruleset import load_ruleset

FIXTURES = Path(__file__).resolve().parents[1] / "bot_fixtures" / "list"
V1 = ["01-v1-cover.eml", "02-v1-1.eml", "03-v1-2.eml"]
V1_1 = "<v1-1.mira@example.org>"
V1_2 = "<v1-2.mira@example.org>"
BEN = "<nosob-1.ben@example.com>"
ANA = "<clean-1.ana@example.net>"
NO_SOB = "09-single-no-sob.eml"
TARGET = "https://ci.example.org/patchlens/{msgid}"


def own_id(msgid: str, tag: str) -> str:
    """A fixture's Message-ID made this test's own: one Patchwork serves the session, and
    a Message-ID filed by another test would show in this one's lookups."""
    return msgid.replace("@", f".{tag}@", 1)


def own_mail(name: str, tag: str) -> bytes:
    """The fixture mail ``name`` with its Message-ID and threading headers made own."""
    head, body = (FIXTURES / name).read_bytes().split(b"\n\n", 1)
    threading = re.compile(rb"^(?:Message-ID|In-Reply-To|References):.*$", re.I | re.M)
    ids = re.compile(rb"<([^<>@\s]+)@")
    suffix = b"." + tag.encode()
    head = threading.sub(lambda line: ids.sub(rb"<\1" + suffix + b"@", line[0]), head)
    return head + b"\n\n" + body


def fill_maildir(folder: Path, names: list[str], tag: str) -> Path:
    for sub in ("new", "cur", "tmp"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / "new" / name).write_bytes(own_mail(name, tag))
    return folder


def parse_fixtures(patchwork: Patchwork, project: Project, names: list[str], tag: str) -> None:
    for name in names:
        parse_mail(patchwork, project, own_mail(name, tag))


def deliveries(state: Path) -> list[tuple[Any, ...]]:
    """The bot's patchwork deliveries: ``(patch Message-ID, status, attempts, last error)``."""
    with sqlite3.connect(state) as db:
        return db.execute(
            "SELECT target, status, attempts, last_error FROM deliveries "
            "WHERE channel = 'patchwork' ORDER BY target"
        ).fetchall()


def write_config(tmp_path: Path, patchwork_url: str, token: str, project: Project) -> Path:
    (tmp_path / "patchwork-token").write_text(token + "\n", encoding="utf-8")
    config = tmp_path / "bot.toml"
    config.write_text(
        f"""
[bot]
state = "state.sqlite"
from = "patchlens bot <patchlens@bot.example.org>"
[bot.patchwork]
url = "{patchwork_url}"
token_file = "patchwork-token"
project = "{project.list_id}"
target_url = "{TARGET}"
timeout = 30
""",
        encoding="utf-8",
    )
    return config


def status_lines(state: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    """``patchlens bot status``, as its lines."""
    assert main(["bot", "status", "--state", str(state)]) == 0
    return capsys.readouterr().out.splitlines()


def last_delivery_errors(lines: list[str]) -> list[str]:
    """The lines under ``last delivery errors:`` (the last section of ``bot status``)."""
    return lines[lines.index("last delivery errors:") + 1 :]


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def bot_in_process(
    tmp_path: Path, names: list[str], tag: str, patchwork: PatchworkConfig, clock: Clock
) -> tuple[BotState, RunOptions]:
    """The bot's own loop with a clock the test moves: backoff without waiting."""
    config = BotConfig(
        state=tmp_path / "state.sqlite",
        sender="patchlens bot <patchlens@bot.example.org>",
        outbox=None,
        patchwork=patchwork,
        retry_base=60.0,
    )
    examiner = Examiner(config, load_ruleset(Config()))
    maildir = fill_maildir(tmp_path / "list", names, tag)
    return BotState(config.state), RunOptions(examiner=examiner, maildir=maildir, clock=clock)


def test_bot_run_posts_checks_that_patchwork_shows_for_a_series_and_single_patches(
    patchwork: Patchwork, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = new_project(patchwork, "posted")
    tag = project.link_name
    names = [*V1, "08-clean-single.eml", "09-single-no-sob.eml"]
    parse_fixtures(patchwork, project, names, tag)
    config = write_config(tmp_path, patchwork.url, patchwork.maintainer_token, project)
    maildir = fill_maildir(tmp_path / "list", names, tag)

    assert main(["bot", "run", "--maildir", str(maildir), "--config", str(config)]) == 0
    assert capsys.readouterr().err == (
        "patchlens bot: 5 new mails (0 failed, 0 seen before); 3 series checked: "
        "2 replies composed, 1 clean (no reply needed); delivered: 2 reply mails to the "
        "outbox, 4 patchwork checks posted; 0 delivery failures\n"
    )

    # The series as Patchwork grouped it: both patches carry the bot's check.
    first_patch = patch_of(patchwork, project, own_id(V1_1, tag))
    [series] = first_patch["series"]
    assert series["name"] == "x86/cpu: Make secondary CPU bringup follow the boot CPU"
    assert patch_of(patchwork, project, own_id(V1_2, tag))["series"] == [series]
    [first] = checks_of(patchwork, project, own_id(V1_1, tag))
    [second] = checks_of(patchwork, project, own_id(V1_2, tag))
    assert (first["state"], first["context"]) == ("fail", "patchlens")
    assert "cr-pinning-background" in first["description"]
    assert first["target_url"] == "https://ci.example.org/patchlens/v1-1.mira.posted@example.org"
    assert first["user"]["username"] == "bot-maintainer"
    assert (second["state"], second["context"]) == ("success", "patchlens")
    assert second["target_url"] == "https://ci.example.org/patchlens/v1-2.mira.posted@example.org"
    assert first_patch["check"] == "fail"  # Patchwork's summary of the patch's checks

    # Single patches: a clean one passes, one without Signed-off-by fails.
    [clean] = checks_of(patchwork, project, own_id(ANA, tag))
    [unsigned] = checks_of(patchwork, project, own_id(BEN, tag))
    assert clean["state"] == "success"
    assert unsigned["state"] == "fail"
    assert "signed-off-by" in unsigned["description"]
    assert unsigned["target_url"] == (
        "https://ci.example.org/patchlens/nosob-1.ben.posted@example.com"
    )

    # A second run posts nothing again.
    (maildir / "new" / "again.eml").write_bytes(own_mail("09-single-no-sob.eml", tag))
    assert main(["bot", "run", "--maildir", str(maildir), "--config", str(config)]) == 0
    assert len(checks_of(patchwork, project, own_id(BEN, tag))) == 1
    state = tmp_path / "state.sqlite"
    assert {row[1] for row in deliveries(state)} == {"done"}
    assert patchwork.maintainer_token not in "\n".join(sqlite3.connect(state).iterdump())


def test_a_500_and_a_timeout_in_front_of_patchwork_are_retried_with_backoff(
    patchwork: Patchwork, tmp_path: Path
) -> None:
    project = new_project(patchwork, "faults")
    tag = project.link_name
    ben = own_id(BEN, tag)
    parse_fixtures(patchwork, project, [NO_SOB], tag)
    clock = Clock()
    with FaultProxy(patchwork.url, ["500", "stall"]) as proxy:
        config = PatchworkConfig(
            url=proxy.url, token=patchwork.maintainer_token, project=project.link_name, timeout=5
        )
        state, options = bot_in_process(tmp_path, [NO_SOB], tag, config, clock)
        run_bot(state, options, print, threading.Event())
        assert proxy.posts() == ["500"]
        assert deliveries(options.bot.state) == [
            (ben, "pending", 1, "patchwork check: HTTP 500; will retry in 60 s (attempt 1 failed)")
        ]

        clock.now += 59  # backoff: not due yet
        run_bot(state, options, print, threading.Event())
        assert proxy.posts() == ["500"]
        clock.now += 2
        run_bot(state, options, print, threading.Event())
        assert proxy.posts() == ["500", "stall"]
        [(_, status, attempts, error)] = deliveries(options.bot.state)
        assert (status, attempts) == ("pending", 2)
        assert error.startswith(f"patchwork {proxy.url}: TimeoutError: ")
        assert error.endswith("; will retry in 120 s (attempt 2 failed)")
        assert checks_of(patchwork, project, ben) == []

        clock.now += 121
        run_bot(state, options, print, threading.Event())
        assert proxy.posts() == ["500", "stall", "201"]
    state.close()
    [check] = checks_of(patchwork, project, ben)
    assert check["state"] == "fail"
    assert deliveries(options.bot.state) == [(ben, "done", 3, "")]


def test_a_token_whose_user_maintains_nothing_is_refused_saying_what_to_do(
    patchwork: Patchwork, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = new_project(patchwork, "outsider")
    tag = project.link_name
    ben = own_id(BEN, tag)
    parse_fixtures(patchwork, project, [NO_SOB], tag)
    config = write_config(tmp_path, patchwork.url, patchwork.outsider_token, project)
    maildir = fill_maildir(tmp_path / "list", [NO_SOB], tag)

    assert main(["bot", "run", "--maildir", str(maildir), "--config", str(config)]) == 0
    expected = (
        f"patchwork refused the check for {ben} (HTTP 403: You do not have permission to "
        "perform this action.): the token's user must be a maintainer of project "
        "'outsider' (list-id outsider.lists.example.org) in Patchwork; not retried"
    )
    [said] = capsys.readouterr().err.splitlines()[1:]
    assert said.endswith(f" patchwork: {expected}")
    assert deliveries(tmp_path / "state.sqlite") == [(ben, "failed", 1, expected)]
    assert checks_of(patchwork, project, ben) == []

    [shown] = last_delivery_errors(status_lines(tmp_path / "state.sqlite", capsys))
    assert shown.endswith(f" patchwork: {expected}")


def test_a_check_posted_before_patchwork_parsed_the_mail_is_retried_and_lands(
    patchwork: Patchwork, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = new_project(patchwork, "unparsed")
    tag = project.link_name
    ben = own_id(BEN, tag)
    clock = Clock()
    config = PatchworkConfig(
        url=patchwork.url, token=patchwork.maintainer_token, project=project.list_id
    )
    state, options = bot_in_process(tmp_path, [NO_SOB], tag, config, clock)
    run_bot(state, options, print, threading.Event())
    expected = (
        f"patchwork has no patch {ben} in project 'unparsed.lists.example.org' yet: "
        "Patchwork has not parsed that mail for this project yet; "
        "will retry in 60 s (attempt 1 failed)"
    )
    assert deliveries(options.bot.state) == [(ben, "pending", 1, expected)]
    [shown] = last_delivery_errors(status_lines(options.bot.state, capsys))
    assert shown.endswith(f" patchwork: {expected}")

    parse_fixtures(patchwork, project, [NO_SOB], tag)
    clock.now += 59
    run_bot(state, options, print, threading.Event())
    assert checks_of(patchwork, project, ben) == []  # the retry is not due yet
    clock.now += 2
    run_bot(state, options, print, threading.Event())
    state.close()
    [check] = checks_of(patchwork, project, ben)
    assert (check["state"], check["context"]) == ("fail", "patchlens")
    assert deliveries(options.bot.state) == [(ben, "done", 2, "")]
    assert "last delivery errors:" not in status_lines(options.bot.state, capsys)


def test_a_cross_posted_patch_gets_its_check_in_the_configured_project(
    patchwork: Patchwork, tmp_path: Path
) -> None:
    """Both lists' projects hold the patch; the bot's user maintains only the one
    Patchwork lists second. Without ``project`` the check goes to the first, and fails."""
    tag = "cross"
    ben = own_id(BEN, tag)
    other = new_project(patchwork, "cross-other", maintained=False)
    project = new_project(patchwork, "cross-mine")
    parse_fixtures(patchwork, other, [NO_SOB], tag)
    parse_fixtures(patchwork, project, [NO_SOB], tag)

    def run(folder: Path, config: PatchworkConfig) -> list[tuple[Any, ...]]:
        state, options = bot_in_process(folder, [NO_SOB], tag, config, Clock())
        run_bot(state, options, print, threading.Event())
        state.close()
        return deliveries(options.bot.state)

    anywhere = PatchworkConfig(url=patchwork.url, token=patchwork.maintainer_token)
    [(_, status, _, error)] = run(tmp_path / "any", anywhere)
    assert status == "failed"
    assert "maintainer of project 'cross-other' (list-id cross-other.lists" in error
    mine = replace(anywhere, project=project.link_name)
    assert run(tmp_path / "mine", mine) == [(ben, "done", 1, "")]
    assert len(checks_of(patchwork, project, ben)) == 1
    assert checks_of(patchwork, other, ben) == []


@pytest.mark.parametrize(
    ("what", "expected"),
    [
        (
            "token",
            "patchwork refused the token (HTTP 403: Invalid token.): check the token of "
            "[bot.patchwork]; not retried",
        ),
        (
            "url",
            "patchwork patch lookup: HTTP 404: {url}/api/patches/ does not exist; is "
            "[bot.patchwork] url the base URL of a Patchwork with its REST API on?; not retried",
        ),
    ],
)
def test_a_wrong_token_or_url_is_a_permanent_failure_naming_the_setting(
    patchwork: Patchwork, tmp_path: Path, what: str, expected: str
) -> None:
    project = new_project(patchwork, f"wrong-{what}")
    tag = project.link_name
    parse_fixtures(patchwork, project, [NO_SOB], tag)
    url = patchwork.url + ("/patchwork" if what == "url" else "")
    token = "not-a-token" if what == "token" else patchwork.maintainer_token
    config = PatchworkConfig(url=url, token=token, project=project.link_name)
    state, options = bot_in_process(tmp_path, [NO_SOB], tag, config, Clock())
    run_bot(state, options, print, threading.Event())
    state.close()
    ben = own_id(BEN, tag)
    assert deliveries(options.bot.state) == [(ben, "failed", 1, expected.format(url=url))]
    assert checks_of(patchwork, project, ben) == []
