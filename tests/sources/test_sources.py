"""Tests for lint.sources.inputs: splitting mboxes, folders, maildirs and stdin."""

from __future__ import annotations

import io
import itertools
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lint.errors import InputError
from lint.mail.model import RawMail
from lint.sources.inputs import (
    from_directory,
    from_file,
    from_maildir,
    from_mbox,
    from_stdin,
    natural_key,
    open_input,
)
from lint.sources.mbox import is_from_line

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"
SEP = b"From 1111111111111111111111111111111111111111 Mon Sep 17 00:00:00 2001\n"


def mail(subject: str, body: str = "Body line.\n") -> bytes:
    """A small patch mail without its mbox separator."""
    return (
        f"From: Ann Author <ann@example.org>\n"
        f"Date: Tue, 4 Mar 2025 10:00:00 +0100\n"
        f"Subject: [PATCH] {subject}\n"
        f"\n{body}"
    ).encode()


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


class TrickleStream(io.RawIOBase):
    """A stream that hands out at most ``step`` bytes per read."""

    def __init__(self, data: bytes, step: int) -> None:
        self._data = data
        self._pos = 0
        self._step = step

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        size = min(self._step, len(buffer), len(self._data) - self._pos)
        buffer[:size] = self._data[self._pos : self._pos + size]
        self._pos += size
        return size

    def read1(self, size: int = -1) -> bytes:
        chunk = bytearray(self._step)
        got = self.readinto(chunk)
        return bytes(chunk[:got])


class EndlessMbox(io.RawIOBase):
    """An mbox that never ends, produced by a generator; counts bytes handed out."""

    def __init__(self, messages: Iterator[bytes]) -> None:
        self._messages = messages
        self._pending = b""
        self.produced = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._pending:
            self._pending = next(self._messages)
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        self.produced += size
        return size


# --- the separator heuristic -------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        b"From 1111111111111111111111111111111111111111 Mon Sep 17 00:00:00 2001\n",
        b"From nobody Sat Aug 27 23:07:49 2005\n",
        b"From bda@mnsspb.ru Wed Nov 12 17:54:41 2008\n",
        b"From mboxrd@z Thu Jan  1 00:00:00 1970\n",
        b"From x Mon Sep 17 00:00:00 2001\r\n",
        b"From x Mon Sep 17 00:00:00 2001",
    ],
)
def test_separator_lines(line: bytes) -> None:
    assert is_from_line(line)


@pytest.mark.parametrize(
    "line",
    [
        b"From: Ann Author <ann@example.org>\n",
        b"From the beginning, mbox should have been mboxrd\n",
        b">From x Mon Sep 17 00:00:00 2001\n",
        b" From x Mon Sep 17 00:00:00 2001\n",
        b"From x Mon Sep 17 00:00:00 85\n",
        b"From x at 12:34 on a sunny day\n",
        b"From 12:34\n",
        b"From x Mon Sep 17 00-00-00 2001\n",
    ],
)
def test_lines_that_are_not_separators(line: bytes) -> None:
    assert not is_from_line(line)


# --- files and mboxes ---------------------------------------------------------


def test_format_patch_file_is_one_message(tmp_path: Path) -> None:
    body = mail("x86/fred: Fix early boot", "Text.\n---\n f | 1 +\n")
    path = write(tmp_path / "0001-fix.patch", SEP + body + b"-- \n2.39.5\n\n")
    [raw] = list(from_file(path, "0001-fix.patch"))
    assert raw == RawMail(body + b"-- \n2.39.5\n\n", "0001-fix.patch", 0, 2)


def test_mbox_messages_bytes_and_lines(tmp_path: Path) -> None:
    one, two, three = mail("one"), mail("two", "a\nb\nc\n\n"), mail("three")
    # git format-patch --stdout --no-signature: no blank line before "From ".
    path = write(tmp_path / "t.mbox", SEP + one + SEP + two + SEP + three)
    raws = list(from_file(path, "t.mbox"))
    assert [r.data for r in raws] == [one, two, three]
    assert [r.index for r in raws] == [0, 1, 2]
    # one is 5 lines, two is 8: separators on lines 1, 7, 16.
    assert [r.first_line for r in raws] == [2, 8, 17]
    lines = path.read_bytes().split(b"\n")
    for raw in raws:
        assert lines[raw.first_line - 1] == raw.data.split(b"\n")[0]


def test_body_lines_starting_with_from_do_not_split(tmp_path: Path) -> None:
    body = b"From the start this was wrong.\nFrom: a quoted header\n"
    path = write(tmp_path / "m", SEP + mail("one", body.decode()))
    [raw] = list(from_file(path, "m"))
    assert raw.data.endswith(body)


