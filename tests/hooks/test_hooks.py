"""The git hooks: install/uninstall/status, sendemail-validate series state, commit-msg.

Everything runs against real git repositories in tmp_path and the real hook
scripts that ``patchlens hook install`` writes.  ``CLEAN_PATCH`` and
``series_patch`` are imported by the other front-door test modules.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from mails import AUTHOR, CLEAN_PATCH, GOOD_MESSAGE, WARNED_PATCH

from lint.hooks.commit import clean_message
from lint.hooks.install import MARKER, install, render_script, status, uninstall

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "thread"


def series_patch(index: int, total: int, version: int = 1, base: str = "") -> str:
    """Mail ``index`` of a clean series of ``total`` (index 0 = the cover letter)."""
    tag = f"[PATCH{f' v{version}' if version > 1 else ''} {index}/{total}]"
    head = (
        f"From: {AUTHOR}\n"
        f"Subject: {tag} docs: watchdog: Fix example number {index}\n"
        f"Message-ID: <series-{index}-of-{total}@example.org>\n\n"
    )
    trailer = f"\nbase-commit: {base}\n" if base else ""
    if index == 0:
        return head + f"Fix the numbers of the watchdog examples.\n\n---\n{trailer}"
    body = CLEAN_PATCH.split("\n\n", 1)[1]
    return head + body.replace("\n-- \n2.47.0\n", f"{trailer}-- \n2.47.0\n")


def git(
    repo: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run git in ``repo`` and return what it did."""
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, env=env)


def clean_env() -> dict[str, str]:
    """The environment without git's or patchlens's variables of the outer run."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PATCHLENS_"))}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    path = tmp_path / "linux"
    path.mkdir()
    git(path, "init", "-q")
    git(path, "config", "user.name", "Mira Castell")
    git(path, "config", "user.email", "mira.castell@example.org")
    return path


def run_hook(
    repo: Path, name: str, *args: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run an installed hook script the way git does (cwd = top level, GIT_DIR set)."""
    full = clean_env()
    full["GIT_DIR"] = str(repo / ".git")
    full.update(env or {})
    return subprocess.run(
        [str(repo / ".git" / "hooks" / name), *map(str, args)],
        cwd=repo,
        capture_output=True,
        text=True,
        env=full,
    )


# --- install / uninstall / status ------------------------------------------------------


def test_install_writes_scripts_that_name_this_interpreter(repo: Path) -> None:
    done = install(repo)
    assert [line.split(":")[0] for line in done] == ["sendemail-validate", "commit-msg"]
    script = (repo / ".git" / "hooks" / "commit-msg").read_text()
    assert script.startswith("#!/bin/sh\n")
    assert MARKER in script.splitlines()
    python = Path(sys.executable).absolute()
    assert f"exec {python!s} -P -c 'from lint.hooks.run import run; run()' commit-msg" in script
    assert os.access(repo / ".git" / "hooks" / "commit-msg", os.X_OK)
    assert [s.state for s in status(repo)] == ["patchlens", "patchlens"]
    assert status(repo)[0].python == str(Path(sys.executable).absolute())


def test_install_honours_core_hooks_path(repo: Path) -> None:
    git(repo, "config", "core.hooksPath", "tools/hooks")
    install(repo, ["commit-msg"])
    assert (repo / "tools" / "hooks" / "commit-msg").is_file()
    assert not (repo / ".git" / "hooks" / "commit-msg").exists()
    assert status(repo, ["commit-msg"])[0].path == repo / "tools" / "hooks" / "commit-msg"


def test_a_foreign_hook_is_refused_then_chained_and_restored(repo: Path) -> None:
    from lint.errors import InputError

    hooks = repo / ".git" / "hooks"
    hooks.mkdir(parents=True, exist_ok=True)
    theirs = hooks / "commit-msg"
    theirs.write_text("#!/bin/sh\necho their-hook-ran >&2\n")
    theirs.chmod(0o755)
    with pytest.raises(InputError, match="--chain keeps it"):
        install(repo, ["commit-msg"])
    assert status(repo, ["commit-msg"])[0].state == "foreign"

    install(repo, ["commit-msg"], chain=True)
    entry = status(repo, ["commit-msg"])[0]
    assert (entry.state, entry.chained) == ("patchlens", True)
    message = repo / "msg"
    message.write_text(
        "docs: watchdog: Fix the example\n\nFix it.\n\nSigned-off-by: " + AUTHOR + "\n"
    )
    ran = run_hook(repo, "commit-msg", message)
    assert ran.returncode == 0, ran.stderr
    assert "their-hook-ran" in ran.stderr  # ours passed, then theirs ran

    assert uninstall(repo, ["commit-msg"]) == [
        "commit-msg: removed; the chained hook is back in place"
    ]
    assert theirs.read_text() == "#!/bin/sh\necho their-hook-ran >&2\n"


