"""lint.cli.fix and ``patchlens fix``: fixes applied, fixed output lints clean for those rules."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest

from lint.cli.fix import apply_fixes
from lint.cli.main import main
from lint.diagnostic import Fix

FIXED_RULES = (
    "subject-capital,subject-imperative,tag-order,combined-tags,stable-cc,lore-link,function-parens"
)

PATCH = """\
From 5a1e0c3b9d7f2e4a6c8b0d1f3e5a7c9b1d3f5e7a Mon Sep 17 00:00:00 2001
From: Mira Okafor <mira.okafor@example.org>
Date: Wed, 25 Feb 2026 10:15:00 +0100
Subject: [PATCH] x86/apic: fixed the flag in apic_update_vector

apic_update_vector sets the cleanup flag before the IPI has run.
Clear it only after the IPI.

Reviewed-by: Ines Duarte <ines.duarte@example.com>
Signed-off-by: Mira Okafor <mira.okafor@example.org>
Reported-and-tested-by: Tariq Bello <tariq.bello@example.net>
Link: http://lkml.kernel.org/r/20260220101010.4242-1-tariq.bello@example.net
Cc: stable@vger.kernel.org [6.9+]
---
 arch/x86/kernel/apic/vector.c | 1 -
 1 file changed, 1 deletion(-)

diff --git a/arch/x86/kernel/apic/vector.c b/arch/x86/kernel/apic/vector.c
index 3c4d5e6f7a8b..4d5e6f7a8b9c 100644
--- a/arch/x86/kernel/apic/vector.c
+++ b/arch/x86/kernel/apic/vector.c
@@ -140,7 +140,6 @@ static void apic_update_vector(struct irq_data *irqd, unsigned int newvec,
 \tapicd->vector = newvec;
 \tapicd->cpu = newcpu;
 \tBUG_ON(!IS_ERR_OR_NULL(per_cpu(vector_irq, newcpu)[newvec]));
-\tapicd->prev_cleanup = true;
 \tper_cpu(vector_irq, newcpu)[newvec] = desc;
 }
\x20
--\x20
2.47.0
"""

# Written by hand from maintainer-tip.rst: what the changelog part must become.
EXPECTED_HEAD = """\
Subject: [PATCH] x86/apic: Fix the flag in apic_update_vector()

apic_update_vector() sets the cleanup flag before the IPI has run.
Clear it only after the IPI.

