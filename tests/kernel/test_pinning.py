"""The pinning analysis without a tree: facts loading, reasoning as data, the pre-test."""

from __future__ import annotations

from pathlib import Path

import pytest

from lint.checks.api import ParamsError
from lint.checks.pinned_bit_bringup import Params, finding_data
from lint.engine.pipeline import read_patches
from lint.errors import InputError
from lint.kernel.facts import load_facts
from lint.kernel.pinning import analyse, bringup_path, required_sections
from lint.mail.model import RawMail
from lint.record import FrozenInstanceError, replace
from lint.resources import resource_dir

CASES = Path(__file__).resolve().parents[1] / "cases" / "pinned-bit-bringup"
FACTS = Path(resource_dir("rules")) / "data" / "kernel-facts.toml"


def view():  # type: ignore[no-untyped-def]
    return Params().view


def patch_of(path: Path):  # type: ignore[no-untyped-def]
    return next(read_patches([RawMail(path.read_bytes(), str(path))]))


def test_facts_load_with_mainline_pins() -> None:
    facts = load_facts(FACTS)
    names = [bit.name for bit in facts.bits]
    assert names == [
        "X86_CR4_SMEP",
        "X86_CR4_SMAP",
        "X86_CR4_UMIP",
        "X86_CR4_FSGSBASE",
        "X86_CR4_CET",
        "X86_CR4_FRED",
        "X86_CR0_WP",
    ]
    assert facts.bit("X86_CR4_FRED").setup == ("cpu_init_fred_exceptions",)  # type: ignore[union-attr]
    assert not facts.bit("X86_CR0_WP").in_mask  # type: ignore[union-attr]
    assert facts.in_scope("arch/x86/kernel/smpboot.c")
    assert not facts.in_scope("arch/powerpc/kernel/smp.c")


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ('paths = ["arch/x86/"]', "paths = 3", "key 'scope.paths' must be a list of strings"),
        ("[scope]", "[surprise]\n[scope]", "unknown key 'surprise'"),
        ('feature      = "FRED"', 'feature      = "FRED"\nsetupp = []', "unknown key 'bit.setupp'"),
        (
            "mask_bit_pattern = 'X86_CR4_[A-Z0-9_]+'",
            "mask_bit_pattern = '('",
            "bad regex '(' for key 'pinning.mask_bit_pattern'",
        ),
        ("in_mask      = false", 'in_mask      = "no"', "key 'bit.in_mask' must be true or false"),
        (
            'pinned_since = "2023-12-05"',
            'pinned_since = "Dec 2023"',
            "key 'bit.pinned_since': 'Dec 2023' is not YYYY-MM-DD",
        ),
    ],
)
def test_bad_facts_are_input_errors(tmp_path: Path, old: str, new: str, problem: str) -> None:
    text = FACTS.read_text()
    assert text.count(old) == 1
    path = tmp_path / "facts.toml"
    path.write_text(text.replace(old, new))
    with pytest.raises(InputError) as caught:
        load_facts(path)
    assert caught.value.problem.startswith(problem)
    assert caught.value.where == str(path)


def test_missing_facts_file_is_a_params_error() -> None:
    # The rule loader reports it with the rule file (tests/rulebook/test_ruleset.py).
    with pytest.raises(ParamsError, match="no kernel facts file"):
        Params(facts="no-such-facts.toml")


def test_sections_name_only_the_features_concerned() -> None:
    facts = load_facts(FACTS)
    assert required_sections(facts, ["X86_CR4_FRED"]) == (
        "CR Pinning Background",
        "FRED Background",
        "Problem",
        "Fix",
    )
    assert required_sections(facts, ["X86_CR0_WP"]) == ("CR Pinning Background", "Problem", "Fix")


def test_rulebook_paths() -> None:
    current = view()
    assert bringup_path(current, "cpu_init_fred_exceptions") == (
        "start_secondary",
        "cpu_init_exception_handling",
        "cpu_init_fred_exceptions",
    )
    assert bringup_path(current, "identify_boot_cpu") == ()


def test_finding_as_data_for_json_and_explain() -> None:
    [found] = analyse(patch_of(CASES / "fail-pin-fred-in-mask.patch"), view())
    assert found.kind == "machinery"
    assert found.symbol
    data = dict(finding_data([found]))
    assert data["bits"] == "X86_CR4_FRED"
    assert data["function"] == "cr4_pinned_mask"
    assert data["path"] == "start_secondary → cr4_init"
    assert data["sections"] == "CR Pinning Background, FRED Background, Problem, Fix"
    assert data["tree"].startswith("rulebook kernel-facts.toml")
    with pytest.raises(FrozenInstanceError):
        found.bits = ()  # type: ignore[misc]


def test_moving_a_setup_call_names_both_ends() -> None:
    found = analyse(patch_of(CASES / "fail-move-fred-init-earlier.patch"), view())
    assert [(f.function, f.kind, f.bits) for f in found] == [
        ("cpu_init_exception_handling", "setup-call", ("X86_CR4_FRED",)),
        ("start_secondary", "setup-call", ("X86_CR4_FRED",)),
    ]


def test_unpinned_view_does_not_fire_on_fred() -> None:
    current = view()
    without_fred = replace(
        current, pinned=tuple(b for b in current.pinned if b != "X86_CR4_FRED"), leads_to={}
    )
    assert analyse(patch_of(CASES / "fail-fred-message-with-sections.patch"), without_fred) == ()


def test_non_x86_patches_are_not_parsed() -> None:
    patch = patch_of(CASES / "pass-powerpc-start-secondary.patch")
    assert analyse(patch, view()) == ()
    assert patch._parsed == []  # the cheap pre-test ruled it out


