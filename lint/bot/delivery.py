"""Getting a committed reply out: outbox maildir, SMTP, patchwork checks.

Each channel is a function ``deliver(...) -> Outcome``. None raises for a
delivery problem: the outcome says whether it worked, and if not whether a
retry can help (a refused connection can, a 403 cannot). The loop in
:mod:`lint.bot.run` records the outcome and schedules retries with backoff.

Exactly once, where it can be had:

- The outbox file is named after the reply and written to ``tmp/`` then
  renamed into ``new/``: a crash before the rename leaves nothing, a crash
  after it leaves one file, and a retry that finds the file does nothing.
- SMTP and HTTP cannot promise that (the server may accept and the bot die
  before it records it); the reply's Message-ID is fixed by its series, so a
  rare duplicate is recognisable, and patchwork keeps the latest check per
  context anyway.

Secrets: the SMTP password and the patchwork token go to the server and
nowhere else; error texts are built from status codes and server replies,
never from the request.
"""

from __future__ import annotations

import json
import os
from email.parser import BytesHeaderParser
from email.utils import getaddresses
from io import BytesIO
from pathlib import Path
from urllib.parse import quote

from lint.bot.config import PatchworkConfig, SmtpConfig
from lint.record import record


@record
class Outcome:
    """How one delivery attempt went."""

    ok: bool
    error: str = ""
    permanent: bool = False
    """True when retrying cannot help (bad recipient, forbidden, bad request)."""


def outbox_name(reply_message_id: str) -> str:
    """The outbox file name of a reply: fixed by its Message-ID."""
    import hashlib

    return "patchlens-" + hashlib.sha256(reply_message_id.encode()).hexdigest()[:32]


def deliver_outbox(
    outbox: Path, reply_message_id: str, mail: bytes, *, durable: bool = True
) -> Outcome:
    """Put ``mail`` into the outbox maildir, once (fsynced first when ``durable``)."""
    name = outbox_name(reply_message_id)
    try:
        for folder in ("tmp", "new", "cur"):
            (outbox / folder).mkdir(parents=True, exist_ok=True)
        final = outbox / "new" / name
        if final.exists() or any((outbox / "cur").glob(f"{name}:2,*")):
            return Outcome(ok=True)
        staging = outbox / "tmp" / f"{name}.{os.getpid()}"
        with staging.open("wb") as handle:
            handle.write(mail)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        staging.replace(final)
    except OSError as exc:
        return Outcome(ok=False, error=f"outbox {outbox}: {exc.strerror or exc}")
    return Outcome(ok=True)


def recipients(mail: bytes) -> list[str]:
    """Envelope recipients of a reply: its To and Cc addresses."""
    headers = BytesHeaderParser().parse(BytesIO(mail))
    fields = [str(value) for name in ("To", "Cc") for value in headers.get_all(name, [])]
    return [address for _, address in getaddresses(fields) if address]


def deliver_smtp(smtp: SmtpConfig, sender: str, mail: bytes) -> Outcome:
    """Submit ``mail`` over SMTP (STARTTLS and AUTH when configured)."""
    import smtplib
    import ssl

    envelope_from = getaddresses([sender])[0][1]
    to = recipients(mail)
    if not to:
        return Outcome(ok=False, error="reply has no recipients", permanent=True)
    # SMTP wants CRLF line ends; the stored mail has LF.
    wire = mail.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    try:
        with smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout) as client:
            client.ehlo()
            if smtp.starttls:
                client.starttls(context=ssl.create_default_context(cafile=smtp.ca_file))
                client.ehlo()
            if smtp.username:
                client.login(smtp.username, smtp.password)
            refused = client.sendmail(envelope_from, to, wire)
    except smtplib.SMTPAuthenticationError as exc:
        return Outcome(ok=False, error=f"SMTP authentication failed ({exc.smtp_code})")
    except smtplib.SMTPRecipientsRefused as exc:
        return Outcome(ok=False, error=f"SMTP refused {sorted(exc.recipients)}", permanent=True)
    except smtplib.SMTPResponseException as exc:
        # 5xx is a permanent refusal, 4xx a temporary one (RFC 5321 section 4.2.1).
        reply = exc.smtp_error
        text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
        return Outcome(
            ok=False, error=f"SMTP {exc.smtp_code} {text}".strip(), permanent=exc.smtp_code >= 500
        )
    except (smtplib.SMTPException, OSError) as exc:
        return Outcome(ok=False, error=f"SMTP {smtp.host}:{smtp.port}: {type(exc).__name__}: {exc}")
    if refused:
        return Outcome(ok=False, error=f"SMTP refused {sorted(refused)}", permanent=True)
    return Outcome(ok=True)


