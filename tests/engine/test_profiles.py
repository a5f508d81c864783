"""Profiles: auto picks tip from the subject area; config and --profile force one."""

from __future__ import annotations

from pathlib import Path

import pytest

from lint.checks.api import CheckContext
from lint.cli.main import main
from lint.config import Config, load_config
from lint.engine.pipeline import read_patches
from lint.engine.rules import active_profile, run
from lint.mail.model import RawMail
from lint.rulebook.ruleset import load_ruleset


def patch_for(subject: str) -> bytes:
    return (
        "From: Mira Okafor <mira.okafor@example.org>\n"
        f"Subject: [PATCH] {subject}\n"
        "\n"
        "When a CPU goes away we leak the vector.\n"
        "\n"
        "Signed-off-by: Mira Okafor <mira.okafor@example.org>\n"
    ).encode()


@pytest.mark.parametrize(
    ("subject", "profile"),
    [
        ("x86/fred: Fix boot", "tip"),
        ("sched/core: Fix boot", "tip"),
        ("perf/x86/intel: Fix boot", "tip"),
        ("timers/migration: Fix boot", "tip"),
        ("vdso: Fix boot", "tip"),
        ("irqchip/gic-v3: Fix boot", "tip"),
        ("mm/slub: Fix boot", "kernel"),
        ("perf tools: Fix boot", "kernel"),
        ("net: dsa: Fix boot", "kernel"),
        ("Fix boot", "kernel"),
    ],
)
def test_auto_profile_from_the_subject(subject: str, profile: str) -> None:
    ruleset = load_ruleset(Config())
    patch = next(iter(read_patches([RawMail(patch_for(subject), "t")])))
    assert active_profile(patch, ruleset) == profile


def rules_hit(subject: str, config: Config, context: CheckContext | None = None) -> set[str]:
    ruleset = load_ruleset(config)
    patch = next(iter(read_patches([RawMail(patch_for(subject), "t")])))
    return {d.rule for d in run(patch, ruleset, context)}


def test_tip_rules_apply_only_under_tip() -> None:
    assert "changelog-we" in rules_hit("x86/apic: fix the vector leak", Config())
    assert "subject-capital" in rules_hit("x86/apic: fix the vector leak", Config())
    kernel = rules_hit("mm/slub: fix the vector leak", Config())
    assert not kernel & {"changelog-we", "subject-capital"}
    forced = rules_hit("mm/slub: fix the vector leak", Config(), CheckContext(profile="tip"))
    assert {"changelog-we", "subject-capital"} <= forced
    general = rules_hit("x86/apic: fix the vector leak", Config(), CheckContext(profile="kernel"))
    assert not general & {"changelog-we", "subject-capital"}


def test_config_file_forces_the_profile(tmp_path: Path) -> None:
    (tmp_path / ".patchlens.toml").write_text('profile = "tip"\n')
    config = load_config(tmp_path / ".patchlens.toml", tmp_path)
    assert config.profile == "tip"
    assert "changelog-we" in rules_hit("mm/slub: Fix the vector leak", config)


def test_cli_profile_flag(tmp_path: Path) -> None:
    patch = tmp_path / "p.patch"
    patch.write_bytes(patch_for("mm/slub: Fix the vector leak"))
    out = tmp_path / "out.txt"
    base = ["lint", "-q", "--format", "terse", "--types", "changelog-we", "-o", str(out)]
    assert main([*base, str(patch)]) == 0
    assert main([*base, "--profile", "tip", str(patch)]) == 1
    assert "changelog-we" in out.read_text()
