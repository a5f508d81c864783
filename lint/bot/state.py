"""The bot's memory: one SQLite file in WAL mode.

Every guarantee of the bot is a constraint or a transaction here:

- ``messages`` has the Message-ID as primary key, so a mail seen twice (a
  restart, a cross-post, the same file claimed twice) is recorded once;
  ``sources`` remembers maildir file names so a file recorded but not yet
  moved to ``cur/`` when the bot died is only moved on the next run.
- ``replies`` has ``UNIQUE(series_key)``: a second reply to a series cannot
  be stored, whatever crashes or races happen. A reply is composed and
  committed *before* any delivery is attempted.
- ``deliveries`` holds one row per reply and channel (per patch for
  patchwork), with attempts, the next attempt time (exponential backoff) and
  a lease, so two bot processes never deliver the same row at once and a
  killed process's lease simply runs out.

Writers use ``BEGIN IMMEDIATE`` so two processes (procmail may start several
``bot run --stdin``) serialise instead of failing half-way.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from lint.bot.model import Arrival, Finding, MailKind, Status
from lint.bot.series import Placement
from lint.record import asdict, record

SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (
    message_id TEXT PRIMARY KEY,
    status     TEXT NOT NULL,      -- waiting | replied | closed | skipped | failed
    kind       TEXT NOT NULL,
    reason     TEXT NOT NULL DEFAULT '',
    received   REAL NOT NULL,
    series_key TEXT,
    part       INTEGER,
    arrival    TEXT NOT NULL       -- the Arrival as JSON
);
CREATE INDEX IF NOT EXISTS messages_series ON messages(series_key);
-- No index on status: SQLite would pick it over messages_series for
-- 'series_key = ? AND status = ?' and scan every waiting mail (quadratic).
DROP INDEX IF EXISTS messages_status;
CREATE TABLE IF NOT EXISTS sources (
    name       TEXT PRIMARY KEY,   -- maildir file name (without the :2, flags)
    message_id TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS series (
    key        TEXT PRIMARY KEY,
    status     TEXT NOT NULL,      -- open | answered | closed
    outcome    TEXT NOT NULL DEFAULT '',
    total      INTEGER NOT NULL,
    parts_seen INTEGER NOT NULL DEFAULT 0,
    first_seen REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS series_open ON series(status, first_seen);
CREATE TABLE IF NOT EXISTS replies (
    id         INTEGER PRIMARY KEY,
    series_key TEXT NOT NULL UNIQUE,
    message_id TEXT NOT NULL,
    created    REAL NOT NULL,
    thread     TEXT NOT NULL,
    author     TEXT NOT NULL,
    mailed     INTEGER NOT NULL,   -- 1 if a mail goes out (not clean, not rate-limited)
    verdict    TEXT NOT NULL,
    mail       BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS replies_thread ON replies(thread, created);
CREATE INDEX IF NOT EXISTS replies_author ON replies(author, created);
CREATE TABLE IF NOT EXISTS deliveries (
    reply_id     INTEGER NOT NULL REFERENCES replies(id),
    channel      TEXT NOT NULL,    -- outbox | smtp | patchwork | print
    target       TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL,    -- pending | done | failed
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_attempt REAL NOT NULL,
    lease        REAL NOT NULL DEFAULT 0,
    last_error   TEXT NOT NULL DEFAULT '',
    payload      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (reply_id, channel, target)
);
CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries(status, next_attempt);
"""


@record
class Delivery:
    """One delivery row, with the reply mail it carries."""

    reply_id: int
    channel: str
    target: str
    attempts: int
    payload: str
    mail: bytes
    reply_message_id: str


@record
class NewReply:
    """A composed reply, ready to be stored with its deliveries."""

    message_id: str
    thread: str
    author: str
    mailed: bool
    verdict: str
    mail: bytes
    deliveries: tuple[tuple[str, str, str], ...]
    """``(channel, target, payload)`` for each delivery to make."""
    outcome: str = ""


def arrival_to_json(arrival: Arrival) -> str:
    """Store an :class:`Arrival` as JSON (its fields are plain data)."""
    return json.dumps(asdict(arrival), separators=(",", ":"), ensure_ascii=False)


def arrival_from_json(text: str) -> Arrival:
    """The inverse of :func:`arrival_to_json`."""
    data = json.loads(text)
    data["references"] = tuple(data["references"])
    data["recipients"] = tuple(data["recipients"])
    data["findings"] = tuple(Finding(**item) for item in data["findings"])
    data["status"], data["kind"] = Status(data["status"]), MailKind(data["kind"])
    return Arrival(**data)


