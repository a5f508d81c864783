"""Mail in: find new maildir files, read one mail from stdin, and examine each mail.

:func:`examine` turns the bytes of one mail into an :class:`~lint.bot.model.Arrival`: what the
mail is (patch, cover letter, review reply, the bot's own mail...), whether
its author opted out, and, for a patch, the findings of the rulebook with the
lines they point at. It is pure and total: a mail that is not mail becomes an
``Arrival`` with ``status = "failed"`` and the reason, so one bad message is
recorded and never stops the others.

Maildir protocol (``lei q -o maildir:DIR`` writes one): a file in ``new/`` is
unclaimed. The bot records it in the state first and only then *claims* it by
renaming it into ``cur/`` with the ``S`` (seen) flag. A crash between the two
leaves the file in ``new/``; the next run finds its Message-ID (or its file
name) already recorded and only moves it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import suppress
from email.parser import BytesHeaderParser
from email.policy import compat32
from email.utils import formataddr, getaddresses
from io import BytesIO
from pathlib import Path

from lint.bot.config import OWN_HEADER, BotConfig
from lint.bot.model import Arrival, Finding, MailKind, Status
from lint.bot.notices import merged_notice
from lint.config import DEFAULT_PART_LIMIT
from lint.errors import InputError
from lint.lazyregex import lazy_regex
from lint.record import record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from lint.checks.api import CheckContext
    from lint.engine.budget import Budget
    from lint.mail.model import DecodedMail
    from lint.rulebook.ruleset import Ruleset

_MSGID = lazy_regex(r"<[^<>\s]+>")
_LIST_ID = lazy_regex(r"<([^<>\s]+)>")


@record
class Examiner:
    """What :func:`examine` needs, passed explicitly."""

    bot: BotConfig
    ruleset: Ruleset
    context: CheckContext | None = None
    time_budget: float = 5.0
    """Seconds the work on one mail may take (:mod:`lint.engine.budget`); 0: no limit."""
    part_limit: int = DEFAULT_PART_LIMIT
    """Characters of a changelog or diff that are checked (:mod:`lint.patch.limits`); 0: all."""


def synthetic_id(data: bytes) -> str:
    """A stable Message-ID for a mail that has none: the same bytes give the same id."""
    return f"<{hashlib.sha256(data).hexdigest()[:32]}@patchlens.invalid>"


def _first_msgid(text: str) -> str:
    found = _MSGID.search(text)
    return found.group(0) if found else ""


def header_message_id(data: bytes) -> str:
    """The Message-ID of raw bytes, read leniently (for mail the decoder refuses)."""
    try:
        headers = BytesHeaderParser(policy=compat32).parse(BytesIO(data[:65536]))
        return _first_msgid(str(headers.get("Message-ID", "")))
    except Exception:  # a header parser must never stop the bot; the mail is failed anyway
        return ""


def examine(data: bytes, origin: str, examiner: Examiner) -> Arrival:
    """Examine one mail; never raises for bad input (see the module docstring)."""
    from lint.engine.budget import Budget, BudgetExceeded

    # A mail that stalls the analysis (a user's rule backtracking on it) is failed with
    # the stage it reached; the mails after it are examined as usual.
    with Budget(examiner.time_budget) as budget:
        try:
            return _examine(data, origin, examiner, budget)
        except BudgetExceeded as stopped:
            budget.stage = "recording"
            msgid = header_message_id(data) or synthetic_id(data)
            return Arrival(msgid, Status.FAILED, MailKind.STALLED, reason=str(stopped))


def _examine(data: bytes, origin: str, examiner: Examiner, budget: Budget) -> Arrival:
    from lint.mail.decode import decode
    from lint.mail.model import RawMail
    from lint.mail.sanity import check_decoded, check_raw

    raw = RawMail(data, origin)
    try:
        check_raw(raw)
        mail = decode(raw)
        check_decoded(mail)
    except InputError as err:
        msgid = header_message_id(data) or synthetic_id(data)
        return Arrival(msgid, Status.FAILED, MailKind.MALFORMED, reason=err.problem)
    try:
        return _examine_decoded(mail, data, examiner, budget)
    except InputError as err:
        msgid = _first_msgid(mail.message_id) or synthetic_id(data)
        return Arrival(msgid, Status.FAILED, MailKind.MALFORMED, reason=err.problem)
    except Exception as exc:  # a bug must cost one mail, not the bot: record it as failed
        msgid = _first_msgid(mail.message_id) or synthetic_id(data)
        return Arrival(msgid, Status.FAILED, MailKind.MALFORMED, reason=f"internal error: {exc!r}")


def _examine_decoded(mail: DecodedMail, data: bytes, examiner: Examiner, budget: Budget) -> Arrival:
    from lint.engine.rules import run
    from lint.patch.analyse import analyse

    patch = analyse(mail, examiner.part_limit)
    bot = examiner.bot
    msgid = _first_msgid(mail.message_id) or synthetic_id(data)
    recipients = tuple(
        formataddr((name, address)) if name else address
        for name, address in getaddresses([mail.header("To"), mail.header("Cc")])
        if "@" in address
    )
    subject = patch.subject
    common: dict[str, Any] = {
        "subject": mail.subject,
        "author_name": mail.author_name,
        "author_email": mail.author_email.lower(),
        "in_reply_to": _first_msgid(mail.in_reply_to),
        "references": tuple(ref for ref in mail.references if _MSGID.fullmatch(ref)),
        "recipients": recipients,
        "version": subject.version or 1,
        "part": subject.index,
        "total": subject.total,
    }
    sender = getaddresses([bot.sender])[0][1].lower()
    if mail.header(OWN_HEADER) or (sender and mail.author_email.lower() == sender):
        return Arrival(msgid, Status.SKIPPED, MailKind.OWN, reason="sent by this bot", **common)
    # Before the reply test: an "Applied, thanks!" is a reply, but worth telling apart.
    notice = merged_notice(mail, subject.reply)
    if notice is not None:
        return Arrival(msgid, Status.SKIPPED, notice.kind, reason=notice.reason, **common)
    if subject.reply:
        return Arrival(
            msgid, Status.SKIPPED, MailKind.REPLY, reason="a reply, not a patch", **common
        )
    automated = _auto_submitted(mail)
    if automated:
        return Arrival(msgid, Status.SKIPPED, MailKind.AUTOMATED, reason=automated, **common)
    optout = _opted_out(mail, recipients, bot)
    if optout:
        return Arrival(msgid, Status.SKIPPED, MailKind.OPTED_OUT, reason=optout, **common)
    if subject.is_cover_letter:
        return Arrival(msgid, Status.ACCEPTED, MailKind.COVER, **common)
    if not patch.has_diff:
        return Arrival(msgid, Status.SKIPPED, MailKind.NOT_PATCH, reason="no diff", **common)
    diagnostics = run(patch, examiner.ruleset, examiner.context, budget)
    findings = tuple(
        Finding(
            rule=d.rule,
            severity=d.severity.label,
            message=d.message,
            line=d.location.line,
            part=d.location.part,
            quote=patch.line_text(d.location.line),
        )
        for d in diagnostics
    )
    from lint.bot.reply import changelog_advice

    advice = changelog_advice(patch, diagnostics, examiner.ruleset)
    return Arrival(
        msgid, Status.ACCEPTED, MailKind.PATCH, findings=findings, advice=advice, **common
    )


def _auto_submitted(mail: DecodedMail) -> str:
    """Why a program's mail is not answered, or ``""``: RFC 3834 asks an automatic
    responder, as this bot is, never to answer mail marked ``Auto-Submitted:`` with
    anything but ``no`` (CI reports, out-of-office replies, other bots)."""
    value = mail.header("Auto-Submitted").strip()
    keyword = value.split(";", 1)[0].strip().lower()
    if not keyword or keyword == "no":
        return ""
    return f"Auto-Submitted: {keyword}: written by a program, not answered (RFC 3834)"


def _opted_out(mail: DecodedMail, recipients: tuple[str, ...], bot: BotConfig) -> str:
    """Why this mail must not be answered, or ``""``."""
    flag = mail.header(bot.opt_out_header).strip().lower()
    if flag and flag not in ("no", "false", "0"):
        return f"{bot.opt_out_header} header"
    if mail.author_email.lower() in bot.opt_out:
        return "author opted out"
    for _, address in getaddresses(list(recipients)):
        if address.lower() in bot.opt_out:
            return f"list {address} opted out"
    list_id = _LIST_ID.search(mail.header("List-Id"))
    if list_id and list_id.group(1).lower() in bot.opt_out:
        return f"list {list_id.group(1)} opted out"
    return ""


# --- sources --------------------------------------------------------------------------


def new_mail(maildir: Path) -> list[Path]:
    """Unclaimed files of ``maildir/new`` in delivery order (dotfiles are not mail)."""
    from lint.sources.inputs import natural_key

    folder = maildir / "new"
    try:
        entries = [entry for entry in folder.iterdir() if not entry.name.startswith(".")]
    except FileNotFoundError:
        return []
    return sorted(entries, key=lambda entry: natural_key(entry.name))


def read_new_mail(path: Path) -> bytes | Arrival | None:
    """A maildir file's mail, a failed Arrival if it is not mail, ``None`` if it vanished."""
    try:
        return read_mail_file(path)
    except FileNotFoundError:
        return None  # claimed by another run meanwhile
    except (InputError, OSError) as err:
        try:
            raw = path.read_bytes()
        except OSError:
            return None
        problem = err.problem if isinstance(err, InputError) else str(err)
        msgid = header_message_id(raw) or synthetic_id(raw)
        return Arrival(msgid, Status.FAILED, MailKind.MALFORMED, reason=problem)