def test_mboxrd_quoting_is_undone(tmp_path: Path) -> None:
    quoted = b">From the beginning\n>>From twice\n >From indented\n>From\nplain >From x\n"
    path = write(tmp_path / "rd", SEP + mail("q", quoted.decode()) + SEP + mail("next"))
    first, second = from_file(path, "rd")
    assert first.data.endswith(
        b"From the beginning\n>From twice\n >From indented\n>From\nplain >From x\n"
    )
    assert second.data == mail("next")


def test_crlf_mbox_split_and_cr_dropped_like_git_am(tmp_path: Path) -> None:
    one, two = mail("one"), mail("two")
    crlf = (SEP + one + b"\n" + SEP + two).replace(b"\n", b"\r\n")
    path = write(tmp_path / "dos.mbox", crlf)
    raws = list(from_file(path, "dos.mbox"))
    assert [r.data for r in raws] == [one + b"\n", two]
    assert [r.first_line for r in raws] == [2, 9]
    kept = list(from_file(path, "dos.mbox", keep_cr=True))
    assert [r.data for r in kept] == [
        (one + b"\n").replace(b"\n", b"\r\n"),
        two.replace(b"\n", b"\r\n"),
    ]


def test_leading_blank_lines_are_skipped_and_counted(tmp_path: Path) -> None:
    path = write(tmp_path / "m", b"\n  \n\t\n" + SEP + mail("one"))
    [raw] = list(from_file(path, "m"))
    assert raw.first_line == 5
    assert raw.data == mail("one")


def test_bare_mail_is_one_message_never_split(tmp_path: Path) -> None:
    body = mail("one") + SEP + mail("two")
    path = write(tmp_path / "bare.eml", body)
    [raw] = list(from_file(path, "bare.eml"))
    assert raw == RawMail(body, "bare.eml", 0, 1)


def test_truncated_mbox_yields_last_message_as_is(tmp_path: Path) -> None:
    cut = mail("two", "diff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n line")
    path = write(tmp_path / "cut.mbox", SEP + mail("one") + SEP + cut)
    raws = list(from_file(path, "cut.mbox"))
    assert [r.data for r in raws] == [mail("one"), cut]


def test_separator_as_last_line_gives_an_empty_message_like_mailsplit(tmp_path: Path) -> None:
    path = write(tmp_path / "m", SEP + mail("one") + SEP.rstrip(b"\n"))
    raws = list(from_file(path, "m"))
    assert [r.data for r in raws] == [mail("one"), b""]


@given(
    st.lists(
        st.lists(
            st.sampled_from(
                [
                    "text",
                    "",
                    "From the docs",
                    "From: someone",
                    ">From quoted",
                    "From x Mon Sep 17 00:00",
                    "diff --git a/f b/f",
                ]
            ),
            max_size=6,
        ),
        min_size=1,
        max_size=5,
    ),
    st.integers(min_value=1, max_value=9),
    st.booleans(),
)
@settings(max_examples=150, deadline=None)
def test_split_does_not_depend_on_read_sizes(
    bodies: list[list[str]], step: int, crlf: bool
) -> None:
    messages = [
        mail(f"m{i}", "".join(f"{line}\n" for line in body)) for i, body in enumerate(bodies)
    ]
    mbox = b"".join(SEP + m for m in messages)
    if crlf:
        mbox = mbox.replace(b"\n", b"\r\n")
    trickled = list(from_mbox(io.BufferedReader(TrickleStream(mbox, step)), "t"))
    expected = [m.replace(b">From quoted", b"From quoted") for m in messages]
    assert [r.data for r in trickled] == expected
    starts = list(itertools.accumulate([2] + [m.count(b"\n") + 1 for m in messages[:-1]]))
    assert [r.first_line for r in trickled] == starts


def test_endless_stream_is_streamed() -> None:
    def generate() -> Iterator[bytes]:
        for number in itertools.count():
            yield SEP + mail(f"patch {number}", "x\n" * 100)

    stream = EndlessMbox(generate())
    taken = list(itertools.islice(from_mbox(io.BufferedReader(stream, 4096), "<gen>"), 3))
    assert [r.data for r in taken] == [mail(f"patch {n}", "x\n" * 100) for n in range(3)]
    assert stream.produced < 4 * 1024 * 1024


def test_stdin_mbox_and_single_mail() -> None:
    raws = list(from_stdin(io.BytesIO(SEP + mail("a") + SEP + mail("b"))))
    assert [(r.origin, r.index, r.first_line) for r in raws] == [
        ("<stdin>", 0, 2),
        ("<stdin>", 1, 8),
    ]
    [single] = from_stdin(io.BytesIO(mail("alone")))
    assert single == RawMail(mail("alone"), "<stdin>", 0, 1)


# --- errors ------------------------------------------------------------------


