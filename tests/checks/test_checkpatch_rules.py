"""The checkpatch-parity rules: edge cases, robustness, the repository and the dictionary."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from lint.checks.api import CheckContext
from lint.checks.checkpatch.common import Email, format_email, parse_email, same_email_addresses
from lint.checks.checkpatch.dictionary import Dictionary, choose_dictionary, read_dictionary
from lint.checks.checkpatch.repeated import repeated_words
from lint.checks.checkpatch.spelling import _Index, find_typos
from lint.cli.main import main
from lint.config import Config
from lint.diagnostic import Diagnostic
from lint.engine.pipeline import read_patches
from lint.engine.rules import run
from lint.mail.model import RawMail
from lint.rulebook.ruleset import Ruleset, load_ruleset
from lint.sources.commits import CommitResolver

CP_TYPES = [
    "COMMIT_MESSAGE", "DIFF_IN_COMMIT_MSG", "BAD_SIGN_OFF", "BAD_STABLE_ADDRESS_STYLE",
    "BAD_REPORTED_BY_LINK", "BAD_FIXES_TAG", "MISSING_FIXES_TAG", "GIT_COMMIT_ID",
    "UNKNOWN_COMMIT_ID", "EMAIL_SUBJECT", "GERRIT_CHANGE_ID", "COMMIT_LOG_LONG_LINE",
    "COMMIT_LOG_VERSIONING", "COMMIT_LOG_USE_LINK", "COMMIT_LOG_WRONG_LINK",
    "COMMIT_COMMENT_SYMBOL", "PLACEHOLDER_USE", "PREFER_LORE_ARCHIVE", "UTF8_BEFORE_PATCH",
    "INVALID_UTF8", "TYPO_SPELLING", "REPEATED_WORD", "MISSING_SIGN_OFF",
    "NO_AUTHOR_SIGN_OFF", "FROM_SIGN_OFF_MISMATCH",
]  # fmt: skip

DIFF = b"""---
 lib/lumen.c | 2 +-
 1 file changed, 1 insertion(+), 1 deletion(-)

diff --git a/lib/lumen.c b/lib/lumen.c
index 1a2b3c4d5e6f..2b3c4d5e6f70 100644
--- a/lib/lumen.c
+++ b/lib/lumen.c
@@ -1,3 +1,3 @@
 int a;
-int b;
+int c;
 int d;
