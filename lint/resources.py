"""The one place that finds the packaged ``rules/`` and ``templates/`` folders.

In a wheel they are mapped into the package (``lint/rules``); in a source
checkout they sit beside the package at the project root.

Paths here and in the other modules a git hook loads are strings, handled with
:mod:`os.path`: importing :mod:`pathlib` (which imports ``urllib.parse`` and
``ipaddress``) cost the hook, run on every mail sent, a tenth of its time.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Literal

    ResourceName = Literal["rules", "templates"]
    StrPath = str | os.PathLike[str]
    """A path as callers may give it; the modules here keep it as a ``str``."""


def resource_dir(name: ResourceName) -> str:
    """Return the folder holding the packaged resource ``name``."""
    package = os.path.dirname(os.path.realpath(__file__))
    for candidate in (os.path.join(package, name), os.path.join(os.path.dirname(package), name)):
        if os.path.isdir(candidate):
            return candidate
    raise FileNotFoundError(f"patchlens is installed without its {name}/ folder")
