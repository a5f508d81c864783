"""The registry of check kinds: kind name -> module, listed explicitly (no import magic).

A rule file names a kind; the kind's module declares it as a
:class:`~lint.checks.api.CheckKind`: its typed ``Params`` and the function of its
scope (:mod:`lint.checks.api`). Adding a requirement is a new TOML file; only a
new *kind* of test needs a module and a line below.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

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
    series,
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

KINDS: Mapping[str, CheckKind] = MappingProxyType(
    {
        kind.name: kind
        for kind in (
            require_section.KIND,
            subject_format.KIND,
            line_length.KIND,
            signed_off_by.KIND,
            review_followup.KIND,
            pinned_bit_bringup.KIND,
            subject_mood.KIND,
            changelog_phrase.KIND,
            function_refs.KIND,
            tag_order.KIND,
            trailer_form.KIND,
            changelog_body.KIND,
            changelog_order.KIND,
            commit_refs.KIND,
            series.NUMBERING,
            series.VERSION,
            series.COVER_LETTER,
            series.BASE,
            cp_signature.KIND,
            cp_author.KIND,
            cp_commit_ref.KIND,
            cp_log.KIND,
            cp_links.KIND,
            cp_encoding.KIND,
            cp_spelling.KIND,
            cp_repeated.KIND,
        )
    }
)
"""Every check kind by name (a read-only view, built once at import)."""

__all__ = ["KINDS", "CheckKind"]
