"""The HTML explainer in a real headless Chromium: sections render as text, hostile
changelogs neither execute nor turn into markup. Skips when chromium is absent
(.ci/run installs it)."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest
from browser import CHROMIUM, chromium
from test_explain import GOLDEN_RULES, THREADS, hostile_explainer

from lint.config import Config
from lint.explain.render import explain_mails, render
from lint.rulebook.ruleset import load_ruleset
from lint.sources.inputs import open_input

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")


def rendered_text(dom: str) -> str:
    """The visible text of a dumped DOM, whitespace collapsed."""
    text = re.sub(r"(?s)<(style|head)\b.*?</\1>", " ", dom)
    text = re.sub(r"<[^>]+>", " ", text)
    return " ".join(unescape(text).split())


def test_example_thread_in_chromium(tmp_path: Path) -> None:
    ruleset = load_ruleset(Config()).select(only=GOLDEN_RULES)
    raws = (raw for p in THREADS["thread"] for raw in open_input(str(p)))
    page = tmp_path / "explainer.html"
    page.write_text(render(explain_mails(raws, ruleset), "html"), encoding="utf-8")
    dom = chromium(page.as_uri(), tmp_path / "profile", "--dump-dom")
    text = rendered_text(dom)
    headings = re.findall(r"<h([23])[^>]*>(.*?)</h\1>", dom)
    assert [unescape(h) for _, h in headings] == [
        "Versions",
        "People",
        "Background",
        "CR Pinning Background",
        "FRED Background",
        "SEV Background",
        "Problem",
        "Fix",
        "What changes",
        "[PATCH v2] x86/fred: Fix early boot failures on SEV-ES/SNP guests",
        "Lint findings (latest version)",
        "Tags",
        "Review follow-up",
        "Open review points",
    ]
    assert "SEV-ES and SNP guests take #VC exceptions on ordinary-looking operations" in text
    assert "On a secondary CPU, cr4_init() sets every pinned bit, X86_CR4_FRED included" in text
    assert "Apply the pinned bits in cr4_init() only once the CPU is online" in text
    assert text.count("— Tomas Reyes <tomas.reyes@example.org>, review of [PATCH]") == 5
    assert "6/6 carried, satisfied" in text
    assert "arch/x86/kernel/cpu/common.c | 8 ++++++--" in text
    shot = tmp_path / "explainer.png"
    chromium(
        page.as_uri(), tmp_path / "profile2", f"--screenshot={shot}", "--window-size=1000,1800"
    )
    assert shot.stat().st_size > 10_000


def test_hostile_changelog_does_not_execute_in_chromium(tmp_path: Path) -> None:
    page = tmp_path / "hostile.html"
    page.write_text(render(hostile_explainer(), "html"), encoding="utf-8")
    dom = chromium(page.as_uri(), tmp_path / "profile", "--dump-dom")
    # A script that ran would have renamed the page or added the marker element.
    title = re.search(r"<title>(.*?)</title>", dom, re.S)
    assert title is not None
    assert unescape(title.group(1)) == (
        "patchlens: x86/fred: <script>document.title='pwned'</script> subject"
    )
    assert re.search(r'<[a-z]+[^<>]*\bid="marker"', dom) is None
    body = dom.split("<main>", 1)[1]
    assert re.search(r"<(script|img|div|b)\b", body) is None
    assert re.search(r"<a\b[^<>]*href=\"javascript", body) is None
    text = rendered_text(body)
    assert "<script>document.title='pwned';document.write('<p id=\"marker\">x</p>')" in text
    assert "<img src=x onerror=\"document.title='pwned'\">" in text
    assert "[click me](javascript:document.title='pwned')" in text
    assert "{{ doc.threads }} {% for x in doc.threads %}jinja{% endfor %}" in text
    assert '<div id="marker">raw html block</div>' in text
