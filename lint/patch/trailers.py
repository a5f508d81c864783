"""The closing tag block of a changelog: which lines are ``Key: value`` trailers.

git interpret-trailers' rule, as the kernel uses it: the last paragraph is the tag block
when it holds a known key (``Signed-off-by:``, ``Fixes:``...) and at least a quarter
of trailers; wrapped trailers continue on indented lines, and maintainers' ``[ bp:
... ]`` notes and ``(cherry picked from commit ...)`` lines may sit among the tags.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum

from lint.lazyregex import lazy_regex
from lint.mail.model import TextLine
from lint.patch.model import Trailer

# Kernel trailer keys: any "Word-word:" key, followed by a space or nothing.
# "Key:value" without the space is not taken as a trailer, so that URLs and
# prose such as "https://..." never become one.
_TRAILER = lazy_regex(r"([A-Za-z0-9][A-Za-z0-9-]*):(?:\s+(.*)|)")


# The start of a line that names a known key without the ": " after it.
_MALFORMED = lazy_regex(r"([A-Za-z][A-Za-z0-9-]*)(:(?=\S)|\s)")


# Keys that git and the kernel process documents name; with one of them, a
# last paragraph counts as the tag block even if it has a few stray lines
# (git interpret-trailers' rule: one known key and at least 25% trailers).
_KNOWN_KEYS = frozenset(
    {
        "signed-off-by",
        "co-developed-by",
        "reviewed-by",
        "acked-by",
        "tested-by",
        "reported-by",
        "suggested-by",
        "fixes",
        "cc",
        "link",
        "closes",
    }
)


def _is_tolerated(text: str) -> bool:
    """Lines a maintainer may put among the tags that are not trailers."""
    stripped = text.strip()
    return stripped.startswith("(cherry picked from commit") or (
        stripped.startswith("[") and stripped.endswith("]")
    )


class _Line(Enum):
    """What a line of the last paragraph is, when looking for the tag block."""

    TRAILER = "trailer"
    CONTINUATION = "continuation"
    """A wrapped trailer's next line (it starts with whitespace)."""
    TOLERATED = "tolerated"
    """Allowed among tags: a ``[ bp: ... ]`` note, ``(cherry picked ...)``..."""
    MALFORMED = "malformed"
    """A known tag badly written: part of the block, not a trailer."""
    OTHER = "other"


_STARTS = frozenset({_Line.TRAILER, _Line.MALFORMED})
"""Lines that can start the tag block."""


_WRAPS = frozenset({_Line.TRAILER, _Line.CONTINUATION})
"""Lines a continuation line can follow."""


def trailer_block(lines: Sequence[TextLine]) -> tuple[int, tuple[Trailer, ...]]:
    """Find the tag block: the start index in ``lines`` and its trailers.

    The block is the last paragraph when it starts with a trailer and is
    made of trailers (git interpret-trailers' rule, loosened to allow stray
    lines when a known key is present); otherwise it is the run of trailers
    at the end of the last paragraph, as when a reviewer writes "you can
    add:" directly above a Signed-off-by.
    """
    end = len(lines)
    # A mail signature ("-- ") ends the message for this purpose.
    for number in range(len(lines) - 1, -1, -1):
        if lines[number].text == "-- ":
            end = number
            break
    while end > 0 and not lines[end - 1].text.strip():
        end -= 1
    start = end
    while start > 0 and lines[start - 1].text.strip():
        start -= 1
    if start == end:
        return len(lines), ()

    kinds = _classify(lines[start:end])
    trailer_count = kinds.count(_Line.TRAILER)
    if trailer_count == 0:
        return len(lines), ()
    has_known = any(
        kind is _Line.TRAILER and _key_of(lines[start + i].text).lower() in _KNOWN_KEYS
        for i, kind in enumerate(kinds)
    )
    after = 0
    if _Line.OTHER in kinds and not (
        kinds[0] in _STARTS and has_known and trailer_count * 4 >= len(kinds)
    ):
        after = max(i for i, kind in enumerate(kinds) if kind is _Line.OTHER) + 1
    if _Line.TRAILER not in kinds[after:]:
        return len(lines), ()
    first = next((i for i in range(after, len(kinds)) if kinds[i] in _STARTS), None)
    if first is None:
        return len(lines), ()
    if after == 0 and _Line.OTHER not in kinds:
        # An all-tags paragraph keeps a leading "[ note ]" inside the block.
        first = 0
    return start + first, _collect(lines[start + first : end], kinds[first:])


