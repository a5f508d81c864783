"""Subject parsing: markers, prefix groups, version, counters, area, summary."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from lint.patch.subject import parse_subject, split_area


@dataclass(frozen=True)
class Case:
    raw: str
    reply: bool = False
    tags: tuple[str, ...] = ()
    version: int = 1
    index: int | None = None
    total: int | None = None
    area: str = ""
    summary: str = ""


CASES = [
    Case(
        "Re: [PATCH RFC v2 3/7] x86/fred: Fix early boot",
        reply=True,
        tags=("PATCH", "RFC"),
        version=2,
        index=3,
        total=7,
        area="x86/fred",
        summary="Fix early boot",
    ),
    Case("[PATCH] x86/fred: Fix boot", tags=("PATCH",), area="x86/fred", summary="Fix boot"),
    Case(
        "[PATCH net-next] net: dsa: Drop a lock",
        tags=("PATCH", "net-next"),
        area="net: dsa",
        summary="Drop a lock",
    ),
    Case(
        "[RFC PATCH 0/3] Defer pinning",
        tags=("RFC", "PATCH"),
        index=0,
        total=3,
        summary="Defer pinning",
    ),
    Case(
        "[PATCH v3 02/10] x86/mm/pat: Use a helper",
        tags=("PATCH",),
        version=3,
        index=2,
        total=10,
        area="x86/mm/pat",
        summary="Use a helper",
    ),
    Case(
        "[tip: x86/urgent] x86/fred: Fix a thing",
        tags=("tip: x86/urgent",),
        area="x86/fred",
        summary="Fix a thing",
    ),
    Case(
        "Re: [tip: x86/urgent] x86/fred: Fix a thing",
        reply=True,
        tags=("tip: x86/urgent",),
        area="x86/fred",
        summary="Fix a thing",
    ),
    Case("[PATCH V2] x86/sev: Tidy", tags=("PATCH",), version=2, area="x86/sev", summary="Tidy"),
    Case(
        "[PATCH RESEND v4 1/2] x86/tdx: Map it",
        tags=("PATCH", "RESEND"),
        version=4,
        index=1,
        total=2,
        area="x86/tdx",
        summary="Map it",
    ),
    Case(
        "[RESEND][PATCH] x86: Note",
        tags=("RESEND", "PATCH"),
        area="x86",
        summary="Note",
    ),
    Case(
        "RE: Re: [PATCH] mm: Fix leak",
        reply=True,
        tags=("PATCH",),
        area="mm",
        summary="Fix leak",
    ),
    Case("Fwd: [PATCH] mm: Fix leak", tags=("PATCH",), area="mm", summary="Fix leak"),
    Case(
        "[PATCHv2 1/3] arm64: dts: mediatek: mt7988a-bpi-r4: add leds",
        tags=("PATCH",),
        version=2,
        index=1,
        total=3,
        area="arm64: dts: mediatek: mt7988a-bpi-r4",
        summary="add leds",
    ),
    Case(
        "[patch v5 7/9] KVM: SVM: Fix: it was wrong",
        tags=("PATCH",),
        version=5,
        index=7,
        total=9,
        area="KVM: SVM",
        summary="Fix: it was wrong",
    ),
    Case(
        "[PATCH 6.1.y] x86/cpu: Backport a fix",
        tags=("PATCH", "6.1.y"),
        area="x86/cpu",
        summary="Backport a fix",
    ),
    Case(
        "[PATCH 1/2 v3] perf tools: Handle a case",
        tags=("PATCH",),
        version=3,
        index=1,
        total=2,
        area="perf tools",
        summary="Handle a case",
    ),
    Case(
        "[PATCH] mm, slab: Keep it simple",
        tags=("PATCH",),
        area="mm, slab",
        summary="Keep it simple",
    ),
    Case(
        '[PATCH] Revert "x86/fred: Fix boot"',
        tags=("PATCH",),
        summary='Revert "x86/fred: Fix boot"',
    ),
    Case(
        "[PATCH] Fix the bug: it crashes",
        tags=("PATCH",),
        summary="Fix the bug: it crashes",
    ),
    Case("Fix stuff without any prefix", summary="Fix stuff without any prefix"),
    Case("[PATCH]", tags=("PATCH",), summary=""),
    Case(
        "[PATCH]x86/boot:Fix no space",
        tags=("PATCH",),
        summary="x86/boot:Fix no space",
    ),
    Case(
        "[PATCH -next] dt-bindings: net: Add a property",
        tags=("PATCH", "-next"),
        area="dt-bindings: net",
        summary="Add a property",
    ),
    Case(
        "  [PATCH   v2   2/5]   x86/{mm,boot}:   Share   code  ",
        tags=("PATCH",),
        version=2,
        index=2,
        total=5,
        area="x86/{mm,boot}",
        summary="Share code",
    ),
    Case(
        "[PATCH v2] x86/fred: Fix [early] boot",
        tags=("PATCH",),
        version=2,
        area="x86/fred",
        summary="Fix [early] boot",
    ),
    Case(
        "[PATCH] Documentation/x86: Describe pinning",
        tags=("PATCH",),
        area="Documentation/x86",
        summary="Describe pinning",
    ),
    Case(
        "[GIT PULL] x86 fixes for 6.9",
        tags=("GIT", "PULL"),
        summary="x86 fixes for 6.9",
    ),
    Case(
        "Aw: [PATCH 2/2] x86/sev: Fix",
        reply=True,
        tags=("PATCH",),
        index=2,
        total=2,
        area="x86/sev",
        summary="Fix",
    ),
    Case(
        "[PATCH v2.1] x86: Odd version",
        tags=("PATCH", "v2.1"),
        area="x86",
        summary="Odd version",
    ),
    # Mercurial's patchbomb counts "M of N" (bench/patchwork_agreement.py found it).
    Case(
        "[PATCH 1 of 2] hgweb: Add a filter",
        tags=("PATCH",),
        index=1,
        total=2,
        area="hgweb",
        summary="Add a filter",
    ),
    Case(
        "[PATCH 0 of 2 V3] hgweb: Filters",
        tags=("PATCH",),
        version=3,
        index=0,
        total=2,
        area="hgweb",
        summary="Filters",
    ),
    Case(
        "[PATCH] x86: Split one of 2 rings",
        tags=("PATCH",),
        area="x86",
        summary="Split one of 2 rings",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.raw.strip() or "empty" for c in CASES])
def test_parse_subject(case: Case) -> None:
    subject = parse_subject(case.raw, "unused clean", 4)
    assert subject.raw == case.raw
    assert subject.reply is case.reply
    assert subject.tags == case.tags
    assert subject.version == case.version
    assert subject.index == case.index
    assert subject.total == case.total
    assert subject.area == case.area
    assert subject.summary == case.summary
    assert subject.clean == "unused clean"
    assert subject.line == 4


def test_cover_letter_flag() -> None:
    assert parse_subject("[PATCH 0/4] x86: Series", "", 1).is_cover_letter
    assert not parse_subject("[PATCH 1/4] x86: Part", "", 1).is_cover_letter
    assert not parse_subject("[PATCH] x86: Single", "", 1).is_cover_letter


def test_clean_used_when_raw_is_empty() -> None:
    subject = parse_subject("", "x86/sev: Check the GHCB", 9)
    assert subject.area == "x86/sev"
    assert subject.summary == "Check the GHCB"
    assert subject.tags == ()


@pytest.mark.parametrize(
    ("text", "area", "summary"),
    [
        ("x86/fred: Fix", "x86/fred", "Fix"),
        (
            "net: ethernet: mtk_eth_soc: fix irq: again",
            "net: ethernet: mtk_eth_soc",
            "fix irq: again",
        ),
        ("Merge: something", "", "Merge: something"),
        ("x86/fred:", "", "x86/fred:"),
        ("", "", ""),
    ],
)
def test_split_area(text: str, area: str, summary: str) -> None:
    assert split_area(text) == (area, summary)
