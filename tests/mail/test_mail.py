"""Unit tests of lint.mail.decode.decode on mails written here, one feature at a time.

Expected values are written by hand from git's documented behaviour and were
cross-checked once against ``git mailinfo`` 2.39.
"""

from __future__ import annotations

import base64

import pytest

from lint.mail.decode import clean_subject, decode
from lint.mail.model import DecodedMail, RawMail

PATCH_TAIL = b"---\n a | 1 +\n\ndiff --git a/a b/a\n--- a/a\n+++ b/a\n@@ -1 +1 @@\n-x\n+y\n"


def mail(data: bytes, **options: bool) -> DecodedMail:
    return decode(RawMail(data, "test.mbox"), **options)


def test_plain_format_patch_fields_and_lines() -> None:
    data = (
        b"From 1234567890123456789012345678901234567890 Mon Sep 17 00:00:00 2001\n"  # 1
        b"From: Ada Lovelace <ada@example.org>\n"  # 2
        b"Date: Tue, 2 Jan 2024 10:00:00 +0100\n"  # 3
        b"Subject: [PATCH v2 3/7] x86/fred: Fix\n"  # 4
        b" early boot\n"  # 5
        b"Message-ID: <20240102.1@example.org>\n"  # 6
        b"References: <a@x> <b@y>\n"  # 7
        b"\n"  # 8
        b"Explain the change.\n"  # 9
        b"\n"  # 10
        b"Signed-off-by: Ada Lovelace <ada@example.org>\n"  # 11
    ) + PATCH_TAIL  # 12..
    got = mail(data)
    assert got.author_name == "Ada Lovelace"
    assert got.author_email == "ada@example.org"
    assert got.author_line == 2
    assert got.date == "Tue, 2 Jan 2024 10:00:00 +0100"
    assert got.subject == "[PATCH v2 3/7] x86/fred: Fix early boot"
    assert got.subject_clean == "x86/fred: Fix early boot"
    assert got.subject_line == 4
    assert got.message_id == "<20240102.1@example.org>"
    assert got.references == ("<a@x>", "<b@y>")
    assert got.header("subject") == "[PATCH v2 3/7] x86/fred: Fix early boot"
    assert got.message == "Explain the change.\n\nSigned-off-by: Ada Lovelace <ada@example.org>\n"
    assert got.message_lines == (9, 10, 11)
    assert got.patch == PATCH_TAIL.decode()
    assert got.patch_lines == tuple(range(12, 21))
    assert got.problems == ()


def test_line_numbers_start_at_first_line() -> None:
    data = b"From: A <a@b.c>\nSubject: s\n\nbody\n---\n"
    got = decode(RawMail(data, "box", 3, first_line=101))
    assert got.author_line == 101
    assert got.message_lines == (104,)
    assert got.patch_lines == (105,)


@pytest.mark.parametrize(
    ("header", "name"),
    [
        # Adjacent encoded words: the white space between them is dropped.
        (b"=?iso-8859-1?q?J=F6rg?= =?utf-8?b?IMOc?= <j@x.de>", "Jörg Ü"),
        # Q encoding: "_" is a space.
        (b"=?UTF-8?Q?Ren=C3=A9_Dupont?= <r@x.fr>", "René Dupont"),
        # Text around encoded words is kept.
        (b"Dr =?utf-8?q?M=C3=BCller?= Jr <m@x.de>", "Dr Müller Jr"),
    ],
)
def test_rfc2047_author_names(header: bytes, name: str) -> None:
    got = mail(b"From: " + header + b"\nSubject: s\n\nx\n")
    assert got.author_name == name


def test_rfc2047_unknown_charset_keeps_the_word_and_reports() -> None:
    got = mail(b"From: A <a@b.c>\nSubject: =?x-foo?q?abc?=\n\nbody\n")
    assert got.subject_clean == "=?x-foo?q?abc?="
    assert any("x-foo" in problem for problem in got.problems)


def test_stray_encoded_word_start_stops_git_reading_the_body() -> None:
    # git's decode_header fails on "=?" without "?=" and mailinfo then stops.
    got = mail(b"From: A <a@b.c>\nSubject: what is =? here\n\nbody\n")
    assert got.subject_clean == "what is =? here"
    assert got.message == ""
    assert got.problems


