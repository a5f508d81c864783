"""Kernel facts for the pinning analysis: ``rules/data/kernel-facts.toml`` as typed data.

The file says which control-register bits CR pinning guards, what makes up
the pinning machinery, which functions set each pinned feature up, and how
secondary-CPU (AP) bringup calls them. Every key is checked here, so a typo
stops the run with the file and key named (:class:`InputError`, exit 2).
"""

from __future__ import annotations

import os
import re

from lint.config import read_toml
from lint.errors import InputError
from lint.record import record
from lint.rulebook.datafile import boolean
from lint.rulebook.datafile import only as _only
from lint.rulebook.datafile import string as _string
from lint.rulebook.datafile import strings as _strings
from lint.rulebook.datafile import table as _table
from lint.rulebook.datafile import tables as _tables
from lint.rulebook.regex import Regex

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from lint.resources import StrPath

_TOP_KEYS = frozenset({"kernel", "scope", "pinning", "bit", "changelog", "bringup", "tree"})
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@record
class PinnedBit:
    """One control-register bit that CR pinning keeps set."""

    name: str
    """The kernel's name for the bit, e.g. ``X86_CR4_FRED``."""
    feature: str
    """The feature it switches on, e.g. ``FRED``."""
    setup: tuple[str, ...]
    """Functions that set the feature up on a CPU (and then set the bit)."""
    background: str
    """The changelog section that explains the feature, e.g. ``FRED Background``."""
    in_mask: bool = True
    """True for members of ``cr4_pinned_mask`` (a tree decides); False for CR0.WP."""
    enabled_in: tuple[str, ...] = ()
    """Functions that switch the bit on among other work: only their lines naming it count."""
    pinned_since: str = ""
    """``YYYY-MM-DD``: when the bit was pinned (a patch dated before is not told)."""
    since: str = ""
    """The release that pinned it, in words (``v6.9``)."""
    opens_window: bool = False
    """True when the bit switched on before its feature's setup leaves exceptions
    undeliverable (FRED): a change to that setup on an AP can open the window."""


@record
class MachineryItem:
    """A symbol or function of the pinning machinery."""

    name: str
    what: str
    """The item in words, for messages."""
    applied_in: str
    """The function where the item takes effect on a secondary CPU."""
    bits: tuple[str, ...] = ()
    """Bits the item is about; empty means every pinned CR4 bit."""
    function: bool = False
    """True for a function (its body is the machinery); False for a symbol."""


@record
class KernelFacts:
    """Everything the pinning analysis knows without a kernel tree."""

    describes: str
    """Which kernel the facts describe, in words (``mainline as of March 2026``)."""
    scope: tuple[str, ...]
    """Path prefixes a change must be under to matter (``arch/x86/``)."""
    mask_symbol: str
    mask_file: str
    mask_bit: Regex
    write_helpers: tuple[str, ...]
    """CR write functions that go through the pinning check."""
    machinery: tuple[MachineryItem, ...]
    bits: tuple[PinnedBit, ...]
    sections_before: tuple[str, ...]
    sections_after: tuple[str, ...]
    entries: tuple[str, ...]
    """AP bringup entry points (``start_secondary``)."""
    entry_file: str
    window: str
    """The window pinning may open, in words, for the diagnostic's help."""
    calls: tuple[tuple[str, tuple[str, ...]], ...]
    """Known AP bringup calls: caller and callees (used without a tree)."""
    tree_sources: tuple[str, ...]
    tree_suffixes: tuple[str, ...]
    path: str

    def bit(self, name: str) -> PinnedBit | None:
        """The pinned bit called ``name``, if the facts list it."""
        for item in self.bits:
            if item.name == name:
                return item
        return None

    def in_scope(self, path: str) -> bool:
        """Whether a changed file at ``path`` can touch the pinning machinery."""
        return path.startswith(self.scope)


