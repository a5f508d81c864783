"""lint.patch.limits: a part past the size budget is checked on a prefix, and says so."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mails import CLEAN_PATCH

from lint.config import Config, parse_size
from lint.diagnostic import Part
from lint.engine.pipeline import DecodeOptions, read_patches
from lint.engine.rules import SIZE_RULE, run
from lint.mail.decode import decode
from lint.mail.model import DecodedMail, RawMail
from lint.patch.limits import limit_parts
from lint.rulebook.ruleset import load_ruleset

ROOT = Path(__file__).resolve().parents[2]
LOG = "[   12.345678] a line of a boot log the author pasted into the changelog\n"


def grown_patch(log_lines: int = 0, files: int = 1, hunks: int = 1) -> str:
    """CLEAN_PATCH with a pasted log in its changelog and more files and hunks."""
    head, _, rest = CLEAN_PATCH.partition("Use the value the driver really uses.\n")
    text = head + "Use the value the driver really uses.\n\n" + LOG * log_lines + rest
    diff_at = text.index("diff --git ")
    diff = []
    for number in range(files):
        path = f"Documentation/watchdog/example{number}.rst"
        diff.append(f"diff --git a/{path} b/{path}\n--- a/{path}\n+++ b/{path}\n")
        for hunk in range(hunks):
            start = 1 + 10 * hunk
            diff.append(
                f"@@ -{start},3 +{start},3 @@\n Example\n-timeout = 30\n+timeout = 60\n x\n"
            )
    return text[:diff_at] + "".join(diff) + "-- \n2.47.0\n"


def decoded(text: str) -> DecodedMail:
    return decode(RawMail(text.encode(), "big.patch"))


def input_line(text: str, prefix: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if line.startswith(prefix))


def test_a_mail_within_the_limit_is_left_alone() -> None:
    mail = decoded(CLEAN_PATCH)
    assert limit_parts(mail, 1 << 20) == (mail, ())
    assert limit_parts(mail, 0) == (mail, ())


def test_a_long_changelog_keeps_its_start_and_its_tag_block() -> None:
    text = grown_patch(log_lines=500)
    mail = decoded(text)
    cut_mail, (cut,) = limit_parts(mail, 4000)
    assert cut.part is Part.BODY and cut.size == len(mail.message) and cut.checked <= 4000
    message = cut_mail.message
    assert message.startswith("The example configuration gives")
    assert message.endswith("\n\nSigned-off-by: Mira Castell <mira.castell@example.org>\n")
    # Line numbers still point into the input: the sign-off is where it was.
    lines = dict(zip(message.splitlines(), cut_mail.message_lines, strict=True))
    assert lines["Signed-off-by: Mira Castell <mira.castell@example.org>"] == input_line(
        text, "Signed-off-by:"
    )
    assert text.splitlines()[cut.line - 1] == LOG.rstrip("\n")  # the first line left out
    assert cut_mail.patch == mail.patch


def test_the_tags_are_not_reported_missing_when_the_log_is_cut() -> None:
    patch = next(
        read_patches(
            [RawMail(grown_patch(log_lines=500).encode(), "big.patch")],
            DecodeOptions(part_limit=4000),
        )
    )
    found = run(patch, load_ruleset(Config()))
    assert [d.rule for d in found] == [SIZE_RULE]
    [note] = found
    assert note.severity.label == "note"
    assert re.fullmatch(
        r"the changelog has [\d,]+ characters; only [\d,]+ were checked "
        r"\(from line \d+ on it was not\)",
        note.message,
    )


def test_a_long_diff_is_cut_before_a_file_and_never_inside_a_hunk() -> None:
    text = grown_patch(files=200)
    mail = decoded(text)
    cut_mail, (cut,) = limit_parts(mail, 5000)
    assert cut.part is Part.DIFF
    kept = cut_mail.patch
    assert len(kept) <= 5000 and kept.endswith(" x\n")
    assert text[len(text) - len(mail.patch) + len(kept) :].startswith("diff --git ")
    assert len(cut_mail.patch_lines) == kept.count("\n")
    assert text.splitlines()[cut.line - 1].startswith("diff --git ")


def test_one_big_file_is_cut_between_its_hunks() -> None:
    mail = decoded(grown_patch(hunks=300))
    cut_mail, (cut,) = limit_parts(mail, 5000)
    assert cut.part is Part.DIFF and cut_mail.patch.endswith(" x\n")
    following = mail.patch[len(cut_mail.patch) :]
    assert following.startswith("@@ -")
    patch = next(
        read_patches(
            [RawMail(grown_patch(hunks=300).encode(), "big")], DecodeOptions(part_limit=5000)
        )
    )
    [changed] = patch.diff.files
    assert 0 < len(changed.hunks) < 300
    assert all(len(h.changes) == 2 for h in changed.hunks)  # every hunk whole


def test_a_file_header_is_not_kept_without_its_first_hunk() -> None:
    text = grown_patch(files=2, hunks=1)
    mail = decoded(text)
    second = mail.patch.index("diff --git a/Documentation/watchdog/example1.rst")
    first_hunk_of_second = mail.patch.index("@@ -", second)
    cut_mail, _ = limit_parts(mail, first_hunk_of_second + 5)
    assert cut_mail.patch == mail.patch[:second]


def test_one_endless_line_is_cut_inside_it() -> None:
    text = CLEAN_PATCH.replace("Use the value", "x" * 20_000 + " Use the value")
    mail = decoded(text)
    cut_mail, (cut,) = limit_parts(mail, 1000)
    assert len(cut_mail.message_lines) == cut_mail.message.count("\n") + (
        not cut_mail.message.endswith("\n")
    )
    assert cut.line == input_line(text, "xxxx")


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(["a", "b\n", "\n", "\n\n", "Signed-off-by: x\n", "c" * 50]), max_size=80
    ).map("".join),
    st.integers(min_value=1, max_value=400),
)
def test_cut_text_and_its_line_numbers_agree(body: str, limit: int) -> None:
    """Whatever is cut, each kept line keeps the input line it came from."""
    text = "From: A <a@b.org>\nSubject: [PATCH] x: y\n\n" + body
    mail = decoded(text)
    cut_mail, cuts = limit_parts(mail, limit)
    message, lines = cut_mail.message, cut_mail.message_lines
    assert len(lines) == message.count("\n") + (bool(message) and not message.endswith("\n"))
    original = dict(zip(mail.message_lines, mail.message.split("\n"), strict=False))
    for line, number in zip(message.split("\n"), lines, strict=False):
        assert line == "" or original[number].startswith(line)
    if not cuts:
        assert cut_mail == mail


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("4M", 4 << 20),
        ("512K", 512 << 10),
        ("100000", 100_000),
        ("2MiB", 2 << 20),
        (" 1k ", 1024),
        ("0", 0),
    ],
)
def test_sizes(text: str, size: int) -> None:
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["", "-1", "4X", "M", "1.5M", "four"])
def test_bad_sizes(text: str) -> None:
    with pytest.raises(ValueError, match="is not a size"):
        parse_size(text)


def lint(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lint", "lint", *args], capture_output=True, text=True, cwd=cwd
    )


def test_the_cli_and_the_config_set_the_limit(tmp_path: Path) -> None:
    big = tmp_path / "big.patch"
    big.write_text(grown_patch(log_lines=100, files=100))
    plain = lint(str(big))
    assert plain.returncode == 0 and SIZE_RULE not in plain.stdout
    cut = lint("--part-limit", "4K", str(big))
    assert cut.returncode == 0, cut.stdout
    assert cut.stdout.count(SIZE_RULE) == 2
    assert "the diff has " in cut.stdout and "the changelog has " in cut.stdout
    config = tmp_path / "patchlens.toml"
    config.write_text('part_limit = "4K"\n')
    assert lint("--config", str(config), str(big)).stdout == cut.stdout
    assert SIZE_RULE not in lint("--config", str(config), "--part-limit", "0", str(big)).stdout


def test_a_bad_limit_is_one_line_and_status_2(tmp_path: Path) -> None:
    config = tmp_path / "patchlens.toml"
    config.write_text('part_limit = "lots"\n')
    done = lint("--config", str(config), str(ROOT / "examples" / "thread" / "v2-0001.patch"))
    assert done.returncode == 2
    assert (
        done.stderr == f"patchlens: {config}: key 'part_limit': 'lots' is not a size "
        "(a number of characters, or 512K, 4M; 0: none)\n"
    )
    flag = lint("--part-limit", "4X", "x.patch")
    assert flag.returncode == 2 and "--part-limit" in flag.stderr


def test_the_bot_checks_a_prefix_and_says_so() -> None:
    from lint.bot.config import BotConfig
    from lint.bot.intake import Examiner, examine

    examiner = Examiner(
        BotConfig(sender="bot@example.org"), load_ruleset(Config()), part_limit=4000
    )
    arrival = examine(grown_patch(log_lines=500).encode(), "big.eml", examiner)
    assert [(f.rule, f.severity, f.part) for f in arrival.findings] == [(SIZE_RULE, "note", "body")]


def test_the_hooks_take_the_limit_from_the_repository(tmp_path: Path) -> None:
    from lint.hooks.run import run_hook

    repo = tmp_path / "linux"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / ".patchlens.toml").write_text("part_limit = 4000\n")
    big = tmp_path / "big.patch"
    big.write_text(grown_patch(files=200))
    result = run_hook(["sendemail-validate", str(big)], {}, str(repo))
    assert result.status == 0
    assert f"note: {SIZE_RULE}: the diff has " in result.message
