"""Every example command of the README runs, as written, in a sandbox that has its files.

The commands are read from the README's code blocks (``sh`` blocks, unlabelled blocks
and indented lines), so an example added there without a way to run it here fails
:func:`test_every_readme_command_is_known`. Each runs through ``bash`` with ``HOME``
and the working folder set up as the README assumes (``~/linux``, ``outgoing/``,
``thread.mbox``...), with this checkout's ``patchlens`` first on ``PATH``.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from mails import CLEAN_PATCH

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
EXAMPLES = ROOT / "examples"
SHARED = ROOT.parent / "shared"

# Commands that are not run here, and why.
NOT_RUN = {
    "git clone <this repository> patchlens && cd patchlens": "names no real repository",
    "make test": "it is what runs this test",
    "lei q -o maildir:$HOME/bot/x86 --dedupe=mid 'l:x86.kernel.org AND rt:2.hours.ago..'": (
        "lei's own command (lei is not installed here); the bot commands beside it run"
    ),
    "lei up --all": "lei's own command (lei is not installed here)",
}


def readme_commands() -> list[str]:
    """The example commands of the README, without their trailing comments."""
    text = README.read_text()
    commands: list[str] = []
    for match in re.finditer(r"^```(\w*)\n(.*?)^```", text, re.S | re.M):
        if match.group(1) not in ("", "sh"):
            continue  # toml, yaml: configuration, not commands
        if "INPUT..." in match.group(2):
            continue  # the synopsis of the commands, not examples
        commands.extend(_command_lines(match.group(2).splitlines()))
    indented = [line[4:] for line in text.splitlines() if line.startswith("    ")]
    commands.extend(_command_lines(indented))
    return commands


def _command_lines(lines: list[str]) -> list[str]:
    found = []
    for line in lines:
        command = re.sub(r"\s+#.*$", "", line).strip()
        starts = ("patchlens ", "make ", "git ", "lei ", ".venv/bin/python ")
        if not command.startswith(starts):
            continue
        found.append(command)
    return found


# --- the sandbox ---------------------------------------------------------------------------

# The CR4 pinning of arch/x86/kernel/cpu/common.c, as much as the tree reader looks at.
COMMON_C = """\
static const unsigned long cr4_pinned_mask = X86_CR4_SMEP | X86_CR4_SMAP | X86_CR4_UMIP |
\t\t\t\t\t     X86_CR4_FSGSBASE | X86_CR4_CET | X86_CR4_FRED;
static DEFINE_STATIC_KEY_FALSE_RO(cr_pinning);
static unsigned long cr4_pinned_bits __ro_after_init;

