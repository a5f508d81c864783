"""analyse(): a whole mail into a Patch; and a sweep over the shared real patches."""

# ruff: noqa: W291, W293, E101
# (fixture diffs are byte-exact: tabs, empty context lines and the "-- " signature matter)

from __future__ import annotations

from pathlib import Path

import pytest

from lint.mail.model import DecodedMail
from lint.patch.analyse import analyse
from lint.patch.changelog import split_patch_text
from lint.patch.diff import FileStatus
from lint.patch.diffparse import parse_diff

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"


def make_mail(text: str, origin: str = "test.patch") -> DecodedMail:
    """A DecodedMail from a simple split: headers, blank line, message, ``---``, patch.

    Input lines are counted from 1 at the first header line.
    """
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()
    subject = ""
    subject_line = 0
    position = 0
    while position < len(lines) and lines[position].strip():
        if lines[position].startswith("Subject:"):
            subject = lines[position][len("Subject:") :].strip()
            subject_line = position + 1
        position += 1
    body = position + 1
    cut = body
    while cut < len(lines) and not (
        lines[cut].rstrip() == "---" or lines[cut].startswith("diff --git ")
    ):
        cut += 1
    message = lines[body:cut]
    patch = lines[cut:]
    return DecodedMail(
        origin=origin,
        index=0,
        first_line=1,
        author_name="",
        author_email="",
        author_line=0,
        date="",
        subject=subject,
        subject_clean=subject,
        subject_line=subject_line,
        message_id="",
        in_reply_to="",
        references=(),
        headers=(),
        message="".join(line + "\n" for line in message),
        message_lines=tuple(range(body + 1, cut + 1)),
        patch="".join(line + "\n" for line in patch),
        patch_lines=tuple(range(cut + 1, len(lines) + 1)),
    )


MAIL = """\
From 0123456789abcdef0123456789abcdef01234567 Mon Sep 17 00:00:00 2001
From: Ann Author <ann@example.org>
Date: Mon, 2 Mar 2026 10:00:00 +0100
Subject: [PATCH v2 1/2] x86/smpboot: Delay pinning on new CPUs

A CPU that is being brought up gets pinned bits before its own setup
has run.

Delay it until the CPU is online.

Signed-off-by: Ann Author <ann@example.org>
---
Changes in v2:
 - Use the online mask

 arch/x86/kernel/smpboot.c | 3 ++-
 1 file changed, 2 insertions(+), 1 deletion(-)

diff --git a/arch/x86/kernel/smpboot.c b/arch/x86/kernel/smpboot.c
index abcdef1..1234567 100644
--- a/arch/x86/kernel/smpboot.c
+++ b/arch/x86/kernel/smpboot.c
@@ -200,7 +200,8 @@ static void notrace start_secondary(void *unused)
 	 * before cpu_init(), SMP booting is too fragile that we want to
 	 * limit the things done here to the most necessary things.
 	 */
-	cr4_init();
+	if (cpu_online(smp_processor_id()))
+		cr4_init();
 
 	/*
 	 * 32-bit specific. 64-bit reaches here from a different path.

base-commit: 89abcdef0123456789abcdef0123456789abcdef
-- 
2.47.0

"""


def test_analyse_whole_mail() -> None:
    patch = analyse(make_mail(MAIL))
    assert patch.origin == "test.patch"
    assert (patch.subject.version, patch.subject.index, patch.subject.total) == (2, 1, 2)
    assert patch.subject.area == "x86/smpboot"
    assert patch.subject.line == 4
    assert [t.key for t in patch.changelog.trailers] == ["Signed-off-by"]
    assert patch.changelog.trailer_line == 11
    assert patch.separator_line == 12
    assert [n.text for n in patch.notes] == ["Changes in v2:", " - Use the online mask"]
    assert [d.line for d in patch.diffstat] == [16, 17]
    assert patch.base_commit == "89abcdef0123456789abcdef0123456789abcdef"
    assert patch.has_diff
    (file,) = patch.diff.files
    assert (file.path, file.status, file.line) == (
        "arch/x86/kernel/smpboot.c",
        FileStatus.MODIFIED,
        19,
    )
    assert [(c.added, c.line, c.function) for c in file.hunks[0].changes] == [
        (False, 27, "start_secondary"),
        (True, 28, "start_secondary"),
        (True, 29, "start_secondary"),
    ]
    assert patch.diff.functions == ("start_secondary",)


def test_analyse_cover_letter_without_diff() -> None:
    mail = make_mail(
        "Subject: [PATCH 0/2] x86: Two fixes\n\nThis series fixes two things.\n",
    )
    patch = analyse(mail)
    assert patch.subject.is_cover_letter
    assert not patch.has_diff
    assert patch.separator_line == 0
    assert patch.changelog.paragraphs[0].text == "This series fixes two things."


def _real_patches() -> list[Path]:
    if not DATA.is_dir():
        pytest.skip(f"../shared/data is absent: {DATA} holds the real patches for this sweep")
    files = sorted(DATA.glob("corpus/tip/*.patch")) + sorted(DATA.glob("x86/*/*.patch"))
    if not files:
        pytest.skip(f"../shared/data is absent: no .patch files under {DATA}")
    return files


def test_real_patches_analyse_and_count_files() -> None:
    for path in _real_patches():
        text = path.read_bytes().decode("utf-8", "replace")
        patch = analyse(make_mail(text, str(path)))
        rows = text.split("\n")
        git_files = sum(1 for row in rows if row.startswith("diff --git "))
        plus_lines = sum(1 for row in rows if row.startswith("+++ "))
        if git_files and plus_lines <= git_files:
            assert len(patch.diff.files) == git_files, path.name
        elif git_files:
            assert len(patch.diff.files) >= git_files, path.name
        for file in patch.diff.files:
            for hunk in file.hunks:
                for change in hunk.changes:
                    assert change.line > 0, path.name


def test_real_patches_unidiff_agrees_with_the_lean_reader() -> None:
    for path in _real_patches()[::7]:
        mail = make_mail(path.read_bytes().decode("utf-8", "replace"), str(path))
        parts = split_patch_text(mail.patch, mail.patch_lines)
        lean = parse_diff(
            parts.diff_text, parts.diff_first_line, lines=parts.diff_lines, use_unidiff=False
        )
        strict = parse_diff(
            parts.diff_text, parts.diff_first_line, lines=parts.diff_lines, use_unidiff=True
        )
        assert lean == strict, path.name


def test_real_patch_function_names() -> None:
    # Checked by hand against the patch text: the hunk headings and bodies name
    # these functions.
    _real_patches()
    name = "09794f68936a-x86-fred-Disallow-the-swapgs-instruction-when-FRED-is-enable.patch"
    path = DATA / "x86" / "x86_fred" / name
    if not path.is_file():
        pytest.skip(f"../shared/data is absent: {path} is missing")
    patch = analyse(make_mail(path.read_text(encoding="utf-8"), str(path)))
    assert patch.diff.functions[0] == "__rdgsbase_inactive"
    assert patch.changelog.trailers[-1].key == "Link"
