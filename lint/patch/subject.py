"""Split a patch subject the way maintainers read it.

``Re: [PATCH RFC v2 3/7] x86/fred: Fix early boot`` is, from left to right:
reply markers (``Re:``, ``Fwd:``), bracketed prefix groups (``[PATCH ...]``,
``[tip: x86/urgent]``), then the summary line that becomes the commit subject.
Inside a ``[PATCH ...]`` group the words are free-form; git format-patch writes
``PATCH`` (or ``--subject-prefix``), ``RFC``, ``vN`` and ``M/N``, and people add
tree names (``net-next``), ``RESEND`` and stable versions (``6.1``).

The summary itself usually starts with a subsystem prefix (``x86/fred:``,
``net: ethernet: mtk_eth_soc:``) which we call the *area*.
"""

from __future__ import annotations

from lint.lazyregex import lazy_regex
from lint.patch.model import Subject

# Reply and forward markers as mail clients write them; "Aw"/"Antw" are the
# German/Dutch spellings of "Re".  Repeated markers ("Re: Re:") are common.
_MARKER = lazy_regex(r"(?i)\s*(re|aw|antw|fwd?|fw)\s*(?:\[\d+\])?\s*:\s*")
_REPLY_MARKERS = frozenset({"re", "aw", "antw"})

# One leading "[...]" group; brackets do not nest in subjects.
_BRACKET = lazy_regex(r"\s*\[([^\]]*)\]\s*")

# Numbers are bounded: a version or count of more digits is a word, not a number (and
# int() of 10,000 digits raises).
_VERSION = lazy_regex(r"(?i)v(\d{1,6})")
_COUNTER = lazy_regex(r"(\d{1,6})/(\d{1,6})")
# Mercurial's patchbomb numbers "[PATCH 1 of 2]" (Patchwork reads it too).
_COUNTER_OF = lazy_regex(r"\b(\d{1,6}) of (\d{1,6})\b")
# "PATCHv2" / "RFCv3": the version glued to the keyword, as older scripts wrote it.
_GLUED_VERSION = lazy_regex(r"(?i)(patch|rfc)v(\d{1,6})")
# Well-known keywords are upper-cased so that rules can compare them exactly.
_KEYWORDS = frozenset({"PATCH", "RFC", "RESEND"})

# One component of a subsystem prefix: "x86/fred", "dt-bindings", "KVM",
# "drm/i915/gt", "mt7988a-bpi-r4", "x86/{mm,boot}".
_AREA_WORD = r"[A-Za-z0-9_.+/*{}@#=,-]+"
_AREA_PIECE = lazy_regex(_AREA_WORD)
# Only the first piece may have two words, as in "perf tools:" or "mm, slab:";
# the second word must be lowercase so that "Fix bug: ..." is not an area.
_FIRST_AREA_PIECE = lazy_regex(r"[a-z0-9_.+/*{}@#=-]+,? [a-z0-9_][A-Za-z0-9_.+/*{}@#=-]*")
# The perf tool and tools/ use longer lowercase prefixes ("perf vendor events arm64:",
# "tools arch x86:").
_TOOL_AREA_PIECE = lazy_regex(r"(?:perf|tools|selftests)(?: [a-z0-9_][A-Za-z0-9_.+/-]*){1,4}")
# Two subsystems a patch touches, joined by a comma ("x86/amd_nb, EDAC/amd64:").
_JOINED_AREA_PIECE = lazy_regex(_AREA_WORD.replace(",", "") + r"(?:, [A-Za-z0-9_.+/*{}@#=-]+)+")
# A capitalised English word after the first piece ("KVM: x86: Fix: ...") is
# the start of the summary, unlike an acronym component such as "SVM".
_ENGLISH_WORD = lazy_regex(r"[A-Z][a-z]+")
# Words that start a summary even when followed by a colon.
_NOT_AREA = frozenset({"revert", "merge", "reapply"})


def parse_subject(raw: str, clean: str, line: int) -> Subject:
    """Split ``raw`` (the Subject as sent) into markers, prefix tags and summary.

    ``clean`` is ``git mailinfo``'s cleaned subject, kept as is in
    :attr:`Subject.clean`; when ``raw`` is empty it is parsed instead.  The
    version defaults to 1; ``index``/``total`` are ``None`` without an ``M/N``
    counter.  ``line`` is the input line of the Subject header.
    """
    text = " ".join((raw or clean).split())
    reply = False
    tags: list[str] = []
    version = 1
    index: int | None = None
    total: int | None = None

    pos = 0
    while True:
        marker = _MARKER.match(text, pos)
        if marker is not None:
            reply = reply or marker.group(1).lower() in _REPLY_MARKERS
            pos = marker.end()
            continue
        group = _BRACKET.match(text, pos)
        if group is None:
            break
        pos = group.end()
        content = group.group(1).strip()
        if ":" in content:
            # "[tip: x86/urgent]", "[git pull: ...]": a label, not PATCH words.
            tags.append(content)
            continue
        if " of " in content:
            content = _COUNTER_OF.sub(r"\1/\2", content)
        for word in content.replace(",", " ").split():
            glued = _GLUED_VERSION.fullmatch(word)
            if glued is not None:
                tags.append(glued.group(1).upper())
                version = int(glued.group(2))
                continue
            if (found := _VERSION.fullmatch(word)) is not None:
                version = int(found.group(1))
            elif (counter := _COUNTER.fullmatch(word)) is not None:
                index, total = int(counter.group(1)), int(counter.group(2))
            elif word.upper() in _KEYWORDS:
                tags.append(word.upper())
            else:
                tags.append(word)

    area, summary = split_area(text[pos:].strip())
    return Subject(
        raw=raw,
        reply=reply,
        tags=tuple(tags),
        version=version,
        index=index,
        total=total,
        area=area,
        summary=summary,
        clean=clean,
        line=line,
    )


def split_area(summary: str) -> tuple[str, str]:
    """Split ``"x86/fred: Fix boot"`` into ``("x86/fred", "Fix boot")``.

    The area is the longest run of ``piece: `` prefixes that look like
    subsystem names (no spaces, except a lowercase two-word first piece such
    as ``perf tools``).  Without such a prefix the area is ``""``.
    """
    pieces = summary.split(": ")
    accepted = 0
    for number, piece in enumerate(pieces[:-1]):
        if number == 0:
            if piece.lower() in _NOT_AREA or piece.split(" ", 1)[0].lower() in _NOT_AREA:
                break
            if not (
                _AREA_PIECE.fullmatch(piece)
                or _FIRST_AREA_PIECE.fullmatch(piece)
                or _TOOL_AREA_PIECE.fullmatch(piece)
                or _JOINED_AREA_PIECE.fullmatch(piece)
            ):
                break
        elif not _AREA_PIECE.fullmatch(piece) or _ENGLISH_WORD.fullmatch(piece):
            break
        accepted = number + 1
    if accepted == 0:
        return "", summary
    return ": ".join(pieces[:accepted]), ": ".join(pieces[accepted:]).strip()
