"""The check kinds: one module each, listed explicitly here (no import magic).

A rule file names a kind; the kind's module gives its typed ``Params`` and its
``check(patch, rule, params, trigger)`` generator. Adding a requirement is a
new TOML file; only a new *kind* of test needs a module and a line below.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType, ModuleType

from lint.checks import line_length, require_section, signed_off_by, subject_format
from lint.checks.finding import CheckKind


def _kind(module: ModuleType) -> CheckKind:
    return CheckKind(
        name=module.KIND,
        params_type=module.Params,
        check=module.check,
        doc=module.__doc__ or "",
    )


KINDS: Mapping[str, CheckKind] = MappingProxyType(
    {
        kind.name: kind
        for kind in (
            _kind(require_section),
            _kind(subject_format),
            _kind(line_length),
            _kind(signed_off_by),
        )
    }
)
"""Every check kind by name (a read-only view, built once at import)."""

__all__ = ["KINDS", "CheckKind"]
