"""tag-order: the closing tags follow the maintainers' order.

The tip tree orders tags so that they read as the patch's history and can
be extracted by tools (Documentation/process/maintainer-tip.rst, "Ordering
of commit tags"): Fixes, Reported-by, Closes, Originally-by, Suggested-by,
Co-developed-by/Signed-off-by pairs, the author's Signed-off-by, the
handlers' Signed-off-bys, Tested-by, Reviewed-by, Acked-by, Cc, Link.

Parameters (data, so another tree can state its own order):

- ``order``: lowercase tag keys, earliest first; ``"a|b"`` gives several
  keys one place. All ``Signed-off-by`` lines share one place: among
  themselves they keep the order of the patch's route, which only the
  author knows.
- ``pairs``: ``"first>second"``: a ``second`` tag directly after a ``first``
  tag belongs to it and takes its place (``co-developed-by>signed-off-by``:
  the co-author's sign-off; ``reported-by>closes``: the report of that
  reporter).

- ``applier`` (default false): leave out what a maintainer appends when
  applying: the trailing ``Signed-off-by`` of someone other than the
  author, and the ``Link:`` tags around it. A landed commit carries them
  wherever the maintainer's tools put them; they are not the author's order.

Tags not in ``order`` stay attached to the tag above them. One finding per
patch, at the first tag out of place, with the reordered block as its fix.
"""

from __future__ import annotations

from collections.abc import Iterator

from lint.checks.finding import finding
from lint.diagnostic import Diagnostic, Fix
from lint.record import record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from lint.conditions import Trigger
    from lint.engine import CheckContext
    from lint.model import Patch, Trailer
    from lint.ruleset import RuleSpec

KIND = "tag-order"


@record
class Params:
    """Parameters of a ``tag-order`` rule."""

    order: tuple[str, ...] = ()
    """Tag keys (lowercase), earliest first."""
    pairs: tuple[str, ...] = ()
    """``"first>second"``: ``second`` directly after ``first`` shares its place."""
    applier: bool = False
    """Leave out the tags a maintainer appends when applying (see the module docstring)."""


def ranks(trailers: tuple[Trailer, ...], params: Params) -> list[int]:
    """The place of each trailer in ``params.order`` (see the module docstring)."""
    places = {key: number for number, keys in enumerate(params.order) for key in keys.split("|")}
    pairs = set(params.pairs)
    result: list[int] = []
    previous = ""
    for trailer in trailers:
        key = trailer.key.lower()
        if previous and f"{previous}>{key}" in pairs:
            rank = result[-1]
            previous = ""  # a pair is closed: a third tag starts afresh
        else:
            rank = places.get(key, result[-1] if result else 0)
            previous = key
        result.append(rank)
    return result


def check(
    patch: Patch, rule: RuleSpec, params: Params, trigger: Trigger | None, context: CheckContext
) -> Iterator[Diagnostic]:
    """Report the first tag that comes after a tag it should precede."""
    trailers = patch.changelog.trailers
    if params.applier:
        trailers = trailers[: _applied_from(trailers, patch.mail.author_email)]
    if len(trailers) < 2:
        return
    places = ranks(trailers, params)
    highest = 0
    for number, rank in enumerate(places):
        if rank < places[highest]:
            trailer, before = trailers[number], trailers[highest]
            yield finding(
                patch,
                rule,
                f"'{trailer.key}:' should come before '{before.key}:'",
                trailer.line,
                "trailer",
                help="Tag order: " + ", ".join(_display(keys) for keys in params.order) + ".",
                fix=_reorder_fix(trailers, places),
            )
            return
        if rank > places[highest]:
            highest = number


def _applied_from(trailers: tuple[Trailer, ...], author: str) -> int:
    """Where the maintainer's apply-time tags start (``len(trailers)`` when there are none).

    From the end: ``Link:`` tags, then the ``Signed-off-by`` lines of people
    other than the author (the maintainers who applied and passed it on).
    """
    end = len(trailers)
    start = end
    seen_sign_off = False
    for number in range(end - 1, -1, -1):
        trailer = trailers[number]
        key = trailer.key.lower()
        if key == "link":
            start = number
            continue
        if key == "signed-off-by" and trailer.email.lower() != author.lower():
            start = number
            seen_sign_off = True
            continue
        break
    return start if seen_sign_off else end


def _display(keys: str) -> str:
    return " or ".join(
        "-".join(part.capitalize() if part != "by" else part for part in key.split("-"))
        for key in keys.split("|")
    )


def _reorder_fix(trailers: tuple[Trailer, ...], places: list[int]) -> Fix | None:
    """The tag block sorted (stably), when it is one contiguous run of tags."""
    first = trailers[0].line
    last = trailers[-1].line + trailers[-1].raw.count("\n")
    written = sum(trailer.raw.count("\n") + 1 for trailer in trailers)
    if first <= 0 or last - first + 1 != written:
        return None  # notes or malformed lines among the tags: leave it to the author
    ordered = sorted(range(len(trailers)), key=lambda number: places[number])
    lines = tuple(line for number in ordered for line in trailers[number].raw.split("\n"))
    return Fix(first, last, lines, "reorder the tags")
