"""Tree-aware pinning: the live mask and call graph of a kernel tree decide the verdict.

The 6.12.117 sources in ../shared/data/kernel-src do not pin X86_CR4_FRED;
mainline does. A mainline-like tree is built in tmp_path from a copy of those
sources with the mask edited, as a directory and as a git repository read at a
ref (the working tree then holds something else, so only the ref can give the
answer).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from lint.checks.api import CheckContext
from lint.engine.context import run_view
from lint.engine.pipeline import read_patches
from lint.engine.rules import run
from lint.errors import InputError
from lint.kernel.facts import load_facts
from lint.kernel.pinning import analyse, bringup_path
from lint.kernel.tree import scan_source, scan_tree, tree_view
from lint.mail.model import RawMail
from lint.resources import resource_dir
from lint.rulebook.ruleset import Ruleset, load_rule

CASES = Path(__file__).resolve().parents[1] / "cases" / "pinned-bit-bringup"
FACTS = Path(resource_dir("rules")) / "data" / "kernel-facts.toml"
MASK_612 = "X86_CR4_FSGSBASE | X86_CR4_CET;"
MASK_MAINLINE = "X86_CR4_FSGSBASE | X86_CR4_CET | X86_CR4_FRED;"
# Our FRED-only patch: it moves the pr_info() of cpu_init_fred_exceptions().
FRED_ONLY = CASES / "fail-fred-message-with-sections.patch"


@pytest.fixture
def kernel_src(shared_data: Path) -> Path:
    src = shared_data / "kernel-src"
    if not (src / "arch/x86/kernel/cpu/common.c").is_file():
        pytest.skip("../shared/data/kernel-src has no arch/x86/kernel/cpu/common.c")
    return src


@pytest.fixture
def mainline_like(kernel_src: Path, tmp_path: Path) -> Path:
    tree = tmp_path / "mainline"
    shutil.copytree(kernel_src / "arch", tree / "arch")
    common = tree / "arch/x86/kernel/cpu/common.c"
    text = common.read_text(encoding="utf-8")
    assert text.count(MASK_612) == 1
    common.write_text(text.replace(MASK_612, MASK_MAINLINE), encoding="utf-8")
    return tree


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=T", "-c", "user.email=t@example.org", *args],
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip()


@pytest.fixture
def ruleset() -> Ruleset:
    return Ruleset(rules=(load_rule(Path(resource_dir("rules")) / "pinned-bit-bringup.toml"),))


def findings(path: Path, ruleset: Ruleset, context: CheckContext | None) -> list[dict[str, str]]:
    patch = next(read_patches([RawMail(path.read_bytes(), str(path))]))
    return [dict(d.data) for d in run(patch, ruleset, context)]


def test_fred_only_patch_follows_the_tree(
    kernel_src: Path, mainline_like: Path, ruleset: Ruleset, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    old = CheckContext(pinning_view=run_view(ruleset, kernel_src, cache_dir=cache))
    new = CheckContext(pinning_view=run_view(ruleset, mainline_like, cache_dir=cache))
    assert findings(FRED_ONLY, ruleset, old) == []
    [found] = findings(FRED_ONLY, ruleset, new)
    assert found["bits"] == "X86_CR4_FRED"
    assert found["function"] == "cpu_init_fred_exceptions"
    assert (
        found["path"] == "start_secondary → cpu_init_exception_handling → cpu_init_fred_exceptions"
    )
    assert found["tree"].startswith(f"tree {mainline_like}")
    assert "X86_CR4_FRED" in found["tree"]


def test_tree_ref_reads_the_commit_not_the_working_tree(
    mainline_like: Path, ruleset: Ruleset, tmp_path: Path
) -> None:
    repo = mainline_like
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "mainline-like")
    pinned_fred = git(repo, "rev-parse", "HEAD")
    common = repo / "arch/x86/kernel/cpu/common.c"
    common.write_text(common.read_text().replace(MASK_MAINLINE, MASK_612))
    git(repo, "commit", "-q", "-am", "unpin FRED")
    # The working tree now matches 6.12 again: only --tree-ref can see the FRED pin.
    cache = tmp_path / "cache"
    at_ref = CheckContext(pinning_view=run_view(ruleset, repo, pinned_fred, cache))
    at_head = CheckContext(pinning_view=run_view(ruleset, repo, "HEAD", cache))
    on_disk = CheckContext(pinning_view=run_view(ruleset, repo, "", cache))
    [found] = findings(FRED_ONLY, ruleset, at_ref)
    assert f"at {pinned_fred} ({pinned_fred[:12]})" in found["tree"]
    assert findings(FRED_ONLY, ruleset, at_head) == []
    assert findings(FRED_ONLY, ruleset, on_disk) == []


def test_bad_trees_are_input_errors(kernel_src: Path, ruleset: Ruleset, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a directory"):
        run_view(ruleset, tmp_path / "absent", cache_dir=tmp_path)
    with pytest.raises(InputError, match="not a git repository"):
        run_view(ruleset, kernel_src, "HEAD", cache_dir=tmp_path)
    with pytest.raises(InputError, match="needs --tree"):
        run_view(ruleset, None, "HEAD", cache_dir=tmp_path)
    empty = tmp_path / "empty" / "arch/x86"
    empty.mkdir(parents=True)
    (empty / "a.c").write_text("int f(void)\n{\n\treturn 0;\n}\n")
    with pytest.raises(InputError, match=r"no arch/x86/kernel/cpu/common\.c"):
        run_view(ruleset, tmp_path / "empty", cache_dir=tmp_path)


def test_live_mask_and_call_paths_of_612(kernel_src: Path, tmp_path: Path) -> None:
    facts = load_facts(FACTS)
    view = tree_view(facts, kernel_src, cache_dir=tmp_path)
    assert view.pinned == (
        "X86_CR4_SMEP",
        "X86_CR4_SMAP",
        "X86_CR4_UMIP",
        "X86_CR4_FSGSBASE",
        "X86_CR4_CET",
        "X86_CR0_WP",
    )
    assert bringup_path(view, "setup_smep") == (
        "start_secondary",
        "ap_starting",
        "smp_store_cpu_info",
        "identify_secondary_cpu",
        "identify_cpu",
        "setup_smep",
    )
    # __write_cr4() is an inline of asm/special_insns.h: the graph crosses into headers.
    assert bringup_path(view, "native_write_cr4")[-2:] == ("__write_cr4", "native_write_cr4")
    for boot_only in ("identify_boot_cpu", "cpu_init_replace_early_idt", "fred_hwexc"):
        assert bringup_path(view, boot_only) == ()


def test_the_cache_is_used_per_revision(kernel_src: Path, tmp_path: Path) -> None:
    facts = load_facts(FACTS)
    cache = tmp_path / "cache"
    first = scan_tree(facts, kernel_src, cache_dir=cache)
    [written] = list(cache.glob("callgraph-*.json"))
    # A planted marker proves the second scan came from the cache, not the sources.
    written.write_text(written.read_text().replace('"cr4_init"', '"cr4_init_from_cache"'))
    second = scan_tree(facts, kernel_src, cache_dir=cache)
    names = {d.name for d in second.functions["arch/x86/kernel/cpu/common.c"]}
    assert "cr4_init_from_cache" in names
    assert second.revision == first.revision


def test_tree_places_lines_a_label_heading_hides(kernel_src: Path, tmp_path: Path) -> None:
    # Without diff=cpp git heads the hunk with the "set_register:" label, so the
    # hunk context cannot name the function; the tree's pre-image can.
    text = (CASES / "fail-native-write-cr4-warning.patch").read_text()
    heading = "@@ -442,8 +442,8 @@ void __no_profile native_write_cr4(unsigned long val)"
    assert heading in text
    label = text.replace(heading, "@@ -442,8 +442,8 @@ set_register:")
    patch = next(read_patches([RawMail(label.encode(), "label.patch")]))
    facts = load_facts(FACTS)
    rulebook = load_rule(Path(resource_dir("rules")) / "pinned-bit-bringup.toml").params.view
    assert analyse(patch, rulebook) == ()
    [found] = analyse(patch, tree_view(facts, kernel_src, cache_dir=tmp_path))
    assert found.function == "native_write_cr4"
    assert found.kind == "machinery"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "static void notrace start_secondary(void *unused)\n{\n\tcr4_init();\n}\n",
            [("start_secondary", 1, 4, ("cr4_init",))],
        ),
        ("struct s x = {\n\t.f = g(1),\n};\nint h(void) { return k(2); }\n", [("h", 4, 4, ("k",))]),
        (
            "/* f(void) { */\n#define M(x) do { x; } while (0)\n"
            'void a(void)\n{\n\tif (b("}"))\n\t\tc();\n}\n',
            [("a", 3, 7, ("b", "c"))],
        ),
        (
            "DEFINE_IDTENTRY_RAW(exc_vc)\n{\n\tvc_handle(regs);\n}\n",
            [("exc_vc", 1, 4, ("vc_handle",))],
        ),
    ],
)
def test_scan_source(source: str, expected: list[tuple[str, int, int, tuple[str, ...]]]) -> None:
    found = [(d.name, d.start, d.end, d.calls) for d in scan_source(source)]
    assert found == expected


def test_lint_cli_with_tree(
    kernel_src: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from lint.cli.main import main

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    args = ["lint", "-q", "-v", "--types", "pinned-bit-bringup", "--tree", str(kernel_src)]
    assert main([*args, str(FRED_ONLY)]) == 0
    assert f"kernel facts from tree {kernel_src}" in capsys.readouterr().err
    assert list((tmp_path / "xdg" / "patchlens").glob("callgraph-*.json"))
    # Its changelog carries the sections the finding asks for: a note, not a failure.
    assert main(["lint", "-q", "--types", "pinned-bit-bringup", str(FRED_ONLY)]) == 0
    args = ["lint", "-q", "--fail-on", "note", "--types", "pinned-bit-bringup", str(FRED_ONLY)]
    assert main(args) == 1
