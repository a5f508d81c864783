"""The explainer (lint.explain.render): goldens of every format on three threads written by us,
the reviewer's sections and their attribution, the changelog function for the bot,
and hostile changelogs that must stay text in Markdown and HTML."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from lint.cli.main import main
from lint.config import Config
from lint.engine.pipeline import read_patches
from lint.explain.render import (
    FORMATS,
    Explainer,
    changelog_sections,
    explain_mails,
    md_escape,
    render,
)
from lint.mail.model import RawMail
from lint.rulebook.ruleset import Ruleset, load_ruleset
from lint.sources.inputs import open_input

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# Rules whose output the goldens show: fixed here so that rules other work adds
# later do not rewrite these goldens.
GOLDEN_RULES = (
    "cr-pinning-background",
    "fred-background",
    "sev-background",
    "tdx-background",
    "problem-section",
    "fix-section",
    "signed-off-by",
    "review-followup",
)
THREADS = {
    "thread": [EXAMPLES / "thread" / n for n in ("v1-0001.patch", "review.eml", "v2-0001.patch")],
    "series": [EXAMPLES / "series" / "thread.mbox"],
    "single": sorted((EXAMPLES / "single").glob("*.patch")),
    # Several paragraphs per section from two writers, a log, a list and a quote,
    # and tip-bot2's notice of the merge in reply.
    "merged": [FIXTURES / "sections-and-review.mbox", FIXTURES / "tip-merge-notice.eml"],
}
SUFFIX = {"md": "md", "html": "html", "txt": "txt", "changelog": "changelog.txt"}
REVIEWER = "Tomas Reyes <tomas.reyes@example.org>"


@pytest.fixture(scope="module")
def ruleset() -> Ruleset:
    return load_ruleset(Config()).select(only=GOLDEN_RULES)


def explain(paths: list[Path], ruleset: Ruleset) -> Explainer:
    return explain_mails((raw for p in paths for raw in open_input(str(p))), ruleset)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", sorted(THREADS))
def test_golden(name: str, fmt: str, ruleset: Ruleset, golden: Callable[[str, str], None]) -> None:
    golden(f"explain-{name}.{SUFFIX[fmt]}", render(explain(THREADS[name], ruleset), fmt))


def test_example_thread_gathers_the_reviewers_five_sections(ruleset: Ruleset) -> None:
    (thread,) = explain(THREADS["thread"], ruleset).threads
    assert [t.title for t in thread.sections] == [
        "CR Pinning Background",
        "FRED Background",
        "SEV Background",
        "Problem",
        "Fix",
    ]
    for topic in thread.sections:
        assert not topic.reference and not topic.best_effort
        for paragraph in topic.paragraphs:
            # Written first in the review, adopted verbatim by v2.
            assert paragraph.author == REVIEWER
            assert paragraph.source == "review of [PATCH]"
            assert (
                paragraph.link
                == "https://lore.kernel.org/r/5e1a2b3c-review-tomas.reyes@example.org"
            )
            assert paragraph.also == ("[PATCH v2] changelog",)
    assert thread.reviewers == (REVIEWER,)
    assert [v.label for v in thread.history] == ["v1", "v2"]
    assert thread.followup == (
        f"[PATCH] -> review by {REVIEWER} -> [PATCH v2]: 6/6 carried, satisfied",
    )


def test_v1_alone_gets_reference_background_and_a_best_effort_split(ruleset: Ruleset) -> None:
    (thread,) = explain(THREADS["thread"][:1], ruleset).threads
    titles = [(t.title, t.reference) for t in thread.background]
    assert ("CR Pinning Background", True) in titles
    assert thread.background[0].paragraphs[0].author == "patchlens rulebook"
    assert thread.problem is not None and thread.problem.best_effort
    assert thread.fix is not None and thread.fix.best_effort
    assert thread.fix.paragraphs[0].text.startswith("Only apply the pinned bits")


def test_series_reports_the_dropped_tag_as_an_open_point(ruleset: Ruleset) -> None:
    (thread,) = explain(THREADS["series"], ruleset).threads
    dropped = [p for p in thread.points if p.status.startswith("not carried")]
    assert [(p.reviewer, p.status) for p in dropped] == [
        (REVIEWER, "not carried by [PATCH v2 3/3]")
    ]
    assert [t.title for t in thread.background] == ["TDX Background"]


def test_changelog_sections_for_the_bot() -> None:
    paths = THREADS["thread"]
    patches = list(read_patches(raw for p in paths for raw in open_input(str(p))))
    text = changelog_sections(patches)
    assert text.startswith("== CR Pinning Background ==\n\n")
    assert "\n== Fix ==\n\nApply the pinned bits" in text
    assert max(len(line) for line in text.splitlines()) <= 75
    assert changelog_sections([]) == ""


def test_explain_command_writes_the_file(tmp_path: Path) -> None:
    out = tmp_path / "explainer.html"
    args = ["explain", "--format", "html", "-o", str(out), *map(str, THREADS["thread"])]
    assert main(args) == 0
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir()] == ["explainer.html"]


def test_explain_command_bad_input_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["explain", str(tmp_path / "missing.mbox")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("patchlens: ") and err.count("\n") == 1


HOSTILE = """\
From: Eve <eve@example.org>
Subject: [PATCH] x86/fred: <script>document.title='pwned'</script> subject
Message-ID: <hostile"><script>alert(1)</script>@example.org>

