"""``.patchlens.toml``: where it is found, what it may say, and how mistakes are named."""

from __future__ import annotations

from pathlib import Path

import pytest

from lint.config import Config, find_config, load_config
from lint.diagnostic import Severity
from lint.errors import InputError

FULL = """\
profile = "tip"
fail_on = "warning"
rule_dirs = ["tools/patchlens-rules"]

[rules]
enable = ["some-rule"]
disable = ["line-length", "MISSING_SIGN_OFF"]

[rules.severity]
"subject-format" = "note"
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "tools" / "patchlens-rules").mkdir(parents=True)
    (tmp_path / "arch" / "x86").mkdir(parents=True)
    return tmp_path


def test_no_repository_means_defaults(tmp_path: Path) -> None:
    assert load_config(None, tmp_path) == Config()
    assert Config().profile == "auto"


def test_repository_without_file_means_defaults(repo: Path) -> None:
    assert find_config(repo / "arch" / "x86") is None
    assert load_config(None, repo / "arch" / "x86") == Config()


def test_found_at_the_repository_top_from_a_subfolder(repo: Path) -> None:
    path = repo / ".patchlens.toml"
    path.write_text(FULL, encoding="utf-8")
    config = load_config(None, repo / "arch" / "x86")
    assert config == Config(
        path=str(path),
        profile="tip",
        fail_on=Severity.WARNING,
        rule_dirs=(str((repo / "tools" / "patchlens-rules").resolve()),),
        enable=("some-rule",),
        disable=("line-length", "MISSING_SIGN_OFF"),
        severity=(("subject-format", Severity.NOTE),),
    )


def test_search_stops_at_the_first_git_folder(repo: Path) -> None:
    (repo / ".patchlens.toml").write_text('profile = "tip"\n', encoding="utf-8")
    inner = repo / "sub"
    (inner / ".git").mkdir(parents=True)
    assert load_config(None, inner) == Config()


def test_git_file_counts_as_a_repository(tmp_path: Path) -> None:
    (tmp_path / ".git").write_text("gitdir: /elsewhere\n", encoding="utf-8")
    (tmp_path / ".patchlens.toml").write_text('profile = "kernel"\n', encoding="utf-8")
    assert load_config(None, tmp_path).profile == "kernel"


def test_explicit_file_wins_and_rule_dirs_are_relative_to_it(repo: Path, tmp_path: Path) -> None:
    (repo / ".patchlens.toml").write_text('profile = "tip"\n', encoding="utf-8")
    elsewhere = tmp_path / "conf"
    (elsewhere / "more").mkdir(parents=True)
    explicit = elsewhere / "my.toml"
    explicit.write_text('rule_dirs = ["more"]\n', encoding="utf-8")
    config = load_config(explicit, repo)
    assert (config.path, config.profile) == (str(explicit), "auto")
    assert config.rule_dirs == (str((elsewhere / "more").resolve()),)


def test_explicit_file_must_exist(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    with pytest.raises(InputError) as caught:
        load_config(missing, tmp_path)
    assert (caught.value.where, caught.value.problem) == (
        str(missing),
        "configuration file not found",
    )


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("profil = 'tip'\n", "unknown key 'profil'"),
        ("profile = 'x86'\n", "bad value 'x86' for key 'profile' (expected auto, tip, kernel)"),
        ("profile = 3\n", "key 'profile' must be a string"),
        ("fail_on = 'fatal'\n", "bad value for key 'fail_on': unknown severity 'fatal'"),
        ("time_budget = -1\n", "key 'time_budget' must be a number of seconds, 0 or more"),
        ("time_budget = '5'\n", "key 'time_budget' must be a number of seconds, 0 or more"),
        ("rule_dirs = 'tools'\n", "key 'rule_dirs' must be a list of strings"),
        ("rule_dirs = ['missing']\n", "key 'rule_dirs': folder 'missing' does not exist"),
        ("rules = 1\n", "key 'rules' must be a table"),
        ("[rules]\nenabled = ['x']\n", "unknown key 'enabled' in [rules]"),
        (
            "[rules]\ndisable = 'line-length'\n",
            "key 'disable' in [rules] must be a list of strings",
        ),
        ("[rules]\nseverity = 'error'\n", "key 'severity' in [rules] must be a table"),
        (
            "[rules.severity]\n'line-length' = 'loud'\n",
            "bad value for key 'line-length' in [rules.severity]: unknown severity 'loud'",
        ),
        (
            "[rules.severity]\n'line-length' = 2\n",
            "key 'line-length' in [rules.severity] must be a string",
        ),
    ],
)
def test_bad_config(repo: Path, text: str, problem: str) -> None:
    path = repo / ".patchlens.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_config(None, repo)
    assert caught.value.where == str(path)
    assert problem in caught.value.problem


def test_toml_syntax_error(repo: Path) -> None:
    path = repo / ".patchlens.toml"
    path.write_text('profile = "tip"\n[rules\n', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_config(None, repo)
    assert caught.value.where == f"{path}:2:7"
    assert "(line 2, column 7)" in caught.value.problem


def test_invalid_utf8(repo: Path) -> None:
    path = repo / ".patchlens.toml"
    path.write_bytes(b'profile = "\xff"\n')
    with pytest.raises(InputError, match="not valid UTF-8"):
        load_config(None, repo)
