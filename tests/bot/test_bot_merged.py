"""Mail about patches already merged is recorded as skipped and never answered.

The mails in tests/bot/merged/ were written for these tests in the shapes of
the real ones: a tip-bot2 notification, a git-commits-head style commit list
mail, a git push hook's per-commit mail, a stable-queue notice (all four carry
a whole patch, diff included), three "applied" replies from a maintainer (b4
ty's default and custom shapes, and a one-liner), one from patchwork-bot, and
a review reply that only says the reviewer applied the patch locally (which
stays a review reply).
"""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from test_bot import FIXTURES, SENDER, Clock, options_for, outbox_mails, rows

from lint.bot.run import run_bot
from lint.cli.main import main

MERGED = Path(__file__).resolve().parent / "merged"
BEN = "<nosob-1.ben@example.com>"

EXPECTED = {
    "<178237207212.1041.5521903317.tip-bot2@tip-bot2>": (
        "commit-notice",
        "tip-bot2 notification: merged into the x86/urgent branch of tip",
    ),
    "<202611061802.6A2C44@hera.kernel.org>": (
        "commit-notice",
        "commit notification: commit 7e3a9b1c2d4f is already in a git tree",
    ),
    "<178239031011.8811.demo-commits@git.example.org>": (
        "commit-notice",
        "commit notification of a git push hook "
        "(X-Git-Rev: 7e3a9b1c2d4f6a8b0c1d2e3f4a5b6c7d8e9f0a1b)",
    ),
    "<2026110912-stable-demo-0412@example.org>": (
        "applied",
        "stable queue notice: added to the 6.12-stable tree",
    ),
    "<applied-1.ada@example.org>": ("applied", "applied notice: Applied, thanks!"),
    "<applied-3.ada@example.org>": (
        "applied",
        "applied notice (b4 ty): [1/1] watchdog/demo: Convert the timeout to milliseconds",
    ),
    "<applied-2.ada@example.org>": (
        "applied",
        "applied notice: Thanks, queued for 6.14 with a Signed-off-by added.",
    ),
    "<177000000.4242.pwbot@example.org>": (
        "applied",
        "applied notice: This patch was applied to demo/watchdog.git (main)",
    ),
    "<review-2.tomas@example.org>": ("reply", "a reply, not a patch"),
}


def fill(folder: Path, sources: list[Path]) -> Path:
    for sub in ("new", "cur", "tmp"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    for source in sources:
        shutil.copy(source, folder / "new" / source.name)
    return folder


def test_merged_commits_and_applied_notices_are_skipped_with_their_reason(
    tmp_path: Path,
) -> None:
    config = tmp_path / "bot.toml"
    config.write_text(f'[bot]\nstate = "state.sqlite"\nfrom = "{SENDER}"\n', encoding="utf-8")
    # One ordinary patch without a sign-off among them: it alone is answered.
    sources = [*sorted(MERGED.iterdir()), FIXTURES / "09-single-no-sob.eml"]
    maildir = fill(tmp_path / "list", sources)
    assert main(["bot", "run", "--maildir", str(maildir), "--config", str(config)]) == 0

    [reply] = outbox_mails(tmp_path / "patchlens-outbox")
    assert reply["In-Reply-To"] == BEN
    recorded = rows(
        tmp_path / "state.sqlite", "SELECT message_id, status, kind, reason FROM messages"
    )
    found = {msgid: (status, kind, reason) for msgid, status, kind, reason in recorded}
    for msgid, (kind, reason) in EXPECTED.items():
        assert found[msgid] == ("skipped", kind, reason), msgid
    assert found[BEN][:2] == ("replied", "patch")
    assert len(found) == len(EXPECTED) + 1


def test_status_counts_the_skipped_notices_by_kind(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    state = tmp_path / "state.sqlite"
    maildir = fill(tmp_path / "list", sorted(MERGED.iterdir()))
    assert main(["bot", "run", "--maildir", str(maildir), "--state", str(state)]) == 0
    capsys.readouterr()
    assert main(["bot", "status", "--state", str(state)]) == 0
    out = capsys.readouterr().out
    assert "kinds:      applied 5, commit-notice 3, reply 1\n" in out
    assert "messages:   skipped 9\n" in out


# --- real tip-bot2 mail from ../shared/data -------------------------------------------


def test_every_real_tip_bot2_mail_is_a_commit_notice_and_none_is_answered(
    tmp_path: Path, shared_data: Path
) -> None:
    notices = sorted(shared_data.glob("x86/*/*.eml"))
    assert len(notices) > 400
    maildir = fill(tmp_path / "list", notices)
    state, options = options_for(tmp_path, maildir, Clock())
    counts = run_bot(state, options, print, threading.Event())
    state.close()
    assert counts.received == len(notices)
    assert (counts.replies, counts.clean, counts.held) == (0, 0, 0)
    assert not (tmp_path / "outbox").exists()
    kinds = rows(
        tmp_path / "state.sqlite", "SELECT status, kind, COUNT(*) FROM messages GROUP BY 1, 2"
    )
    assert kinds == [("skipped", "commit-notice", len(notices))]


def test_the_same_commits_as_format_patch_files_are_still_linted(
    tmp_path: Path, shared_data: Path
) -> None:
    """The rebuilt ``.patch`` files hold the same changelogs without tip-bot2's wrapping:
    they are patches, so the bot must go on linting them."""
    patches = sorted(shared_data.glob("x86/x86_fred/*.patch"))
    assert len(patches) > 20
    maildir = fill(tmp_path / "list", patches)
    state, options = options_for(tmp_path, maildir, Clock())
    run_bot(state, options, print, threading.Event())
    state.close()
    kinds = rows(tmp_path / "state.sqlite", "SELECT DISTINCT kind FROM messages")
    assert kinds == [("patch",)]


def test_mail_a_program_marked_auto_submitted_is_not_answered(tmp_path: Path) -> None:
    """RFC 3834: an automatic responder answers no mail marked Auto-Submitted (other than
    "no"); the same patch without the mark, or marked "no", is answered."""
    original = (FIXTURES / "09-single-no-sob.eml").read_text()
    folder = tmp_path / "mails"
    folder.mkdir()
    for name, header, msgid in (
        ("auto.eml", "Auto-Submitted: auto-generated\n", "<auto-1.ci@example.org>"),
        ("replied.eml", "Auto-Submitted: auto-replied; by=robot\n", "<auto-2.ci@example.org>"),
        ("human.eml", "Auto-Submitted: no\n", "<auto-3.ci@example.org>"),
    ):
        text = original.replace(BEN, msgid).replace("Subject:", header + "Subject:", 1)
        (folder / name).write_text(text)
    config = tmp_path / "bot.toml"
    config.write_text(f'[bot]\nstate = "state.sqlite"\nfrom = "{SENDER}"\n', encoding="utf-8")
    maildir = fill(tmp_path / "list", sorted(folder.iterdir()))
    assert main(["bot", "run", "--maildir", str(maildir), "--config", str(config)]) == 0
    [reply] = outbox_mails(tmp_path / "patchlens-outbox")
    assert reply["In-Reply-To"] == "<auto-3.ci@example.org>"
    recorded = rows(tmp_path / "state.sqlite", "SELECT message_id, kind, reason FROM messages")
    found = {msgid: (kind, reason) for msgid, kind, reason in recorded}
    assert found["<auto-1.ci@example.org>"] == (
        "automated",
        "Auto-Submitted: auto-generated: written by a program, not answered (RFC 3834)",
    )
    assert found["<auto-2.ci@example.org>"][0] == "automated"
    assert found["<auto-3.ci@example.org>"][0] == "patch"
