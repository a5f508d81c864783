"""The one place that finds the packaged ``rules/`` and ``templates/`` folders.

In a wheel they are mapped into the package (``lint/rules``); in a source
checkout they sit beside the package at the project root.
"""

from __future__ import annotations

from pathlib import Path

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Literal

    ResourceName = Literal["rules", "templates"]


def resource_dir(name: ResourceName) -> Path:
    """Return the folder holding the packaged resource ``name``."""
    package = Path(__file__).resolve().parent
    for candidate in (package / name, package.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"patchlens is installed without its {name}/ folder")
