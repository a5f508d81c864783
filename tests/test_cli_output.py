"""The report spool: in memory while small, on disk past its limit, same text either way."""

from __future__ import annotations

import pytest

from lint.cli_output import Spool


@pytest.mark.parametrize("limit", [1 << 20, 10])
def test_spool_gives_back_what_was_written(limit: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Spool, "LIMIT", limit)
    spool = Spool()
    pieces = [f"patch {n}: finding\n" for n in range(50)]
    for piece in pieces:
        spool.write(piece)
    assert (spool._file is not None) == (limit == 10)
    assert "".join(spool.chunks()) == "".join(pieces)
    assert spool._file is None


def test_a_spilled_spool_is_read_back_in_limit_sized_chunks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(Spool, "LIMIT", 8)
    spool = Spool()
    spool.write("x" * 20)
    assert [len(chunk) for chunk in spool.chunks()] == [8, 8, 4]
