"""Mail about patches that are already merged: never answered.

Lists carry machine and maintainer mail that contains a whole patch, diff
and all, after the patch was taken. Linting it helps nobody: the commit is
in a tree and cannot change any more, and a reply lands on the commit list
(or LKML) of a maintainer who did nothing wrong. Two kinds are told apart:

- **commit notifications**: tip-bot2's "The following commit has been
  merged into the <branch> branch of tip:" mails (and its older tip-bot
  shape), commit lists in the style of git-commits-head (a ``Commit:`` /
  ``Author:`` header block before the changelog), and per-commit mail of
  git push hooks (git-multimail and post-receive-email set ``X-Git-Rev``,
  ``X-Git-Newrev`` or ``X-Git-Refname``);
- **applied notices**: a maintainer's "Applied, thanks!" reply (b4 ty's
  ``[1/2] subject`` + ``commit: <sha>`` lines among them), patchwork-bot's
  "This patch was applied to ..." and the stable queue's
  ``Patch "..." has been added to the 6.12-stable tree``.

Each function returns why the mail is such a notice, or ``""``; the reason
is recorded in the state as it is. Only the sender's own (unquoted) lines
are read, so a review reply quoting one of these stays a review reply.
"""

from __future__ import annotations

from lint.bot.model import MailKind
from lint.lazyregex import lazy_regex
from lint.mail.tipbot import MERGED as TIP_MERGED
from lint.record import record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from lint.mail.model import DecodedMail

# The header block opening a commit list's changelog: tip-bot's ``Commit-ID:``,
# git-commits-head's ``Commit:``, each followed by ``Author:``/``Committer:``.
_COMMIT_LINE = lazy_regex(r"(?:Commit|Commit-ID):\s+([0-9a-f]{40})\s*")
_PERSON_LINE = lazy_regex(r"(?:Author|Committer):\s+\S.*")
_HEADER_BLOCK_LINES = 12
# Headers of git's push hooks (post-receive-email, git-multimail).
_PUSH_HOOK_HEADERS = ("X-Git-Rev", "X-Git-Newrev", "X-Git-Refname")

# "Applied, thanks!", "Applied to x86/urgent, thanks.", "Queued for 6.14, thanks".
_APPLIED_THANKS = lazy_regex(
    r"(?i)(?:applied|queued|picked up|pushed|merged|taken)\b[^\n]{0,80}?[,.;:!-]\s*thanks?\b.*"
)
# "Thanks, applied.", "Thanks, queued for 6.14 ...".
_THANKS_APPLIED = lazy_regex(r"(?i)thanks?[,.!]?\s+(?:applied|queued|picked up|merged|taken)\b.*")
# patchwork-bot: "This patch was applied to netdev/net.git (main)".
_PWBOT_APPLIED = lazy_regex(r"(?i)this (?:patch|series) was applied to\b.*")
# b4 ty lists each applied patch as "[1/2] subject" then "      commit: <sha>".
_B4_TY_PATCH = lazy_regex(r"\[\d+/\d+\] \S.*")
_B4_TY_COMMIT = lazy_regex(r"\s+commit: [0-9a-f]{7,40}\s*")
# The stable queue's notice carries the whole patch.
_STABLE_ADDED = lazy_regex(r"Patch \".+\" has been added to the (\S+) tree")


@record
class Notice:
    """What a mail about a merged patch is, and the reason recorded for skipping it."""

    kind: MailKind
    reason: str


def merged_notice(mail: DecodedMail, reply: bool) -> Notice | None:
    """The notice ``mail`` is, or ``None`` for mail that is not about a merged patch.

    ``reply``: the subject marks a reply (``Re:``). Asked before the bot skips
    replies, so that an "Applied, thanks!" is recorded as what it is.
    """
    reason = commit_notice(mail)
    if reason:
        return Notice(MailKind.COMMIT_NOTICE, reason)
    reason = applied_notice(mail, reply)
    if reason:
        return Notice(MailKind.APPLIED, reason)
    return None


def _own_lines(message: str) -> list[str]:
    """The lines the sender wrote: quoted lines and the signature left out."""
    lines: list[str] = []
    for line in message.splitlines():
        if line == "-- ":
            break
        if not line.lstrip().startswith(">"):
            lines.append(line.rstrip())
    return lines


def commit_notice(mail: DecodedMail) -> str:
    """Why ``mail`` notifies of a commit already in a git tree, or ``""``."""
    lines = _own_lines(mail.message)
    opening = next((line.strip() for line in lines if line.strip()), "")
    merged = TIP_MERGED.fullmatch(opening)
    if merged:
        return f"tip-bot2 notification: merged into the {merged[1]} branch of {merged[2]}"
    for name in _PUSH_HOOK_HEADERS:
        value = mail.header(name).strip()
        if value:
            return f"commit notification of a git push hook ({name}: {value})"
    block = [line.strip() for line in lines if line.strip()][:_HEADER_BLOCK_LINES]
    commits = [found[1] for line in block if (found := _COMMIT_LINE.fullmatch(line))]
    if commits and any(_PERSON_LINE.fullmatch(line) for line in block):
        return f"commit notification: commit {commits[0][:12]} is already in a git tree"
    return ""


def applied_notice(mail: DecodedMail, reply: bool) -> str:
    """Why ``mail`` says a patch was applied, or ``""``.

    ``reply``: the subject marks a reply (``Re:``); the thank-you forms count
    only there, as a new thread saying "applied" is not about a posted patch.
    """
    added = _STABLE_ADDED.fullmatch(mail.subject.strip())
    if added:
        return f"stable queue notice: added to the {added[1]} tree"
    if not reply:
        return ""
    lines = _own_lines(mail.message)
    for line, after in zip(lines, [*lines[1:], ""], strict=True):
        said = line.strip()
        if _B4_TY_PATCH.fullmatch(said) and _B4_TY_COMMIT.fullmatch(after):
            return f"applied notice (b4 ty): {said[:80]}"
        if (
            _APPLIED_THANKS.fullmatch(said)
            or _THANKS_APPLIED.fullmatch(said)
            or _PWBOT_APPLIED.fullmatch(said)
        ):
            return f"applied notice: {said[:80]}"
    return ""
