"""trailer-form: tags written the way the kernel's tools extract them.

One kind, three aspects (each rule switches one on):

- ``combined``: no combined tags such as ``Reported-and-tested-by:``
  (maintainer-tip.rst: "they just complicate automated extraction of
  tags"). The fix writes one tag per role.
- ``stable``: a ``Cc: stable@vger.kernel.org`` belongs in the tag block,
  and a kernel version goes after it as a ``# 6.9+`` comment
  (Documentation/process/stable-kernel-rules.rst). The fix rewrites a tag
  with its version in another form (``[6.9+]``, ``v6.9+`` without ``#``).
- ``lore``: a ``Link:`` or ``Closes:`` to a mailing-list message points at
  kernel.org's archive by message id (maintainer-tip.rst: "please use the
  lore.kernel.org redirector URL"). Every kernel.org form that names the
  message id works and is left alone: ``lore.kernel.org/r/<id>``,
  ``lore.kernel.org/<id>``, ``lore.kernel.org/<list>/<id>/`` (the form the
  kernel test robot asks for in ``Closes:``), ``lkml.kernel.org/r/<id>``
  (kernel.org's own redirector, required by tip for years) and
  ``patch.msgid.link/<id>``. Reported: such a link over plain ``http://``,
  a lore search or list page instead of a message, and archives that are
  gone or do not keep message ids (the old lore patchwork mirror,
  ``patchwork.kernel.org/patch/<n>``, ``lkml.iu.edu``, Google Groups,
  ``lwn.net/ml``). checkpatch.pl's own list of other archives is left to
  ``prefer-lore-archive``. The fix rewrites a link whose message id is known.

Parameters: ``aspect`` (one of the three names above).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lint.checks.api import CheckKind, Finding
from lint.diagnostic import Fix, Part
from lint.lazyregex import lazy_regex
from lint.record import record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Literal

    from lint.checks.api import CheckContext
    from lint.patch.model import Patch, Trailer
    from lint.rulebook.conditions import Trigger


_COMBINED = lazy_regex(r"([A-Za-z]+)((?:-and-[A-Za-z]+)+)-by", re.IGNORECASE)
_STABLE = lazy_regex(r"stable@(?:vger\.)?kernel\.org", re.IGNORECASE)
_STABLE_LINE = lazy_regex(r"\s*Cc:\s*.*stable@(?:vger\.)?kernel\.org", re.IGNORECASE)
# "<stable@vger.kernel.org> [6.9+]", "stable@vger.kernel.org v6.9+", "... 6.1.x":
# a version written after the address but not as a "# ..." comment.
_STABLE_VERSION = lazy_regex(
    r"^(<?stable@vger\.kernel\.org>?)\s*[\[(]?\s*(v?\d+\.\d+[^\])]*)[\])]?$"
)
# kernel.org's archive and redirectors, and the message id in the URL if any.
_KERNEL_ORG = lazy_regex(
    r"(https?)://(?:lore\.kernel\.org|lkml\.kernel\.org|patch\.msgid\.link)(/[^\s]*)?$"
)
_MESSAGE_ID = lazy_regex(r"/([^/\s?#]+(?:@|%40)[^/\s?#]+)")
# Archives that are gone, or that name mails by number, not by message id.
_OTHER_ARCHIVE = lazy_regex(
    r"https?://(?:lore\.kernel\.org/patchwork/|patchwork\.kernel\.org/(?:project/[^/\s]+/)?patch/"
    r"|lkml\.iu\.edu/|groups\.google\.com/|lwn\.net/ml/|lists\.linuxfoundation\.org/pipermail/)"
)


@record
class Params:
    """Parameters of a ``trailer-form`` rule."""

    aspect: Literal["combined", "stable", "lore"] = "combined"
    """Which of the three the rule checks (see the module docstring)."""


def check(
    patch: Patch, params: Params, trigger: Trigger | None, context: CheckContext
) -> Iterator[Finding]:
    """Report tags in a form the kernel's tools do not extract well."""
    if params.aspect == "combined":
        yield from _combined(patch)
    elif params.aspect == "stable":
        yield from _stable(patch)
    else:
        yield from _lore(patch)


