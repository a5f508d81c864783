"""Series assembly: which mails belong together, and when a series is ready to answer.

git send-email threads a series under its first mail: the cover letter
(``[PATCH v2 0/3]``) or, without one, patch ``1/3``. Every later mail of the
series carries that first mail (or, when the series itself answers an earlier
version, the root of *that* thread) as the first entry of ``References:``. So
the mails of one series share four facts that each mail carries itself:

- the thread root (first ``References:`` entry, else the mail's own Message-ID),
- the version (``v2``),
- the number of patches (``/3``),
- the author.

Keying on those lets parts arrive in any order, across runs, without the bot
having to see the head first. A v2 posted in reply to v1 shares v1's root but
not its version, so it is a series of its own and gets its own reply. A patch
without ``N/M`` is a series of one.

A series is *ready* when patches ``1..N`` have all arrived, or when its grace
period has run out; then what arrived is linted and the reply names what is
missing. These functions are pure; :mod:`lint.bot.state` stores their answers.
"""

from __future__ import annotations

from collections.abc import Sequence

from lint.bot.model import Arrival, MailKind
from lint.record import record


@record
class Placement:
    """Where a mail sits: its series, the series' size, and its patch number there."""

    key: str
    total: int
    part: int
    """1-based patch number within the series (0 for a cover letter)."""


def _alone(arrival: Arrival, reply_per: str) -> bool:
    return reply_per == "patch" or arrival.total is None or arrival.part is None


def placement(arrival: Arrival, reply_per: str) -> Placement:
    """The series of ``arrival`` (see the module docstring), its size, and the mail's place."""
    if _alone(arrival, reply_per):
        return Placement(
            f"mail {arrival.message_id}", 1, 0 if arrival.kind is MailKind.COVER else 1
        )
    key = f"series {arrival.thread} v{arrival.version} n{arrival.total} {arrival.author_email}"
    return Placement(key, max(arrival.total or 1, 1), arrival.part or 0)


def series_key(arrival: Arrival, reply_per: str) -> str:
    """The key of the series ``arrival`` belongs to."""
    return placement(arrival, reply_per).key


@record
class Readiness:
    """Whether a series can be answered now, and what it lacks."""

    ready: bool
    missing: tuple[int, ...] = ()
    """Patch numbers (1-based) that had not arrived; empty when complete."""
    expired: bool = False
    """True when the grace period ran out before the series was complete."""


def assess(
    parts: Sequence[int], total: int, first_seen: float, now: float, grace: float
) -> Readiness:
    """Readiness of a series whose patches ``parts`` (numbers) have arrived.

    ``parts`` holds patch numbers; a lone patch (no ``N/M``) counts as part 1.
    """
    missing = tuple(number for number in range(1, total + 1) if number not in set(parts))
    if not missing:
        return Readiness(ready=True)
    if now - first_seen >= grace:
        return Readiness(ready=True, missing=missing, expired=True)
    return Readiness(ready=False, missing=missing)


def part_number(arrival: Arrival) -> int:
    """The patch number a mail carries in its subject (lone patches are 1)."""
    return arrival.part if arrival.part is not None else 1


def head(members: Sequence[Arrival]) -> Arrival:
    """The mail a reply answers: the cover letter, else the lowest-numbered patch."""
    covers = [member for member in members if member.kind is MailKind.COVER]
    if covers:
        return covers[0]
    return min(members, key=part_number)


def describe_missing(missing: Sequence[int], total: int) -> str:
    """``"patches 2/5 and 4/5"``: the parts that never arrived, for the reply."""
    names = [f"{number}/{total}" for number in missing]
    if len(names) == 1:
        return f"patch {names[0]}"
    return "patches " + ", ".join(names[:-1]) + " and " + names[-1]
