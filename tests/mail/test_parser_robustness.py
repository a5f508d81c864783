"""decode() never fails on anything: real files of every kind, and generated garbage.

Only :class:`lint.errors.InputError` may escape, and every result keeps one
input line number per line of its message and patch.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lint.errors import InputError
from lint.mail.decode import decode
from lint.mail.model import DecodedMail, RawMail

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"

# A line starting with "From " after a blank line (or at the top) starts a
# message: the classic mboxo rule, good enough to cut test input.
_MBOX_FROM = re.compile(rb"(?:\A|(?<=\n\n))From ")


def line_count(text: str) -> int:
    """Lines of ``text`` as decode() counts them: pieces ended by LF, plus an unended tail."""
    return text.count("\n") + (1 if text and not text.endswith("\n") else 0)


def check_shape(mail: DecodedMail) -> None:
    assert len(mail.message_lines) == line_count(mail.message)
    assert len(mail.patch_lines) == line_count(mail.patch)
    assert all(line >= mail.first_line for line in mail.message_lines + mail.patch_lines)


def decode_safely(raw: RawMail, **options: bool) -> None:
    try:
        mail = decode(raw, **options)
    except InputError:
        return
    check_shape(mail)


def split_mbox(data: bytes) -> list[tuple[bytes, int]]:
    """Messages of ``data`` with the input line of each one's first byte."""
    starts = [match.start() for match in _MBOX_FROM.finditer(data)] or [0]
    if starts[0] != 0:
        starts.insert(0, 0)
    pieces = []
    for begin, end in zip(starts, [*starts[1:], len(data)], strict=True):
        pieces.append((data[begin:end], data.count(b"\n", 0, begin) + 1))
    return pieces


def _all_files() -> list[Path]:
    if not DATA.is_dir():
        return []
    return sorted(path for path in DATA.rglob("*") if path.is_file())


@pytest.mark.skipif(not DATA.is_dir(), reason="../shared/data is absent: no real files to feed")
def test_every_shared_file_decodes_without_error() -> None:
    files = _all_files()
    assert len(files) > 5000
    messages = 0
    for path in files:
        data = path.read_bytes()
        for index, (piece, first_line) in enumerate(split_mbox(data)):
            raw = RawMail(piece, str(path), index, first_line)
            decode_safely(raw)
            decode_safely(raw, scissors=True, inbody_headers=False)
            messages += 1
    assert messages >= len(files)


TEMPLATE = (
    b"From 0123456789abcdef0123456789abcdef01234567 Mon Sep 17 00:00:00 2001\n"
    b"From: =?UTF-8?q?J=C3=B6rg_Example?= <joerg@example.org>\n"
    b"Subject: [PATCH v2 3/7] x86/boot: Do the thing\n"
    b"Content-Type: text/plain; charset=utf-8\n"
    b"\n"
    b"From: Other <other@example.org>\n"
    b"\n"
    b"Body text.\n-- >8 --\nSubject: cut\n\n"
    b"Signed-off-by: A <a@example.org>\n---\n x | 1 +\n\n"
    b"diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n"
)
BODY = b"Line one caf\xc3\xa9.\n\nSigned-off-by: A <a@b>\n---\ndiff --git a/y b/y\n+z\n"
MULTIPART = (
    b"From: A <a@b>\nSubject: multi\n"
    b'Content-Type: multipart/mixed; boundary="outer"\n\n'
    b"--outer\nContent-Type: multipart/alternative; boundary=inner\n\n"
    b"--inner\nContent-Type: text/plain; charset=iso-8859-1\n"
    b"Content-Transfer-Encoding: quoted-printable\n\ncaf=E9 soft=\nbreak\n---\n"
    b"--inner--\n--outer\nContent-Transfer-Encoding: base64\n\n"
    + base64.encodebytes(BODY)
    + b"--outer--\n"
)
TEMPLATES = [TEMPLATE, MULTIPART, TEMPLATE.replace(b"\n", b"\r\n")]
INSERTS = [
    b"\0",
    b"\r\n",
    b"=?",
    b"=?x-bogus?q?a?=",
    b"charset=x-foo",
    b"--outer",
    b"--inner--",
    b"=",
    b"-- >8 --\n",
    b">From ",
    b"Content-Transfer-Encoding: base64\n",
    b"Content-Type: multipart/mixed; boundary=x\n",
    b"\n--x\n",
    b"Subject: " + b"a" * 5000 + b"\n",
    b"\xff\xfe",
]


@st.composite
def mutated_mail(draw: st.DrawFn) -> bytes:
    data = draw(st.sampled_from(TEMPLATES))
    for _ in range(draw(st.integers(0, 4))):
        where = draw(st.integers(0, len(data)))
        kind = draw(st.integers(0, 4))
        if kind == 0:
            data = data[:where]
        elif kind == 1:
            data = data[:where] + bytes([draw(st.integers(0, 255))]) + data[where + 1 :]
        elif kind == 2:
            data = data[:where] + draw(st.sampled_from(INSERTS)) + data[where:]
        elif kind == 3:
            data = data[:where] + data[where + draw(st.integers(1, 40)) :]
        else:
            boundary = draw(st.text("abc", min_size=1, max_size=3)).encode()
            data = (
                b"Content-Type: multipart/mixed; boundary="
                + boundary
                + b"\n\n--"
                + boundary
                + b"\n"
                + data
                + b"\n--"
                + boundary
                + b"--\n"
            )
    return data


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=mutated_mail(), scissors=st.booleans(), inbody=st.booleans())
def test_mutated_mail_never_breaks_decode(data: bytes, scissors: bool, inbody: bool) -> None:
    decode_safely(RawMail(data, "<mutated>", 0, 7), scissors=scissors, inbody_headers=inbody)


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=2000))
def test_random_bytes_never_break_decode(data: bytes) -> None:
    decode_safely(RawMail(data, "<random>"))


@settings(max_examples=100, deadline=None)
@given(
    lines=st.lists(
        st.sampled_from(
            [
                b"",
                b" ",
                b"\t",
                b"From: x",
                b"Subject: y",
                b"=?a?b?c?=",
                b"---",
                b"diff -u",
                b"--b",
                b"--b--",
                b"=0D",
                b"\r",
                b"\0",
                b"\xc3",
                b"Content-Type: x; boundary=b",
                b"Content-Transfer-Encoding: quoted-printable",
                b"Content-Transfer-Encoding: base64",
                b"format=flowed; delsp=yes",
                b"[PATCH] z",
                b">From z",
            ]
        ),
        max_size=40,
    )
)
def test_line_soup_never_breaks_decode(lines: list[bytes]) -> None:
    decode_safely(RawMail(b"\n".join(lines), "<soup>"))


def test_a_huge_single_line_is_decoded() -> None:
    data = b"Subject: big\n\n" + b"x" * (8 * 1024 * 1024)
    mail = decode(RawMail(data, "<huge>"))
    assert len(mail.message) == 8 * 1024 * 1024
    assert mail.message_lines == (3,)