def _single_line_fix(trailer: Trailer, lines: tuple[str, ...], description: str) -> Fix | None:
    if trailer.line <= 0 or "\n" in trailer.raw:
        return None  # a wrapped tag: its continuation lines are the author's business
    return Fix(trailer.line, trailer.line, lines, description)


def _combined(patch: Patch) -> Iterator[Finding]:
    for trailer in patch.changelog.trailers:
        found = _COMBINED.fullmatch(trailer.key)
        if found is None:
            continue
        roles = [found.group(1), *found.group(2).split("-and-")[1:]]
        keys = [f"{role.capitalize()}-by" for role in roles]
        comment = f" # {trailer.comment}" if trailer.comment else ""
        lines = tuple(f"{key}: {trailer.value}{comment}" for key in keys)
        yield Finding(
            f"combined tag '{trailer.key}:'; write one tag per role",
            trailer.line,
            Part.TRAILER,
            help="Write " + " and ".join(f"'{key}:'" for key in keys) + " on separate lines.",
            fix=_single_line_fix(trailer, lines, "split the combined tag"),
        )


def _stable(patch: Patch) -> Iterator[Finding]:
    changelog = patch.changelog
    end = changelog.trailer_line or 0
    for item in changelog.lines:
        if end and item.line >= end:
            break
        if "stable" in item.text and _STABLE_LINE.match(item.text):
            yield Finding(
                "'Cc: stable@vger.kernel.org' is outside the tag block",
                item.line,
                Part.BODY,
                help="Move it into the tags at the end of the changelog, before any Link:.",
            )
    for trailer in changelog.trailers:
        if trailer.key.lower() != "cc" or trailer.comment or not _STABLE.search(trailer.value):
            continue
        found = _STABLE_VERSION.match(trailer.value.strip())
        if found is None:
            continue
        version = found.group(2).strip().removeprefix("v")
        line = f"{trailer.key}: stable@vger.kernel.org # {version}"
        yield Finding(
            f"write the stable version as a comment: '{line}'",
            trailer.line,
            Part.TRAILER,
            help="stable-kernel-rules.rst: 'Cc: stable@vger.kernel.org # 6.9+' names the "
            "oldest tree to backport to.",
            fix=_single_line_fix(trailer, (line,), "write the version as '# ...'"),
        )


def _lore(patch: Patch) -> Iterator[Finding]:
    for trailer in patch.changelog.trailers:
        if trailer.key.lower() not in ("link", "closes"):
            continue
        url = trailer.value.strip().strip("<>")
        problem = _link_problem(url)
        if not problem:
            continue
        found = _MESSAGE_ID.search(url)
        wanted = f"https://lore.kernel.org/r/{found.group(1)}" if found else ""
        use = f"; use '{wanted}'" if wanted else "; link the message itself"
        comment = f" # {trailer.comment}" if trailer.comment else ""
        line = f"{trailer.key}: {wanted}{comment}"
        yield Finding(
            f"'{trailer.key}:' {problem}{use}",
            trailer.line,
            Part.TRAILER,
            help="maintainer-tip.rst: for an email posted to the kernel mailing lists, use "
            "the lore.kernel.org redirector URL (https://lore.kernel.org/<message-id>).",
            fix=_single_line_fix(trailer, (line,), "link the message on lore") if wanted else None,
        )


def _link_problem(url: str) -> str:
    """What is wrong with a link to a list mail, or ``""`` when nothing is."""
    found = _KERNEL_ORG.match(url)
    if found is not None:
        if found.group(1) == "http":
            return "links over plain http"
        path = (found.group(2) or "").replace("%40", "@")  # tools write the @ escaped
        if "@" not in path and "patch.msgid.link" not in url:
            return "links a search or a list page, not a message"
        return ""
    if _OTHER_ARCHIVE.match(url):
        return "links an archive that does not keep the message id"
    return ""


KIND = CheckKind(name="trailer-form", params_type=Params, doc=__doc__ or "", on_patch=check)
