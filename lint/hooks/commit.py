"""The commit being made, as the mail ``git format-patch`` would make of it.

The ``commit-msg`` hook gets only the message file.  Diff-triggered rules (a
change to CR pinning needs its background section) also need the change, so
the staged diff is read with ``git diff --cached`` (git has prepared the
index the commit will record, and points ``GIT_INDEX_FILE`` at it for
``commit -a`` and ``commit FILE...``), the author with ``git var``.

The message is cleaned as git's default ``--cleanup=strip`` does after the
hook: everything from the ``commit -v`` scissors line on is dropped, comment
lines go, trailing blanks go, runs of blank lines become one.  Each kept line
remembers its line in the message file, so findings point into the file the
user just edited.

Known limit: for ``git commit --amend`` the diff is that of the index against
``HEAD`` (the commit being replaced), so diff-triggered rules see only the
newly staged part.
"""

from __future__ import annotations

import subprocess
from collections.abc import Mapping
from email.header import Header

from lint.errors import InputError
from lint.record import record

SCISSORS = " ------------------------ >8 ------------------------"
"""git's cut line (after the comment character): nothing below it is the message."""

_DIFF = (
    "diff",
    "--cached",
    "--no-color",
    "--no-ext-diff",
    "--no-textconv",
    "--src-prefix=a/",
    "--dst-prefix=b/",
    "-M",
    "--stat=75",
    "--patch",
)


@record
class CleanLine:
    """A line of the cleaned message and its 1-based line in the message file."""

    text: str
    line: int


@record
class CommitMail:
    """The synthetic mail and how to map its lines back to the message file."""

    data: bytes
    message_file: str
    subject_lines: tuple[int, ...]
    """File lines joined into the subject (git's first paragraph)."""
    body_lines: tuple[int, ...]
    """File line of each mail line from :attr:`body_start` on."""
    body_start: int
    """Mail line of the first body line."""

    def where(self, mail_line: int) -> str:
        """``FILE:N`` for a message line, ``staged diff`` for anything after it."""
        if mail_line == 2 and self.subject_lines:
            return f"{self.message_file}:{self.subject_lines[0]}"
        offset = mail_line - self.body_start
        if 0 <= offset < len(self.body_lines):
            return f"{self.message_file}:{self.body_lines[offset]}"
        return "staged diff" if mail_line > self.body_start else self.message_file


def clean_message(text: str, comment_char: str = "#") -> list[CleanLine]:
    """git's ``--cleanup=strip`` of a commit message, keeping file line numbers."""
    kept: list[CleanLine] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if raw == comment_char + SCISSORS:
            break
        if comment_char and raw.startswith(comment_char):
            continue
        line = raw.rstrip()
        if not line and (not kept or not kept[-1].text):
            continue  # leading blank lines, or a second blank in a row
        kept.append(CleanLine(line, number))
    while kept and not kept[-1].text:
        kept.pop()
    return kept


def _git(args: tuple[str, ...], env: Mapping[str, str], cwd: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, env=dict(env), capture_output=True, check=False)
    if done.returncode != 0:
        problem = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise InputError(f"git {args[0]}", problem[0] if problem else "failed")
    return done.stdout.decode("utf-8", "replace")


def _comment_char(env: Mapping[str, str], cwd: str) -> str:
    done = subprocess.run(
        ["git", "config", "--get", "core.commentChar"],
        cwd=cwd,
        env=dict(env),
        capture_output=True,
        text=True,
        check=False,
    )
    value = done.stdout.strip()
    # "auto" picks a character the message does not use; '#' is what it starts from.
    return value if len(value) == 1 else "#"


def _encode(text: str) -> str:
    """An RFC 2047 encoded header value when ``text`` is not plain ASCII."""
    if text.isascii():
        return text
    return Header(text, "utf-8", maxlinelen=998).encode()


def build_commit_mail(message_file: str, env: Mapping[str, str], cwd: str) -> CommitMail | None:
    """The commit as a format-patch mail, or ``None`` when the cleaned message is empty."""
    try:
        with open(message_file, "rb") as handle:
            text = handle.read().decode("utf-8", "replace")
    except OSError as err:
        raise InputError(message_file, f"cannot read: {err.strerror or err}") from None
    lines = clean_message(text, _comment_char(env, cwd))
    if not lines:
        return None
    # git's subject is the first paragraph, joined by spaces.
    split = next((i for i, line in enumerate(lines) if not line.text), len(lines))
    subject = " ".join(line.text.strip() for line in lines[:split])
    body = lines[split + 1 :]
    ident = _git(("var", "GIT_AUTHOR_IDENT"), env, cwd).strip()
    author = ident.rsplit(" ", 2)[0] if ident.count(" ") >= 2 else ident
    name, _, address = author.partition(" <")
    diff = _git(_DIFF, env, cwd)
    head = [
        f"From: {_encode(name)} <{address}",
        f"Subject: {_encode('[PATCH] ' + subject)}",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=UTF-8",
        "Content-Transfer-Encoding: 8bit",
        "",
    ]
    mail = [*head, *(line.text for line in body)]
    if diff.strip():
        mail += ["---", diff.rstrip("\n")]
    return CommitMail(
        data=("\n".join(mail) + "\n").encode("utf-8"),
        message_file=message_file,
        subject_lines=tuple(line.line for line in lines[:split]),
        body_lines=tuple(line.line for line in body),
        body_start=len(head) + 1,
    )
