"""Raw mail in, analysed patches out: the front half of the pipeline."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from lint.mail.decode import decode
from lint.mail.model import RawMail
from lint.mail.sanity import check_decoded, check_raw
from lint.patch.analyse import analyse
from lint.patch.limits import DEFAULT_PART_LIMIT
from lint.patch.model import Patch
from lint.record import record


@record
class DecodeOptions:
    """How mail is decoded; the defaults are those of plain ``git mailinfo``."""

    scissors: bool = False
    inbody_headers: bool = True
    part_limit: int = DEFAULT_PART_LIMIT
    """Characters of a changelog or diff that are checked (0: all; :mod:`lint.patch.limits`)."""


def read_patches(raws: Iterable[RawMail], options: DecodeOptions | None = None) -> Iterator[Patch]:
    """Decode and analyse each raw mail, lazily, in order."""
    opts = options or DecodeOptions()
    for raw in raws:
        check_raw(raw)
        mail = decode(raw, scissors=opts.scissors, inbody_headers=opts.inbody_headers)
        check_decoded(mail)
        yield analyse(mail, opts.part_limit)
