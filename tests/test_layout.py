"""The house rules of the package, checked on its source."""

from __future__ import annotations

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "lint"
SOURCES = sorted(PACKAGE.rglob("*.py"))


def test_no_private_interpreter_internals_and_no_code_from_a_cache() -> None:
    """No ``_sre``, ``re._*``, ``atexit`` internals or ``marshal`` anywhere in the package.

    (``grep -rn "_sre\\|re\\._\\|atexit\\._\\|marshal" lint/`` finds nothing.)
    """
    forbidden = re.compile(r"_sre|re\._|atexit\._|marshal")
    found = [
        f"{path.relative_to(PACKAGE.parent)}:{number}: {line.strip()}"
        for path in SOURCES
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if forbidden.search(line)
    ]
    assert found == []


def test_no_exit_handlers() -> None:
    """``lint.cli.output.leave`` ends the process without running exit handlers."""
    assert [p.name for p in SOURCES if "atexit" in p.read_text()] == []
