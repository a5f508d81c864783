"""Tests for git sources: real repositories built in tmp_path, real git."""

from __future__ import annotations

import email
import email.policy
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from lint.errors import InputError
from lint.sources.inputs import from_directory, from_git, open_input

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

LONG_SUBJECT = "x86/fred: Ünïcode summary long enough that format-patch must fold the header"


@pytest.fixture(autouse=True)
def clean_git_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No user or system git config leaks in; fixed identities and dates."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.delenv("GIT_DIR", raising=False)
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", "Ann Author")
        monkeypatch.setenv(f"GIT_{role}_EMAIL", "ann@example.org")


def git(repo: Path, *args: str, date: int = 0) -> str:
    env = dict(os.environ)
    if date:
        stamp = f"{1_700_000_000 + date * 3600} +0100"
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = stamp
    done = subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, env=env, text=True
    )
    return done.stdout.strip()


def commit(repo: Path, name: str, text: str, message: str, date: int) -> str:
    path = repo / name
    with path.open("a", encoding="utf-8") as handle:
        handle.write(text)
    git(repo, "add", name)
    git(repo, "commit", "-q", "-m", message, date=date)
    return git(repo, "rev-parse", "HEAD")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """root - a - (side b, merged) - c: five commits, one of them a merge."""
    path = tmp_path / "repo"
    path.mkdir()
    git(path, "init", "-q", "-b", "main")
    commit(path, "f.c", "int x;\n", "root: Add f.c", 1)
    commit(
        path,
        "f.c",
        "int y;\n",
        "f: Add y\n\nFrom the start this looked wrong.\n"
        "From x Mon Sep 17 00:00:00 2001\n>From quoted\n\nSigned-off-by: Ann <ann@example.org>",
        2,
    )
    git(path, "checkout", "-q", "-b", "side")
    commit(path, "g.c", "int g;\n", "g: Add g.c", 3)
    git(path, "checkout", "-q", "main")
    commit(path, "f.c", "int z;\n", "f: Add z", 4)
    git(path, "merge", "-q", "--no-edit", "side", date=5)
    commit(path, "f.c", "int w;\n", LONG_SUBJECT, 6)
    return path


def expected_names(repo: Path, spec: str) -> list[str]:
    """checkpatch's names of the non-merge commits of ``spec``, oldest first."""
    log = git(repo, "log", "--reverse", "--no-merges", "--format=%H %s", spec)
    return [f'Commit {line[:12]} ("{line[41:]}")' for line in log.splitlines()]


def test_range_is_oldest_first_without_merges(repo: Path) -> None:
    raws = list(from_git("HEAD~3..HEAD", repo))
    names = expected_names(repo, "HEAD~3..HEAD")
    assert len(names) == 3
    assert [r.origin for r in raws] == names
    assert [r.index for r in raws] == [0, 1, 2]
    assert {r.first_line for r in raws} == {2}
    assert "g: Add g.c" in names[0] and LONG_SUBJECT in names[2]


