"""The wheel carries rules/ and templates/, and patchlens finds them inside it."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("hatchling", reason="hatchling (dev extra) builds the wheel offline")
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(out), str(ROOT)],
        check=True, capture_output=True,
    )  # fmt: skip
    (built,) = out.glob("patchlens-*.whl")
    return built


def test_wheel_holds_every_rule_and_template(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for rule in (ROOT / "rules").rglob("*"):
        if rule.is_file():
            assert f"lint/rules/{rule.relative_to(ROOT / 'rules')}" in names
    for template in (ROOT / "templates").glob("*.j2"):
        assert f"lint/templates/{template.name}" in names


def test_installed_wheel_finds_its_resources(wheel: Path, tmp_path: Path) -> None:
    """Unpacked away from the checkout, `patchlens rules` reads the wheel's own rules/."""
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    env = {**os.environ, "PYTHONPATH": str(site), "PATCHLENS_NO_CACHE": "1"}
    where = subprocess.run(
        [sys.executable, "-c", "from lint.resources import resource_dir as r;"
         "print(r('rules')); print(r('templates'))"],
        capture_output=True, text=True, check=True, cwd=tmp_path, env=env,
    ).stdout.split()  # fmt: skip
    assert where == [str(site / "lint" / "rules"), str(site / "lint" / "templates")]
    listed = subprocess.run(
        [sys.executable, "-m", "lint", "rules"],
        capture_output=True, text=True, check=True, cwd=tmp_path, env=env,
    ).stdout  # fmt: skip
    assert "fred-background" in listed and "pinned-bit-bringup" in listed