def problem(where: str, call: Iterator[RawMail] | None = None, **kwargs: object) -> InputError:
    """The InputError raised while opening and draining ``where``."""
    with pytest.raises(InputError) as caught:
        list(call if call is not None else open_input(where, **kwargs))  # type: ignore[arg-type]
    return caught.value


def test_missing_path_is_not_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    error = problem("no-such-0001.patch")
    assert (error.where, error.problem) == (
        "no-such-0001.patch",
        "no such file, directory or git revision",
    )


@pytest.mark.parametrize("content", [b"", b"\n\n  \n"])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    write(tmp_path / "empty.patch", content)
    error = problem(str(tmp_path / "empty.patch"))
    assert error.problem == "empty input"


@pytest.mark.parametrize(
    ("content", "line"),
    [
        (b"\x7fELF\x02\x01\x01\x00\x00\x00", 1),
        (b"\n\n\xff\xfe junk\n", 3),
    ],
)
def test_junk_is_not_mail(tmp_path: Path, content: bytes, line: int) -> None:
    path = write(tmp_path / "junk.bin", content)
    error = problem(str(path))
    assert (error.where, error.problem) == (f"{path}:{line}", "not a mail or patch file")


def test_a_bare_diff_is_named_as_such(tmp_path: Path) -> None:
    path = write(tmp_path / "raw.diff", b"diff --git a/f b/f\n")
    error = problem(str(path))
    assert error.where == f"{path}:1"
    assert error.problem.startswith("a bare diff without mail headers")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files without permission")
def test_permission_denied(tmp_path: Path) -> None:
    path = write(tmp_path / "secret.patch", SEP + mail("x"))
    path.chmod(0)
    error = problem(str(path))
    assert (error.where, error.problem) == (str(path), "permission denied")


def test_os_errors_become_input_errors(tmp_path: Path) -> None:
    error = problem(str(tmp_path), from_file(tmp_path, "a-folder"))
    assert (error.where, error.problem) == ("a-folder", "is a directory")
    assert problem("").problem == "no such file, directory or git revision"


def test_endless_junk_is_refused_early() -> None:
    stream = EndlessMbox(itertools.repeat(b"\0" * 65536))
    error = problem("<gen>", from_mbox(io.BufferedReader(stream), "<gen>"))
    assert (error.where, error.problem) == ("<gen>:1", "not a mail or patch file")
    assert stream.produced <= 2 * 1024 * 1024


def test_message_above_limit_names_its_line(tmp_path: Path) -> None:
    big = mail("big", "y" * 300 + "\n")
    path = write(tmp_path / "big.mbox", SEP + mail("small") + SEP + big + SEP + mail("after"))
    raws = from_file(path, "big.mbox", max_message_bytes=200)
    assert next(raws).data == mail("small")
    with pytest.raises(InputError) as caught:
        next(raws)
    assert (caught.value.where, caught.value.problem) == (
        "big.mbox",
        "message at line 7 is larger than 200 bytes",
    )


def test_endless_message_stops_at_the_limit() -> None:
    def generate() -> Iterator[bytes]:
        yield SEP + mail("huge")
        while True:
            yield b"+ a very long patch line\n" * 1000

    stream = EndlessMbox(generate())
    limit = 3 * 1024 * 1024
    with pytest.raises(InputError) as caught:
        list(from_mbox(io.BufferedReader(stream), "<gen>", max_message_bytes=limit))
    assert caught.value.problem == "message at line 1 is larger than 3 MiB"
    # Read no more than the limit plus the reader's one-chunk look-ahead.
    assert stream.produced <= limit + 2 * 1024 * 1024


def test_default_limit_is_named_in_mib() -> None:
    endless = itertools.chain([mail("x")], itertools.repeat(b"z" * 65536 + b"\n"))
    stream = EndlessMbox(endless)
    with pytest.raises(InputError) as caught:
        list(from_mbox(io.BufferedReader(stream), "<gen>"))
    assert caught.value.problem == "message at line 1 is larger than 64 MiB"


def test_folder_without_patches(tmp_path: Path) -> None:
    write(tmp_path / "notes.txt", b"Subject: x\n")
    error = problem(str(tmp_path))
    assert error.where == str(tmp_path)
    assert error.problem.startswith("no patches found: no *.patch, *.eml, *.mbox, *.mbx file")


def test_empty_maildir(tmp_path: Path) -> None:
    for folder in ("cur", "new", "tmp"):
        (tmp_path / folder).mkdir()
    write(tmp_path / "tmp" / "1.partial", mail("in delivery"))
    error = problem(str(tmp_path))
    assert (error.where, error.problem) == (
        str(tmp_path),
        "no patches found: no mail file in this maildir's cur/ or new/",
    )


# --- folders and maildirs ------------------------------------------------------