== FRED Background ==

<script>document.title='pwned';document.write('<p id="marker">x</p>')</script>
<img src=x onerror="document.title='pwned'">
[click me](javascript:document.title='pwned') and <a href="javascript:alert(1)">link</a>
{{ doc.threads }} {% for x in doc.threads %}jinja{% endfor %}
*emphasis* and `code` and <b>bold</b> &amp; &lt;b&gt;

== Problem ==

<div id="marker">raw html block</div>

== Fix ==

    indented <script>alert(2)</script> code ```

Signed-off-by: Eve <eve@example.org>
---
 arch/x86/kernel/fred.c | 1 +
 1 file changed, 1 insertion(+)

diff --git a/arch/x86/kernel/fred.c b/arch/x86/kernel/fred.c
index 1111111..2222222 100644
--- a/arch/x86/kernel/fred.c
+++ b/arch/x86/kernel/fred.c
@@ -1,3 +1,4 @@ void <script>x</script>(void)
 a
+<img src=x onerror=alert(3)>
 b
 c
"""


def hostile_explainer() -> Explainer:
    raws = [RawMail(HOSTILE.encode(), "hostile.patch")]
    return explain_mails(raws, load_ruleset(Config()).select(only=GOLDEN_RULES))


def test_hostile_changelog_never_becomes_markup_in_html() -> None:
    html = render(hostile_explainer(), "html")
    head, body = html.split("<main>", 1)
    assert "<script" not in head and "<script" not in body
    for bad in ("<img", '<a href="javascript', "<b>", "<div", 'id="marker"'):
        assert bad not in body, bad
    assert "&lt;script&gt;document.title=&#39;pwned&#39;;document.write(" in body
    assert "&lt;img src=x onerror=" in body
    assert "*emphasis* and `code`" in body  # mail text is not Markdown either
    assert "{{ doc.threads }}" in body  # data is never evaluated as a template
    assert "&lt;b&gt;bold&lt;/b&gt; &amp;amp; &amp;lt;b&amp;gt;" in body
    # The indented code and the diff's function name are shown as text.
    assert "indented &lt;script&gt;alert(2)&lt;/script&gt; code ```" in body


def test_hostile_text_is_escaped_in_markdown() -> None:
    md = render(hostile_explainer(), "md")
    prose = re.sub(r"(?ms)^(`{3,})text\n.*?^\1$", "", md)  # fenced code is literal anyway
    assert re.search(r"(?<!\\)<(script|img|div|a |b>)", prose) is None
    assert "\\[click me\\](javascript:" in md
    assert md_escape("<b>") == "\\<b\\>"


def test_pinned_bit_reasoning_says_what_the_patch_does() -> None:
    """The explainer words the pinned-bit finding as the finding does: the change itself,
    its bringup path and where the facts come from."""
    ruleset = load_ruleset(Config()).select(only=["pinned-bit-bringup"])
    (thread,) = explain(THREADS["thread"][:1], ruleset).threads
    (changes,) = thread.changes
    (reason,) = changes.pinning
    assert reason.startswith(
        "The patch changes how the pinned bits are applied in cr4_init() on the secondary-CPU"
        " bringup path (start_secondary → cr4_init), where CR pinning is already enforced"
    )
    assert "Facts: rulebook kernel-facts.toml, mainline as of March 2026" in reason
