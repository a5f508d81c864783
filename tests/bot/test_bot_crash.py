"""Crash test: the bot is SIGKILLed at random points and restarted; nothing is lost or doubled.

2,000 messages we generate here (series of one to four patches, some with a
cover letter, review replies, a few truncated mails) arrive in a maildir in
chunks, the way lei delivers them over time. After each chunk the real
``patchlens bot run`` process is started and killed with SIGKILL after a
random delay, at least 50 times; then one last run finishes the work. At the
end every Message-ID is accounted for, every file is claimed, and every
series has exactly one reply in the outbox and in the state.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from email import message_from_bytes
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MESSAGES = 2000
MIN_KILLS = 50


@dataclass
class Corpus:
    mails: list[tuple[str, bytes]] = field(default_factory=list)
    heads: list[str] = field(default_factory=list)
    """Message-ID of the mail each series' reply must answer."""
    ids: set[str] = field(default_factory=set)
    replies: set[str] = field(default_factory=set)
    malformed: set[str] = field(default_factory=set)


def patch_mail(msgid: str, author: int, subject: str, refs: list[str], number: int) -> bytes:
    threading = ""
    if refs:
        threading = f"In-Reply-To: {refs[-1]}\nReferences: {' '.join(refs)}\n"
    return (
        f"From: Dev {author} <dev{author}@example.com>\n"
        f"To: demo-list@lists.example.org\n"
        f"Date: Mon, 2 Nov 2026 10:00:00 +0000\n"
        f"Subject: {subject}\n"
        f"Message-ID: {msgid}\n{threading}\n"
        f"Count the demo widgets from one, as the data sheet does.\n\n"
        f"Signed-off-by: Dev {author} <dev{author}@example.com>\n"
        f"---\n"
        f" drivers/demo/widget{number}.c | 2 +-\n"
        f" 1 file changed, 1 insertion(+), 1 deletion(-)\n\n"
        f"diff --git a/drivers/demo/widget{number}.c b/drivers/demo/widget{number}.c\n"
        f"index 1111111..2222222 100644\n"
        f"--- a/drivers/demo/widget{number}.c\n"
        f"+++ b/drivers/demo/widget{number}.c\n"
        f"@@ -10,3 +10,3 @@ static int widget_count(void)\n"
        f" {{\n"
        f"-\treturn 0;\n"
        f"+\treturn 1;\n"
        f" }}\n"
        f"-- \n2.47.0\n"
    ).encode()


def build_corpus(rng: random.Random) -> Corpus:
    corpus = Corpus()
    serial = 0
    patches: list[tuple[str, str]] = []  # (msgid, subject) of earlier patches, for replies

    def add(msgid: str, data: bytes) -> None:
        corpus.mails.append((f"{len(corpus.mails):05d}.eml", data))
        corpus.ids.add(msgid)

    while len(corpus.mails) < MESSAGES:
        serial += 1
        roll = rng.random()
        if roll < 0.08 and patches:
            target, subject = rng.choice(patches)
            msgid = f"<reply-{serial}@example.com>"
            add(msgid, patch_mail(msgid, 99, f"Re: {subject}", [target], serial))
            corpus.replies.add(msgid)
            continue
        if roll < 0.09:
            msgid = f"<broken-{serial}@example.com>"
            add(msgid, f"From: x <x@example.com>\nMessage-ID: {msgid}\nSubject: [PATCH".encode())
            corpus.malformed.add(msgid)
            continue
        size = rng.choice([1, 1, 1, 2, 3, 4])
        author = rng.randrange(40)
        head = ""
        if size > 1 and rng.random() < 0.7:
            head = f"<s{serial}-0@example.com>"
            cover = f"[PATCH 0/{size}] demo: Series {serial}"
            data = patch_mail(head, author, cover, [], serial).split(b"\n---\n")[0] + b"\n"
            add(head, data)
        for part in range(1, size + 1):
            msgid = f"<s{serial}-{part}@example.com>"
            prefix = f"[PATCH {part}/{size}]" if size > 1 else "[PATCH]"
            subject = f"{prefix} demo: Count widget {serial} from one"
            first = head or f"<s{serial}-1@example.com>"
            refs = [] if msgid == first else [first]
            add(msgid, patch_mail(msgid, author, subject, refs, serial * 10 + part))
            patches.append((msgid, subject))
        corpus.heads.append(head or f"<s{serial}-1@example.com>")
    return corpus