def read_mail_file(path: Path) -> bytes:
    """The message in a maildir file (an mbox ``From `` line, if any, dropped).

    Raises :class:`InputError` for a file that is empty or is not mail; the
    caller records that as a failed mail.
    """
    from lint.sources.mbox import split_stream

    with path.open("rb") as stream:
        for message in split_stream(stream, str(path), split=False):
            return message.data
    raise InputError(str(path), "empty input")


def claim(path: Path, maildir: Path) -> None:
    """Move a recorded file from ``new/`` to ``cur/`` and mark it seen (idempotent)."""
    name = path.name if ":2," in path.name else f"{path.name}:2,S"
    target = maildir / "cur" / name
    target.parent.mkdir(exist_ok=True)
    with suppress(FileNotFoundError):  # claimed already (another run finished the move)
        path.replace(target)


def ensure_maildir(maildir: Path) -> None:
    """Create ``cur/``, ``new/`` and ``tmp/`` if missing (lei creates them on first write)."""
    for folder in ("cur", "new", "tmp"):
        (maildir / folder).mkdir(parents=True, exist_ok=True)


def stdin_mail(stream: object) -> Iterator[bytes]:
    """The one raw message piped in (korgalore's pipe target, procmail ``|``)."""
    from typing import BinaryIO, cast

    data = cast(BinaryIO, stream).read()
    if data.startswith(b"From "):
        # An mbox separator from procmail or formail: not part of the message.
        data = data.split(b"\n", 1)[1] if b"\n" in data else b""
    yield data