Reported-by: Tariq Bello <tariq.bello@example.net>
Signed-off-by: Mira Okafor <mira.okafor@example.org>
Tested-by: Tariq Bello <tariq.bello@example.net>
Reviewed-by: Ines Duarte <ines.duarte@example.com>
Cc: stable@vger.kernel.org # 6.9+
Link: https://lore.kernel.org/r/20260220101010.4242-1-tariq.bello@example.net
---
"""


def lint_terse(path: Path, tmp_path: Path, types: str) -> tuple[int, str]:
    out = tmp_path / "report.txt"
    args = ["lint", "-q", "--format", "terse", "--rule-names", "patchlens", "--types", types]
    status = main([*args, "-o", str(out), str(path)])
    return status, out.read_text()


def test_apply_fixes_replaces_lines_and_keeps_line_endings() -> None:
    text = "a\r\nb\r\nc\r\n"
    fixes = [
        Fix(2, 2, ("B1", "B2"), "x"),
        Fix(2, 3, ("never",), "overlaps"),
        Fix(3, 3, ("C",), "y"),
    ]
    result, chosen = apply_fixes(text, fixes)
    assert result == "a\r\nB1\r\nB2\r\nC\r\n"
    assert chosen == (0, 2)
    assert apply_fixes("a\n", [Fix(5, 5, ("x",), "out of range")]) == ("a\n", ())


def test_fixed_patch_lints_clean_for_the_fixed_rules(tmp_path: Path) -> None:
    source = tmp_path / "0001-x86-apic.patch"
    source.write_text(PATCH)
    status, before = lint_terse(source, tmp_path, FIXED_RULES)
    assert status == 1
    for rule in FIXED_RULES.split(","):
        assert f":{rule}:" in before, rule
    fixed = tmp_path / "fixed.patch"
    assert main(["fix", "-o", str(fixed), "--types", FIXED_RULES, str(source)]) == 0
    text = fixed.read_text()
    assert EXPECTED_HEAD in text
    assert text.endswith(PATCH[PATCH.index("\n ") :])  # the diffstat and diff are untouched
    assert source.read_text() == PATCH
    assert lint_terse(fixed, tmp_path, FIXED_RULES) == (0, "")


def test_types_limits_the_fixes(tmp_path: Path) -> None:
    source = tmp_path / "in.patch"
    source.write_text(PATCH)
    fixed = tmp_path / "out.patch"
    assert main(["fix", "-o", str(fixed), "--types", "subject-capital", str(source)]) == 0
    text = fixed.read_text()
    assert "Subject: [PATCH] x86/apic: Fixed the flag in apic_update_vector\n" in text
    assert "Reported-and-tested-by:" in text


def test_in_place_and_folders(tmp_path: Path) -> None:
    folder = tmp_path / "series"
    folder.mkdir()
    (folder / "0001-a.patch").write_text(PATCH)
    (folder / "0002-b.patch").write_text(PATCH.replace("fixed the", "Clear the"))
    out = tmp_path / "fixed"
    assert main(["fix", "-o", str(out), "--types", "subject-capital", str(folder)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["0001-a.patch", "0002-b.patch"]
    assert "x86/apic: Fixed the flag" in (out / "0001-a.patch").read_text()
    single = folder / "0001-a.patch"
    assert main(["fix", "--in-place", "--types", "subject-capital", str(single)]) == 0
    assert "x86/apic: Fixed the flag" in single.read_text()


def test_refusals(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mbox = tmp_path / "thread.mbox"
    mbox.write_text(PATCH + "\n" + PATCH)
    assert main(["fix", "-o", str(tmp_path / "x"), str(mbox)]) == 2
    assert "holds 2 messages" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()
    source = tmp_path / "in.patch"
    source.write_text(PATCH)
    assert main(["fix", "-o", str(source), str(source)]) == 2
    assert "use --in-place" in capsys.readouterr().err
    assert main(["fix", "-o", str(tmp_path / "y"), "HEAD~1..HEAD"]) == 2


def test_encoded_bodies_are_not_fixed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    encoded = PATCH.replace(
        "Subject: [PATCH] x86/apic: fixed the flag in apic_update_vector\n",
        "Subject: [PATCH] x86/apic: fixed the flag in apic_update_vector\n"
        "MIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\n"
        "Content-Transfer-Encoding: quoted-printable\n",
    )
    source = tmp_path / "qp.patch"
    source.write_text(encoded)
    fixed = tmp_path / "out.patch"
    assert (
        main(["fix", "-o", str(fixed), "--types", "subject-capital,combined-tags", str(source)])
        == 0
    )
    text = fixed.read_text()
    assert "x86/apic: Fixed the flag" in text  # the subject header is not encoded
    assert "Reported-and-tested-by:" in text
    assert "not fixed: the body is quoted-printable-encoded" in capsys.readouterr().err


# --- issue #13: fixes that must not make a changelog wrong, and fixes that were missing ---

FRED = """\
From 9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d Mon Sep 17 00:00:00 2001
From: Mira Okafor <mira.okafor@example.org>
Date: Fri, 6 Mar 2026 09:30:00 +0100
Subject: [PATCH] x86/fred: Set up the stack before the MSR write@PERIOD@

A build without CONFIG_X86_FRED_STACKS fails to link:

ld: vmlinux.o: in function `fred_stack_init':
fred.c:(.text+0x2c): undefined reference to `fred_stack_init'

gcc names ‘fred_stack_init’ in its warning, and it is right: fred_stack_init
writes the MSR before the stack is known.

@FIXES@
Signed-off-by: Mira Okafor <mira.okafor@example.org>
---
 arch/x86/kernel/fred.c | 2 +-
 1 file changed, 1 insertion(+), 1 deletion(-)

diff --git a/arch/x86/kernel/fred.c b/arch/x86/kernel/fred.c
index 4e5f6a7b8c9d..5f6a7b8c9d0e 100644
--- a/arch/x86/kernel/fred.c
+++ b/arch/x86/kernel/fred.c
@@ -55,5 +55,5 @@ void fred_stack_init(unsigned int cpu)
 {
-\tunsigned long stack;
+\tunsigned long stack = 0;
 \twrmsrl(MSR_IA32_FRED_RSP0, stack);
 }
