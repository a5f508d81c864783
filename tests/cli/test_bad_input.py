"""The bad-input catalogue: each case exits 2 with one line naming the input and the problem.

Never a traceback, nothing on stdout, and no report file half-written.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from lint.cli.main import main

ROOT = Path(__file__).resolve().parents[2]

GOOD_PATCH = b"""\
From 1111111111111111111111111111111111111111 Mon Sep 17 00:00:00 2001
From: Ann Author <ann@example.org>
Date: Mon, 2 Nov 2026 10:00:00 +0000
Subject: [PATCH] lib/sort: Use the generic swap helper

Replace the open-coded swap with the generic helper.

Signed-off-by: Ann Author <ann@example.org>
---
 lib/sort.c | 2 +-
 1 file changed, 1 insertion(+), 1 deletion(-)

diff --git a/lib/sort.c b/lib/sort.c
index 1234567..89abcde 100644
--- a/lib/sort.c
+++ b/lib/sort.c
@@ -10,3 +10,3 @@ static void do_swap(void *a, void *b)
 {
-\tswap_bytes(a, b);
+\tswap(a, b);
 }
--\x20
2.47.0
"""


@dataclass(frozen=True)
class Case:
    """One bad input: how to make it, the arguments, and words the error line must hold."""

    name: str
    make: Callable[[Path], list[str]]
    expect: tuple[str, ...]


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _rules_dir_with(tmp: Path, name: str, body: str) -> list[str]:
    """A config adding a rule folder holding one rule file ``name``.toml with ``body``."""
    _write(tmp / "extra" / f"{name}.toml", body.encode())
    _write(tmp / "cfg.toml", b'rule_dirs = ["extra"]\n')
    _write(tmp / "ok.patch", GOOD_PATCH)
    return ["lint", "--config", str(tmp / "cfg.toml"), str(tmp / "ok.patch")]


def _git_repo(tmp: Path) -> Path:
    repo = tmp / "repo"
    repo.mkdir()
    env = {
        **os.environ,
        "GIT_AUTHOR_DATE": "2026-01-01T00:00:00",
        "GIT_COMMITTER_DATE": "2026-01-01T00:00:00",
    }
    for command in (
        ["git", "init", "-q"],
        [
            "git",
            "-c",
            "user.name=A",
            "-c",
            "user.email=a@example.org",
            "commit",
            "-q",
            "--allow-empty",
            "-m",
            "init",
        ],
    ):
        subprocess.run(command, cwd=repo, check=True, env=env)
    return repo


def _mbox_truncated(tmp: Path) -> list[str]:
    first = GOOD_PATCH
    cut = (
        b"From 2222222222222222222222222222222222222222 Mon Sep 17 00:00:00 2001\n"
        b"From: Ann Author <ann@example.org>\n"
        b"Subject: [PATCH 2/2] lib/sort: Drop the"
    )
    return ["lint", str(_write(tmp / "cut.mbox", first + b"\n" + cut))]


def _base64_broken(tmp: Path) -> list[str]:
    mail = (
        b"From: Ann Author <ann@example.org>\nSubject: [PATCH] lib: Fix it\n"
        b"MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"
        b"Content-Transfer-Encoding: base64\n\nU2lnbmVk!!!@@@ not base64 at all ###\n"
    )
    return ["lint", str(_write(tmp / "b64.eml", mail))]


def _unknown_charset(tmp: Path) -> list[str]:
    mail = (
        b"From: Ann Author <ann@example.org>\nSubject: [PATCH] lib: Fix it\n"
        b"MIME-Version: 1.0\nContent-Type: text/plain; charset=x-no-such-charset\n"
        b"Content-Transfer-Encoding: 8bit\n\n"
        b"Caf\xe9 au lait\n\nSigned-off-by: Ann <ann@example.org>\n"
    )
    return ["lint", str(_write(tmp / "charset.eml", mail))]


CASES = [
    Case("missing path", lambda t: ["lint", str(t / "nope.patch")], ("nope.patch", "no such")),
    Case(
        "empty directory",
        lambda t: ["lint", str((t / "d").mkdir() or t / "d")],
        ("d", "no patches"),
    ),
    Case(
        "directory without patches",
        lambda t: ["lint", str(_write(t / "d" / "notes.txt", b"hello\n").parent)],
        ("d", "no patches"),
    ),
    Case("empty file", lambda t: ["lint", str(_write(t / "e.patch", b""))], ("e.patch", "empty")),
    Case(
        "binary junk",
        lambda t: ["lint", str(_write(t / "junk.patch", bytes(range(256)) * 64))],
        ("junk.patch", "not a mail"),
    ),
    Case("truncated mbox", _mbox_truncated, ("cut.mbox", "truncated")),
    Case(
        "missing headers",
        lambda t: ["lint", str(_write(t / "bare.patch", b"Just some words.\nNo headers here.\n"))],
        ("bare.patch", "not a mail"),
    ),
    Case(
        "a bare diff without mail headers",
        lambda t: [
            "lint",
            str(_write(t / "raw.diff", GOOD_PATCH.split(b"---\n", 1)[1].split(b"\n", 3)[3])),
        ],
        ("raw.diff", "bare diff"),
    ),
    Case("broken base64", _base64_broken, ("b64.eml", "base64")),
    Case("unknown charset", _unknown_charset, ("charset.eml", "x-no-such-charset")),
    Case(
        "a 50 MB single line",
        lambda t: ["lint", str(_write(t / "long.patch", b"Subject: x\n\n" + b"a" * (50 * 2**20)))],
        ("long.patch", "line"),
    ),
    Case(
        "rule file with a typo",
        lambda t: _rules_dir_with(
            t,
            "my-rule",
            'id = "my-rule"\nkind = "require-section"\nseverty = "error"\nsummary = "x"\n',
        ),
        ("my-rule.toml", "severty"),
    ),
    Case(
        "unknown check kind",
        lambda t: _rules_dir_with(
            t,
            "my-rule",
            'id = "my-rule"\nkind = "no-such-kind"\nseverity = "error"\nsummary = "x"\n',
        ),
        ("my-rule.toml", "no-such-kind"),
    ),
    Case(
        "bad regex in a rule",
        lambda t: _rules_dir_with(
            t,
            "my-rule",
            'id = "my-rule"\nkind = "require-section"\nseverity = "error"\nsummary = "x"\n'
            '[when]\ndiff_line = "(unclosed"\n[params]\nheading = "Fix"\n',
        ),
        ("my-rule.toml", "diff_line"),
    ),
    Case(
        "rule id differs from its file name",
        lambda t: _rules_dir_with(
            t,
            "my-rule",
            'id = "other"\nkind = "require-section"\nseverity = "error"\nsummary = "x"\n'
            '[params]\nheading = "Fix"\n',
        ),
        ("my-rule.toml", "id"),
    ),
    Case(
        "config with a bad key",
        lambda t: [
            "lint",
            "--config",
            str(_write(t / "c.toml", b"profil = 'tip'\n")),
            str(_write(t / "ok.patch", GOOD_PATCH)),
        ],
        ("c.toml", "profil"),
    ),
    Case(
        "config that is not TOML",
        lambda t: [
            "lint",
            "--config",
            str(_write(t / "c.toml", b"[rules\n")),
            str(_write(t / "ok.patch", GOOD_PATCH)),
        ],
        ("c.toml", "line 1"),
    ),
    Case(
        "missing config file",
        lambda t: [
            "lint",
            "--config",
            str(t / "none.toml"),
            str(_write(t / "ok.patch", GOOD_PATCH)),
        ],
        ("none.toml",),
    ),
    Case(
        "git range that does not resolve",
        lambda t: ["lint", "-C", str(_git_repo(t)), "HEAD~99..HEAD"],
        ("HEAD~99",),
    ),
    Case(
        "revision in a folder that is not a repository",
        lambda t: ["lint", "-C", str(t), "HEAD~1..HEAD"],
        ("not a git repository",),
    ),
    Case(
        "-C folder that does not exist",
        lambda t: ["lint", "-C", str(t / "gone"), "HEAD"],
        ("gone",),
    ),
    Case(
        "unknown rule in --types",
        lambda t: ["lint", "--types", "NO_SUCH_TYPE", str(_write(t / "ok.patch", GOOD_PATCH))],
        ("NO_SUCH_TYPE",),
    ),
    Case("unknown rule for `rules ID`", lambda t: ["rules", "no-such-rule"], ("no-such-rule",)),
    Case(
        "maildir with nothing in it",
        lambda t: [
            "lint",
            str([(t / "md" / d).mkdir(parents=True) for d in ("cur", "new", "tmp")] and t / "md"),
        ],
        ("md", "no patches"),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_exits_2_with_one_line(
    case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    args = case.make(tmp_path)
    status = main(args)
    out, err = capsys.readouterr()
    assert status == 2, (out, err)
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("patchlens: ")
    for word in case.expect:
        assert word in lines[0], (word, lines[0])
    assert "Traceback" not in err


def test_catalogue_is_big_enough() -> None:
    assert len(CASES) >= 20


def test_no_half_written_report(tmp_path: Path) -> None:
    """A failing run leaves an existing report untouched and creates no new file."""
    report = tmp_path / "report.json"
    report.write_text("previous report\n")
    good = _write(tmp_path / "ok.patch", GOOD_PATCH)
    status = main(
        ["lint", "--format", "json", "-o", str(report), str(good), str(tmp_path / "gone.patch")]
    )
    assert status == 2
    assert report.read_text() == "previous report\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ok.patch", "report.json"]


def test_unwritable_output_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = _write(tmp_path / "ok.patch", GOOD_PATCH)
    status = main(["lint", "-o", str(tmp_path / "no" / "such" / "dir" / "r.txt"), str(good)])
    err = capsys.readouterr().err
    assert status == 2
    assert err.count("\n") == 1 and "r.txt" in err


def test_empty_stdin_in_a_real_process() -> None:
    """Through the installed entry point: a real process, real stdin, no traceback."""
    done = subprocess.run(
        [sys.executable, "-m", "lint", "lint", "-"],
        input=b"",
        capture_output=True,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 2
    assert done.stdout == b""
    assert done.stderr.decode().count("\n") == 1
    assert b"<stdin>" in done.stderr and b"empty" in done.stderr


def test_a_mail_of_headers_alone_is_not_truncated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """RFC 5322 lets a mail end after its headers; only a cut header line is truncation."""
    mail = _write(tmp_path / "bare.eml", b"From: Ann <ann@example.org>\nSubject: lib: Fix it\n")
    status = main(["lint", "--format", "json", str(mail)])
    out, err = capsys.readouterr()
    assert status in (0, 1), err
    assert err == ""
    assert '"messages": 1' in out


def test_an_overlong_line_is_named_by_its_line_in_the_input() -> None:
    from lint.errors import InputError
    from lint.mail.model import RawMail
    from lint.mail.sanity import check_raw

    data = b"Subject: x\n\nshort\n" + b"a" * (3 << 20) + b"\nend\n"
    with pytest.raises(InputError) as caught:
        check_raw(RawMail(data, "big.mbox", first_line=10))
    # Line 10 holds the Subject: header, so the long line is line 13 of big.mbox.
    assert caught.value.where == "big.mbox:13"
    assert caught.value.problem == "line is 3 MiB long: not a mail"