def test_force_replaces_a_foreign_hook_and_keeps_a_copy(repo: Path) -> None:
    hooks = repo / ".git" / "hooks"
    hooks.mkdir(parents=True, exist_ok=True)
    (hooks / "sendemail-validate").write_text("#!/bin/sh\nexit 0\n")
    install(repo, ["sendemail-validate"], force=True)
    assert status(repo, ["sendemail-validate"])[0].state == "patchlens"
    assert (hooks / "sendemail-validate.patchlens-backup").read_text() == "#!/bin/sh\nexit 0\n"


def test_uninstall_leaves_foreign_hooks_alone(repo: Path) -> None:
    hooks = repo / ".git" / "hooks"
    hooks.mkdir(parents=True, exist_ok=True)
    (hooks / "commit-msg").write_text("#!/bin/sh\nexit 0\n")
    assert uninstall(repo) == [
        "sendemail-validate: not installed",
        "commit-msg: left alone (not written by patchlens)",
    ]
    assert (hooks / "commit-msg").exists()


def test_cli_hook_commands(repo: Path) -> None:
    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "lint", "hook", *args], cwd=repo, capture_output=True, text=True
        )

    assert cli("install", "--commit-msg", "--allow-warnings").returncode == 0
    assert "--allow-warnings" in (repo / ".git" / "hooks" / "commit-msg").read_text()
    assert not (repo / ".git" / "hooks" / "sendemail-validate").exists()
    shown = cli("status").stdout.splitlines()
    assert shown[0].split()[:2] == ["sendemail-validate", "absent"]
    assert shown[1].split()[:2] == ["commit-msg", "patchlens"]
    assert cli("uninstall").stdout.splitlines() == [
        "sendemail-validate: not installed",
        "commit-msg: removed",
    ]


def test_install_outside_a_repository_is_one_line_and_status_2(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "lint", "hook", "install"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**clean_env(), "GIT_CEILING_DIRECTORIES": str(tmp_path.parent)},
    )
    assert done.returncode == 2
    assert done.stderr == f"patchlens: {tmp_path}: not inside a git repository\n"


def test_rendered_script_quotes_odd_interpreter_paths() -> None:
    script = render_script("commit-msg", "/opt/my tools/bin/python", None, False)
    run = "'from lint.hooks.run import run; run()'"
    assert f"exec '/opt/my tools/bin/python' -P -c {run} commit-msg \"$@\"" in script


THEIRS = "#!/bin/sh\necho their-hook-ran >&2\n"
"""A commit-msg hook of the user's own, which says when it runs."""


def _their_hook(repo: Path, name: str = "commit-msg") -> Path:
    hooks = repo / ".git" / "hooks"
    hooks.mkdir(parents=True, exist_ok=True)
    (hooks / name).write_text(THEIRS)
    (hooks / name).chmod(0o755)
    return hooks / name


