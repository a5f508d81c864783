"""lint.sources.commits and the commit-refs rule against a real git repository built in tmp_path."""

from __future__ import annotations

import pickle
import subprocess
from pathlib import Path

import pytest

from lint.cli.main import main
from lint.sources.commits import CommitResolver, Status, find_kernel_tree, resolver_for, subject_of

SUBJECT = "x86/apic: Move the cleanup into a timer"


def git(repo: Path, *args: str) -> str:
    env = {
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.org",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.org",
        "HOME": str(repo),
        "PATH": "/usr/bin:/bin:/usr/local/bin",
    }
    done = subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True, env=env
    )
    return done.stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> tuple[Path, str]:
    """A repository with one commit whose subject is SUBJECT; returns (path, full sha)."""
    path = tmp_path / "tree"
    path.mkdir()
    git(path, "init", "-q", "-b", "main")
    (path / "vector.c").write_text("int vector;\n")
    git(path, "add", "vector.c")
    git(path, "commit", "-q", "-m", f"{SUBJECT}\n\nBody of the commit.")
    git(path, "tag", "-a", "v1", "-m", "release")
    return path, git(path, "rev-parse", "HEAD")


def patch_text(fixes_line: str, prose: str = "") -> str:
    return (
        "From 1111111111111111111111111111111111111111 Mon Sep 17 00:00:00 2001\n"
        "From: Mira Okafor <mira.okafor@example.org>\n"
        "Date: Wed, 25 Feb 2026 10:15:00 +0100\n"
        "Subject: [PATCH] mm/slub: Drop the FREE_SLAB statistic\n"
        "\n"
        f"The statistic is never read.{prose}\n"
        "\n"
        f"{fixes_line}\n"
        "Signed-off-by: Mira Okafor <mira.okafor@example.org>\n"
    )


def test_resolver_finds_commits_tags_and_reports_unknown_ids(repo: tuple[Path, str]) -> None:
    path, sha = repo
    resolver = CommitResolver(path)
    found = resolver.resolve(sha[:12].upper())
    assert found.status is Status.FOUND
    assert (found.sha, found.subject) == (sha, SUBJECT)
    assert found.reference() == f'{sha[:12]} ("{SUBJECT}")'
    assert resolver.resolve("v1").status is Status.UNKNOWN  # not hex: never a revision
    assert resolver.resolve("deadbeefdead").status is Status.UNKNOWN
    tree = git(path, "rev-parse", "HEAD^{tree}")
    assert resolver.resolve(tree[:12]).status is Status.NOT_A_COMMIT
    # The resolver survives pickling (``-j N`` workers) as a fresh one on the same path.
    copy = pickle.loads(pickle.dumps(resolver))
    assert copy.path == path and copy.resolve(sha[:12]).subject == SUBJECT


def test_subject_joins_the_first_paragraph() -> None:
    assert subject_of("x86: One\ntwo\n\nbody") == "x86: One two"


def test_kernel_tree_detection(tmp_path: Path, repo: tuple[Path, str]) -> None:
    path, _ = repo
    assert find_kernel_tree(path) is None  # a git tree, but not the kernel's
    assert resolver_for(path, tmp_path) is not None  # -C names any repository
    assert resolver_for(None, path) is None
    for name in ("MAINTAINERS", "Makefile", "Kconfig"):
        (path / name).write_text("")
    (path / "kernel").mkdir()
    assert find_kernel_tree(path / "kernel") == path.resolve()
    assert resolver_for(tmp_path / "no-repo-here", tmp_path) is None


COMMIT_RULES = "commit-refs,bad-fixes-tag,git-commit-id,unknown-commit-id"


def lint(tmp_path: Path, repo: Path, text: str, *extra: str) -> tuple[int, str]:
    patch = tmp_path / "0001.patch"
    patch.write_text(text)
    out = tmp_path / "report.txt"
    status = main(
        ["lint", "-q", "--types", COMMIT_RULES, "--format", "terse", "--rule-names",
         "patchlens", "-C", str(repo), "-o", str(out), *extra, str(patch)]
    )  # fmt: skip
    return status, out.read_text()


