"""Headless Chromium for the tests that check pages as a reader's browser shows them."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
"""The browser, or ``None``: the tests that need it skip with that reason."""


def chromium(url: str, profile: Path, *extra: str) -> str:
    """What Chromium prints for ``url`` with ``extra`` (``--dump-dom``: the DOM once any
    script that could run has run and refreshes are followed)."""
    assert CHROMIUM is not None
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--virtual-time-budget=2000",  # let any script that could run, run
        *extra,
        url,
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)
    return done.stdout