def _http(
    url: str, token: str, timeout: float, body: dict[str, str] | None = None
) -> tuple[int, bytes]:
    """One HTTP request; returns ``(status, body)``; network errors raise ``OSError``."""
    import urllib.error
    import urllib.request

    data = json.dumps(body).encode("utf-8") if body is not None else None
    request = urllib.request.Request(url, data=data, method="POST" if data else "GET")
    request.add_header("Accept", "application/json")
    request.add_header("Authorization", f"Token {token}")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return int(response.status), bytes(response.read())
    except urllib.error.HTTPError as exc:
        return int(exc.code), exc.read() if exc.fp is not None else b""


def target_url(template: str, msgid: str) -> str:
    """The check's link for ``msgid``. A template ending in ``{msgid}`` names a page of
    the bot's explainer site (``[bot] site``), whose address for any Message-ID
    :func:`lint.explain.site.page_url` knows (the bare id, or a hashed name for an id
    that cannot be a folder name); elsewhere ``{msgid}`` is the bare id."""
    if template.endswith("{msgid}") and template.count("{msgid}") == 1:
        from lint.explain.site import page_url

        return page_url(template[: -len("{msgid}")], msgid).rstrip("/")
    return template.replace("{msgid}", quote(msgid.strip("<>"), safe="@"))


def check_body(
    patchwork: PatchworkConfig, msgid: str, state: str, description: str
) -> dict[str, str]:
    """The JSON body of a patchwork check (``target_url`` only when it fits 200 chars)."""
    body = {"state": state, "context": patchwork.context, "description": description}
    if patchwork.target_url:
        target = target_url(patchwork.target_url, msgid)
        if len(target) <= 200:
            body["target_url"] = target
    return body


@record
class PatchworkPatch:
    """A patch as Patchwork's Message-ID lookup names it."""

    id: int
    project: str
    """Its project, for messages: ``'x86' (list-id x86.kernel.org)``."""