def test_undeclared_8bit_header_passes_through_as_git_does() -> None:
    utf8 = mail("From: Zoë <z@x.org>\nSubject: s\n\nx\n".encode())
    assert utf8.author_name == "Zoë"
    latin1 = mail("From: Zoë <z@x.org>\nSubject: s\n\nx\n".encode("latin-1"))
    assert latin1.author_name == "Zo\ufffd"
    assert any("invalid UTF-8" in problem for problem in latin1.problems)


def test_declared_body_charset_converts_the_message_only() -> None:
    data = (
        "From: A <a@b.c>\nSubject: s\nContent-Type: text/plain; charset=ISO-8859-1\n\n"
        "café\n---\n+naïve\n"
    ).encode("latin-1")
    got = mail(data)
    assert got.message == "café\n"
    # git re-codes the patch-break line and leaves the rest of the patch alone.
    assert got.patch == "---\n+na\ufffdve\n"


def test_unknown_body_charset_stops_at_the_first_line() -> None:
    got = mail(b"From: A <a@b.c>\nSubject: s\nContent-Type: text/plain; charset=x-bogus\n\nhi\n")
    assert got.message == ""
    assert any("x-bogus" in problem for problem in got.problems)


def test_quoted_printable_soft_breaks_and_hex() -> None:
    data = (
        b"From: A <a@b.c>\nSubject: s\n"  # 1-2
        b"Content-Type: text/plain; charset=utf-8\n"  # 3
        b"Content-Transfer-Encoding: quoted-printable\n\n"  # 4-5
        b"caf=C3=A9 is a very long line that is softly=\n"  # 6
        b" broken, x=3D1\n"  # 7
        b"keep =ZZ and =\n"  # 8
    )
    got = mail(data)
    assert got.message == "café is a very long line that is softly broken, x=1\nkeep =ZZ and "
    # The joined line is counted from where its first piece was.
    assert got.message_lines == (6, 8)


def test_base64_lines_carry_partial_lines() -> None:
    body = b"First line\nSecond line\n---\ndiff --git a/q b/q\n"
    encoded = base64.encodebytes(body)  # 76-column lines
    data = b"From: A <a@b.c>\nSubject: s\nContent-Transfer-Encoding: base64\n\n" + encoded
    got = mail(data)
    assert got.message == "First line\nSecond line\n"
    assert got.patch == "---\ndiff --git a/q b/q\n"
    assert got.message_lines == (5, 5)


def test_multipart_inline_text_and_attached_patch() -> None:
    data = (
        b"From: A <a@b.c>\nSubject: [PATCH] m\n"
        b'Content-Type: multipart/mixed; boundary="XX"\n\n'
        b"preamble is ignored\n"
        b"--XX\nContent-Type: text/plain; charset=utf-8\n\n"
        b"Changelog here.\n\n"
        b"--XX\nContent-Type: text/x-patch; name=a.patch\n"
        b"Content-Transfer-Encoding: quoted-printable\n\n"
        b"diff --git a/a b/a\n+x=3D1\n"
        b"--XX--\n"
        b"epilogue is ignored\n"
    )
    got = mail(data)
    assert got.message == "Changelog here.\n\n"
    assert got.patch == "diff --git a/a b/a\n+x=1\n\n"
    assert got.subject_clean == "m"


def test_inbody_headers_override_when_there_is_a_patch() -> None:
    data = (
        b"From: Sender <sender@list.org>\nSubject: [PATCH] outer\nDate: Mon, 1 Jan 2024\n\n"
        b"From: Real Author <real@example.org>\n"
        b"Subject: real subject\n"
        b"  continued\n"
        b"\n"
        b"Body.\n"
    )
    with_patch = mail(data + PATCH_TAIL)
    assert with_patch.author_name == "Real Author"
    assert with_patch.author_email == "real@example.org"
    assert with_patch.author_line == 5
    assert with_patch.subject_clean == "real subject continued"
    assert with_patch.subject_line == 6
    assert with_patch.message == "Body.\n"
    # Without a patch, git prints the mail's own headers.
    without = mail(data)
    assert without.author_name == "Sender"
    assert without.subject_clean == "outer"
    # --no-inbody-headers keeps them as message text.
    ignored = mail(data + PATCH_TAIL, inbody_headers=False)
    assert ignored.author_name == "Sender"
    assert ignored.message.startswith("From: Real Author <real@example.org>\n")


