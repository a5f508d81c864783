"""The report spool, and how the command leaves: no output lost either way."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lint.cli import main
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


def test_the_command_flushes_everything_and_runs_exit_handlers(tmp_path: Path) -> None:
    """`patchlens` leaves without tearing the interpreter down: nothing may be lost."""
    root = Path(__file__).resolve().parents[1]
    series = root / "examples" / "series" / "thread.mbox"
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    report = tmp_path / "report.txt"
    with report.open("w") as out:
        done = subprocess.run(
            [sys.executable, "-m", "lint", "lint", "-q", "--format", "terse", str(series)],
            stdout=out,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            check=False,
        )
    assert done.returncode == 1 and done.stderr == ""
    expected = io.StringIO()
    with contextlib.redirect_stdout(expected):
        main(["lint", "-q", "--format", "terse", str(series)])
    assert report.read_text() == expected.getvalue() != ""
    # The compile cache is written by an exit handler.
    assert list((tmp_path / "cache").rglob("compiled-*.marshal"))


def test_a_reader_that_leaves_early_is_not_an_error(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[1]
    # Far more report than a pipe holds, so that writing fails once head has left.
    series = tmp_path / "many.mbox"
    series.write_bytes((root / "examples" / "series" / "thread.mbox").read_bytes() * 300)
    command = f"'{sys.executable}' -m lint lint -q --format terse '{series}' | head -c 10"
    done = subprocess.run(
        ["sh", "-c", command], capture_output=True, text=True, check=False, cwd=tmp_path
    )
    assert len(done.stdout) == 10
    assert "Traceback" not in done.stderr and "Exception" not in done.stderr


@pytest.mark.parametrize("columns", ["120", "", "junk"])
def test_help_is_as_wide_as_argparse_would_make_it(
    columns: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from lint.cli_args import _columns

    monkeypatch.setenv("COLUMNS", columns)
    assert _columns() == shutil.get_terminal_size().columns - 2