def load_facts(path: StrPath) -> KernelFacts:
    """Read and validate a kernel facts file."""
    path = where = os.fspath(path)
    table = read_toml(path)
    for key in table:
        if key not in _TOP_KEYS:
            raise InputError(where, f"unknown key '{key}'")
    kernel = _table(table, "kernel", where)
    _only(kernel, {"describes"}, where, "kernel.")
    scope = _table(table, "scope", where)
    pinning = _table(table, "pinning", where)
    changelog = _table(table, "changelog", where)
    bringup = _table(table, "bringup", where)
    tree = _table(table, "tree", where)
    pattern = _string(pinning, "mask_bit_pattern", where, "pinning.")
    mask_bit = Regex.checked(pattern, where, "pinning.mask_bit_pattern")
    calls_table = _table(bringup, "calls", where, "bringup.")
    calls = tuple(
        (caller, _strings(calls_table, caller, where, "bringup.calls.")) for caller in calls_table
    )
    return KernelFacts(
        describes=_string(kernel, "describes", where, "kernel."),
        scope=_strings(scope, "paths", where, "scope."),
        mask_symbol=_string(pinning, "mask_symbol", where, "pinning."),
        mask_file=_string(pinning, "mask_file", where, "pinning."),
        mask_bit=mask_bit,
        write_helpers=_strings(pinning, "write_helpers", where, "pinning.", optional=True),
        machinery=tuple(
            _machinery(item, where) for item in _tables(pinning, "machinery", where, "pinning.")
        ),
        bits=tuple(_bit(item, where) for item in _tables(table, "bit", where, "")),
        sections_before=_strings(changelog, "before", where, "changelog."),
        sections_after=_strings(changelog, "after", where, "changelog."),
        entries=_strings(bringup, "entries", where, "bringup."),
        entry_file=_string(bringup, "entry_file", where, "bringup."),
        window=_string(bringup, "window", where, "bringup."),
        calls=calls,
        tree_sources=_strings(tree, "sources", where, "tree."),
        tree_suffixes=_strings(tree, "suffixes", where, "tree."),
        path=path,
    )


def _machinery(item: dict[str, Any], where: str) -> MachineryItem:
    _only(item, {"name", "what", "applied_in", "bits", "function"}, where, "pinning.machinery.")
    return MachineryItem(
        name=_string(item, "name", where, "pinning.machinery."),
        what=_string(item, "what", where, "pinning.machinery."),
        applied_in=_string(item, "applied_in", where, "pinning.machinery."),
        bits=_strings(item, "bits", where, "pinning.machinery.", optional=True),
        function=boolean(item, "function", where, "pinning.machinery.", False),
    )


def _bit(item: dict[str, Any], where: str) -> PinnedBit:
    keys = {"name", "feature", "setup", "enabled_in", "background", "in_mask", "pinned_since"}
    _only(item, keys | {"since", "opens_window"}, where, "bit.")
    pinned_since = (
        _string(item, "pinned_since", where, "bit.", empty=True) if "pinned_since" in item else ""
    )
    if pinned_since and not _DATE.fullmatch(pinned_since):
        raise InputError(where, f"key 'bit.pinned_since': {pinned_since!r} is not YYYY-MM-DD")
    in_mask = item.get("in_mask", True)
    if not isinstance(in_mask, bool):
        raise InputError(where, "key 'bit.in_mask' must be true or false")
    return PinnedBit(
        name=_string(item, "name", where, "bit."),
        feature=_string(item, "feature", where, "bit."),
        setup=_strings(item, "setup", where, "bit."),
        background=_string(item, "background", where, "bit.", empty=True),
        in_mask=in_mask,
        enabled_in=_strings(item, "enabled_in", where, "bit.", optional=True),
        pinned_since=pinned_since,
        since=_string(item, "since", where, "bit.", empty=True) if "since" in item else "",
        opens_window=boolean(item, "opens_window", where, "bit.", False),
    )
