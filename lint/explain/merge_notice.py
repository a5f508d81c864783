"""tip-bot2's merge notifications, told apart from the changelog they carry.

When a tip maintainer applies a patch, tip-bot2 mails the commit to
linux-tip-commits and to the patch's thread. The body opens with a notice
and the commit's header block, then repeats the subject, then the changelog::

    The following commit has been merged into the x86/urgent branch of tip:

    Commit-ID:     <40 hex digits>
    Gitweb:        https://git.kernel.org/tip/<40 hex digits>
    Author:        ...
    AuthorDate:    ...
    Committer:     ...
    CommitterDate: ...

    x86/fred: <the subject again>

    <the changelog>

The first three paragraphs say where the patch went, not what problem it
solves: the explainer shows them as "merged as <id> into <branch>" and keeps
them out of every section (:func:`read_merge_notice` finds them).
"""

from __future__ import annotations

from collections.abc import Sequence

from lint.lazyregex import lazy_regex
from lint.mail.tipbot import MERGED
from lint.patch.model import Paragraph
from lint.record import record

_HEADER = lazy_regex(r"([A-Za-z][A-Za-z-]*):[ \t]+(\S.*)")
_COMMIT_ID = lazy_regex(r"[0-9a-f]{7,40}")
# Only a plain https address is kept as a link: mail text must not be able to
# close the Markdown link or smuggle a scheme into the HTML page.
_PLAIN_URL = lazy_regex(r"https://[A-Za-z0-9.-]+(?:/[A-Za-z0-9._~/-]*)?")


@record
class MergeNotice:
    """Where a tip-bot2 mail says a patch was merged, read from its notice."""

    label: str
    """The notification's label, e.g. ``[PATCH]``."""
    commit: str
    """The Commit-ID: the full hash as sent."""
    branch: str
    """``x86/urgent``."""
    tree: str
    """``tip``."""
    gitweb: str
    """The Gitweb address when it is a plain https URL, else ``""``."""
    author: str
    committer: str
    committer_date: str
    link: str
    """The lore link of the notification."""
    paragraphs: int
    """How many leading changelog paragraphs the notice takes (header block and subject)."""

    @property
    def short(self) -> str:
        """The 12-digit abbreviation kernel changelogs use (``Fixes:`` tags, ``commit <id>``)."""
        return self.commit[:12]


def read_merge_notice(
    paragraphs: Sequence[Paragraph], title: str, label: str = "", link: str = ""
) -> MergeNotice | None:
    """The notice opening ``paragraphs``, or ``None`` when they do not open with one.

    ``title`` is the message's ``area: summary``: tip-bot2 repeats it after the
    header block, and that copy belongs to the notice too.
    """
    if len(paragraphs) < 2:
        return None
    opening = MERGED.fullmatch(" ".join(paragraphs[0].text.split()))
    headers = _headers(paragraphs[1].text)
    commit = headers.get("commit-id", "")
    if opening is None or _COMMIT_ID.fullmatch(commit) is None:
        return None
    taken = 2
    if len(paragraphs) > 2 and _same_words(paragraphs[2].text, title):
        taken = 3
    gitweb = headers.get("gitweb", "")
    return MergeNotice(
        label=label,
        commit=commit,
        branch=opening.group(1),
        tree=opening.group(2),
        gitweb=gitweb if _PLAIN_URL.fullmatch(gitweb) else "",
        author=headers.get("author", ""),
        committer=headers.get("committer", ""),
        committer_date=headers.get("committerdate", ""),
        link=link,
        paragraphs=taken,
    )


def _headers(text: str) -> dict[str, str]:
    """The ``Key: value`` lines of a header block, keys lower-cased; ``{}`` unless all are."""
    found: dict[str, str] = {}
    for line in text.splitlines():
        header = _HEADER.fullmatch(line.strip())
        if header is None:
            return {}
        found.setdefault(header.group(1).lower(), header.group(2).strip())
    return found


def _same_words(text: str, title: str) -> bool:
    return " ".join(text.split()).lower() == " ".join(title.split()).lower()
