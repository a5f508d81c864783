"""``patchlens explain`` run as a command on threads written for these tests
(``fixtures/``): tip-bot2's merge notice kept out of the sections, one
attribution per run of paragraphs, and mail prose reflowed in HTML while code,
logs, lists and quotes keep their lines. Edge cases of the pieces below that
are parametrised over inline strings."""

from __future__ import annotations

import re
import subprocess
import sys
from html import escape
from pathlib import Path

import pytest

from lint.explain.document import Attributed, Topic
from lint.explain.merge_notice import read_merge_notice
from lint.explain.render import FORMATS, mail_blocks, md_escape
from lint.mail.model import TextLine
from lint.patch.model import Paragraph

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
NOTICE = FIXTURES / "tip-merge-notice.eml"
SECTIONS = FIXTURES / "sections-and-review.mbox"
ANA = "Ana Lindqvist <ana.lindqvist@example.com>"
JONAS = "Jonas Brandt <jonas.brandt@example.com>"


def patchlens_explain(*args: str) -> str:
    """The standard output of the installed ``patchlens explain`` command."""
    entry = Path(sys.executable).parent / "patchlens"
    command = [str(entry)] if entry.exists() else [sys.executable, "-m", "lint"]
    done = subprocess.run(
        [*command, "explain", *args], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def between(text: str, start: str, end: str) -> str:
    """The text from the line ``start`` up to the line ``end``."""
    after = text.split(f"\n{start}\n", 1)[1]
    return after.split(f"\n{end}\n", 1)[0]


# (a) tip-bot2's merge notice ------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_merge_notice_is_not_problem_text(fmt: str) -> None:
    out = patchlens_explain("--format", fmt, str(NOTICE))
    # The lint findings quote the mail on purpose (checkpatch's checks flag the
    # notice's lines): everything before them is the explanation.
    out = re.split(r"(?i)lint findings", out)[0]
    for notice in ("The following commit has been merged", "Commit-ID", "CommitterDate", "Gitweb:"):
        assert notice not in out, notice
    # tip-bot2 repeats the subject after its header block: not a paragraph either.
    assert "\nx86/fred: Reset the FRED MSRs when a CPU fails to come online\n\n" not in out
    # The changelog itself is still split into problem and fix.
    assert "When bringing a secondary CPU online fails after" in out
    assert "Clear the FRED MSRs on the teardown path" in out


def test_merge_notice_is_shown_as_a_merge_in_markdown() -> None:
    md = patchlens_explain(str(NOTICE))
    assert (
        "- **merged** as 3f9c2d7a81b0 into the x86/urgent branch of tip by Jonas Brandt"
        " \\<jonas.brandt@example.com\\>, Tue, 17 Feb 2026 10:21:44 +01:00 (tip-bot2 notification:"
        " [message](https://lore.kernel.org/r/177132061233.4410.902113.tip-bot2@tip-bot2),"
        " [gitweb](https://git.kernel.org/tip/3f9c2d7a81b04e6c5d2f1a0b9e8c7d6f5a4b3c2d))"
    ) in between(md, "## Versions", "## People")
    problem = between(md, "## Problem", "## Fix")
    assert problem.split("\n\n")[1].startswith("When bringing a secondary CPU online fails")


def test_merge_notice_in_text_html_and_changelog() -> None:
    txt = patchlens_explain("--format", "txt", str(NOTICE))
    assert "  merged as 3f9c2d7a81b0 into the x86/urgent branch of tip\n" in txt
    html = patchlens_explain("--format", "html", str(NOTICE))
    assert (
        "<li><strong>merged</strong> as <code>3f9c2d7a81b0</code> into the x86/urgent branch"
        " of tip by Jonas Brandt &lt;jonas.brandt@example.com&gt;"
    ) in html
    changelog = patchlens_explain("--format", "changelog", str(NOTICE))
    assert changelog.split("\n\n")[2].startswith("When bringing a secondary CPU online fails")


def test_merge_notice_replying_to_the_posted_patch() -> None:
    """The usual thread: the patch, its review, then tip-bot2's notice in reply."""
    md = patchlens_explain(str(SECTIONS), str(NOTICE))
    assert md.count("\n# ") == 0 and md.startswith("# x86/fred: Reset the FRED MSRs")
    assert "- **merged** as 3f9c2d7a81b0 into the x86/urgent branch of tip" in md
    assert "Commit-ID" not in md and "has been merged into" not in md
    # The notice carries the merged commit: beside the posted patch it is no second
    # change to list, and the committer's tags are not tags the patch carries.
    assert md.count("### \\[PATCH\\] x86/fred: Reset the FRED MSRs") == 1
    assert "Signed-off-by: Jonas Brandt" not in between(md, "## Tags", "## Review follow-up")


def paragraphs(*texts: str) -> tuple[Paragraph, ...]:
    return tuple(
        Paragraph(tuple(TextLine(line, n) for n, line in enumerate(text.splitlines(), 1)))
        for text in texts
    )


OPENING = "The following commit has been merged into the x86/sev branch of tip:"
HEADERS = (
    "Commit-ID:     0123456789abcdef0123456789abcdef01234567\n"
    "Gitweb:        https://git.kernel.org/tip/0123456789abcdef0123456789abcdef01234567\n"
    "Author:        Kai Mertens <kai@example.org>\n"
    "Committer:     Lea Stroud <lea@example.org>\n"
    "CommitterDate: Mon, 02 Mar 2026 10:00:00 +01:00"
)


@pytest.mark.parametrize(
    ("texts", "taken"),
    [
        pytest.param((OPENING, HEADERS, "x86/sev: Do a thing", "Why."), 3, id="subject-repeated"),
        pytest.param((OPENING, HEADERS, "Why it was needed."), 2, id="no-subject-copy"),
        pytest.param((OPENING, HEADERS), 2, id="empty-changelog"),
        pytest.param(("Some prose first.", OPENING, HEADERS), None, id="not-at-the-start"),
        pytest.param((OPENING, "Commit-ID: not-a-hash"), None, id="bad-commit-id"),
        pytest.param((OPENING, "Author: Kai Mertens"), None, id="no-commit-id"),
        pytest.param((OPENING, HEADERS + "\nand a sentence"), None, id="not-a-header-block"),
        pytest.param(("> " + OPENING, HEADERS), None, id="quoted"),
    ],
)
def test_read_merge_notice(texts: tuple[str, ...], taken: int | None) -> None:
    notice = read_merge_notice(paragraphs(*texts), "x86/sev: Do a thing")
    assert (notice.paragraphs if notice is not None else None) == taken
    if notice is not None:
        assert (notice.branch, notice.tree, notice.short) == ("x86/sev", "tip", "0123456789ab")
        assert notice.committer == "Lea Stroud <lea@example.org>"


@pytest.mark.parametrize(
    "gitweb",
    [
        "javascript:alert(1)",
        "https://git.kernel.org/tip/x) [click](javascript:alert(1)",
        'https://git.kernel.org/"onmouseover="alert(1)',
    ],
)
def test_a_merge_notice_keeps_no_link_that_is_not_plain(gitweb: str) -> None:
    headers = HEADERS.replace(
        "https://git.kernel.org/tip/0123456789abcdef0123456789abcdef01234567", gitweb
    )
    notice = read_merge_notice(paragraphs(OPENING, headers), "x86/sev: Do a thing")
    assert notice is not None and notice.gitweb == ""


# (b) one attribution per run ------------------------------------------------

ANA_LINE = {
    "md": f"*— {md_escape(ANA)}, \\[PATCH\\] changelog",
    "txt": f"    -- {ANA}, [PATCH] changelog",
    "html": f"<em>— {escape(ANA)}, [PATCH] changelog",
}
JONAS_LINE = {
    "md": f"*— {md_escape(JONAS)}, review of \\[PATCH\\]",
    "txt": f"    -- {JONAS}, review of [PATCH]",
    "html": f"<em>— {escape(JONAS)}, review of [PATCH]",
}


@pytest.mark.parametrize("fmt", ["md", "txt", "html"])
def test_a_run_of_paragraphs_is_attributed_once(fmt: str) -> None:
    out = patchlens_explain("--format", fmt, str(SECTIONS))
    # Ana wrote three paragraphs of background, two of problem and the fix: one
    # attribution per section. Jonas added two paragraphs to the problem: one.
    assert out.count(ANA_LINE[fmt]) == 3
    assert out.count(JONAS_LINE[fmt]) == 1
    # Within the problem, each writer's run ends with that writer's attribution.
    ana_text = out.index("Guests hit this more often")
    ana_line = out.index(ANA_LINE[fmt], ana_text)
    jonas_text = out.index("Nothing on bare metal takes this path")
    jonas_line = out.index(JONAS_LINE[fmt], jonas_text)
    assert ana_text < ana_line < jonas_text < out.index("Only guests retry") < jonas_line


def said(text: str, author: str, also: tuple[str, ...] = ()) -> Attributed:
    return Attributed(text, author, f"changelog of {author}", f"https://x/{author}", also)


@pytest.mark.parametrize(
    ("paragraphs", "runs"),
    [
        pytest.param([said("1", "A"), said("2", "A"), said("3", "A")], [["1", "2", "3"]], id="one"),
        pytest.param(
            [said("1", "A"), said("2", "B"), said("3", "A")], [["1"], ["2"], ["3"]], id="aba"
        ),
        pytest.param(
            [said("1", "A"), said("2", "A", ("v2",)), said("3", "A", ("v2",))],
            [["1"], ["2", "3"]],
            id="also-differs",
        ),
        pytest.param([], [], id="empty"),
    ],
)
def test_topic_runs(paragraphs: list[Attributed], runs: list[list[str]]) -> None:
    topic = Topic("Problem", tuple(paragraphs))
    assert [[p.text for p in run.paragraphs] for run in topic.runs] == runs
    for run in topic.runs:
        assert {(p.author, p.also) for p in run.paragraphs} == {(run.author, run.also)}


# (c) HTML reflows prose and keeps the lines of everything else -------------


def test_html_reflows_prose_and_keeps_code_lists_and_quotes() -> None:
    html = patchlens_explain("--format", "html", str(SECTIONS))
    body = html.split("<main>", 1)[1]
    assert (
        '<p class="mail">FRED delivers events on stacks whose addresses live in MSRs:'
        " IA32_FRED_RSP0 for ring 3 events, IA32_FRED_CONFIG and IA32_FRED_STKLVLS for the"
        " rest. cpu_init_fred_exceptions() writes them for each CPU as it comes online.</p>"
    ) in body
    assert re.search(r'<p class="mail">[^<]*\n', body) is None, "prose kept a hard line break"
    # A log pasted under a sentence, without a blank line: verbatim, in its own block.
    assert (
        "delivered onto freed memory:</p>\n<pre><code>"
        "  BUG: unable to handle page fault for address: ffffc90000a3f000\n"
        "  #PF: supervisor write access in kernel mode\n"
        "  RIP: 0010:asm_fred_entrypoint_kernel+0x0/0x40</code></pre>"
    ) in body
    assert (
        '<p class="mail lines list">- a TDX guest whose vCPU start request times out\n'
        "  is taken offline again;\n- an SEV-SNP guest whose AP creation fails retries it.</p>"
    ) in body
    assert (
        '<p class="mail lines quote">&gt; Software must configure the FRED MSRs before setting\n'
        "&gt; CR4.FRED to 1.</p>"
    ) in body
    # Line breaks are kept by the style of those blocks only.
    assert "pre-line" not in html and "p.lines { white-space: pre-wrap; }" in html


def test_markdown_fences_what_must_keep_its_lines() -> None:
    """Markdown reflows prose by itself; a log or list left as prose would be run together."""
    md = patchlens_explain(str(SECTIONS))
    assert (
        "delivered onto freed memory:\n\n```text\n"
        "  BUG: unable to handle page fault for address: ffffc90000a3f000\n"
    ) in md
    assert (
        "```text\n- a TDX guest whose vCPU start request times out\n  is taken offline again;\n"
    ) in md
    assert "```text\n> Software must configure the FRED MSRs before setting\n" in md


@pytest.mark.parametrize(
    ("text", "blocks"),
    [
        pytest.param("one\ntwo\n  three", [("prose", "one two"), ("code", "  three")], id="indent"),
        pytest.param(
            "See [1].\n[1] https://a.example/x\n[2] https://b.example/y",
            [("prose", "See [1]."), ("list", "[1] https://a.example/x\n[2] https://b.example/y")],
            id="footnotes",
        ),
        pytest.param(
            "Steps:\n1. boot\n2) crash",
            [("prose", "Steps:"), ("list", "1. boot\n2) crash")],
            id="numbered",
        ),
        pytest.param(
            "Log:\n[    0.104527] smpboot: x\n[    0.104601] y",
            [("prose", "Log:"), ("code", "[    0.104527] smpboot: x\n[    0.104601] y")],
            id="log",
        ),
        pytest.param(
            "> quoted\n> more\nanswer\nhere",
            [("quote", "> quoted\n> more"), ("prose", "answer here")],
            id="quote",
        ),
        pytest.param(
            "-1 is an error\ncode here", [("prose", "-1 is an error code here")], id="not-a-list"
        ),
    ],
)
def test_mail_blocks(text: str, blocks: list[tuple[str, str]]) -> None:
    found = mail_blocks(Attributed(text, "A", "s", ""))
    assert [(b.kind, b.flowed) for b in found] == blocks
    assert "\n".join(b.text for b in found) == text  # as written, for Markdown and text


def test_mail_blocks_of_a_code_paragraph_is_one_code_block() -> None:
    (block,) = mail_blocks(Attributed("  a\n  - b", "A", "s", "", code=True))
    assert (block.kind, block.text) == ("code", "  a\n  - b")