class BotState:
    """An open state file. Not shared between threads; one per process."""

    def __init__(self, path: Path, *, durable: bool = True) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: transactions are explicit (BEGIN IMMEDIATE below).
        self.db = sqlite3.connect(path, timeout=60.0, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        # FULL: a commit survives power loss, so "recorded, then claimed" holds on disk too.
        self.db.execute(f"PRAGMA synchronous={'FULL' if durable else 'NORMAL'}")
        self.db.execute("PRAGMA busy_timeout=60000")
        with self.transaction():
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    self.db.execute(statement)

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """``BEGIN IMMEDIATE`` ... ``COMMIT``; rolled back on any exception."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # --- intake -------------------------------------------------------------------------

    def known_sources(self, names: Sequence[str]) -> set[str]:
        """Which of these maildir file names are recorded already."""
        found: set[str] = set()
        for name in names:
            row = self.db.execute("SELECT 1 FROM sources WHERE name = ?", (name,)).fetchone()
            if row:
                found.add(name)
        return found

    def record(self, batch: Sequence[tuple[str, Arrival, Placement]], now: float) -> list[str]:
        """Record ``(source, arrival, placement)`` items in one transaction.

        ``source`` is a maildir file name or ``""``. Returns how each mail was
        taken: ``new``, ``duplicate`` or ``late`` (its series was answered).
        """
        taken: list[str] = []
        with self.transaction() as db:
            for source, arrival, place in batch:
                if source:
                    db.execute(
                        "INSERT OR IGNORE INTO sources (name, message_id) VALUES (?, ?)",
                        (source, arrival.message_id),
                    )
                taken.append(self._record_one(db, arrival, place, now))
        return taken

    def _record_one(
        self, db: sqlite3.Connection, arrival: Arrival, place: Placement, now: float
    ) -> str:
        key, total = place.key, place.total
        exists = db.execute(
            "SELECT 1 FROM messages WHERE message_id = ?", (arrival.message_id,)
        ).fetchone()
        if exists:
            return "duplicate"
        # The message's state in the file: the arrival's status, or where its series is.
        status: str = arrival.status
        reason, series = arrival.reason, None
        if arrival.status is Status.ACCEPTED:
            series = key
            db.execute(
                "INSERT OR IGNORE INTO series (key, status, total, first_seen) "
                "VALUES (?, 'open', ?, ?)",
                (key, total, now),
            )
            (series_status,) = db.execute(
                "SELECT status FROM series WHERE key = ?", (key,)
            ).fetchone()
            if series_status == "open":
                status = "waiting"
            else:
                status, reason = "closed", "arrived after its series was answered"
        db.execute(
            "INSERT INTO messages (message_id, status, kind, reason, received, series_key, "
            "part, arrival) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                arrival.message_id,
                status,
                arrival.kind,
                reason,
                now,
                series,
                place.part if series else None,
                arrival_to_json(arrival),
            ),
        )
        if status == "waiting" and arrival.kind is MailKind.PATCH:
            db.execute(
                "UPDATE series SET parts_seen = (SELECT COUNT(DISTINCT part) "
                "FROM messages WHERE series_key = ?1 AND kind = 'patch' "
                "AND part BETWEEN 1 AND series.total) WHERE key = ?1",
                (key,),
            )
        return "late" if status == "closed" else "new"

    # --- series ---------------------------------------------------------------------------

    def ready_series(self, now: float, grace: float) -> list[str]:
        """Open series that are complete or whose grace period ran out, oldest first."""
        rows = self.db.execute(
            "SELECT key FROM series WHERE status = 'open' "
            "AND (parts_seen >= total OR first_seen <= ?) ORDER BY first_seen, key",
            (now - grace,),
        ).fetchall()
        return [key for (key,) in rows]

    def open_series(self, db: sqlite3.Connection, key: str) -> tuple[int, float] | None:
        """``(total, first_seen)`` of an open series, ``None`` once it is answered."""
        row = db.execute(
            "SELECT total, first_seen FROM series WHERE key = ? AND status = 'open'", (key,)
        ).fetchone()
        return (int(row[0]), float(row[1])) if row else None

    def members(self, db: sqlite3.Connection, key: str) -> list[Arrival]:
        """The recorded mails of a series, in arrival order."""
        rows = db.execute(
            "SELECT arrival FROM messages WHERE series_key = ? ORDER BY received, rowid", (key,)
        ).fetchall()
        return [arrival_from_json(text) for (text,) in rows]

    def recent_mailed(self, db: sqlite3.Connection, column: str, value: str, since: float) -> int:
        """Replies mailed since ``since`` in one thread (``column='thread'``) or to one author."""
        assert column in ("thread", "author")
        (count,) = db.execute(
            f"SELECT COUNT(*) FROM replies WHERE {column} = ? AND mailed = 1 AND created >= ?",
            (value, since),
        ).fetchone()
        return int(count)

    def close_series(self, db: sqlite3.Connection, key: str, outcome: str) -> None:
        """Close a series without a reply (every member opted out, no patch...)."""
        db.execute("UPDATE series SET status = 'closed', outcome = ? WHERE key = ?", (outcome, key))
        db.execute(
            "UPDATE messages SET status = 'closed', reason = ? WHERE series_key = ?",
            (outcome, key),
        )

    def add_reply(self, db: sqlite3.Connection, key: str, reply: NewReply, now: float) -> int:
        """Store the reply of a series and its deliveries; the UNIQUE key forbids a second."""
        cursor = db.execute(
            "INSERT INTO replies (series_key, message_id, created, thread, author, mailed, "
            "verdict, mail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                key,
                reply.message_id,
                now,
                reply.thread,
                reply.author,
                int(reply.mailed),
                reply.verdict,
                reply.mail,
            ),
        )
        reply_id = int(cursor.lastrowid or 0)
        db.executemany(
            "INSERT INTO deliveries (reply_id, channel, target, status, next_attempt, payload) "
            "VALUES (?, ?, ?, 'pending', ?, ?)",
            [
                (reply_id, channel, target, now, payload)
                for channel, target, payload in reply.deliveries
            ],
        )
        db.execute(
            "UPDATE series SET status = 'answered', outcome = ? WHERE key = ?",
            (reply.outcome, key),
        )
        db.execute(
            "UPDATE messages SET status = 'replied' WHERE series_key = ? AND status = 'waiting'",
            (key,),
        )
        return reply_id

    # --- delivery -----------------------------------------------------------------------

    def due_deliveries(self, now: float, limit: int = 100) -> list[Delivery]:
        """Pending deliveries whose time has come and that nobody holds a lease on."""
        rows = self.db.execute(
            "SELECT d.reply_id, d.channel, d.target, d.attempts, d.payload, r.mail, "
            "r.message_id FROM deliveries d JOIN replies r ON r.id = d.reply_id "
            "WHERE d.status = 'pending' AND d.next_attempt <= ? AND d.lease <= ? "
            "ORDER BY d.next_attempt, d.reply_id LIMIT ?",
            (now, now, limit),
        ).fetchall()
        return [Delivery(r[0], r[1], r[2], r[3], r[4], bytes(r[5]), r[6]) for r in rows]

    def take_lease(self, item: Delivery, now: float, seconds: float) -> bool:
        """Hold ``item`` for ``seconds``; False if another process holds it or it is done."""
        with self.transaction() as db:
            cursor = db.execute(
                "UPDATE deliveries SET lease = ? WHERE reply_id = ? AND channel = ? "
                "AND target = ? AND status = 'pending' AND lease <= ?",
                (now + seconds, item.reply_id, item.channel, item.target, now),
            )
            return cursor.rowcount == 1

    def delivered(self, items: Sequence[Delivery]) -> None:
        """Mark deliveries done, in one transaction."""
        with self.transaction() as db:
            db.executemany(
                "UPDATE deliveries SET status = 'done', attempts = attempts + 1, lease = 0, "
                "last_error = '' WHERE reply_id = ? AND channel = ? AND target = ?",
                [(item.reply_id, item.channel, item.target) for item in items],
            )

    def failed_attempt(self, item: Delivery, error: str, retry_at: float | None) -> None:
        """Record a failed attempt: retry at ``retry_at``, or give up when it is ``None``."""
        with self.transaction() as db:
            db.execute(
                "UPDATE deliveries SET status = ?, attempts = attempts + 1, lease = 0, "
                "last_error = ?, next_attempt = COALESCE(?, next_attempt) "
                "WHERE reply_id = ? AND channel = ? AND target = ?",
                (
                    "pending" if retry_at is not None else "failed",
                    error[:500],
                    retry_at,
                    item.reply_id,
                    item.channel,
                    item.target,
                ),
            )

    def next_series_deadline(self, now: float, grace: float) -> float | None:
        """When the next open series' grace period runs out (one that has not yet), or
        ``None``: the watch wakes then to answer it incomplete."""
        (first,) = self.db.execute(
            "SELECT MIN(first_seen) FROM series WHERE status = 'open' AND first_seen > ?",
            (now - grace,),
        ).fetchone()
        return float(first) + grace if first is not None else None

    def next_delivery_time(self) -> float | None:
        """When the earliest pending delivery is due, or ``None``."""
        (when,) = self.db.execute(
            "SELECT MIN(MAX(next_attempt, lease)) FROM deliveries WHERE status = 'pending'"
        ).fetchone()
        return float(when) if when is not None else None
