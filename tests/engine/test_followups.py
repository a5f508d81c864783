"""A follow-up that keeps [PATCH] and drops Re: is a reply, not a patch to lint."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from mails import CLEAN_PATCH

ROOT = Path(__file__).resolve().parents[2]
MSGID = "<20261110100000.1001-1-mira.castell@example.org>"

FOLLOW_UP = f"""\
From mira Mon Sep 17 00:00:00 2001
From: Tomas Reyes <tomas.reyes@example.org>
Date: Tue, 10 Nov 2026 12:00:00 +0100
Subject: [PATCH] docs: watchdog: Fix the default timeout in the example
Message-ID: <followup-1.tomas@example.org>
In-Reply-To: {MSGID}
References: {MSGID}

The driver's default is indeed 60 seconds; the example should say so.

Tomas
"""


def test_a_follow_up_without_re_gets_no_patch_finding(tmp_path: Path) -> None:
    mbox = tmp_path / "thread.mbox"
    mbox.write_text(CLEAN_PATCH + "\n" + FOLLOW_UP)
    done = subprocess.run(
        [sys.executable, "-m", "lint", "lint", "--format", "json", str(mbox)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stdout
    entries = json.loads(done.stdout)["patches"]
    assert [(e["message_id"], e["diagnostics"]) for e in entries] == [
        (MSGID, []),
        ("<followup-1.tomas@example.org>", []),  # no sign-off, no diff: not judged
    ]


def test_the_same_mail_on_its_own_is_still_a_patch(tmp_path: Path) -> None:
    """Without In-Reply-To the mail starts a thread: a changelog to judge."""
    alone = tmp_path / "alone.eml"
    alone.write_text(FOLLOW_UP.replace(f"In-Reply-To: {MSGID}\nReferences: {MSGID}\n", ""))
    done = subprocess.run(
        [sys.executable, "-m", "lint", "lint", "--format", "json", str(alone)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    [entry] = json.loads(done.stdout)["patches"]
    assert "signed-off-by" in {d["rule"] for d in entry["diagnostics"]}
