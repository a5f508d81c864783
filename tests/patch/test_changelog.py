"""Changelog analysis: paragraphs, == sections ==, trailers, and the text below ---."""

# ruff: noqa: W291
# (fixture diffs are byte-exact: tabs, empty context lines and the "-- " signature matter)

from __future__ import annotations

from lint.patch.changelog import parse_changelog, split_patch_text
from lint.patch.trailers import split_comment


def numbered(text: str, first: int) -> tuple[str, tuple[int, ...]]:
    """``text`` and consecutive input lines for it, starting at ``first``."""
    count = text.count("\n") + (0 if text.endswith("\n") else 1)
    return text, tuple(range(first, first + count))


STRUCTURED = """\
Pinning and early exception setup disagree about when a control bit
may be switched on for a CPU that is still coming up.

== Pinning Background ==
Some control register bits protect the kernel and must stay set.
The kernel notices when they are cleared and sets them again.

This enforcement is switched on once the first CPU is configured.
   == Entry Background ==
   A new entry mechanism needs its registers written before use.
== Problem ==
A secondary CPU gets the entry bit from the pinned mask too early.

== Fix ==
Wait with enforcement until the CPU is online.

Cc: stable@vger.kernel.org # 6.9+
Reviewed-by: Some Reviewer <reviewer@example.org>
Signed-off-by: Ann Author <ann@example.org>
"""


def test_structured_changelog_sections_and_trailers() -> None:
    message, lines = numbered(STRUCTURED, 10)
    changelog = parse_changelog(message, lines)
    assert [s.title for s in changelog.sections] == [
        "Pinning Background",
        "Entry Background",
        "Problem",
        "Fix",
    ]
    assert [s.line for s in changelog.sections] == [13, 18, 20, 23]
    assert [s.indented for s in changelog.sections] == [False, True, False, False]
    pinning = changelog.sections[0]
    assert pinning.text == (
        "Some control register bits protect the kernel and must stay set.\n"
        "The kernel notices when they are cleared and sets them again.\n"
        "\n"
        "This enforcement is switched on once the first CPU is configured."
    )
    assert changelog.sections[1].text == (
        "   A new entry mechanism needs its registers written before use."
    )
    # The last section stops at the tag block, not at the end of the message.
    assert changelog.sections[3].text == "Wait with enforcement until the CPU is online."
    assert changelog.section("fix") is changelog.sections[3]
    assert changelog.section("  pinning   background ") is pinning
    assert changelog.section("SEV Background") is None

    assert changelog.trailer_line == 26
    assert [(t.key, t.value, t.comment, t.line) for t in changelog.trailers] == [
        ("Cc", "stable@vger.kernel.org", "6.9+", 26),
        ("Reviewed-by", "Some Reviewer <reviewer@example.org>", "", 27),
        ("Signed-off-by", "Ann Author <ann@example.org>", "", 28),
    ]
    assert changelog.trailers[2].name == "Ann Author"
    assert changelog.trailers[2].email == "ann@example.org"
    assert [p.line for p in changelog.paragraphs] == [10, 13, 17, 23, 26]
    assert len(changelog.lines) == 19
    assert changelog.lines[0].line == 10


def test_wrapped_trailers_are_joined() -> None:
    message, lines = numbered(
        "Fix it.\n"
        "\n"
        'Fixes: 0123456789ab ("x86/fred: Teach the entry code a very long\n'
        '  lesson about pinning")\n'
        "Link: https://lore.kernel.org/r/20260101.1234-1-ann@example.org#frag\n"
        "Signed-off-by: Ann Author\n"
        "\t<ann@example.org>\n",
        1,
    )
    changelog = parse_changelog(message, lines)
    fixes, link, sob = changelog.trailers
    assert fixes.value == (
        '0123456789ab ("x86/fred: Teach the entry code a very long lesson about pinning")'
    )
    assert fixes.raw == (
        'Fixes: 0123456789ab ("x86/fred: Teach the entry code a very long\n  lesson about pinning")'
    )
    assert fixes.line == 3
    assert link.value == "https://lore.kernel.org/r/20260101.1234-1-ann@example.org#frag"
    assert link.comment == ""
    assert (sob.value, sob.line) == ("Ann Author <ann@example.org>", 6)


def test_maintainer_notes_are_tolerated_in_tag_block() -> None:
    message, lines = numbered(
        "Body.\n"
        "\n"
        "Signed-off-by: Ann Author <ann@example.org>\n"
        "[ bp: Massage the commit message and fix the\n"
        "  comment. ]\n"
        "(cherry picked from commit 0123456789abcdef0123456789abcdef01234567)\n"
        "Signed-off-by: Bo Maintainer <bo@example.org>\n",
        40,
    )
    changelog = parse_changelog(message, lines)
    assert [(t.key, t.line) for t in changelog.trailers] == [
        ("Signed-off-by", 42),
        ("Signed-off-by", 46),
    ]


def test_malformed_lines_in_a_tag_block() -> None:
    # One known key and at least a quarter of trailers: git's rule; the stray
    # lines are not trailers but do not hide the real ones.
    message, lines = numbered(
        "Body.\n\nSigned-off-by A <a@example.org>\nReviewed-by:B <b@example.org>\n"
        "Acked-by: C <c@example.org>\n",
        1,
    )
    changelog = parse_changelog(message, lines)
    assert [(t.key, t.value) for t in changelog.trailers] == [("Acked-by", "C <c@example.org>")]
    assert changelog.trailer_line == 3