def deliver_patchwork(patchwork: PatchworkConfig, msgid: str, payload: str) -> Outcome:
    """Post a check for the patch with Message-ID ``msgid``.

    Patchwork names patches by number: the bot looks the Message-ID up first
    (``GET /api/patches/?msgid=``). A patch Patchwork has not parsed yet is a
    temporary failure, retried like a 5xx by the delivery loop.
    """
    check = json.loads(payload)
    base = patchwork.url
    try:
        found = find_patch(patchwork, msgid)
        if isinstance(found, Outcome):
            return found
        body = check_body(patchwork, msgid, check["state"], check["description"])
        status, answer = _http(
            f"{base}/api/patches/{found.id}/checks/", patchwork.token, patchwork.timeout, body
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return Outcome(ok=False, error=f"patchwork {base}: {type(exc).__name__}: {exc}")
    if status == 201:
        return Outcome(ok=True)
    return check_refused(patchwork, msgid, found, status, answer)


def find_patch(patchwork: PatchworkConfig, msgid: str) -> PatchworkPatch | Outcome:
    """The patch Patchwork filed ``msgid`` under, in the configured project if one is set,
    or the failed :class:`Outcome` saying why there is none."""
    bare = quote(msgid.strip("<>"), safe="@")
    status, answer = _http(
        f"{patchwork.url}/api/patches/?msgid={bare}", patchwork.token, patchwork.timeout
    )
    if status != 200:
        return lookup_refused(patchwork, status, answer)
    listed = json.loads(answer or b"[]")
    patches = [patch for patch in listed if _in_project(patch, patchwork.project)]
    if not patches:
        return Outcome(ok=False, error=_not_parsed(msgid, listed, patchwork))
    return PatchworkPatch(int(patches[0]["id"]), _project_name(patches[0], patchwork))


def _not_parsed(msgid: str, listed: list[dict[str, object]], patchwork: PatchworkConfig) -> str:
    """Say that Patchwork has not parsed the mail (yet), and where it did file it."""
    if not patchwork.project:
        return f"patchwork has no patch {msgid} yet: Patchwork has not parsed that mail yet"
    elsewhere = sorted({_project_name(patch, patchwork) for patch in listed})
    filed = f" (it has it in {', '.join(elsewhere)})" if elsewhere else ""
    return (
        f"patchwork has no patch {msgid} in project {patchwork.project!r} yet: Patchwork "
        f"has not parsed that mail for this project yet{filed}"
    )


def _in_project(patch: dict[str, object], project: str) -> bool:
    """Whether a looked-up patch is in ``project`` (a link name or a list-id; empty: any)."""
    if not project:
        return True
    about = patch.get("project")
    if not isinstance(about, dict):
        return False
    return project in (about.get("link_name"), about.get("list_id"))


def _project_name(patch: dict[str, object], patchwork: PatchworkConfig) -> str:
    """The patch's project as Patchwork names it, else as the config does."""
    about = patch.get("project")
    if isinstance(about, dict) and about.get("link_name"):
        return f"{about['link_name']!r} (list-id {about.get('list_id') or 'unknown'})"
    return repr(patchwork.project) if patchwork.project else "of that patch"


def lookup_refused(patchwork: PatchworkConfig, status: int, answer: bytes) -> Outcome:
    """Why the Message-ID lookup failed, said so that an operator knows what to change."""
    said = _detail(status, answer)
    if status in (401, 403):
        # Patchwork answers a token it does not know with 403 "Invalid token.", even on
        # the lookup, which needs no login at all.
        return Outcome(
            ok=False,
            error=f"patchwork refused the token ({said}): check the token of [bot.patchwork]",
            permanent=True,
        )
    if status == 404:
        return Outcome(
            ok=False,
            error=f"patchwork patch lookup: {said}: {patchwork.url}/api/patches/ does not exist; "
            "is [bot.patchwork] url the base URL of a Patchwork with its REST API on?",
            permanent=True,
        )
    return _http_outcome("patch lookup", said, status)


def check_refused(
    patchwork: PatchworkConfig, msgid: str, patch: PatchworkPatch, status: int, answer: bytes
) -> Outcome:
    """Why Patchwork did not take the check, said so that an operator knows what to do."""
    said = _detail(status, answer)
    if status == 403:
        return Outcome(
            ok=False,
            error=f"patchwork refused the check for {msgid} ({said}): the token's user must "
            f"be a maintainer of project {patch.project} in Patchwork",
            permanent=True,
        )
    if status == 404:
        # Found a moment ago: deleted since, or the lookup and the post reached
        # different servers. The next attempt looks it up again.
        return Outcome(
            ok=False, error=f"patchwork has no patch {patch.id} ({msgid}) any more ({said})"
        )
    return _http_outcome("check", said, status)


def _detail(status: int, answer: bytes) -> str:
    """``HTTP 403: <Patchwork's detail>``: the status and what the server said, one line."""
    try:
        said = json.loads(answer)
    except ValueError:
        return f"HTTP {status}"
    text = said.get("detail", "") if isinstance(said, dict) else ""
    if not text and isinstance(said, dict):
        text = "; ".join(f"{key}: {value}" for key, value in said.items())
    text = " ".join(str(text).split())[:200]
    return f"HTTP {status}: {text}" if text else f"HTTP {status}"


def _http_outcome(what: str, said: str, status: int) -> Outcome:
    # 5xx and 429 are the server's trouble and pass; other 4xx mean our request is wrong.
    retry = status >= 500 or status == 429
    return Outcome(ok=False, error=f"patchwork {what}: {said}", permanent=not retry)


def backoff(attempts: int, base: float, ceiling: float) -> float:
    """Seconds to wait after ``attempts`` failed attempts: doubling, capped."""
    return float(min(base * (2 ** max(attempts - 1, 0)), ceiling))


def retry_note(outcome: Outcome, attempts: int, delay: float | None) -> str:
    """What the delivery loop does next, appended to the error ``bot status`` shows: an
    operator reading it knows whether to wait or to act."""
    if delay is not None:
        return f"; will retry in {delay:g} s (attempt {attempts} failed)"
    if outcome.permanent:
        return "; not retried"
    return f"; gave up after {attempts} attempts"
