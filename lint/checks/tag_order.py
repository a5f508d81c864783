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
- ``author_part`` (default false): judge only what the author orders. A
  commit as applied (a handler signed off after the author, or a ``Link:``
  after the author's sign-off points at the patch's own posting:
  ``patch.msgid.link``, or a message id that ends with the author's address)
  is not judged at all: maintainers' tools write the block as it stands,
  appending collected tags and re-sorting the author's own (``Closes:`` first
  for some maintainers, last for others). On a patch as sent, review tags
  collected from an earlier version may sit right above the author's
  sign-off, where tools such as b4 put them.
- ``collected``: the tags collected from reviewers (lowercase keys).
- ``floating``: tags whose place is not judged: the tip maintainers' own
  commits put ``Closes:`` first, after ``Fixes:``, or last, each in their way.

Tags not in ``order`` stay attached to the tag above them. One finding per
patch, at the first tag out of place, with the reordered block as its fix.
"""

from __future__ import annotations

from collections.abc import Iterator

from lint.checks.api import CheckKind, Finding, ParamsError
from lint.diagnostic import Fix, Part
from lint.record import record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from lint.checks.api import CheckContext
    from lint.patch.model import Patch, Trailer
    from lint.rulebook.conditions import Trigger


@record
class Params:
    """Parameters of a ``tag-order`` rule."""

    order: tuple[str, ...] = ()
    """Tag keys (lowercase), earliest first."""
    pairs: tuple[str, ...] = ()
    """``"first>second"``: ``second`` directly after ``first`` shares its place."""
    author_part: bool = False
    """Judge only the tags the author orders (see the module docstring)."""
    collected: tuple[str, ...] = ()
    """Lowercase keys of tags collected from reviewers (Tested-by, Reviewed-by, Acked-by)."""
    floating: tuple[str, ...] = ()
    """Lowercase keys of tags whose place is not judged (tip maintainers disagree on it)."""

    def __post_init__(self) -> None:
        if len(self.order) < 2:
            raise ParamsError("order", "names fewer than two tags: none can be out of order")


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
    patch: Patch, params: Params, trigger: Trigger | None, context: CheckContext
) -> Iterator[Finding]:
    """Report the first tag that comes after a tag it should precede."""
    block = patch.changelog.trailers
    trailers = block
    if params.author_part:
        trailers = _authors_part(block, patch.mail.author_email, params.collected)
    if len(trailers) < 2:
        return
    if params.floating:
        trailers = tuple(t for t in trailers if t.key.lower() not in params.floating)
        if len(trailers) < 2:
            return
    places = ranks(trailers, params)
    highest = 0
    for number, rank in enumerate(places):
        if rank < places[highest]:
            trailer, before = trailers[number], trailers[highest]
            yield Finding(
                f"'{trailer.key}:' should come before '{before.key}:'",
                trailer.line,
                Part.TRAILER,
                help="Tag order: " + ", ".join(_display(keys) for keys in params.order) + ".",
                # The fix writes the whole block in the documented order.
                fix=_reorder_fix(block, ranks(block, params)),
            )
            return
        if rank > places[highest]:
            highest = number


def _authors_part(
    trailers: tuple[Trailer, ...], author: str, collected: tuple[str, ...]
) -> tuple[Trailer, ...]:
    """The tags to judge (see ``author_part`` in the module docstring)."""
    email = author.lower()
    signed = [
        number
        for number, trailer in enumerate(trailers)
        if trailer.key.lower() == "signed-off-by" and trailer.email.lower() == email
    ]
    if not email or not signed:
        return trailers
    end = signed[-1]
    start = end
    while start > 0 and trailers[start - 1].key.lower() in collected:
        start -= 1
    handled = any(
        trailer.key.lower() == "signed-off-by" and trailer.email.lower() != email
        for trailer in trailers[end + 1 :]
    )
    if handled or any(_links_itself(trailer, email) for trailer in trailers[end + 1 :]):
        # Applied: the maintainer's tools wrote the block as it stands, often
        # re-sorting the author's own tags too (Closes first, or last). Nothing
        # in it can be held against the author.
        return ()
    return trailers[:start] + trailers[end:]


def _links_itself(trailer: Trailer, author: str) -> bool:
    """A ``Link:`` to the patch's own posting: what a maintainer's tools add on applying.

    patch.msgid.link exists for that; otherwise the message id ``git send-email``
    made for the author's mail ends with the author's address.
    """
    if trailer.key.lower() != "link":
        return False
    value = trailer.value.lower().replace("%40", "@")
    return "patch.msgid.link/" in value or (bool(author) and author in value)


def _display(keys: str) -> str:
    """``co-developed-by|signed-off-by`` as the tags are written: ``Co-developed-by or
    Signed-off-by`` (only the first letter is a capital)."""
    return " or ".join(key[:1].upper() + key[1:] for key in keys.split("|"))


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


KIND = CheckKind(name="tag-order", params_type=Params, doc=__doc__ or "", on_patch=check)