"""


def mail(body: bytes, subject: bytes = b"lib: lumen: Rename b") -> bytes:
    return (
        b"From 3f2e1d0c9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e Mon Sep 17 00:00:00 2001\n"
        b"From: Mira Okafor <mira@example.org>\n"
        b"Date: Tue, 3 Mar 2026 09:15:00 +0100\n"
        b"Subject: [PATCH] " + subject + b"\n\n" + body + DIFF
    )


@pytest.fixture(scope="module")
def ruleset() -> Ruleset:
    return load_ruleset(Config()).select(CP_TYPES)


def lint(data: bytes, ruleset: Ruleset, context: CheckContext | None = None) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for patch in read_patches([RawMail(data, "case.patch")]):
        found.extend(run(patch, ruleset, context))
    return found


def types_at(found: list[Diagnostic]) -> list[tuple[str, int]]:
    return [(d.checkpatch, d.location.line) for d in found]


# --- robustness: findings, never a crash ---------------------------------------------------


@pytest.mark.parametrize(
    "trailers",
    [
        b"Signed-off-by:\n",
        b"Signed-off-by: <>\n",
        b"Signed-off-by: Mira Okafor <mira@example.org\n",
        b"Signed-off-by: ((((((\n",
        b"Co-developed-by:\n",
        b"Cc: stable@vger.kernel.org ((\n",
        b"Fixes: abcde (((\n",
        b"Reported-by: \xff\xfe <x@y>\n",
        b'Signed-off-by: "\\"" <a@b> # # (\n',
    ],
)
def test_malformed_trailers_give_findings_not_crashes(trailers: bytes, ruleset: Ruleset) -> None:
    found = lint(mail(b"Rename b to c: every caller calls it c.\n\n" + trailers), ruleset)
    assert any(d.checkpatch in ("BAD_SIGN_OFF", "BAD_FIXES_TAG", "INVALID_UTF8",
                                "BAD_STABLE_ADDRESS_STYLE", "BAD_REPORTED_BY_LINK",
                                "NO_AUTHOR_SIGN_OFF") for d in found)  # fmt: skip


def test_an_absurdly_long_line_is_one_finding(ruleset: Ruleset) -> None:
    body = b"lumen probe " * 50_000 + b"\n\nSigned-off-by: Mira Okafor <mira@example.org>\n"
    found = lint(mail(body), ruleset)
    assert types_at(found) == [("COMMIT_LOG_LONG_LINE", 6)]


def test_a_non_utf8_changelog_is_reported_per_line(ruleset: Ruleset) -> None:
    body = b"Thanks to Zo\xeb for the report.\n\nSigned-off-by: Mira Okafor <mira@example.org>\n"
    found = lint(mail(body), ruleset)
    assert types_at(found) == [("INVALID_UTF8", 6)]


def test_invalid_utf8_in_added_diff_lines(ruleset: Ruleset) -> None:
    body = b"Rename b to c.\n\nSigned-off-by: Mira Okafor <mira@example.org>\n"
    data = mail(body).replace(b"+int c;", b"+int c; /* \xe9 */")
    assert types_at(lint(data, ruleset)) == [("INVALID_UTF8", 20)]


# --- checkpatch's quirks we keep, and the ones we do not ------------------------------------


def test_the_commit_log_ends_at_the_first_sign_off(ruleset: Ruleset) -> None:
    body = (
        b"Rename b to c.\n\nSigned-off-by: Mira Okafor <mira@example.org>\n"
        b"[ backport: this note after the sign-off is long, and it mentions teh typo ]\n"
    )
    assert lint(mail(body), ruleset) == []


def test_duplicate_signatures_are_per_patch_in_an_mbox(ruleset: Ruleset) -> None:
    body = b"Rename b to c.\n\nSigned-off-by: Mira Okafor <mira@example.org>\n"
    data = mail(body) + b"\n" + mail(body, b"lib: lumen: Rename d")
    assert lint(data, ruleset) == []


def test_a_sign_off_folded_into_the_subject_is_not_a_sign_off(ruleset: Ruleset) -> None:
    body = b"Rename b to c.\n\nSigned-off-by: Tom Baxter <tom@example.com>\n"
    subject = b"lib: lumen: Rename b\n Signed-off-by: Mira Okafor <mira@example.org>"
    assert ("NO_AUTHOR_SIGN_OFF", 2) in types_at(lint(mail(body, subject), ruleset))


def test_a_stack_dump_suspends_commit_id_and_length_checks(ruleset: Ruleset) -> None:
    body = (
        b"It crashes:\n\n"
        b"[   12.345678] RIP: 0010:lumen_probe+0x1c/0x80 abcdef0123456789 and more text here\n"
        b"[   12.345679] Code: 0123456789abcdef 0123456789abcdef 0123456789abcdef 01234\n\n"
        b"Signed-off-by: Mira Okafor <mira@example.org>\n"
    )
    assert lint(mail(body), ruleset) == []


def test_typo_delimiter_is_shared_as_in_checkpatch() -> None:
    index = _Index({"teh": "the", "untill": "until"}, {})
    # The second typo shares the single space consumed by the first match.
    assert list(find_typos("teh untill  teh", index)) == [("teh", "the"), ("teh", "the")]


def test_multi_word_misspellings() -> None:
    index = _Index({"an union": "a union", "an user": "a user"}, {"an": ("an union", "an user")})
    assert list(find_typos("an userspace fix, an user", index)) == [("an user", "a user")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the the", ["the"]),
        ("The the end", ["The"]),
        ("unsigned long long", []),
        ("ff ff fe", []),
        ("be be", ["be"]),
        ("-rw-r--r-- 1 root root", []),
        ("xthe the", []),
        ("the thereafter", []),
        ("struct struct", []),
    ],
)
def test_repeated_words(text: str, expected: list[str]) -> None:
    assert list(repeated_words(text, 0)) == expected


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("Mira Okafor <mira@example.org>", Email("Mira Okafor", "", "mira@example.org", "")),
        ("<mira@example.org> # 6.1", Email("", "", "mira@example.org", "# 6.1")),
        ("M. Okafor (ACME) <m@x.org>", Email('"M. Okafor"', "(ACME)", "m@x.org", "")),
        ("mira okafor mira@example.org", Email("", "", "", "")),
    ],
)
def test_parse_email_as_checkpatch(text: str, parsed: Email) -> None:
    assert parse_email(text) == parsed


def test_format_email_round_trip() -> None:
    assert format_email(parse_email("Mira Okafor <mira@example.org>.")) == (
        "Mira Okafor <mira@example.org> ."
    )
    assert same_email_addresses("Mira <m@x.org>", "Mira  <m@x.org>")


# --- the repository: UNKNOWN_COMMIT_ID and real subjects -------------------------------------


def _git(repo: Path, *args: str) -> str:
    env = {"GIT_AUTHOR_NAME": "A", "GIT_AUTHOR_EMAIL": "a@x", "GIT_COMMITTER_NAME": "A",
           "GIT_COMMITTER_EMAIL": "a@x", "HOME": str(repo), "PATH": "/usr/bin:/bin"}  # fmt: skip
    out = subprocess.run(["git", "-C", str(repo), *args], env=env, capture_output=True,
                         text=True, check=True)  # fmt: skip
    return out.stdout.strip()


def test_unknown_and_misquoted_commits_with_a_repository(tmp_path: Path, ruleset: Ruleset) -> None:
    _git(tmp_path, "init", "-q")
    (tmp_path / "f").write_text("x\n")
    _git(tmp_path, "add", "f")
    _git(tmp_path, "commit", "-q", "-m", "lib: lumen: Add the driver")
    sha = _git(tmp_path, "rev-parse", "HEAD")[:12]
    body = (
        f'Commit {sha} ("lib: lumen: Add a driver") got the name wrong, and\n'
        f'commit 0123456789ab ("lib: Something else") never existed.\n\n'
        f'Fixes: {sha} ("lib: lumen: Add the driver")\n'
        "Signed-off-by: Mira Okafor <mira@example.org>\n"
    ).encode()
    context = CheckContext(commits=CommitResolver(tmp_path))
    found = lint(mail(body), ruleset, context)
    assert types_at(found) == [("GIT_COMMIT_ID", 6), ("UNKNOWN_COMMIT_ID", 7)]
    assert f"ie: 'Commit {sha} (\"lib: lumen: Add the driver\")'" in found[0].message
    assert lint(mail(body), ruleset) == []  # without a repository nothing is unknown


# --- the dictionary -------------------------------------------------------------------------


def test_a_kernel_tree_dictionary_wins(tmp_path: Path) -> None:
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "spelling.txt").write_text("# c\nlumne||lumen\nan lumne||a lumen\n")
    chosen = choose_dictionary(tmp_path)
    assert chosen.kind == "kernel"
    assert dict(chosen) == {"lumne": "lumen", "an lumne": "a lumen"}
    assert chosen.phrases() == {"an": ("an lumne",)}


def test_codespell_format(tmp_path: Path) -> None:
    path = tmp_path / "dictionary.txt"
    path.write_text("abandonned->abandoned\nalot->a lot, allot,\nbuton->button, disabled\n")
    assert read_dictionary(path, "codespell") == {"abandonned": "abandoned", "alot": "a lot"}


def test_without_a_tree_the_builtin_list_or_codespell_is_used() -> None:
    chosen = choose_dictionary(None)
    assert chosen.kind in ("builtin", "codespell")
    assert chosen["recieve"] == "receive"


def test_the_dictionary_is_read_lazily(tmp_path: Path) -> None:
    missing = Dictionary(tmp_path / "nope.txt", "kernel")
    assert "nope.txt" in missing.describe  # nothing read yet: no error


def test_verbose_names_the_dictionary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "spelling.txt").write_text("lumne||lumen\n")
    patch = tmp_path / "one.patch"
    patch.write_bytes(mail(b"Fix the lumne.\n\nSigned-off-by: Mira Okafor <mira@example.org>\n"))
    monkeypatch.chdir(tmp_path)
    status = main(["lint", "--verbose", "-C", str(tmp_path), "--types", "TYPO_SPELLING",
                   str(patch)])  # fmt: skip
    out, err = capsys.readouterr()
    assert status == 1
    assert f"spelling dictionary {tmp_path / 'scripts' / 'spelling.txt'} (kernel tree)" in err
    assert "'lumne' may be misspelled - perhaps 'lumen'?" in out


def test_an_author_without_address_is_not_a_missing_sign_off(ruleset: Ruleset) -> None:
    body = b"Rename b to c.\n\nSigned-off-by: Mira Okafor <mira@example.org>\n"
    data = mail(body).replace(b"From: Mira Okafor <mira@example.org>", b"From: Mira")
    assert "NO_AUTHOR_SIGN_OFF" not in [d.checkpatch for d in lint(data, ruleset)]


def test_a_typo_on_a_folded_subject_line_is_found(ruleset: Ruleset) -> None:
    body = b"Rename b to c.\n\nSigned-off-by: Mira Okafor <mira@example.org>\n"
    found = lint(
        mail(body, b"lib: lumen: Rename the variable that holds\n the recieve count"), ruleset
    )
    assert types_at(found) == [("TYPO_SPELLING", 4)]


def test_unknown_commit_id_case_with_a_repository(tmp_path: Path, ruleset: Ruleset) -> None:
    """tests/cases/unknown-commit-id/fail-*.mbox: run with a real repository that lacks the id.

    (The generic case runner has no repository, so this rule's failing case is run here.)
    """
    _git(tmp_path, "init", "-q")
    (tmp_path / "f").write_text("x\n")
    _git(tmp_path, "add", "f")
    _git(tmp_path, "commit", "-q", "-m", "misc: lumen: Something else")
    folder = Path(__file__).resolve().parents[1] / "cases" / "unknown-commit-id"
    cases = sorted(folder.glob("fail-*.mbox"))
    assert cases
    context = CheckContext(commits=CommitResolver(tmp_path))
    for case in cases:
        found = [
            "\t".join((d.rule, d.severity.label, f"{d.location.part}:{d.location.line}", d.message))
            for d in lint(case.read_bytes(), ruleset, context)
            if d.rule == "unknown-commit-id"
        ]
        expected = case.with_suffix(".expected").read_text(encoding="utf-8").splitlines()
        assert found == expected


def test_codespell_is_found_where_python_would_import_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "codespell_lib" / "data"
    data.mkdir(parents=True)
    (data / "dictionary.txt").write_text("alot->a lot\n")
    monkeypatch.setattr(sys, "path", [str(tmp_path / "elsewhere"), str(tmp_path)])
    chosen = choose_dictionary(None)
    assert (chosen.kind, chosen.words()) == ("codespell", {"alot": "a lot"})


def test_reference_fixes_cite_as_many_digits_as_the_resolver() -> None:
    from lint.checks.checkpatch import commit_ref_fixes
    from lint.sources import commits

    assert commit_ref_fixes.ABBREV == commits.ABBREV