def test_natural_key_orders_format_patch_names() -> None:
    names = [
        "v2-0010-x.patch",
        "0010-j.patch",
        "0002-b.patch",
        "v2-0002-x.patch",
        "0000-cover-letter.patch",
        "0001-a.patch",
    ]
    assert sorted(names, key=natural_key) == [
        "0000-cover-letter.patch",
        "0001-a.patch",
        "0002-b.patch",
        "0010-j.patch",
        "v2-0002-x.patch",
        "v2-0010-x.patch",
    ]


def test_folder_in_series_order(tmp_path: Path) -> None:
    folder = tmp_path / "series"
    names = ["0000-cover-letter.patch"] + [f"{n:04d}-change-{n}.patch" for n in range(1, 13)]
    for name in reversed(names):
        write(folder / name, SEP + mail(name))
    write(folder / "0013-two.patch", SEP + mail("a") + SEP + mail("b"))
    write(folder / "README", b"not a patch\n")
    write(folder / ".0000-hidden.patch", b"junk")
    raws = list(from_directory(folder, "series/"))
    assert [r.origin for r in raws] == [f"series/{n}" for n in names] + [
        "series/0013-two.patch"
    ] * 2
    assert [r.data for r in raws[:13]] == [mail(n) for n in names]
    assert [r.index for r in raws] == list(range(15))
    assert [r.first_line for r in raws[-2:]] == [2, 8]


def test_maildir_delivery_order(tmp_path: Path) -> None:
    box = tmp_path / "inbox"
    write(box / "cur" / "1700000002.M1P1.host:2,S", mail("second"))
    write(box / "new" / "1700000001.M1P1.host", SEP + mail("first"))
    write(box / "new" / "1700000003.M1P1.host", mail("third", "body\n" + SEP.decode()))
    write(box / "cur" / ".hidden", b"junk")
    write(box / "tmp" / "1700000000.M1P1.host", mail("being delivered"))
    raws = list(open_input(str(box)))
    assert [(r.origin, r.index, r.first_line) for r in raws] == [
        (f"{box}/new/1700000001.M1P1.host", 0, 2),
        (f"{box}/cur/1700000002.M1P1.host:2,S", 1, 1),
        (f"{box}/new/1700000003.M1P1.host", 2, 1),
    ]
    # A maildir file is one mail: a "From " line in its body does not split it.
    assert raws[2].data == mail("third", "body\n" + SEP.decode())
    assert next(from_maildir(box, "inbox")).origin == "inbox/new/1700000001.M1P1.host"


def test_open_input_dispatch(tmp_path: Path) -> None:
    path = write(tmp_path / "one.mbox", SEP + mail("file"))
    assert [r.origin for r in open_input(str(path))] == [str(path)]
    stdin = io.BytesIO(SEP + mail("stdin"))
    assert [r.data for r in open_input("-", stdin=stdin)] == [mail("stdin")]


# --- real data: compare with git mailsplit --------------------------------------


def shared_data() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"../shared/data is absent: {SHARED} holds the git t5100 samples")
    if shutil.which("git") is None:
        pytest.skip("git is not installed: needed to compare with git mailsplit")
    return SHARED


def mailsplit(source: Path, out: Path, *options: str) -> list[bytes]:
    """The messages git mailsplit writes, each without its separator line."""
    out.mkdir()
    subprocess.run(
        ["git", "mailsplit", *options, f"-o{out}", str(source)],
        check=True,
        capture_output=True,
    )
    messages = []
    for part in sorted(out.iterdir()):
        data = part.read_bytes()
        first, _, rest = data.partition(b"\n")
        messages.append(rest if is_from_line(first + b"\n") else data)
    return messages


@pytest.mark.parametrize(
    ("name", "options"), [("sample.mbox", ()), ("sample.mboxrd", ("--mboxrd",))]
)
def test_t5100_samples_split_like_git_mailsplit(
    tmp_path: Path, name: str, options: tuple[str, ...]
) -> None:
    source = shared_data() / "torture" / "git-t5100" / name
    expected = mailsplit(source, tmp_path / "split", *options)
    raws = list(from_file(source, name))
    assert len(raws) == len(expected) > 1
    assert [r.data for r in raws] == expected
    lines = source.read_bytes().split(b"\n")
    for raw in raws:
        assert lines[raw.first_line - 1] == raw.data.split(b"\n")[0]


def test_torture_files_split_like_git_mailsplit(tmp_path: Path) -> None:
    torture = shared_data() / "torture"
    compared = 0
    for number, source in enumerate(sorted(p for p in torture.rglob("*") if p.is_file())):
        try:
            raws = list(from_file(source, source.name))
        except InputError as error:
            assert error.problem in {"empty input", "not a mail or patch file"} or (
                error.problem.startswith("a bare diff")
            )
            continue
        expected = mailsplit(source, tmp_path / str(number), "-b", "--mboxrd")
        assert [r.data for r in raws] == expected, source
        compared += 1
    assert compared > 150
