"""The state machine of one ``git mailinfo`` run, ported from git's ``mailinfo.c``.

:class:`MailinfoScan` mirrors ``struct mailinfo`` and its functions
(``read_one_header_line``, ``check_header``, ``handle_body``, ``handle_boundary``,
``handle_filter``...), including stdio's end-of-file behaviour that git relies
on.  It is created, run and read by :func:`lint.mail.decode.decode` only.
"""

from __future__ import annotations

from lint.mail.headers import (
    SPACE,
    CharsetError,
    convert_to_utf8,
    decode_b,
    decode_q,
    decode_words,
    slurp_attr,
)
from lint.mail.lines import (
    Header,
    Output,
    is_format_patch_separator,
    is_rfc2822_header,
    is_scissors_line,
    patchbreak,
    starts_header,
)

FROM, SUBJECT, DATE = 0, 1, 2
_HEADERS = (b"from", b"subject", b"date")
_TE_NONE, _TE_QP, _TE_BASE64 = 0, 1, 2
_B64_TEXT = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="
_MAX_BOUNDARIES = 4  # git's content[MAX_BOUNDARIES=5] minus the NULL sentinel


class MailinfoScan:
    """The state of one ``git mailinfo`` run (``struct mailinfo``), local to :func:`decode`."""

    def __init__(self, data: bytes, first_line: int, scissors: bool, inbody: bool) -> None:
        self.data = data
        self.size = len(data)
        self.pos = 0
        self.eof = False
        self.lineno = first_line
        self.line = b""
        self.line_no = first_line
        self.use_scissors = scissors
        self.use_inbody_headers = inbody
        self.p_hdr: list[Header | None] = [None, None, None]
        self.s_hdr: list[Header | None] = [None, None, None]
        self.top_headers: list[Header] = []
        self.boundaries: list[bytes] = []
        self.charset = b""
        self.transfer_encoding = _TE_NONE
        self.format_flowed = False
        self.delsp = False
        self.header_stage = True
        self.filter_stage = 0
        self.accum = b""
        self.accum_no = 0
        self.prev = bytearray()
        self.prev_no = 0
        self.patch_calls = 0
        self.input_error = False
        self.failure = ""
        """The problem that makes git mailinfo fail, if any."""
        self.broken_base64 = False
        self.quoted_cr = False
        self.message = Output()
        self.patch = Output()
        self.problems: list[str] = []

    # -- reading, with stdio's end-of-file semantics ----------------------

    def getwholeline(self) -> bool:
        """``strbuf_getwholeline``: next line with its LF into :attr:`line`."""
        if self.eof:
            return False  # git leaves the buffer as it was: the stale last line
        if self.pos >= self.size:
            self.eof = True
            self.line = b""
            return False
        end = self.data.find(b"\n", self.pos)
        self.line_no = self.lineno
        if end < 0:
            self.line = self.data[self.pos :]
            self.pos = self.size
            self.eof = True
        else:
            self.line = self.data[self.pos : end + 1]
            self.pos = end + 1
            self.lineno += 1
        return True

    def getline_lf(self) -> bool:
        """``strbuf_getline_lf``: like :meth:`getwholeline` without the LF."""
        if not self.getwholeline():
            return False
        if self.line.endswith(b"\n"):
            self.line = self.line[:-1]
        return True

    def read_one_header_line(self) -> bool:
        """One unfolded, right-trimmed header into :attr:`line`; False at the end."""
        if not self.getline_lf():
            return False
        line = self.line.rstrip(SPACE)
        if not line or not is_rfc2822_header(line):
            self.line = line + b"\n"
            return False
        while self.pos < self.size and self.data[self.pos] in (0x20, 0x09):
            end = self.data.find(b"\n", self.pos)
            stop = self.size if end < 0 else end
            # RFC 2822 folding: the continuation's first blank becomes a space.
            line += (b" " + self.data[self.pos + 1 : stop]).rstrip(SPACE)
            if end < 0:
                self.pos = self.size
                self.eof = True
            else:
                self.pos = end + 1
                self.lineno += 1
        if self.pos >= self.size:
            self.eof = True  # the peek for a continuation hit end of input
        self.line = line
        return True

    # -- headers --------------------------------------------------------

    def error(self, problem: str) -> None:
        self.input_error = True
        self.problems.append(problem)
        self.failure = self.failure or problem

    def parse_header(self, line: bytes, name: bytes) -> bytes | None:
        at = starts_header(line, name)
        if at < 0:
            return None
        value = line[at:]
        nul = value.find(b"\0")
        if nul >= 0:
            value = value[:nul]
        decoded, problem = decode_words(value)
        if problem:
            where = name.decode("ascii").title()
            self.error(f"{where} header: {problem}; git mailinfo fails and keeps it encoded")
        return decoded

    def check_header(self, line: bytes, line_no: int, hdr: list[Header | None], over: bool) -> bool:
        for index, name in enumerate(_HEADERS):
            if hdr[index] is None or over:
                value = self.parse_header(line, name)
                if value is not None:
                    hdr[index] = Header(value, line_no)
                    return True
        value = self.parse_header(line, b"content-type")
        if value is not None:
            self.handle_content_type(value)
            return True
        value = self.parse_header(line, b"content-transfer-encoding")
        if value is not None:
            lowered = value.lower()
            if b"base64" in lowered:
                self.transfer_encoding = _TE_BASE64
            elif b"quoted-printable" in lowered:
                self.transfer_encoding = _TE_QP
            else:
                self.transfer_encoding = _TE_NONE
            return True
        return self.parse_header(line, b"message-id") is not None

    def handle_content_type(self, value: bytes) -> None:
        flowed = slurp_attr(value, b"format=")
        self.format_flowed = flowed is not None and flowed.lower() == b"flowed"
        delsp = slurp_attr(value, b"delsp=")
        self.delsp = delsp is not None and delsp.lower() == b"yes"
        boundary = slurp_attr(value, b"boundary=")
        if boundary is not None:
            if len(self.boundaries) >= _MAX_BOUNDARIES:
                self.error("too many nested MIME boundaries; git mailinfo fails")
                return
            self.boundaries.append(b"--" + boundary)
        self.charset = slurp_attr(value, b"charset=") or b""

    # -- the body -------------------------------------------------------

    def flush_inbody_header_accum(self) -> None:
        if self.accum:
            self.check_header(self.accum, self.accum_no, self.s_hdr, False)
            self.accum = b""

    def is_inbody_header(self, line: bytes) -> bool:
        return any(
            self.s_hdr[i] is None and starts_header(line, name) >= 0
            for i, name in enumerate(_HEADERS)
        )

    def check_inbody_header(self, line: bytes, line_no: int) -> bool:
        if self.accum and line[:1] in (b" ", b"\t"):
            if self.use_scissors and is_scissors_line(line):
                self.flush_inbody_header_accum()
                return False
            self.accum = self.accum.removesuffix(b"\n") + line
            return True
        self.flush_inbody_header_accum()
        if line.startswith(b">From") and line[5:6] and line[5] in SPACE:
            # A forwarded format-patch mail: its quoted "From <sha>" line is
            # skipped so that the headers after it are read as in-body headers.
            return is_format_patch_separator(line[1:])
        if line.startswith(b"[PATCH]") and line[7:8] and line[7] in SPACE:
            self.s_hdr[SUBJECT] = Header(line, line_no)
            return True
        if self.is_inbody_header(line):
            self.accum = line
            self.accum_no = line_no
            return True
        return False

    def handle_commit_msg(self, line: bytes, line_no: int) -> bytes | None:
        """Take a message line; return the (re-coded) line when it starts the patch."""
        if self.header_stage and (not line or line == b"\n"):
            if self.accum:
                self.flush_inbody_header_accum()
                self.header_stage = False
            return None
        if self.use_inbody_headers and self.header_stage:
            self.header_stage = self.check_inbody_header(line, line_no)
            if self.header_stage:
                return None
        else:
            self.header_stage = False
        try:
            line = convert_to_utf8(line, self.charset)
        except CharsetError as err:
            self.error(f"line {line_no}: {err}; git mailinfo stops reading the body here")
            return None
        if self.use_scissors and is_scissors_line(line):
            # "-- >8 --": everything above, in-body headers included, is dropped.
            self.message = Output()
            self.header_stage = True
            self.s_hdr = [None, None, None]
            return None
        if patchbreak(line):
            return line
        self.message.add(line, line_no)
        return None

    def handle_filter(self, line: bytes, line_no: int) -> None:
        if self.filter_stage == 0:
            patch_line = self.handle_commit_msg(line, line_no)
            if patch_line is None:
                return
            line = patch_line
            self.filter_stage = 1
        self.patch.add(line, line_no)
        self.patch_calls += 1

    def hold(self, data: bytes, line_no: int) -> None:
        if not self.prev:
            self.prev_no = line_no
        self.prev += data

    def handle_filter_flowed(self, line: bytes, line_no: int) -> None:
        if not self.format_flowed:
            if line.endswith(b"\r\n"):
                self.quoted_cr = True
            self.handle_filter(line, line_no)
            return
        size = len(line)
        if line.endswith(b"\n"):
            size -= 1
            if size and line[size - 1] == 0x0D:
                size -= 1
        if line[:size] == b"-- ":  # the signature separator stays as it is
            if self.prev:
                self.handle_filter(bytes(self.prev), self.prev_no)
                self.prev = bytearray()
            self.handle_filter(line, line_no)
            return
        if size and line[0] == 0x20:  # RFC 3676 space-stuffing
            line = line[1:]
            size -= 1
        if size and line[size - 1] == 0x20:  # a soft line break: join with the next
            self.hold(line[: size - (1 if self.delsp else 0)], line_no)
            return
        if self.prev:
            line = bytes(self.prev) + line
            line_no = self.prev_no
            self.prev = bytearray()
        self.handle_filter(line, line_no)

    def find_boundary(self) -> bool:
        if not self.boundaries:
            self.pos = self.size  # git reads on to the end, finding nothing
            self.eof = True
            return False
        while self.getline_lf():
            if self.line.startswith(self.boundaries[-1]):
                return True
        return False

    def handle_boundary(self) -> bool:
        while True:
            top = self.boundaries[-1]
            if self.line[len(top) : len(top) + 2] != b"--":
                break
            # An end boundary: close this multipart and go to the next part.
            self.boundaries.pop()
            self.handle_filter(b"\n", self.line_no)
            if self.input_error or not self.find_boundary():
                return False
        self.transfer_encoding = _TE_NONE
        self.charset = b""
        while self.read_one_header_line():
            self.check_header(self.line, self.line_no, self.p_hdr, False)
        if not self.getline_lf():
            return False
        self.line += b"\n"
        return True

    def handle_body(self) -> None:
        if self.boundaries and not self.find_boundary():
            return
        while True:
            if self.boundaries and self.line.startswith(self.boundaries[-1]):
                if self.prev:
                    self.handle_filter(bytes(self.prev), self.prev_no)
                    self.prev = bytearray()
                if not self.handle_boundary():
                    return
            encoding = self.transfer_encoding
            if encoding == _TE_NONE:
                self.handle_filter_flowed(self.line, self.line_no)
            else:
                self.handle_encoded(encoding)
            if self.input_error:
                break
            if self.can_copy_rest():
                self.copy_rest()
                break
            if not self.getwholeline():
                break
        if self.prev:
            self.handle_filter(bytes(self.prev), self.prev_no)
        self.flush_inbody_header_accum()

    def handle_encoded(self, encoding: int) -> None:
        raw = self.line
        if encoding == _TE_QP:
            decoded = decode_q(raw, rfc2047=False)
        else:
            decoded = decode_b(raw)
            # git skips bytes outside the base64 alphabet without a word; we say so once,
            # because what comes out of such a body is not what the author wrote.
            if not self.broken_base64 and raw.strip().translate(None, _B64_TEXT):
                self.broken_base64 = True
                self.problems.append(f"broken base64 at line {self.line_no}")
        if b"\n" not in decoded:  # a soft break ends no line: held, not split again (#15)
            if decoded:
                self.hold(decoded, self.line_no)
            return
        start_no = self.line_no
        if self.prev:
            decoded = bytes(self.prev) + decoded
            start_no = self.prev_no
            self.prev = bytearray()
        # The decoded text may hold several lines; the last may be partial and
        # waits for the next encoded line.
        pieces = decoded.split(b"\n")
        last = len(pieces) - 1
        for index, piece in enumerate(pieces):
            line_no = start_no if index == 0 else self.line_no
            if index == last:
                if piece:
                    self.hold(piece, line_no)
                break
            self.handle_filter_flowed(piece + b"\n", line_no)

    def can_copy_rest(self) -> bool:
        return (
            self.filter_stage == 1
            and not self.boundaries
            and self.transfer_encoding == _TE_NONE
            and not self.format_flowed
            and not self.eof
        )

    def copy_rest(self) -> None:
        """Once in the patch of a plain single-part mail, the rest is copied as is."""
        rest = self.data[self.pos :]
        if rest:
            self.patch.add(rest, self.lineno, step=1)
            self.patch_calls += 1
            if b"\r\n" in rest:
                self.quoted_cr = True
        self.pos = self.size
        self.eof = True

    # -- the whole run ----------------------------------------------------

    def run(self) -> bool:
        """Process the mail; False when it is empty (git: ``empty patch``)."""
        start = len(self.data) - len(self.data.lstrip(SPACE))
        if start == self.size:
            return False
        self.lineno += self.data.count(b"\n", 0, start)
        self.pos = start
        while self.read_one_header_line():
            self.top_headers.append(Header(self.line, self.line_no))
            self.check_header(self.line, self.line_no, self.p_hdr, True)
        self.handle_body()
        if self.quoted_cr:
            self.problems.append("quoted CRLF detected (git mailinfo warns and keeps the CRs)")
        return True

    def chosen(self, index: int) -> Header | None:
        # In-body headers count only when there is a patch (git's handle_info).
        inbody = self.s_hdr[index]
        if self.patch_calls and inbody is not None:
            return inbody
        return self.p_hdr[index]
