"""Edge cases of the maintainers' rules, on inline patches."""

from __future__ import annotations

import pytest

from lint.checks.api import CheckContext
from lint.config import Config
from lint.diagnostic import Diagnostic
from lint.engine.pipeline import read_patches
from lint.engine.rules import run
from lint.mail.model import RawMail
from lint.rulebook.ruleset import load_ruleset

RULESET = load_ruleset(Config())
TIP = CheckContext(profile="tip")


def findings(subject: str, body: str, rule: str) -> list[Diagnostic]:
    text = f"From: A U Thor <author@example.org>\nSubject: [PATCH] {subject}\n\n{body}"
    patch = next(iter(read_patches([RawMail(text.encode(), "t")])))
    return [d for d in run(patch, RULESET, TIP) if d.rule == rule]


SOB = "Signed-off-by: A U Thor <author@example.org>\n"


@pytest.mark.parametrize(
    ("summary", "hits"),
    [
        ("Fix the leak", 0),
        ("Fixes the leak", 1),
        ("Adding a helper", 1),
        ('Revert "x86: Added a helper"', 0),
        ("Merge branch 'x86/urgent'", 0),
        ("Fixup the leak", 0),
        ("Initialize the leak", 0),
    ],
)
def test_subject_imperative(summary: str, hits: int) -> None:
    assert len(findings(f"x86/apic: {summary}", "Body.\n\n" + SOB, "subject-imperative")) == hits


def test_subject_imperative_fix_keeps_the_rest() -> None:
    (found,) = findings(
        "x86/apic: Removed the stale vector", "Body.\n\n" + SOB, "subject-imperative"
    )
    assert found.fix is not None
    assert found.fix.replacement == ("Subject: [PATCH] x86/apic: Remove the stale vector",)


@pytest.mark.parametrize(
    "area",
    [
        "arch/x86/kernel/fred.c",
        "drivers/tty/serial",
        "fred.c",
        "tools/objtool",
        "Documentation/arch/x86/boot.rst",
    ],
)
def test_file_paths_are_not_prefixes(area: str) -> None:
    assert findings(f"{area}: Fix boot", "Body.\n\n" + SOB, "subject-format")


@pytest.mark.parametrize(
    "area",
    [
        "x86/fred",
        "mm/slub",
        "mail",
        "rules",
        "perf/x86/intel",
        # The prefix docs patches take, not a file path.
        "Documentation/x86",
        "perf vendor events arm64",
        "x86/amd_nb, EDAC/amd64",
        "tools arch x86",
    ],
)
def test_subsystem_prefixes_are_accepted(area: str) -> None:
    assert findings(f"{area}: Fix boot", "Body.\n\n" + SOB, "subject-format") == []


@pytest.mark.parametrize(
    ("tags", "hits"),
    [
        # A co-author's sign-off travels with their Co-developed-by.
        ("Co-developed-by: B <b@x.org>\nSigned-off-by: B <b@x.org>\n" + SOB, 0),
        ("Reported-by: R <r@x.org>\nLink: https://lore.kernel.org/r/1@x\n" + SOB, 0),
        (SOB + "Link: https://lore.kernel.org/r/1@x\nCc: C <c@x.org>\n", 1),
        # Unknown tags stay with the tag above them.
        (SOB + "Message-ID: <1@x>\nReviewed-by: R <r@x.org>\n", 0),
    ],
)
def test_tag_order(tags: str, hits: int) -> None:
    assert len(findings("x86/apic: Fix the leak", "Body.\n\n" + tags, "tag-order")) == hits


def test_tag_order_help_spells_the_tags_as_they_are_written() -> None:
    tags = SOB + "Reported-by: Ada Example <ada@example.org>\n"
    (found,) = findings("x86/apic: Fix the leak", "Body.\n\n" + tags, "tag-order")
    assert "Co-developed-by or Signed-off-by, Tested-by or Reviewed-by or Acked-by" in found.help


def test_tag_order_fix_sorts_the_block() -> None:
    tags = "Link: https://lore.kernel.org/r/1@x\n" + SOB + 'Fixes: 0123456789ab ("x86: A")\n'
    (found,) = findings("x86/apic: Fix the leak", "Body.\n\n" + tags, "tag-order")
    assert found.fix is not None
    assert found.fix.replacement == (
        'Fixes: 0123456789ab ("x86: A")',
        SOB.strip(),
        "Link: https://lore.kernel.org/r/1@x",
    )


@pytest.mark.parametrize(
    ("url", "hits"),
    [
        ("https://lore.kernel.org/r/20260101.1@example.org", 0),
        ("https://lore.kernel.org/20260101.1@example.org", 0),
        ("https://lore.kernel.org/all/20260101.1@example.org/", 0),
        ("https://lore.kernel.org/all/20260101.1%40example.org", 0),
        # A list archive of lore names the message too (the test robot's Closes: form).
        ("https://lore.kernel.org/lkml/20260101.1@example.org/T/#u", 0),
        ("https://lore.kernel.org/oe-kbuild-all/202601010101.AbCd-lkp@intel.com/", 0),
        # kernel.org's own redirector, the form tip required for years.
        ("https://lkml.kernel.org/r/20260101.1@example.org", 0),
        ("https://patch.msgid.link/20260101.1@example.org", 0),
        ("http://lkml.kernel.org/r/20260101.1@example.org", 1),
        ("https://lore.kernel.org/lkml/?q=fred", 1),
        ("https://patchwork.kernel.org/patch/11111111/", 1),
        ("https://lore.kernel.org/patchwork/patch/1234/", 1),
        # checkpatch's own archives are prefer-lore-archive's: one fact, one finding.
        ("https://lkml.org/lkml/2020/1/1/1", 0),
        ("https://bugzilla.kernel.org/show_bug.cgi?id=1", 0),
    ],
)
def test_lore_links(url: str, hits: int) -> None:
    body = "Body.\n\n" + SOB + f"Link: {url}\n"
    assert len(findings("x86/apic: Fix the leak", body, "lore-link")) == hits


def test_combined_tag_fix_writes_one_tag_per_role() -> None:
    body = "Body.\n\n" + SOB + "Reported-and-tested-by: R <r@x.org>\n"
    (found,) = findings("x86/apic: Fix the leak", body, "combined-tags")
    assert found.fix is not None
    assert found.fix.replacement == ("Reported-by: R <r@x.org>", "Tested-by: R <r@x.org>")


@pytest.mark.parametrize(
    ("line", "hits"),
    [
        ("This patch fixes it.", 1),
        ("I changed the order.", 1),
        ("The I/O port is read twice.", 0),
        ("    This patch is quoted from a log.", 0),
        ("This change keeps the order.", 0),
    ],
)
def test_this_patch_wording(line: str, hits: int) -> None:
    body = f"{line}\n\n{SOB}"
    assert len(findings("x86/apic: Fix the leak", body, "changelog-this-patch")) == hits