def deliver(maildir: Path, mails: list[tuple[str, bytes]]) -> None:
    """Deliver as a maildir writer does: write into tmp/, rename into new/."""
    for name, data in mails:
        (maildir / "tmp" / name).write_bytes(data)
        (maildir / "tmp" / name).rename(maildir / "new" / name)


def unfinished(maildir: Path, state: Path) -> bool:
    """True when a killed run had started on the work and left some of it undone."""
    if not state.exists():
        return False
    with sqlite3.connect(state) as db:
        (pending,) = db.execute(
            "SELECT COUNT(*) FROM deliveries WHERE status = 'pending'"
        ).fetchone()
        (recorded,) = db.execute("SELECT COUNT(*) FROM messages").fetchone()
    return bool(recorded) and (pending > 0 or any((maildir / "new").iterdir()))


def timed_run(command: list[str]) -> float:
    start = time.monotonic()
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    return time.monotonic() - start


def test_sigkill_at_random_points_loses_nothing_and_doubles_nothing(tmp_path: Path) -> None:
    seed = int(os.environ.get("PATCHLENS_CRASH_SEED", "20261103"))
    rng = random.Random(seed)
    corpus = build_corpus(rng)
    maildir = tmp_path / "list"
    for folder in ("new", "cur", "tmp"):
        (maildir / folder).mkdir(parents=True)
    config = tmp_path / "bot.toml"
    config.write_text(
        '[bot]\nstate = "state.sqlite"\nreply_when_clean = true\n'
        "thread_limit = 100000\nauthor_limit = 100000\n"
        '[bot.outbox]\npath = "outbox"\n',
        encoding="utf-8",
    )
    command = [sys.executable, "-m", "lint", "bot", "run", "--maildir", str(maildir)]
    command += ["--config", str(config)]
    # Start-up (imports, rulebook) is a fixed cost; kills aimed just past it land in the work.
    startup = min(timed_run(command) for _ in range(3))
    chunk = len(corpus.mails) // 10 + 1
    pending = list(corpus.mails)
    kills = mid_work = cycle = 0
    while pending or kills < MIN_KILLS:
        if cycle % 6 == 0:
            deliver(maildir, pending[:chunk])
            del pending[:chunk]
        cycle += 1
        process = subprocess.Popen(
            command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(rng.uniform(0.6 * startup, startup + 0.15))
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            kills += 1
            process.wait()
            if unfinished(maildir, tmp_path / "state.sqlite"):
                mid_work += 1
        process.wait()
        assert process.returncode in (0, -signal.SIGKILL), f"seed {seed}: bot failed"
    final = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert final.returncode == 0, final.stderr
    assert kills >= MIN_KILLS
    # The kills did land in the middle of the work, not only during start-up.
    assert mid_work >= 10, f"only {mid_work} kills left work unfinished"

    state = tmp_path / "state.sqlite"
    with sqlite3.connect(state) as db:
        recorded = dict(db.execute("SELECT message_id, status FROM messages").fetchall())
        replies = Counter(
            series for (series,) in db.execute("SELECT series_key FROM replies").fetchall()
        )
        deliveries = db.execute("SELECT status, COUNT(*) FROM deliveries GROUP BY 1").fetchall()
    # Every message is accounted for, in a final state.
    assert set(recorded) == corpus.ids, f"seed {seed}"
    assert {recorded[msgid] for msgid in corpus.replies} == {"skipped"}
    assert {recorded[msgid] for msgid in corpus.malformed} == {"failed"}
    assert "waiting" not in recorded.values()
    assert not list((maildir / "new").iterdir())
    assert len(list((maildir / "cur").iterdir())) == len(corpus.mails)
    # Exactly one reply per series: in the state and in the outbox.
    assert len(replies) == len(corpus.heads) and set(replies.values()) == {1}
    assert deliveries == [("done", len(corpus.heads))]
    answered = Counter(
        message_from_bytes(path.read_bytes())["In-Reply-To"]
        for path in (tmp_path / "outbox" / "new").iterdir()
    )
    assert answered == Counter(corpus.heads), f"seed {seed}"
