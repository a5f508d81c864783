"""The registry of check kinds: kind name -> module, listed explicitly (no import magic).

A rule file names a kind; the kind's module gives its typed ``Params`` and its
``check(patch, rule, params, trigger, context)`` generator. Adding a requirement is a
new TOML file; only a new *kind* of test needs a module and a line below.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType, ModuleType

from lint.checks import (
    changelog_body,
    changelog_order,
    changelog_phrase,
    commit_refs,
    function_refs,
    line_length,
    pinned_bit_bringup,
    require_section,
    review_followup,
    signed_off_by,
    subject_format,
    subject_mood,
    tag_order,
    trailer_form,
)
from lint.checks.api import CheckKind
from lint.checks.checkpatch import author as cp_author
from lint.checks.checkpatch import commit_ref as cp_commit_ref
from lint.checks.checkpatch import encoding as cp_encoding
from lint.checks.checkpatch import links as cp_links
from lint.checks.checkpatch import log as cp_log
from lint.checks.checkpatch import repeated as cp_repeated
from lint.checks.checkpatch import signature as cp_signature
from lint.checks.checkpatch import spelling as cp_spelling


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
            _kind(review_followup),
            _kind(pinned_bit_bringup),
            _kind(subject_mood),
            _kind(changelog_phrase),
            _kind(function_refs),
            _kind(tag_order),
            _kind(trailer_form),
            _kind(changelog_body),
            _kind(changelog_order),
            _kind(commit_refs),
            _kind(cp_signature),
            _kind(cp_author),
            _kind(cp_commit_ref),
            _kind(cp_log),
            _kind(cp_links),
            _kind(cp_encoding),
            _kind(cp_spelling),
            _kind(cp_repeated),
        )
    }
)
"""Every check kind by name (a read-only view, built once at import)."""

__all__ = ["KINDS", "CheckKind"]