def _cli(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``patchlens ARGS`` in ``cwd``, help laid out for a wide terminal."""
    return subprocess.run(
        [sys.executable, "-m", "lint", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**clean_env(), "COLUMNS": "200"},
    )


def test_uninstall_after_force_puts_the_replaced_hook_back(repo: Path) -> None:
    theirs = _their_hook(repo)
    assert _cli(repo, "hook", "install", "--commit-msg", "--force").returncode == 0
    assert (repo / ".git" / "hooks" / "commit-msg.patchlens-backup").read_text() == THEIRS
    assert "their-hook-ran" not in _commit(repo, GOOD_MESSAGE, "--allow-empty").stderr

    done = _cli(repo, "hook", "uninstall", "--commit-msg")
    assert done.stdout == "commit-msg: removed; the hook it replaced is back in place\n"
    assert theirs.read_text() == THEIRS
    assert os.access(theirs, os.X_OK)
    assert not (repo / ".git" / "hooks" / "commit-msg.patchlens-backup").exists()
    # git runs the user's hook again.
    landed = _commit(repo, "anything goes\n", "--allow-empty")
    assert (landed.returncode, landed.stderr) == (0, "their-hook-ran\n")


def test_install_refusing_one_hook_installs_none(repo: Path) -> None:
    theirs = _their_hook(repo)
    refused = _cli(repo, "hook", "install")  # both: sendemail-validate comes first
    assert refused.returncode == 2
    assert refused.stderr == (
        f"patchlens: {theirs}: a hook patchlens did not write is already there: "
        "--chain keeps it and runs it after patchlens, --force replaces it\n"
    )
    assert [(s.name, s.state) for s in status(repo)] == [
        ("sendemail-validate", "absent"),
        ("commit-msg", "foreign"),
    ]
    assert sorted(p.name for p in theirs.parent.glob("*") if "sample" not in p.name) == [
        "commit-msg"
    ]


def test_install_will_not_overwrite_an_earlier_copy(repo: Path) -> None:
    theirs = _their_hook(repo)
    earlier = theirs.parent / "commit-msg.patchlens-backup"
    earlier.write_text("#!/bin/sh\necho the-hook-before-that\n")
    refused = _cli(repo, "hook", "install", "--force")
    assert refused.returncode == 2
    assert refused.stderr == (
        f"patchlens: {earlier}: is in the way of keeping the current hook: move it away\n"
    )
    assert theirs.read_text() == THEIRS
    assert earlier.read_text() == "#!/bin/sh\necho the-hook-before-that\n"
    assert not (theirs.parent / "sendemail-validate").exists()


def _options(help_text: str) -> dict[str, str]:
    """The options of a ``--help`` (one per line, wide terminal) and their help."""
    found = {}
    section = help_text.split("\noptions:\n", 1)[1].split("\n\n", 1)[0]
    for line in section.splitlines():
        flags, _, text = line.strip().partition("  ")
        found[flags] = text.strip()
    return found


def test_hook_help_says_what_each_hook_and_option_does(repo: Path) -> None:
    top = _cli(repo, "hook", "--help")
    assert top.returncode == 0
    assert "sendemail-validate  git send-email runs it on each mail before sending" in top.stdout
    assert "commit-msg          git commit runs it on the message" in top.stdout
    assert "PATCHLENS_SKIP=1" in top.stdout
    for action in ("install", "uninstall", "status"):
        assert f"\n    {action} " in top.stdout  # each action listed with a line of help
    expected = {
        "install": {"--sendemail-validate", "--commit-msg", "--force", "--chain"},
        "uninstall": {"--sendemail-validate", "--commit-msg"},
        "status": {"--sendemail-validate", "--commit-msg"},
    }
    for action, named in expected.items():
        shown = _cli(repo, "hook", action, "--help")
        assert shown.returncode == 0
        options = _options(shown.stdout)
        assert named | {"-C DIR"} <= options.keys(), action
        assert all(options.values()), options  # every option says what it does
        assert "\nexample" in shown.stdout, action
        assert f"  patchlens hook {action}" in shown.stdout.split("\nexample", 1)[1]
    install_help = _cli(repo, "hook", "install", "--help").stdout
    assert "NAME.patchlens-backup" in _options(install_help)["--force"]
    assert "all or\nnothing" in install_help


def test_hook_directory_before_or_after_the_action(repo: Path, tmp_path: Path) -> None:
    for args in (("-C", str(repo), "status"), ("status", "-C", str(repo))):
        shown = _cli(tmp_path, "hook", *args)
        assert shown.returncode == 0, shown.stderr
        assert str(repo / ".git" / "hooks" / "commit-msg") in shown.stdout
    missing = _cli(tmp_path, "hook", "status", "-C", str(tmp_path / "nowhere"))
    assert (missing.returncode, missing.stderr) == (
        2,
        f"patchlens: {tmp_path / 'nowhere'}: no such directory\n",
    )


# --- sendemail-validate -------------------------------------------------------------------


def test_sendemail_validate_blocks_errors_and_passes_clean_mail(repo: Path, tmp_path: Path) -> None:
    install(repo, ["sendemail-validate"])
    clean = tmp_path / "clean.patch"
    clean.write_text(CLEAN_PATCH)
    ok = run_hook(repo, "sendemail-validate", clean)
    assert (ok.returncode, ok.stderr) == (0, "")
    bad = run_hook(repo, "sendemail-validate", EXAMPLES / "v1-0001.patch")
    assert bad.returncode == 1
    lines = bad.stderr.splitlines()
    assert lines[0].startswith(f"patchlens: {EXAMPLES / 'v1-0001.patch'}: blocked by ")
    assert any(": error: fix-section: missing '== Fix ==' section" in line for line in lines)
    assert "  send anyway:  git send-email --no-validate ..." in lines


# What sendemail-validate must not load: it runs for every mail sent, and each of these
# cost it milliseconds (bench/hook_latency.py). typing and contextlib are missing only
# because unidiff, which parses the diff, imports them.
HEAVY_FOR_A_HOOK = (
    "argparse",
    "git",
    "jinja2",
    "markdown_it",
    "pathlib",
    "subprocess",
    "tempfile",
    "tomllib",
)


def test_sendemail_validate_loads_only_what_linting_needs(repo: Path) -> None:
    code = (
        "import sys; from lint.hooks.run import main; "
        f"status = main(['sendemail-validate', {str(EXAMPLES / 'v2-0001.patch')!r}]); "
        f"print(status, [m for m in {HEAVY_FOR_A_HOOK!r} if m in sys.modules])"
    )
    env = {**clean_env(), "GIT_DIR": str(repo / ".git")}
    for _ in range(2):  # the first run may fill the caches (tomllib, pickle): measure the next
        done = subprocess.run(
            [sys.executable, "-P", "-c", code],
            cwd=repo,
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
    # Let through: v2 carries the sections, so the pinned-bit finding is a note.
    assert done.stdout.split("\n")[-2] == "0 []", done.stdout


def test_allow_warnings_and_skip(repo: Path, tmp_path: Path) -> None:
    install(repo, ["sendemail-validate"])
    warned = tmp_path / "warned.patch"
    warned.write_text(WARNED_PATCH)
    blocked = run_hook(repo, "sendemail-validate", warned)
    assert blocked.returncode == 1
    assert "PATCHLENS_ALLOW_WARNINGS=1" in blocked.stderr
    allowed = run_hook(repo, "sendemail-validate", warned, env={"PATCHLENS_ALLOW_WARNINGS": "1"})
    assert allowed.returncode == 0
    assert "(not blocking)" in allowed.stderr
    errors = run_hook(
        repo,
        "sendemail-validate",
        EXAMPLES / "v1-0001.patch",
        env={"PATCHLENS_ALLOW_WARNINGS": "1"},
    )
    assert errors.returncode == 1  # errors still block
    skipped = run_hook(
        repo, "sendemail-validate", EXAMPLES / "v1-0001.patch", env={"PATCHLENS_SKIP": "1"}
    )
    assert (skipped.returncode, skipped.stderr) == (
        0,
        "patchlens: skipped (PATCHLENS_SKIP is set)\n",
    )


def test_bad_config_blocks_with_one_line(repo: Path, tmp_path: Path) -> None:
    install(repo, ["sendemail-validate"])
    (repo / ".patchlens.toml").write_text('profile = "nonsense"\n')
    clean = tmp_path / "clean.patch"
    clean.write_text(CLEAN_PATCH)
    done = run_hook(repo, "sendemail-validate", clean)
    assert done.returncode == 2
    assert len(done.stderr.splitlines()) == 1
    assert "profile" in done.stderr


def test_fail_on_error_in_config_lets_warnings_through(repo: Path, tmp_path: Path) -> None:
    install(repo, ["sendemail-validate"])
    (repo / ".patchlens.toml").write_text('fail_on = "error"\n')
    warned = tmp_path / "warned.patch"
    warned.write_text(WARNED_PATCH)
    assert run_hook(repo, "sendemail-validate", warned).returncode == 0


def _send_series(
    repo: Path, tmp_path: Path, mails: list[str], counters: bool = True, total: int = 0
) -> list[subprocess.CompletedProcess[str]]:
    """Validate ``mails`` one by one as git send-email does, stopping at the first refusal."""
    results = []
    for position, text in enumerate(mails, start=1):
        path = tmp_path / f"{position:04d}.patch"
        path.write_text(text)
        env = {}
        if counters:
            env = {
                "GIT_SENDEMAIL_FILE_COUNTER": str(position),
                "GIT_SENDEMAIL_FILE_TOTAL": str(total or len(mails)),
            }
        headers = tmp_path / f"{position:04d}.headers"
        headers.write_text(f"To: list@example.org\nMessage-ID: <m{position}@example.org>\n")
        done = run_hook(repo, "sendemail-validate", path, headers, env=env)
        results.append(done)
        if done.returncode:
            break
    return results


STATE = Path(".git") / "patchlens" / "sendemail-series.json"


def test_a_good_series_passes_and_leaves_no_state(repo: Path, tmp_path: Path) -> None:
    install(repo, ["sendemail-validate"])
    mails = [series_patch(i, 3) for i in range(4)]
    results = _send_series(repo, tmp_path, mails)
    assert [r.returncode for r in results] == [0, 0, 0, 0]
    assert all(r.stderr == "" for r in results)
    assert not (repo / STATE).exists()


def test_series_state_is_recorded_between_mails(repo: Path, tmp_path: Path) -> None:
    install(repo, ["sendemail-validate"])
    # The first two mails of a send of three; the second has no Message-ID of its
    # own, so the one of git's SMTP header file (the second argument) names it.
    second = series_patch(1, 2).replace("Message-ID: <series-1-of-2@example.org>\n", "")
    results = _send_series(repo, tmp_path, [series_patch(0, 2), second], total=3)
    assert [r.returncode for r in results] == [0, 0]
    record = json.loads((repo / STATE).read_text())
    assert (record["total"], record["last"]) == (3, 2)
    assert [entry["message_id"] for entry in record["entries"]] == [
        "<series-0-of-2@example.org>",
        "<m2@example.org>",
    ]
    assert [entry["index"] for entry in record["entries"]] == [0, 1]


@pytest.mark.parametrize("counters", [True, False], ids=["git-2.41-counters", "subject-numbers"])
def test_series_checks_run_on_the_last_mail(repo: Path, tmp_path: Path, counters: bool) -> None:
    install(repo, ["sendemail-validate"])
    mails = [
        series_patch(0, 3),
        series_patch(1, 3),
        series_patch(2, 3, version=2),
        series_patch(3, 3),
    ]
    results = _send_series(repo, tmp_path, mails, counters=counters)
    assert [r.returncode for r in results] == [0, 0, 0, 1]
    last = results[-1].stderr
    assert "series-version" in last
    assert "'[PATCH v2 2/3] docs: watchdog: Fix example number 2' is v2" in last
    assert not (repo / STATE).exists()


def test_series_without_cover_letter_and_with_a_gap(repo: Path, tmp_path: Path) -> None:
    install(repo, ["sendemail-validate"])
    mails = [series_patch(1, 3), series_patch(3, 3)]
    results = _send_series(repo, tmp_path, mails)
    assert [r.returncode for r in results] == [0, 1]
    last = results[-1].stderr
    assert "series-numbering: the series of 3 is missing 2/3" in last
    assert "series-cover-letter: a series of 2 patches has no 0/2 cover letter" in last


def test_series_rules_are_rules_the_config_can_switch_off_or_regrade(
    repo: Path, tmp_path: Path
) -> None:
    install(repo, ["sendemail-validate"])
    (repo / ".patchlens.toml").write_text(
        '[rules]\ndisable = ["series-cover-letter"]\nseverity = { series-numbering = "note" }\n'
    )
    results = _send_series(repo, tmp_path, [series_patch(1, 3), series_patch(3, 3)])
    assert [r.returncode for r in results] == [0, 0]  # a note does not block
    last = results[-1].stderr
    assert "note: series-numbering: the series of 3 is missing 2/3" in last
    assert "series-cover-letter" not in last


def test_series_on_two_bases_is_refused(repo: Path, tmp_path: Path) -> None:
    install(repo, ["sendemail-validate"])
    mails = [
        series_patch(0, 2, base="a" * 40),
        series_patch(1, 2),
        series_patch(2, 2, base="b" * 40),
    ]
    results = _send_series(repo, tmp_path, mails)
    assert results[-1].returncode == 1
    assert "series-base: base-commit bbbbbbbbbbbb differs from aaaaaaaaaaaa" in results[-1].stderr


def test_an_interrupted_send_does_not_poison_the_next(repo: Path, tmp_path: Path) -> None:
    install(repo, ["sendemail-validate"])
    # The second mail is refused: git send-email stops, the record is dropped.
    first = _send_series(repo, tmp_path, [series_patch(1, 2), WARNED_PATCH])
    assert [r.returncode for r in first] == [0, 1]
    assert not (repo / STATE).exists()
    # A mail in the middle without its predecessors: no series verdict, and it says so.
    lone = tmp_path / "lone.patch"
    lone.write_text(series_patch(2, 3))
    done = run_hook(
        repo,
        "sendemail-validate",
        lone,
        env={"GIT_SENDEMAIL_FILE_COUNTER": "2", "GIT_SENDEMAIL_FILE_TOTAL": "3"},
    )
    assert done.returncode == 0
    assert "series checks skipped" in done.stderr


def test_usage_errors_are_status_2() -> None:
    from lint.hooks.run import run_hook as dispatch

    assert dispatch([], {}, Path()).status == 2
    assert dispatch(["pre-push", "x"], {}, Path()).status == 2
    assert dispatch(["commit-msg"], {}, Path()).status == 2
    missing = dispatch(["sendemail-validate", "/nonexistent/mail"], {"GIT_DIR": "/x"}, Path())
    assert (missing.status, missing.message) == (
        2,
        "patchlens: /nonexistent/mail: cannot read: No such file or directory\n",
    )


# --- commit-msg ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Subject\n\nBody\n", [("Subject", 1), ("", 2), ("Body", 3)]),
        ("\n\nSubject  \n\n\n\nBody\n\n", [("Subject", 3), ("", 4), ("Body", 7)]),
        ("Subject\n# Please enter the commit message\n#\nBody\n", [("Subject", 1), ("Body", 4)]),
        (
            "Subject\n\nBody\n# ------------------------ >8 ------------------------\n"
            "diff --git a/x b/x\n+added\n",
            [("Subject", 1), ("", 2), ("Body", 3)],
        ),
        ("# only comments\n#\n", []),
        ("Subject\n;comment\n#kept\n", [("Subject", 1), ("#kept", 3)]),
    ],
    ids=["plain", "blank-runs", "comments", "scissors", "empty", "comment-char"],
)
def test_clean_message_matches_git_strip(text: str, expected: list[tuple[str, int]]) -> None:
    char = ";" if "comment-char" in text or ";comment" in text else "#"
    assert [(line.text, line.line) for line in clean_message(text, char)] == expected


def test_clean_message_agrees_with_git_stripspace() -> None:
    text = "\n  \nSubj  \n\n\n# comment\nBody line  \n\t\n\nMore\n\n# tail\n"
    done = subprocess.run(
        ["git", "stripspace", "--strip-comments"], input=text, capture_output=True, text=True
    )
    assert "\n".join(line.text for line in clean_message(text)) + "\n" == done.stdout


def _commit(
    repo: Path, message: str, *extra: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "commit", "-q", *extra, "-F", "-"],
        cwd=repo,
        input=message,
        capture_output=True,
        text=True,
        env={**clean_env(), **(env or {})},
    )


def test_commit_msg_refuses_a_bad_message_and_lets_a_good_one_land(repo: Path) -> None:
    install(repo, ["commit-msg"])
    (repo / "example.rst").write_text("timeout = 60\n")
    git(repo, "add", "example.rst")
    bad = _commit(repo, "fixed the timeout\n")
    assert bad.returncode != 0
    assert "patchlens: commit message blocked by" in bad.stderr
    assert "COMMIT_EDITMSG:1: " in bad.stderr  # pointing into the file git wrote
    assert "signed-off-by" in bad.stderr
    assert git(repo, "rev-parse", "-q", "--verify", "HEAD").returncode != 0  # nothing landed
    good = _commit(repo, GOOD_MESSAGE)
    assert (good.returncode, good.stderr) == (0, "")
    assert git(repo, "log", "-1", "--format=%s").stdout == (
        "docs: watchdog: Fix the default timeout in the example\n"
    )


def test_a_hook_whose_python_is_gone_says_so_and_lets_the_commit_through(
    repo: Path, tmp_path: Path
) -> None:
    venv = tmp_path / "old-venv"
    python = venv / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(f'#!/bin/sh\nexec {sys.executable} "$@"\n')
    python.chmod(0o755)
    install(repo, ["commit-msg"], python=str(python))
    assert _commit(repo, "fixed the timeout\n", "--allow-empty").returncode != 0  # it ran

    shutil.rmtree(venv)
    landed = _commit(repo, "fixed the timeout\n", "--allow-empty")
    assert landed.returncode == 0, landed.stderr
    assert landed.stderr.splitlines() == [
        f"patchlens: the Python this commit-msg hook runs is gone: {python}",
        "  (a removed venv?) so patchlens did not check this commit message; letting it through.",
        "  reinstall it from the patchlens you use now:  patchlens hook install --commit-msg",
        "  or remove it:                                patchlens hook uninstall",
        "  or skip this message once:                   PATCHLENS_SKIP=1",
    ]
    quiet = _commit(repo, "again\n", "--allow-empty", env={"PATCHLENS_SKIP": "1"})
    assert (quiet.returncode, quiet.stderr) == (0, "")
    assert git(repo, "log", "--format=%s").stdout == "again\nfixed the timeout\n"


def test_a_hook_whose_python_is_gone_still_runs_the_chained_hook(
    repo: Path, tmp_path: Path
) -> None:
    _their_hook(repo)
    install(repo, ["commit-msg"], chain=True, python=str(tmp_path / "gone" / "python"))
    done = _commit(repo, "anything\n", "--allow-empty")
    assert done.returncode == 0, done.stderr
    assert "is gone" in done.stderr
    assert done.stderr.endswith("their-hook-ran\n")


def test_commit_msg_sees_the_staged_diff(repo: Path) -> None:
    """A diff-triggered rule (CR pinning background) fires at commit time."""
    install(repo, ["commit-msg"])
    source = repo / "arch" / "x86" / "kernel" / "cpu" / "common.c"
    source.parent.mkdir(parents=True)
    source.write_text("void cr4_init(void)\n{\n}\n")
    git(repo, "add", ".")
    assert _commit(repo, GOOD_MESSAGE, "--no-verify").returncode == 0
    source.write_text(
        "void cr4_init(void)\n{\n\tif (static_branch_likely(&cr_pinning))\n\t\tcr4 |= 1;\n}\n"
    )
    git(repo, "add", ".")
    message = GOOD_MESSAGE.replace("docs: watchdog:", "x86/cpu:")
    refused = _commit(repo, message)
    assert refused.returncode != 0
    assert "cr-pinning-background" in refused.stderr
    assert "staged diff" in refused.stderr or "COMMIT_EDITMSG" in refused.stderr


SEED_CR4_INIT = """\
void cr4_init(void)
{
	unsigned long cr4 = __read_cr4();

	if (boot_cpu_has(X86_FEATURE_PCID))
		cr4 |= X86_CR4_PCIDE;
	if (static_branch_likely(&cr_pinning))
		cr4 = (cr4 & ~cr4_pinned_mask) | cr4_pinned_bits;

	__write_cr4(cr4);
}
"""


def _seed_message(name: str) -> str:
    """The commit message of an example of the seed thread: subject and changelog."""
    text = (EXAMPLES / name).read_text(encoding="utf-8")
    subject = text.split("Subject: ", 1)[1].split("\n", 1)[0].split("] ", 1)[1]
    body = text.split("\n\n", 1)[1].split("\n---\n", 1)[0]
    return f"{subject}\n\n{body}\n"


def test_commit_msg_blocks_the_seed_fix_until_it_carries_its_sections(repo: Path) -> None:
    """The seed thread through a real commit-msg hook with default settings: v1's
    changelog is refused on the five missing sections; v2's, which carries them, lands
    (its pinned-bit finding is a note: its author can do no more)."""
    install(repo, ["commit-msg"])
    source = repo / "arch" / "x86" / "kernel" / "cpu" / "common.c"
    source.parent.mkdir(parents=True)
    source.write_text(SEED_CR4_INIT)
    git(repo, "add", ".")
    assert _commit(repo, GOOD_MESSAGE, "--no-verify").returncode == 0
    source.write_text(
        SEED_CR4_INIT.replace(
            "\tif (static_branch_likely(&cr_pinning))\n",
            "\tif (static_branch_likely(&cr_pinning) && cpu_online(smp_processor_id()))\n",
        )
    )
    git(repo, "add", ".")
    refused = _commit(repo, _seed_message("v1-0001.patch"))
    assert refused.returncode != 0
    for rule in (
        "cr-pinning-background",
        "fred-background",
        "sev-background",
        "problem-section",
        "fix-section",
    ):
        assert f"error: {rule}" in refused.stderr, refused.stderr
    landed = _commit(repo, _seed_message("v2-0001.patch"))
    assert landed.returncode == 0, landed.stderr
    assert "1 note (not blocking)" in landed.stderr
    assert "note: pinned-bit-bringup" in landed.stderr
    assert git(repo, "log", "-1", "--format=%s").stdout == (
        "x86/fred: Fix early boot failures on SEV-ES/SNP guests\n"
    )


def test_commit_msg_ignores_comments_and_the_verbose_diff(repo: Path) -> None:
    install(repo, ["commit-msg"])
    (repo / "example.rst").write_text("timeout = 60\n")
    git(repo, "add", "example.rst")
    message = (
        GOOD_MESSAGE
        + "# Please enter the commit message for your changes. Lines starting\n"
        + "# with '#' will be ignored, and an empty message aborts the commit.\n"
        + "# ------------------------ >8 ------------------------\n"
        + "diff --git a/example.rst b/example.rst\n+timeout = 60 and a very long line " * 3
    )
    msg_file = repo / "message.txt"
    msg_file.write_text(message)
    hook = run_hook(repo, "commit-msg", msg_file)
    assert (hook.returncode, hook.stderr) == (0, "")


def test_commit_msg_respects_the_profile_from_config(repo: Path) -> None:
    install(repo, ["commit-msg"])
    (repo / "example.rst").write_text("timeout = 60\n")
    git(repo, "add", "example.rst")
    msg_file = repo / "message.txt"
    msg_file.write_text(GOOD_MESSAGE)
    hook = repo / ".git" / "hooks" / "commit-msg"

    def verdict() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(hook), str(msg_file)], cwd=repo, capture_output=True, text=True, env=clean_env()
        )

    assert verdict().returncode == 0
    # Switching every rule off through the config is seen by the hook.
    (repo / ".patchlens.toml").write_text('profile = "tip"\n[rules]\ndisable = ["signed-off-by"]\n')
    msg_file.write_text(GOOD_MESSAGE.replace(f"Signed-off-by: {AUTHOR}\n", ""))
    assert verdict().returncode == 0
    (repo / ".patchlens.toml").write_text('profile = "tip"\n')
    refused = verdict()
    assert refused.returncode == 1
    assert "signed-off-by" in refused.stderr


def test_status_knows_scripts_written_by_earlier_versions(repo: Path) -> None:
    install(repo, ["commit-msg"])
    hook = repo / ".git" / "hooks" / "commit-msg"
    old = hook.read_text().replace(
        "-c 'from lint.hooks.run import run; run()'", "-m lint.hooks.run"
    )
    hook.write_text(old)
    (found,) = status(repo, ["commit-msg"])
    assert (found.state, found.python) == ("patchlens", str(Path(sys.executable).absolute()))


def test_a_hook_whose_patchlens_is_gone_says_so_and_lets_the_commit_through(
    repo: Path, tmp_path: Path
) -> None:
    """The Python is still there but patchlens was uninstalled from it (or its checkout
    moved): the hook says so instead of failing every commit with an ImportError."""
    from lint.hooks.install import render_script

    package = tmp_path / "site-packages" / "lint" / "hooks" / "run.py"
    package.parent.mkdir(parents=True)
    package.write_text("# stands for the installed module\n")
    hook = repo / ".git" / "hooks" / "commit-msg"
    hook.write_text(render_script("commit-msg", sys.executable, None, False, str(package)))
    hook.chmod(0o755)
    assert _commit(repo, "fixed the timeout\n", "--allow-empty").returncode != 0  # it ran

    shutil.rmtree(tmp_path / "site-packages")
    landed = _commit(repo, "fixed the timeout\n", "--allow-empty")
    assert landed.returncode == 0, landed.stderr
    assert landed.stderr.splitlines()[:2] == [
        f"patchlens: the patchlens this commit-msg hook runs is gone: {package}",
        "  (uninstalled, or its checkout moved?) so patchlens did not check this commit "
        "message; letting it through.",
    ]
