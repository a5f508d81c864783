"""Reply composition: one plain-text mail per series, the way list bots write them.

The kernel test robot's conventions: ``Subject: Re: <original>``,
``In-Reply-To``/``References`` pointing at the patch or cover letter, To the
author, Cc the list, plain text, a short fixed explanation, the findings, and
a footer. The body comes from ``templates/bot-reply.txt.j2`` (Jinja2, imported
only when the first reply is rendered).

The reply's Message-ID is derived from the series key, so the same series
always gets the same Message-ID: a receiver can drop a duplicate even if a
crash made an SMTP delivery happen twice.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from email.header import Header
from email.utils import formataddr, formatdate, getaddresses

from lint.bot.config import OWN_HEADER, BotConfig
from lint.bot.model import Arrival, Finding, MailKind
from lint.bot.series import describe_missing, head, part_number
from lint.record import field, record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from lint.diagnostic import Diagnostic
    from lint.patch.model import Patch
    from lint.rulebook.ruleset import Ruleset

CHANGELOG_WIDTH = 75
"""Changelog text is wrapped at 75 columns (Documentation/process/submitting-patches.rst)."""


def changelog_advice(patch: Patch, diagnostics: Sequence[Diagnostic], ruleset: Ruleset) -> str:
    """The ``== Title ==`` sections the changelog of ``patch`` should gain, as text.

    The sections come from the explainer's changelog format
    (:func:`lint.explain.render.changelog_sections`: what the patch already says, else
    the rulebook's reference text, clearly marked), limited to the headings the
    ``require-section`` findings report missing.
    """
    missing: list[str] = []
    for diagnostic in diagnostics:
        rule = ruleset.get(diagnostic.rule)
        if rule is None or rule.kind != "require-section":
            continue
        heading = str(getattr(rule.params, "heading", ""))
        if heading and heading not in missing and diagnostic.message.startswith("missing"):
            missing.append(heading)
    if not missing:
        return ""
    from lint.explain.render import changelog_sections

    blocks = _section_blocks(changelog_sections([patch], ruleset, CHANGELOG_WIDTH))
    wanted = {" ".join(h.lower().split()) for h in missing}
    return "\n\n".join(body for title, body in blocks if title in wanted)


def _section_blocks(text: str) -> list[tuple[str, str]]:
    """Split changelog-format text into (normalised title, block) pairs."""
    blocks: list[tuple[str, str]] = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("==") and stripped.endswith("==") and len(stripped) > 4:
            title = " ".join(stripped.strip("=").lower().split())
            blocks.append((title, line))
        elif blocks:
            title, body = blocks[-1]
            blocks[-1] = (title, f"{body}\n{line}")
    return [(title, body.rstrip()) for title, body in blocks]


@record
class PatchView:
    """One patch of the series as the template shows it."""

    subject: str
    findings: tuple[Finding, ...]
    advice: str


@record
class ReplyPlan:
    """Everything a reply is made of, before it is rendered."""

    message_id: str
    subject: str
    to: str
    cc: tuple[str, ...]
    in_reply_to: str
    references: tuple[str, ...]
    thread: str
    author: str
    patches: tuple[PatchView, ...]
    missing: str
    verdict: str
    """``fail``, ``warning`` or ``success``: the worst finding, in patchwork's words."""
    patch_ids: tuple[tuple[str, str, str], ...] = field(default=())
    """``(message_id, state, description)`` of each patch, for patchwork checks."""

    @property
    def has_findings(self) -> bool:
        return any(view.findings for view in self.patches)


def reply_message_id(series_key: str, sender: str) -> str:
    """A Message-ID fixed by the series: the same series always gets the same id."""
    domain = getaddresses([sender])[0][1].rpartition("@")[2] or "patchlens.invalid"
    digest = hashlib.sha256(series_key.encode("utf-8")).hexdigest()[:24]
    return f"<patchlens-{digest}@{domain}>"


def _verdict(findings: Sequence[Finding]) -> str:
    severities = {finding.severity for finding in findings}
    if "error" in severities:
        return "fail"
    if "warning" in severities:
        return "warning"
    return "success"


def _check_description(findings: Sequence[Finding]) -> str:
    if not findings:
        return "No findings"
    counts: dict[str, int] = {}
    for finding in findings:
        counts[finding.severity] = counts.get(finding.severity, 0) + 1
    parts = [f"{counts[s]} {s}{'s' if counts[s] > 1 else ''}" for s in sorted(counts)]
    rules = ", ".join(dict.fromkeys(finding.rule for finding in findings))
    return f"{', '.join(parts)}: {rules}"[:250]


def plan_reply(
    key: str, members: Sequence[Arrival], missing: Sequence[int], total: int, bot: BotConfig
) -> ReplyPlan:
    """Plan the reply to a series (pure): who gets it, what it says, how it threads."""
    first = head(members)
    patches = sorted((m for m in members if m.kind is MailKind.PATCH), key=part_number)
    author = first.author_email
    to = formataddr((first.author_name, author)) if first.author_name else author
    sender = getaddresses([bot.sender])[0][1].lower()
    cc: list[str] = []
    if bot.cc_recipients:
        cc.extend(first.recipients)
    cc.extend(bot.cc)
    cc = [a for a in dict.fromkeys(cc) if getaddresses([a])[0][1].lower() not in (author, sender)]
    all_findings = [finding for patch in patches for finding in patch.findings]
    subject = first.subject
    if not subject.lower().startswith("re:"):
        subject = f"Re: {subject}"
    return ReplyPlan(
        message_id=reply_message_id(key, bot.sender),
        subject=subject,
        to=to,
        cc=tuple(cc),
        in_reply_to=first.message_id,
        references=(*first.references, first.message_id),
        thread=first.thread,
        author=author,
        patches=tuple(PatchView(p.subject, p.findings, p.advice) for p in patches),
        missing=describe_missing(missing, total) if missing else "",
        verdict=_verdict(all_findings),
        patch_ids=tuple(
            (p.message_id, _verdict(p.findings), _check_description(p.findings)) for p in patches
        ),
    )


def packaged_rule_ids(ruleset: Ruleset) -> frozenset[str]:
    """The rules of ``ruleset`` that ship with patchlens (not from a ``rule_dirs`` folder).

    Only for these does ``patchlens rules ID`` on a reader's own copy of patchlens
    show the rationale; the operator's own rules exist only on the bot's machine.
    """
    from pathlib import Path

    from lint.resources import resource_dir

    packaged = Path(resource_dir("rules")).resolve()
    return frozenset(
        rule.id for rule in ruleset.rules if Path(rule.path).resolve().parent == packaged
    )


class ReplyRenderer:
    """Renders reply mails; holds the loaded template (one per bot run, not global)."""

    def __init__(self, bot: BotConfig, packaged_rules: frozenset[str] = frozenset()) -> None:
        """``packaged_rules``: see :func:`packaged_rule_ids`."""
        import jinja2

        from lint import __version__
        from lint.resources import resource_dir

        environment = jinja2.Environment(
            loader=jinja2.FileSystemLoader(resource_dir("templates")),
            autoescape=False,  # plain-text mail, never HTML
            keep_trailing_newline=True,
            undefined=jinja2.StrictUndefined,
        )
        self._template = environment.get_template("bot-reply.txt.j2")
        self._bot = bot
        self._version = __version__
        self._packaged_rules = packaged_rules

    def body(self, plan: ReplyPlan) -> str:
        """The plain-text body of the reply."""
        count = len(plan.patches)
        what = "your patch" if count == 1 else f"the {count} patches of your series"
        context: dict[str, Any] = {
            "author": plan.to.split("<")[0].strip().strip('"') or plan.author,
            "what": what,
            "missing": plan.missing,
            "patches": plan.patches,
            "version": self._version,
            "opt_out_header": self._bot.opt_out_header,
            "sender": getaddresses([self._bot.sender])[0][1],
            "about": self._bot.about,
            "rules_hint": self._rules_hint(plan),
        }
        return self._template.render(context)

    def _rules_hint(self, plan: ReplyPlan) -> bool:
        """Whether the footer may point at ``patchlens rules RULE-ID``.

        Only when the reader is told where patchlens comes from (``about``) and
        every rule the reply cites ships with patchlens: otherwise the command
        would not show the reader that rule.
        """
        cited = {finding.rule for view in plan.patches for finding in view.findings}
        return bool(self._bot.about and cited and cited <= self._packaged_rules)

    def render(self, plan: ReplyPlan, now: float) -> bytes:
        """The whole reply mail as bytes (LF line ends; SMTP delivery converts).

        Written out directly rather than through ``email.message``: the
        headers are few and fixed, and the stdlib's header objects cost more
        than linting the patch did.
        """
        headers = [
            ("From", _addresses([self._bot.sender])),
            ("To", _addresses([plan.to])),
            ("Cc", _addresses(plan.cc)),
            ("Subject", _text(plan.subject, "Subject")),
            ("Date", formatdate(now, usegmt=True)),
            ("Message-ID", plan.message_id),
            ("In-Reply-To", plan.in_reply_to),
            ("References", " ".join(plan.references)),
            (OWN_HEADER, "yes"),
            # RFC 3834: well-behaved auto-responders and other bots leave this mail alone.
            ("Auto-Submitted", "auto-generated"),
            ("MIME-Version", "1.0"),
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Content-Transfer-Encoding", "8bit"),
        ]
        head = "".join(f"{name}: {value}\n" for name, value in headers if value)
        return (head + "\n" + self.body(plan)).encode("utf-8")


def _text(value: str, name: str) -> str:
    """An unstructured header value, RFC 2047-encoded only when it is not ASCII."""
    flat = " ".join(value.split())
    if flat.isascii():
        return flat
    return Header(flat, "utf-8", header_name=name).encode()


def _addresses(values: Sequence[str]) -> str:
    """Address headers; display names that are not ASCII are RFC 2047-encoded."""
    pairs = getaddresses(list(values))
    return ", ".join(formataddr(pair, charset="utf-8") for pair in pairs if pair[1])