def test_range_renders_what_format_patch_writes(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    # Plain format-patch writes one file per commit, numbered like the range.
    git(repo, "format-patch", "-q", "-N", "--no-signature", "-o", str(out), "HEAD~4..HEAD")
    files = sorted(out.iterdir())
    raws = list(from_git("HEAD~4..HEAD", repo))
    assert len(raws) == len(files) == 4
    for raw, path in zip(raws, files, strict=True):
        assert raw.data == path.read_bytes().split(b"\n", 1)[1]
    # The changelog lines that look like mbox separators survived intact.
    assert b"\nFrom x Mon Sep 17 00:00:00 2001\n>From quoted\n" in raws[0].data


def test_subject_is_decoded_for_the_name(repo: Path) -> None:
    [raw] = from_git("HEAD", repo)
    message = email.message_from_bytes(raw.data, policy=email.policy.default)
    assert str(message["subject"]) == f"[PATCH] {LONG_SUBJECT}"
    assert raw.origin == expected_names(repo, "HEAD~1..HEAD")[0]


def test_single_revision_is_that_commit(repo: Path) -> None:
    [root] = from_git(git(repo, "rev-list", "--max-parents=0", "HEAD"), repo)
    assert root.origin.endswith('("root: Add f.c")')
    assert b"\n+int x;\n" in root.data


def test_single_merge_is_skipped(repo: Path) -> None:
    with pytest.raises(InputError) as caught:
        list(from_git("HEAD~1", repo))
    assert (caught.value.where, caught.value.problem) == ("HEAD~1", "no patches found")


def test_empty_range(repo: Path) -> None:
    with pytest.raises(InputError) as caught:
        list(from_git("HEAD..HEAD", repo))
    assert caught.value.problem == "no patches found"


def test_user_config_does_not_change_the_mail(repo: Path) -> None:
    for key, value in [
        ("format.signOff", "true"),
        ("format.coverLetter", "true"),
        ("format.attach", "true"),
        ("diff.noprefix", "true"),
        ("format.subjectPrefix", "RFC"),
        ("format.numbered", "true"),
    ]:
        git(repo, "config", key, value)
    [raw] = from_git("HEAD", repo)
    assert raw.data.count(b"Signed-off-by:") == 0
    assert b"Content-Type: multipart" not in raw.data
    assert b"\ndiff --git a/f.c b/f.c\n" in raw.data
    assert b"\nSubject: [PATCH] =?UTF-8?q?x86/fred:" in raw.data


@pytest.mark.parametrize(
    ("spec", "problem"),
    [
        ("HEAD~99..HEAD", "unknown revision 'HEAD~99'"),
        ("HEAD..nosuch", "unknown revision 'nosuch'"),
        ("HEAD~99", "unknown revision 'HEAD~99'"),
        ("--output=x", "unknown revision '--output=x'"),
    ],
)
def test_unknown_revision(repo: Path, spec: str, problem: str) -> None:
    with pytest.raises(InputError) as caught:
        list(from_git(spec, repo))
    assert (caught.value.where, caught.value.problem) == (spec, problem)


def test_open_input_resolves_revisions(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert [r.origin for r in open_input("HEAD~3..", git_dir=repo)] == expected_names(
        repo, "HEAD~3..HEAD"
    )
    monkeypatch.chdir(repo / ".git")
    assert len(list(open_input("HEAD~3..HEAD"))) == 3


def test_open_input_not_a_path_nor_revision(repo: Path) -> None:
    with pytest.raises(InputError) as caught:
        open_input("0001-typo.patch", git_dir=repo)
    assert (caught.value.where, caught.value.problem) == (
        "0001-typo.patch",
        "no such file, directory or git revision",
    )
    with pytest.raises(InputError) as caught:
        open_input("HEAD~99..HEAD", git_dir=repo)
    assert caught.value.problem == "unknown revision 'HEAD~99'"


def test_git_dir_that_is_not_a_repository(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    with pytest.raises(InputError) as caught:
        open_input("HEAD", git_dir=plain)
    assert (caught.value.where, caught.value.problem) == (str(plain), "not a git repository")
    with pytest.raises(InputError) as caught:
        from_git("HEAD", tmp_path / "missing")
    assert caught.value.problem == "not a git repository"


def test_one_format_patch_process_for_a_range(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for number in range(12):
        commit(repo, "h.c", f"int h{number};\n", f"h: Add h{number}", 10 + number)
    log = tmp_path / "git-calls.log"
    wrapper = tmp_path / "bin" / "git"
    wrapper.parent.mkdir()
    real = shutil.which("git")
    wrapper.write_text(f'#!/bin/sh\necho "$@" >> {log}\nexec {real} "$@"\n')
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{wrapper.parent}{os.pathsep}{os.environ['PATH']}")
    raws = list(from_git("HEAD~16..HEAD", repo))
    assert len(raws) == 16
    calls = log.read_text().splitlines()
    assert sum("format-patch" in call for call in calls) == 1
    assert len(calls) <= 3


def test_stopping_early_ends_git(repo: Path) -> None:
    raws = from_git("HEAD~4..HEAD", repo)
    first = next(raws)
    assert first.index == 0
    raws.close()  # type: ignore[attr-defined]
    with pytest.raises(StopIteration):
        next(raws)


# --- real git format-patch output in a folder ------------------------------------


def test_format_patch_folder_with_cover_letter(repo: Path, tmp_path: Path) -> None:
    for number in range(11):
        commit(repo, "h.c", f"int h{number};\n", f"h: Add h{number}", 10 + number)
    out = tmp_path / "series"
    git(repo, "format-patch", "-q", "--cover-letter", "-v2", "-o", str(out), "HEAD~12..HEAD")
    raws = list(from_directory(out, "series"))
    subjects = [
        " ".join(
            str(email.message_from_bytes(r.data, policy=email.policy.default)["subject"]).split()
        )
        for r in raws
    ]
    assert len(raws) == 13
    assert subjects[0] == "[PATCH v2 00/12] *** SUBJECT HERE ***"
    assert subjects[1] == f"[PATCH v2 01/12] {LONG_SUBJECT}"
    assert [s.split("]")[0] for s in subjects] == [f"[PATCH v2 {n:02d}/12" for n in range(13)]
    assert subjects[12] == "[PATCH v2 12/12] h: Add h10"
    assert [r.origin.split("/")[1][:7] for r in raws] == [f"v2-{n:04d}" for n in range(13)]


def test_import_does_not_load_gitpython() -> None:
    code = "import sys, lint.sources.inputs; print('git' in sys.modules)"
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=root, check=True, capture_output=True, text=True
    )
    assert done.stdout.strip() == "False"