def test_comment_lines_do_not_count(tmp_path: Path) -> None:
    text = (CASES / "fail-identify-cpu-umip.patch").read_text()
    commented = text.replace("+\t\tcr4_set_bits(X86_CR4_UMIP);", "+\t\t/* X86_CR4_UMIP */")
    assert commented != text
    commented = commented.replace("-\tsetup_umip(c);", "-\t/* setup_umip(c) */")
    path = tmp_path / "c.patch"
    path.write_text(commented)
    assert analyse(patch_of(path), view()) == ()


def test_patch_dates_read_from_the_date_header() -> None:
    from lint.kernel.pinning import patch_date

    assert patch_date("Tue, 5 Dec 2023 02:50:23 -0800") == "2023-12-05"
    assert patch_date("Mon, 09 Nov 2026 10:02:47 +0100") == "2026-11-09"
    assert patch_date("") == ""
    assert patch_date("yesterday") == ""


LABEL_HUNK = "".join(
    line + "\n"
    for line in (
        "From: Ada Lovelace <ada@example.org>",
        "Subject: [PATCH] x86/cpu: Set UMIP again",
        "",
        "Words.",
        "",
        "Signed-off-by: Ada Lovelace <ada@example.org>",
        "---",
        "diff --git a/arch/x86/kernel/cpu/common.c b/arch/x86/kernel/cpu/common.c",
        "index cb7af82..e1c81a3 100644",
        "--- a/arch/x86/kernel/cpu/common.c",
        "+++ b/arch/x86/kernel/cpu/common.c",
        "@@ -396,6 +396,7 @@ out:",
        " \t * previous boot (e.g., via kexec).",
        " \t */",
        " \tcr4_clear_bits(X86_CR4_UMIP);",
        "+\tcr4_set_bits(X86_CR4_UMIP);",
        " }",
        " ",
        " static void other(void)",
    )
)


@pytest.mark.parametrize(("blob", "placed"), [("cb7af82" + "0" * 33, True), ("0" * 40, False)])
def test_a_tree_places_lines_only_when_it_holds_the_patch_s_pre_image(
    blob: str, placed: bool
) -> None:
    """git's heading here is a label: only the tree can say the line is in setup_umip().
    A tree holding another version of the file (another blob) would place it wrongly."""
    from lint.kernel.pinning import FunctionSpan, build_view

    current = view()
    path = "arch/x86/kernel/cpu/common.c"
    tree_view = build_view(
        current.facts,
        dict(current.facts.calls),
        current.pinned,
        source="tree t",
        tree="tree t",
        spans={path: (FunctionSpan("setup_umip", 380, 399),)},
        blobs={path: blob},
    )
    patch = next(read_patches([RawMail(LABEL_HUNK.encode(), "t")]))
    found = analyse(patch, tree_view)
    assert [f.function for f in found] == (["setup_umip"] if placed else [])


# Each claim a pinned-bit-bringup message can make, with a case where it is made and
# a case of the same shape where it must not be (tests/checks/test_cases.py checks that a
# pass- case gives no finding at all).
CLAIMS = {
    "adds X86_CR4_FRED to the pinned CR4 mask": ("pin-fred-in-mask", "mask-rewrapped"),
    "removes X86_CR4_FRED from the pinned CR4 mask": ("unpin-fred-from-mask", "mask-rewrapped"),
    "changes how the pinned bits are applied in cr4_init()": (
        "cr4-init-defer-pinning",
        "machinery-comment",
    ),
    "changes the CR4 pinning check in native_write_cr4()": (
        "native-write-cr4-check",
        "cr4-write-caller",
    ),
    "changes the message of the CR4 pinning check": (
        "native-write-cr4-warning",
        "machinery-comment",
    ),
    "uses the cr_pinning static key (cr_pinning) in cpu_init()": (
        "uses-pinning-key",
        "pinning-key-in-comment",
    ),
    "sets pinned bit X86_CR4_UMIP in identify_cpu()": ("identify-cpu-umip", "boot-cpu-only"),
    "clears pinned bit X86_CR4_SMAP in setup_smap()": ("clears-smap", "pge-flush"),
    "no longer clears pinned bit X86_CR4_UMIP": ("stops-clearing-umip", "pge-flush"),
    "no longer sets pinned bit X86_CR4_FSGSBASE": (
        "no-functional-change-note",
        "reindented-bit-line",
    ),
    "moves the line that sets pinned bit X86_CR4_FSGSBASE within": (
        "move-fsgsbase-line",
        "reindented-bit-line",
    ),
    "moves the call to cpu_init_fred_exceptions(), which sets up FRED, from": (
        "move-fred-init-earlier",
        "rename-setup-function",
    ),
    "removes the call to cpu_init_fred_exceptions(), which sets up FRED, from": (
        "remove-fred-setup-call",
        "rename-setup-function",
    ),
    "changes the setup of FRED in cpu_init_fred_exceptions()": (
        "fred-setup-change",
        "before-fred-was-pinned",
    ),
    "moves console output (pr_info()) within cpu_init_fred_exceptions()": (
        "fred-message-with-sections",
        "smap-message-moved",
    ),
    "the changelog has '== CR Pinning Background ==', '== FRED Background =='": (
        "fred-message-with-sections",
        "fred-hwexc-vc",
    ),
}


@pytest.mark.parametrize("claim", sorted(CLAIMS))
def test_every_claim_has_a_failing_and_a_passing_case(claim: str) -> None:
    failing, passing = CLAIMS[claim]
    assert claim in (CASES / f"fail-{failing}.expected").read_text()
    assert (CASES / f"pass-{passing}.patch").is_file()
