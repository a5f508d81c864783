"""What ``patchlens bot status`` shows: mails, series and deliveries counted by state,
the last errors and the depth of the queue, read from the state file.
"""

from __future__ import annotations

from lint.record import record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from lint.bot.state import BotState


@record
class StatusReport:
    """What ``patchlens bot status`` shows."""

    messages: tuple[tuple[str, int], ...]
    """Mails per status (waiting, replied, closed, skipped, failed)."""
    kinds: tuple[tuple[str, int], ...]
    series: tuple[tuple[str, int], ...]
    deliveries: tuple[tuple[str, str, int], ...]
    """``(channel, status, count)``."""
    replies: int
    """Replies mailed (or waiting to be): a clean or rate-limited verdict is not one."""
    unmailed: int
    """Series judged without a mail: clean (nothing to say) or held back by a rate limit."""
    open_series: int
    pending_deliveries: int
    failed_messages: tuple[tuple[str, str], ...]
    """The most recent failed mails: ``(message_id, reason)``."""
    delivery_errors: tuple[tuple[str, str, str], ...]
    """The most recent delivery errors: ``(reply message_id, channel, error)``, each error
    on one line and saying whether it will be retried."""


def status_report(state: BotState, last: int = 10) -> StatusReport:
    """Counts by state, the last errors and the queue depth."""
    db = state.db

    def pairs(sql: str) -> tuple[tuple[str, int], ...]:
        return tuple((str(a), int(b)) for a, b in db.execute(sql).fetchall())

    deliveries = tuple(
        (str(a), str(b), int(c))
        for a, b, c in db.execute(
            "SELECT channel, status, COUNT(*) FROM deliveries GROUP BY 1, 2 ORDER BY 1, 2"
        ).fetchall()
    )
    failed = tuple(
        (str(a), str(b))
        for a, b in db.execute(
            "SELECT message_id, reason FROM messages WHERE status = 'failed' "
            "ORDER BY received DESC, rowid DESC LIMIT ?",
            (last,),
        ).fetchall()
    )
    # One line each: an error may quote a server's reply, which can hold line breaks.
    errors = tuple(
        (str(a), str(b), " ".join(str(c).split()))
        for a, b, c in db.execute(
            "SELECT r.message_id, d.channel, d.last_error FROM deliveries d "
            "JOIN replies r ON r.id = d.reply_id WHERE d.last_error != '' "
            "ORDER BY r.created DESC LIMIT ?",
            (last,),
        ).fetchall()
    )
    (replies,) = db.execute("SELECT COUNT(*) FROM replies WHERE mailed = 1").fetchone()
    (unmailed,) = db.execute("SELECT COUNT(*) FROM replies WHERE mailed = 0").fetchone()
    (open_series,) = db.execute("SELECT COUNT(*) FROM series WHERE status = 'open'").fetchone()
    (pending,) = db.execute("SELECT COUNT(*) FROM deliveries WHERE status = 'pending'").fetchone()
    return StatusReport(
        messages=pairs("SELECT status, COUNT(*) FROM messages GROUP BY 1 ORDER BY 1"),
        kinds=pairs("SELECT kind, COUNT(*) FROM messages GROUP BY 1 ORDER BY 1"),
        series=pairs("SELECT status, COUNT(*) FROM series GROUP BY 1 ORDER BY 1"),
        deliveries=deliveries,
        replies=int(replies),
        unmailed=int(unmailed),
        open_series=int(open_series),
        pending_deliveries=int(pending),
        failed_messages=failed,
        delivery_errors=errors,
    )