--\x20
2.47.0
"""

FIXES_OK = 'Fixes: 0123456789ab ("x86/fred: Add the FRED stacks")'


def fred_patch(fixes: str = FIXES_OK, period: str = "") -> str:
    return FRED.replace("@FIXES@", fixes).replace("@PERIOD@", period)


def fix_to_text(tmp_path: Path, text: str, types: str, *extra: str) -> str:
    source = tmp_path / "in.patch"
    source.write_text(text)
    fixed = tmp_path / "fixed.patch"
    assert main(["fix", "-o", str(fixed), "--types", types, *extra, str(source)]) == 0
    return fixed.read_text()


def test_function_parens_never_edits_pasted_or_quoted_output(tmp_path: Path) -> None:
    text = fix_to_text(tmp_path, fred_patch(), "function-parens")
    assert "ld: vmlinux.o: in function `fred_stack_init':\n" in text
    assert "undefined reference to `fred_stack_init'\n" in text
    assert (
        "gcc names ‘fred_stack_init’ in its warning, and it is right: fred_stack_init()\n" in text
    )
    assert text.count("()") == 1
    fixed = tmp_path / "fixed.patch"
    assert lint_terse(fixed, tmp_path, "function-parens") == (0, "")


@pytest.mark.parametrize(
    ("written", "fixed"),
    [
        ("Fixes: 0123456789ABCDEF (x86/fred: Add the FRED stacks)", FIXES_OK),
        ('fixes: 0123456789ab ("x86/fred: Add the FRED stacks")', FIXES_OK),
        ('Fixes:0123456789ab  ("x86/fred: Add the FRED stacks")', FIXES_OK),
        (
            "Fixes: 0123456789ab ('x86/fred: Add \"stacks\"')",
            'Fixes: 0123456789ab ("x86/fred: Add "stacks"")',
        ),
        ('Fixes: 0123456789ab (x86/fred: Add the FRED stacks")', None),
        # The id cannot be expanded without a repository, nor a missing subject guessed.
        ("Fixes: 01234567 (x86/fred: Add the FRED stacks)", None),
        ("Fixes: 0123456789ab", None),
        # Text after the tag, or a tag wrapped onto the next line, would be lost.
        ("Fixes: 0123456789ab (x86/fred: Add the FRED stacks) and more", None),
        ('Fixes: 0123456789ab ("x86/fred: Add the\n FRED stacks")', None),
    ],
)
def test_fixes_tag_is_rewritten_when_its_form_is_known(
    tmp_path: Path, written: str, fixed: str | None
) -> None:
    text = fix_to_text(tmp_path, fred_patch(written), "bad-fixes-tag")
    assert text == fred_patch(fixed or written)


def test_a_short_fixes_id_is_expanded_only_from_the_repository(tmp_path: Path) -> None:
    repo = tmp_path / "tree"
    repo.mkdir()
    env = {
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.org",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.org",
        "HOME": str(tmp_path),
        "PATH": "/usr/bin:/bin:/usr/local/bin",
    }
    for args in (["init", "-q"], ["commit", "-q", "--allow-empty", "-m", "x86/fred: Add stacks"]):
        subprocess.run(["git", "-C", str(repo), *args], check=True, env=env, capture_output=True)
    sha = subprocess.run(
        ["git", "-C", str(repo), "rev-parse", "HEAD"], check=True, env=env, capture_output=True,
        text=True,
    ).stdout.strip()  # fmt: skip
    text = fix_to_text(
        tmp_path, fred_patch(f"Fixes: {sha[:8]} (x86/fred: Add the FRED stacks)"),
        "bad-fixes-tag", "-C", str(repo),
    )  # fmt: skip
    assert f'\nFixes: {sha[:12]} ("x86/fred: Add stacks")\n' in text
    unknown = "Fixes: 0badc0ff (x86/fred: Add the FRED stacks)"
    text = fix_to_text(tmp_path, fred_patch(unknown), "bad-fixes-tag", "-C", str(repo))
    assert text == fred_patch(unknown)


def test_subject_trailing_period_is_dropped(tmp_path: Path) -> None:
    text = fix_to_text(tmp_path, fred_patch(period="."), "subject-format")
    assert text == fred_patch()
    assert lint_terse(tmp_path / "fixed.patch", tmp_path, "subject-format") == (0, "")


def test_written_files_keep_the_mode_or_follow_the_umask(tmp_path: Path) -> None:
    source = tmp_path / "in.patch"
    source.write_text(fred_patch(period="."))
    source.chmod(0o751)
    old = os.umask(0o027)
    try:
        assert main(["fix", "-o", str(tmp_path / "new.patch"), str(source)]) == 0
        assert main(["fix", "--in-place", str(source)]) == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.patch").stat().st_mode) == 0o640
    assert stat.S_IMODE(source.stat().st_mode) == 0o751
    assert "before the MSR write\n" in source.read_text()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