def _is_malformed_trailer(text: str) -> bool:
    """``Signed-off-by A <a@b>`` or ``Reviewed-by:B``: a known tag, badly written.

    Such lines belong to the tag block (a check can point at them) but are
    not trailers.
    """
    found = _MALFORMED.match(text)
    if found is None or found.group(1).lower() not in _KNOWN_KEYS:
        return False
    return found.group(1).lower().endswith("-by") or found.group(2) == ":"


def _key_of(text: str) -> str:
    found = _TRAILER.fullmatch(text)
    return found.group(1) if found else ""


def _classify(lines: Sequence[TextLine]) -> list[_Line]:
    """What each line of a candidate tag block is."""
    kinds: list[_Line] = []
    in_note = False
    for item in lines:
        text = item.text
        if in_note:
            # A "[ bp: ... ]" note may wrap over several lines.
            kinds.append(_Line.TOLERATED)
            in_note = not text.rstrip().endswith("]")
        elif text[:1].isspace() and kinds and kinds[-1] in _WRAPS:
            # Wrapped trailers: continuation lines start with whitespace.
            kinds.append(_Line.CONTINUATION)
        elif _TRAILER.fullmatch(text) is not None:
            kinds.append(_Line.TRAILER)
        elif _is_malformed_trailer(text):
            kinds.append(_Line.MALFORMED)
        elif _is_tolerated(text):
            kinds.append(_Line.TOLERATED)
        elif text.lstrip().startswith("[") and not text[:1].isspace():
            kinds.append(_Line.TOLERATED)
            in_note = True
        else:
            kinds.append(_Line.OTHER)
    return kinds


def _collect(lines: Sequence[TextLine], kinds: Sequence[_Line]) -> tuple[Trailer, ...]:
    trailers: list[Trailer] = []
    group: list[TextLine] = []
    for item, kind in zip(lines, kinds, strict=True):
        if kind is _Line.TRAILER:
            if group:
                trailers.append(_make_trailer(group))
            group = [item]
        elif kind is _Line.CONTINUATION and group:
            group.append(item)
        elif group:
            trailers.append(_make_trailer(group))
            group = []
    if group:
        trailers.append(_make_trailer(group))
    return tuple(trailers)


def _make_trailer(group: Sequence[TextLine]) -> Trailer:
    found = _TRAILER.fullmatch(group[0].text)
    assert found is not None  # only trailer lines start a group
    parts = [found.group(2) or ""] + [item.text.strip() for item in group[1:]]
    value, comment = split_comment(" ".join(part.strip() for part in parts if part.strip()))
    return Trailer(
        key=found.group(1),
        value=value,
        comment=comment,
        line=group[0].line,
        raw="\n".join(item.text for item in group),
    )


def split_comment(value: str) -> tuple[str, str]:
    """Split ``"stable@vger.kernel.org # 6.9+"`` into the address and ``"6.9+"``.

    Only a ``#`` preceded by whitespace and outside quotes and parentheses
    starts a comment, so ``Link: https://host/page#frag`` and
    ``Fixes: ... ("Revert #2")`` keep their ``#``.
    """
    if "#" not in value:  # nearly every trailer: no need to walk it character by character
        return value, ""
    depth = 0
    quoted = False
    for position, char in enumerate(value):
        if char == '"':
            quoted = not quoted
        elif quoted:
            continue
        elif char == "(":
            depth += 1
        elif char == ")":
            depth = max(depth - 1, 0)
        elif char == "#" and depth == 0 and position > 0 and value[position - 1].isspace():
            return value[:position].rstrip(), value[position + 1 :].strip()
    return value, ""