def test_reviewer_reply_style_tag_after_prose() -> None:
    # A reply with no blank line before the tag: only the trailing run counts.
    message, lines = numbered(
        "== Fix ==\nDefer it.\nWith that, you can add:\nSigned-off-by: R <r@example.org>\n", 5
    )
    changelog = parse_changelog(message, lines)
    assert [t.key for t in changelog.trailers] == ["Signed-off-by"]
    assert changelog.trailer_line == 8
    assert changelog.sections[0].text == "Defer it.\nWith that, you can add:"


def test_prose_starting_with_a_tag_word_is_not_a_tag_block() -> None:
    message, lines = numbered("Body.\n\nFixes the crash seen on boot.\n", 1)
    changelog = parse_changelog(message, lines)
    assert changelog.trailers == ()
    assert changelog.trailer_line == 0


def test_no_trailers() -> None:
    message, lines = numbered("Just prose.\n\nMore prose: with a colon later.\n", 1)
    changelog = parse_changelog(message, lines)
    assert changelog.trailers == ()
    assert changelog.trailer_line == 0
    assert len(changelog.paragraphs) == 2


def test_url_line_is_not_a_trailer() -> None:
    message, lines = numbered("Body.\n\nhttps://example.org/x\n", 1)
    assert parse_changelog(message, lines).trailers == ()


def test_empty_message() -> None:
    changelog = parse_changelog("", ())
    assert changelog.lines == ()
    assert changelog.paragraphs == ()
    assert changelog.trailers == ()


def test_split_comment() -> None:
    assert split_comment("stable@vger.kernel.org # 6.9+") == ("stable@vger.kernel.org", "6.9+")
    assert split_comment("<stable@vger.kernel.org> #v5.10") == ("<stable@vger.kernel.org>", "v5.10")
    assert split_comment('abcdef123456 ("Revert #2 of it")') == (
        'abcdef123456 ("Revert #2 of it")',
        "",
    )
    assert split_comment("https://host/page#frag") == ("https://host/page#frag", "")


PATCH_TEXT = """\
---
v2: - Reworded the changelog
    - Dropped a hunk

 arch/x86/kernel/cpu/common.c | 4 +++-
 arch/x86/kernel/new.bin      | Bin 0 -> 12 bytes
 2 files changed, 3 insertions(+), 1 deletion(-)
 create mode 100644 arch/x86/kernel/new.bin

diff --git a/arch/x86/kernel/cpu/common.c b/arch/x86/kernel/cpu/common.c
index 1111111..2222222 100644
--- a/arch/x86/kernel/cpu/common.c
+++ b/arch/x86/kernel/cpu/common.c
@@ -1,2 +1,4 @@
 a
-- 
+b
+c
+d

base-commit: 0123456789abcdef0123456789abcdef01234567
-- 
2.43.0

"""


def test_split_patch_text() -> None:
    patch, lines = numbered(PATCH_TEXT, 30)
    parts = split_patch_text(patch, lines)
    assert parts.separator_line == 30
    assert [(n.text, n.line) for n in parts.notes] == [
        ("v2: - Reworded the changelog", 31),
        ("    - Dropped a hunk", 32),
    ]
    assert [d.line for d in parts.diffstat] == [34, 35, 36, 37]
    assert parts.diffstat[-1].text == " create mode 100644 arch/x86/kernel/new.bin"
    assert parts.diff_first_line == 39
    # The removed line "- " reads "-- " but is inside the hunk, not the signature.
    assert parts.diff_text.endswith("@@ -1,2 +1,4 @@\n a\n-- \n+b\n+c\n+d\n")
    assert parts.diff_lines[0] == 39
    assert len(parts.diff_lines) == 10
    assert parts.base_commit == "0123456789abcdef0123456789abcdef01234567"
    assert [s.text for s in parts.signature] == ["-- ", "2.43.0", ""]


def test_split_patch_text_without_separator_or_diffstat() -> None:
    patch, lines = numbered("diff --git a/x b/x\nindex 1..2 100644\n", 7)
    parts = split_patch_text(patch, lines)
    assert parts.separator_line == 0
    assert parts.notes == ()
    assert parts.diffstat == ()
    assert parts.diff_first_line == 7
    assert parts.base_commit == ""


def test_split_patch_text_notes_only() -> None:
    patch, lines = numbered("---\nJust a note, no diff.\n", 3)
    parts = split_patch_text(patch, lines)
    assert [n.text for n in parts.notes] == ["Just a note, no diff."]
    assert parts.diff_text == ""
    assert parts.diff_first_line == 0


def test_split_patch_text_plain_diff() -> None:
    patch, lines = numbered("--- a/f.c\n+++ b/f.c\n@@ -1 +1 @@\n-x\n+y\n", 2)
    parts = split_patch_text(patch, lines)
    assert parts.separator_line == 0
    assert parts.diff_first_line == 2
    assert parts.diff_text.startswith("--- a/f.c\n")


def test_split_patch_text_empty() -> None:
    parts = split_patch_text("", ())
    assert parts.diff_text == ""
    assert parts.notes == ()