void cr4_init(void)
{
\tunsigned long cr4 = __read_cr4();

\tif (static_branch_likely(&cr_pinning))
\t\tcr4 = (cr4 & ~cr4_pinned_mask) | cr4_pinned_bits;
\t__write_cr4(cr4);
}
"""


def _git(folder: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True)


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    base = tmp_path_factory.mktemp("readme")
    home, work = base / "home", base / "work"
    home.mkdir()
    work.mkdir()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("GIT_", "PATCHLENS_", "XDG_"))
    }
    env.update(
        HOME=str(home),
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        XDG_CACHE_HOME=str(base / "cache"),
        GIT_AUTHOR_NAME="Mira Castell",
        GIT_AUTHOR_EMAIL="mira.castell@example.org",
        GIT_COMMITTER_NAME="Mira Castell",
        GIT_COMMITTER_EMAIL="mira.castell@example.org",
    )
    # ~/linux: a kernel-like tree whose commits past origin/master are about to be sent.
    linux = home / "linux"
    (linux / "arch/x86/kernel/cpu").mkdir(parents=True)
    (linux / "scripts").mkdir()
    (linux / "scripts/spelling.txt").write_text("lumne||lumen\n")
    (linux / "arch/x86/kernel/cpu/common.c").write_text(COMMON_C)
    subprocess.run(["git", "init", "-q", "-b", "master", str(linux)], check=True, env=env)
    for args in (("add", "-A"), ("commit", "-qm", "x86/cpu: Add the CR4 setup")):
        subprocess.run(["git", *args], cwd=linux, check=True, env=env, capture_output=True)
    subprocess.run(
        ["git", "update-ref", "refs/remotes/origin/master", "HEAD"], cwd=linux, check=True
    )
    (linux / "arch/x86/kernel/cpu/common.c").write_text(
        COMMON_C.replace("\t__write_cr4(cr4);\n", "\t__write_cr4(cr4);\n\tcr4_set_bits(0);\n")
    )
    message = (
        "x86/cpu: Write CR4 back in cr4_init()\n\n"
        "cr4_init() reads CR4 and drops the value, so the bits it meant to\n"
        "keep are never written back.\n\nWrite the value back.\n\n"
        "Signed-off-by: Mira Castell <mira.castell@example.org>\n"
    )
    for args in (("commit", "-qam", message), ("tag", "v6.12")):
        subprocess.run(["git", *args], cwd=linux, check=True, env=env, capture_output=True)
    subprocess.run(
        ["git", "clone", "-q", "--bare", str(linux), str(home / "linux.git")], check=True, env=env
    )
    # The working folder: the files the examples name.
    v1, v2 = EXAMPLES / "thread" / "v1-0001.patch", EXAMPLES / "thread" / "v2-0001.patch"
    shutil.copy(v2, work / "0001-x86-fred-Fix-early-boot.patch")
    shutil.copy(v2, work / "p.patch")
    shutil.copy(v1, work / "v1.patch")
    shutil.copy(EXAMPLES / "thread" / "review.eml", work / "review.eml")
    for name in ("thread.mbox", "lore-dump.mbox"):
        shutil.copy(EXAMPLES / "series" / "thread.mbox", work / name)
    (work / "outgoing").mkdir()
    shutil.copy(v2, work / "outgoing" / "0001-x86-fred-Fix-early-boot.patch")
    _git(work, "init", "-q")  # the hooks' repository
    # ~/bot: a maildir fed by lei, and the bot's configuration.
    maildir = home / "bot" / "x86"
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True)
    (maildir / "new" / "1.eml").write_text(CLEAN_PATCH)
    (home / "bot" / "bot.toml").write_text(
        '[bot]\nstate = "state.sqlite"\nfrom = "patchlens bot <patchlens@example.org>"\n'
    )
    return {"env": env, "work": work, "home": home}


def run(command: str, box: dict[str, object], stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = box["env"]
    assert isinstance(env, dict)
    return subprocess.run(
        ["bash", "-c", command],
        cwd=box["work"],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def finishes(command: str, box: dict[str, object], statuses: tuple[int, ...] = (0, 1)) -> None:
    done = run(command, box)
    assert done.returncode in statuses, f"{command}: {done.returncode}\n{done.stderr}"
    assert "Traceback" not in done.stderr


def b4_check(command: str, box: dict[str, object]) -> None:
    """Set the b4 option in a repository, then run the command it names the way b4 does."""
    finishes(command, box, (0,))
    key = command.split()[2]
    configured = run(f"git config --get {key}", box).stdout.strip()
    done = run(configured, box, stdin=(EXAMPLES / "thread" / "v1-0001.patch").read_text())
    assert done.returncode in (0, 1), done.stderr
    assert done.stdout.strip(), "b4 reads the findings from stdout"


def watch(command: str, box: dict[str, object]) -> None:
    """`--watch` stays up until SIGTERM, then exits cleanly."""
    env = box["env"]
    assert isinstance(env, dict)
    process = subprocess.Popen(
        ["bash", "-c", f"exec {command}"],
        cwd=box["work"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(3)
    assert process.poll() is None, "--watch stays up"
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert "Traceback" not in err


def stdin_mail(command: str, box: dict[str, object]) -> None:
    done = run(command, box, stdin=CLEAN_PATCH)
    assert done.returncode == 0, done.stderr


def make_demo(command: str, box: dict[str, object]) -> None:
    done = subprocess.run(command.split(), cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr


def parity(command: str, box: dict[str, object]) -> None:
    if not (SHARED / "tools" / "get-checkpatch").exists() or shutil.which("perl") is None:
        pytest.skip("../shared/tools/get-checkpatch or perl is absent: no checkpatch.pl to compare")
    done = subprocess.run(command.split(), cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr


RUNNERS: dict[str, Callable[[str, dict[str, object]], None]] = {
    "make demo": make_demo,
    "patchlens lint 0001-x86-fred-Fix-early-boot.patch": finishes,
    "patchlens lint -C ~/linux origin/master..HEAD": finishes,
    "patchlens lint --format terse --types COMMIT_LOG_LONG_LINE thread.mbox": finishes,
    "patchlens lint -j 2 --format json --output report.json lore-dump.mbox": finishes,
    "patchlens hook install": finishes,
    "patchlens hook status": finishes,
    "patchlens hook uninstall": finishes,
    'git config b4.prep-perpatch-check-cmd "patchlens lint --format b4 -"': b4_check,
    'git config b4.review-perpatch-check-cmd "patchlens lint --format b4-json -"': b4_check,
    "patchlens bot run --maildir ~/bot/x86 --config ~/bot/bot.toml": finishes,
    "patchlens bot run --maildir ~/bot/x86 --config ~/bot/bot.toml --watch": watch,
    "patchlens bot run --stdin --config ~/bot/bot.toml": stdin_mail,
    "patchlens lint --types BAD_SIGN_OFF,GIT_COMMIT_ID --format terse 0001-*.patch": finishes,
    "patchlens lint -C ~/linux --verbose 0001-*.patch": finishes,
    ".venv/bin/python bench/checkpatch_parity.py --sample 200": parity,
    "patchlens lint --tree ~/linux outgoing/": finishes,
    "patchlens lint --tree ~/linux.git --tree-ref v6.12 p.patch": finishes,
    "patchlens lint -v --tree ~/linux outgoing/": finishes,
    "patchlens explain thread.mbox": finishes,
    "patchlens explain --format html -o out.html thread.mbox": finishes,
    "patchlens explain --format changelog v1.patch review.eml": finishes,
    "patchlens explain --site www thread.mbox": finishes,
}


def test_every_readme_command_is_known() -> None:
    commands = readme_commands()
    assert commands, "no commands found: the README's code blocks changed shape"
    unknown = [c for c in commands if c not in RUNNERS and c not in NOT_RUN]
    assert unknown == [], "README commands without a way to run them here"
    stale = [c for c in RUNNERS if c not in commands]
    assert stale == [], "runners for commands the README no longer has"


@pytest.mark.parametrize("command", list(RUNNERS))
def test_readme_command_runs(command: str, sandbox: dict[str, object]) -> None:
    RUNNERS[command](command, sandbox)
