"""Which mails a thread-level rule needs to see, told from their header bytes alone.

Replies, re-rolls (``vN`` with N >= 2) and anything threaded by In-Reply-To or
References can take part in a review conversation; a mailing-list archive of
unthreaded v1 patches costs one regex search per mail and nothing more.
"""

from __future__ import annotations

from lint.lazyregex import lazy_regex

_THREADED = lazy_regex(
    rb"(?im)^(?:in-reply-to|references):|^subject:.*(?:\bre:|\bv0*[2-9]|\bv\d\d)"
)


def is_thread_candidate(data: bytes) -> bool:
    """True when the header of ``data`` shows a reply, a re-roll or threading headers."""
    end = data.find(b"\n\n")
    return bool(_THREADED.search(data[: end if end >= 0 else len(data)]))