def test_patch_line_and_embedded_format_patch_separator() -> None:
    data = (
        b"From: A <a@b.c>\nSubject: outer\n\n"
        b">From 0123456789abcdef0123456789abcdef01234567 Mon Sep 17 00:00:00 2001\n"
        b"[PATCH] inner subject\n"
        b"\n"
        b"Text.\n"
    ) + PATCH_TAIL
    got = mail(data)
    assert got.subject_clean == "inner subject"
    assert got.message == "Text.\n"


def test_scissors_only_with_the_option() -> None:
    data = (
        b"From: A <a@b.c>\nSubject: chatter\n\n"
        b"Hi, how about this?\n"
        b"-- >8 --\n"
        b"Subject: the real one\n"
        b"\n"
        b"Real message.\n"
    ) + PATCH_TAIL
    cut = mail(data, scissors=True)
    assert cut.message == "Real message.\n"
    assert cut.subject_clean == "the real one"
    kept = mail(data)
    assert kept.message == "Hi, how about this?\n-- >8 --\nSubject: the real one\n\nReal message.\n"
    assert kept.subject_clean == "chatter"


def test_crlf_mail_keeps_body_crs_like_git() -> None:
    data = b"From: A <a@b.c>\r\nSubject: [PATCH] crlf\r\n\r\nBody line\r\n---\r\n+x\r\n"
    got = mail(data)
    assert got.subject_clean == "crlf"
    assert got.author_email == "a@b.c"
    assert got.message == "Body line\r\n"
    assert got.patch == "---\r\n+x\r\n"
    assert any("CRLF" in problem for problem in got.problems)


def test_nul_bytes_survive_in_body_and_patch() -> None:
    got = mail(b"From: A <a@b.c>\nSubject: s\n\nnul \0 here\n---\n+\0\n")
    assert got.message == "nul \0 here\n"
    assert got.patch == "---\n+\0\n"


def test_stale_last_header_is_seen_again_as_body() -> None:
    # At end of input git's reader returns the last header line once more.
    got = mail(b"From: A <a@b.c>\nX-Foo: bar\n")
    assert got.message == "X-Foo: bar"
    assert got.message_lines == (2,)


def test_empty_mail_is_reported_not_raised() -> None:
    got = mail(b" \n\n\t\n")
    assert (got.author_name, got.subject_clean, got.message, got.patch) == ("", "", "", "")
    assert got.problems == ("empty mail (git mailinfo: empty patch)",)


@pytest.mark.parametrize(
    ("header", "name", "email"),
    [
        (b'"Doe, John" <jd@x.org>', "Doe, John", "jd@x.org"),
        (b"jd@x.org (John Doe)", "John Doe", "jd@x.org"),
        (b"<jd@x.org>", "jd@x.org", "jd@x.org"),
        (b"jd@x.org", "jd@x.org", "jd@x.org"),
        (b"John (the man) Doe <jd@x.org>", "John (the man) Doe", "jd@x.org"),
        (b'"J \\"Q\\" Doe" <jd@x.org>', 'J "Q" Doe', "jd@x.org"),
        (b"Name Only <nobody>", "Name Only", "nobody"),
        (b"X <x@y.z>", "X", "x@y.z"),
        (b"A" * 61 + b" <long@x.org>", "long@x.org", "long@x.org"),
    ],
)
def test_author_parsing(header: bytes, name: str, email: str) -> None:
    got = mail(b"From: " + header + b"\nSubject: s\n\nx\n")
    assert (got.author_name, got.author_email) == (name, email)


@pytest.mark.parametrize(
    ("subject", "clean"),
    [
        ("[PATCH v2 3/7] x86/fred: Fix early boot", "x86/fred: Fix early boot"),
        ("Re: [PATCH] foo", "foo"),
        ("RE: re:[RFC][PATCH] bar", "bar"),
        ("[PATCH] [other] [PATCH] message", "message"),
        (": [x] y", "y"),
        ("Re:", "Re:"),
        ("Rex: not a reply", "Rex: not a reply"),
        ("[PATCH unterminated", "[PATCH unterminated"),
        ("  spaced \t out  ", "spaced out"),
        ("x86: keep the colon", "x86: keep the colon"),
        ("", ""),
    ],
)
def test_clean_subject(subject: str, clean: str) -> None:
    assert clean_subject(subject) == clean