def rules_at(report: str) -> list[tuple[int, str]]:
    """(line, rule) of each finding of a terse report."""
    found = []
    for row in report.splitlines():
        _, line, _, rule_part = row.split(":", 3)
        found.append((int(line), rule_part.split(":")[0]))
    return found


def test_one_fact_one_finding(tmp_path: Path, repo: tuple[Path, str]) -> None:
    """Each wrong reference is reported by the one rule that owns its fact: a Fixes:
    tag's subject by bad-fixes-tag, a prose subject by git-commit-id, an unknown id
    by unknown-commit-id (also below the sign-off); commit-refs stands back."""
    path, sha = repo
    text = patch_text(
        f'Fixes: {sha[:12]} ("x86/apic: Move cleanup")\nFixes: 0badc0ffee12 ("x86/apic: Gone")',
        prose=f'\nSince commit {sha[:14]} ("x86/apic: Timer") it is unused.',
    ).replace("Signed-off-by: Mira Okafor <mira.okafor@example.org>\n", "")
    text += (
        "Signed-off-by: Mira Okafor <mira.okafor@example.org>\n"
        'Fixes: 0badc0ffee13 ("x86/apic: Gone too")\n'
    )
    status, report = lint(tmp_path, path, text)
    assert status == 1
    assert rules_at(report) == [
        (7, "git-commit-id"),
        (9, "bad-fixes-tag"),
        (10, "unknown-commit-id"),
        (12, "unknown-commit-id"),
    ], report
    assert f"ie: 'Fixes: {sha[:12]} (\"{SUBJECT}\")'" in report
    assert "Unknown commit id '0badc0ffee13'" in report
    right = patch_text(f'Fixes: {sha[:12]} ("{SUBJECT}")')
    assert lint(tmp_path, path, right) == (0, "")


def test_without_a_repository_commit_refs_reports_two_quotes(
    tmp_path: Path, repo: tuple[Path, str]
) -> None:
    path, sha = repo
    text = patch_text(
        f'Fixes: {sha[:12]} ("x86/apic: Move cleanup")',
        prose=f'\nSince commit {sha[:12]} ("{SUBJECT}") it is unused.',
    )
    source = tmp_path / "two.patch"
    source.write_text(text)
    out = tmp_path / "no-repo.txt"
    args = ["lint", "-q", "--types", COMMIT_RULES, "--format", "terse", "--rule-names"]
    status = main([*args, "patchlens", "-o", str(out), str(source)])
    assert (status, rules_at(out.read_text())) == (1, [(7, "commit-refs")])
    # With the repository, the one wrong quote is bad-fixes-tag's alone.
    assert rules_at(lint(tmp_path, path, text)[1]) == [(9, "bad-fixes-tag")]


def test_fix_writes_the_real_references(tmp_path: Path, repo: tuple[Path, str]) -> None:
    path, sha = repo
    source = tmp_path / "in.patch"
    source.write_text(
        patch_text(
            f"Fixes: {sha[:8]} (x86/apic: Move cleanup)",
            prose=f'\nSince commit {sha[:14]} ("x86/apic: Timer") it is unused.',
        )
    )
    fixed = tmp_path / "out.patch"
    args = ["fix", "--types", COMMIT_RULES, "-C", str(path), "-o", str(fixed), str(source)]
    assert main(args) == 0
    text = fixed.read_text()
    assert f'Fixes: {sha[:12]} ("{SUBJECT}")\n' in text
    assert f'Since commit {sha[:12]} ("{SUBJECT}") it is unused.\n' in text
    # The fixed copy lints clean for the rules; the input is untouched.
    assert lint(tmp_path, path, text) == (0, "")
    assert "Move cleanup" in source.read_text()
