"""A rule's documented examples, run: the bad one must trip the rule, the good one must not.

Each rule file carries a bad and a good example in its ``[doc]`` table (``bad`` and
``good``). An example is one mail, or for a thread or series rule a list of mails in
the order they were sent. A mail is written as its author writes a commit::

    x86/fred: Fix early boot on SEV-ES guests       <- the subject

    The changelog, then its tags.                   <- the body

    Signed-off-by: Ada Example <ada@example.org>
    ---
    diff --git a/arch/x86/kernel/fred.c b/...        <- optional: the diff

A subject without a ``[PATCH ...]`` or ``Re:`` prefix gets ``[PATCH]``. The mail is
from ``Ada Example <ada@example.org>`` unless the example starts with header lines of
its own (``From:``, ``Subject:``...), ended by a blank line. A ``Re:`` mail answers
the last mail before it that is not one. Commit ids the examples cite resolve against
the rule file's ``[doc] commits`` list (``"<40 hex digits> <subject>"``), not a tree.

``patchlens rules --check-examples`` runs every rule's examples through the same
passes ``patchlens lint`` and the hooks use; the test suite does too.
"""

from __future__ import annotations

from collections.abc import Sequence

from lint.checks.api import CheckContext, Scope
from lint.checks.registry import KINDS
from lint.diagnostic import Diagnostic
from lint.engine.pipeline import read_patches
from lint.engine.rules import run
from lint.engine.series import run_series
from lint.engine.threads import run_thread
from lint.record import record, replace
from lint.sources.commits import KnownCommits

TYPE_CHECKING = False
if TYPE_CHECKING:
    from lint.patch.model import Patch
    from lint.rulebook.ruleset import Ruleset, RuleSpec

AUTHOR = "Ada Example <ada@example.org>"
"""The author of an example mail that names none."""

_HEADERS = (
    *("from:", "subject:", "date:", "message-id:", "in-reply-to:", "references:"),
    *("content-type:", "content-transfer-encoding:", "mime-version:", "to:", "cc:"),
)


@record
class ExampleResult:
    """What one documented example of a rule did."""

    rule: str
    which: str
    """``bad`` or ``good``."""
    findings: tuple[Diagnostic, ...]
    """The rule's findings on the example."""

    @property
    def as_documented(self) -> bool:
        """The bad example trips the rule; the good one does not."""
        return bool(self.findings) == (self.which == "bad")

    def describe(self) -> str:
        """One line: what the example should do and what it did."""
        if self.as_documented:
            return f"{self.rule}: {self.which} example: as documented"
        if self.which == "bad":
            return f"{self.rule}: bad example: the rule finds nothing in it"
        first = self.findings[0]
        return (
            f"{self.rule}: good example: the rule finds {len(self.findings)} thing(s), "
            f"first at line {first.location.line}: {first.message}"
        )


def example_mails(mails: Sequence[str]) -> bytes:
    """The mbox of an example's mails (see the module docstring)."""
    out: list[str] = []
    last_patch = ""
    for number, text in enumerate(mails, start=1):
        message_id = f"<example-{number}@patchlens.invalid>"
        headers, body = _split(text.strip("\n"))
        subject = headers.pop("subject", "")
        if not subject.startswith(("[", "Re:", "RE:", "re:")):
            subject = f"[PATCH] {subject}"
        lines = [
            "From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001",
            f"From: {headers.pop('from', AUTHOR)}",
            f"Date: {headers.pop('date', f'Mon, 7 Dec 2026 10:{number:02d}:00 +0000')}",
            f"Subject: {subject}",
            f"Message-ID: {headers.pop('message-id', message_id)}",
        ]
        if subject.lower().startswith("re:") and last_patch and "in-reply-to" not in headers:
            lines += [f"In-Reply-To: {last_patch}", f"References: {last_patch}"]
        else:
            last_patch = message_id
        lines += [f"{_HEADER_NAMES.get(k, k)}: {v}" for k, v in headers.items()]
        out.append("\n".join([*lines, "", body, ""]))
    return "\n".join(out).encode("utf-8")


_HEADER_NAMES = {"in-reply-to": "In-Reply-To", "references": "References", "to": "To", "cc": "Cc"}
_HEADER_NAMES |= {"content-type": "Content-Type", "mime-version": "MIME-Version"}
_HEADER_NAMES |= {"content-transfer-encoding": "Content-Transfer-Encoding"}


def _split(text: str) -> tuple[dict[str, str], str]:
    """The example's own headers (lower-case names; the subject among them) and its body."""
    headers: dict[str, str] = {}
    lines = text.split("\n")
    if lines and lines[0].lower().startswith(_HEADERS):
        while lines and lines[0].strip():
            name, _, value = lines.pop(0).partition(":")
            headers[name.strip().lower()] = value.strip()
        if lines:
            lines.pop(0)
        return headers, "\n".join(lines)
    headers["subject"] = lines[0]
    return headers, "\n".join(lines[2:] if len(lines) > 1 and not lines[1].strip() else lines[1:])


def run_example(rule: RuleSpec, ruleset: Ruleset, which: str) -> ExampleResult:
    """Run the ``bad`` or ``good`` example of ``rule`` (with every other rule off)."""
    mails = rule.bad if which == "bad" else rule.good
    data = example_mails(mails)
    only = replace(ruleset, rules=(replace(rule, enabled=True),))
    from io import BytesIO

    from lint.sources.inputs import from_mbox

    patches = list(read_patches(from_mbox(BytesIO(data), f"{rule.id} ({which} example)")))
    return ExampleResult(rule.id, which, tuple(_findings(rule, only, patches)))


def _findings(rule: RuleSpec, only: Ruleset, patches: list[Patch]) -> list[Diagnostic]:
    kind = KINDS[rule.kind]
    # A rule of one profile is shown its examples under that profile; references to
    # commits resolve against the history the rule file lists, not a repository.
    commits = KnownCommits(rule.example_commits) if rule.example_commits else None
    profile = None if rule.profile == "all" else rule.profile
    context = CheckContext(profile=profile, commits=commits)
    if kind.scope is Scope.SERIES:
        from lint.thread.series import SeriesEntry

        return list(run_series([SeriesEntry.of(p) for p in patches], only, context))
    if kind.scope is Scope.THREAD:
        from lint.thread.grouping import group_threads
        from lint.thread.threads import summarize

        summaries = [summarize(patch, seq) for seq, patch in enumerate(patches)]
        threads = group_threads(summaries)
        return [d for thread in threads for d in run_thread(thread, only.rules, context)]
    return [d for patch in patches for d in run(patch, only, context)]


def check_examples(ruleset: Ruleset) -> list[ExampleResult]:
    """Both examples of every rule of ``ruleset`` that documents them."""
    results: list[ExampleResult] = []
    for rule in ruleset.rules:
        for which in ("bad", "good"):
            if rule.bad if which == "bad" else rule.good:
                results.append(run_example(rule, ruleset, which))
    return results
