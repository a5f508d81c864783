"""decode() against the real ``git mailinfo`` over the shared corpus and git's own t5100 samples.

git is the oracle: each mail is run through ``git -c core.quotepath=off mailinfo
msg patch`` in a temporary directory (LC_ALL=C, no user or system config, so
``i18n.commitEncoding`` keeps its default) and the fields it prints/writes are
compared with :func:`lint.mail.decode.decode`.  The agreement rate per field is printed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from lint.mail.decode import decode
from lint.mail.model import RawMail

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
T5100 = DATA / "torture" / "git-t5100"
FIELDS = ("author", "email", "subject", "date", "message", "patch")

# Samples of t5100 where decode() knowingly differs from git, with the reason.
# Empty today: every sample agrees.  The test below asserts that each entry
# really differs, so an entry cannot outlive the difference it documents.
KNOWN_DIFFERENCES: dict[str, str] = {}

pytestmark = [
    pytest.mark.skipif(not DATA.is_dir(), reason="../shared/data is absent: no corpus to compare"),
    pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed"),
]

_GIT_ENV = {
    **os.environ,
    "LC_ALL": "C",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "HOME": os.devnull,
}


@dataclass(frozen=True)
class Case:
    name: str
    data: bytes
    options: tuple[str, ...] = ()


def _git_fields(data: bytes, options: tuple[str, ...]) -> dict[str, str]:
    with tempfile.TemporaryDirectory() as tmp:
        done = subprocess.run(
            ["git", "-c", "core.quotepath=off", "mailinfo", *options, "msg", "patch"],
            input=data,
            cwd=tmp,
            capture_output=True,
            env=_GIT_ENV,
            check=False,
        )
        info: dict[str, str] = {}
        for line in done.stdout.split(b"\n"):
            key, sep, value = line.partition(b": ")
            if sep:
                info.setdefault(key.decode(), value.decode("utf-8", "replace"))

        def written(name: str) -> str:
            path = Path(tmp) / name
            return path.read_bytes().decode("utf-8", "replace") if path.exists() else ""

        return {
            "author": info.get("Author", ""),
            "email": info.get("Email", ""),
            "subject": info.get("Subject", ""),
            "date": info.get("Date", ""),
            "message": written("msg"),
            "patch": written("patch"),
        }


def _our_fields(case: Case) -> dict[str, str]:
    mail = decode(
        RawMail(case.data, case.name),
        scissors="--scissors" in case.options,
        inbody_headers="--no-inbody-headers" not in case.options,
    )
    return {
        "author": mail.author_name,
        "email": mail.author_email,
        "subject": mail.subject_clean,
        "date": mail.date,
        "message": mail.message,
        "patch": mail.patch,
    }


def _differing_fields(case: Case) -> tuple[str, ...]:
    theirs = _git_fields(case.data, case.options)
    ours = _our_fields(case)
    return tuple(field for field in FIELDS if theirs[field] != ours[field])


def _compare(cases: list[Case]) -> dict[str, tuple[str, ...]]:
    with ThreadPoolExecutor(max_workers=(os.cpu_count() or 2) * 2) as pool:
        results = pool.map(_differing_fields, cases)
        return {case.name: diff for case, diff in zip(cases, results, strict=True)}


def _report(capsys: pytest.CaptureFixture[str], title: str, diffs: dict[str, tuple[str, ...]]):
    total = len(diffs)
    rates = []
    for field in FIELDS:
        agree = sum(1 for fields in diffs.values() if field not in fields)
        rates.append(f"{field} {agree}/{total} ({100.0 * agree / max(total, 1):.2f}%)")
    with capsys.disabled():
        print(f"\n[git mailinfo agreement] {title}: " + ", ".join(rates))


def _mailsplit(path: Path, *options: str) -> Iterator[tuple[str, bytes]]:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            ["git", "mailsplit", f"-o{tmp}", *options, str(path)],
            check=True,
            capture_output=True,
            env=_GIT_ENV,
        )
        for part in sorted(Path(tmp).iterdir()):
            yield part.name, part.read_bytes()


def _t5100_cases() -> list[Case]:
    """The mails of t5100, split and optioned as t/t5100-mailinfo.sh runs them."""
    cases: list[Case] = []
    for mbox, options in (
        ("sample.mbox", ()),
        ("rfc2047-samples.mbox", ()),
        ("quoted-cr.mbox", ()),
        ("sample.mboxrd", ("--mboxrd",)),
    ):
        for number, data in _mailsplit(T5100 / mbox, *options):
            cases.append(Case(f"{mbox}:{number}", data))
            # t5100 also runs a sample with an option when expected output
            # for that option (msgNNNN--option) exists.
            for option in ("--scissors", "--no-inbody-headers"):
                if mbox == "sample.mbox" and (T5100 / f"msg{number}{option}").exists():
                    cases.append(Case(f"{mbox}:{number}{option}", data, (option,)))
    for path in [*sorted(T5100.glob("*.in")), T5100 / "nul-plain"]:
        cases.append(Case(path.name, path.read_bytes()))
    return cases


def test_corpus_agrees_with_git_on_every_field(capsys: pytest.CaptureFixture[str]) -> None:
    corpus = sorted(path for path in (DATA / "corpus").rglob("*") if path.is_file())
    assert len(corpus) > 4000, "the corpus should hold about 4,118 mails"
    diffs = _compare([Case(str(path), path.read_bytes()) for path in corpus])
    _report(capsys, f"corpus ({len(corpus)} mails)", diffs)
    disagreeing = {name: fields for name, fields in diffs.items() if fields}
    assert disagreeing == {}


def test_t5100_samples_agree_with_git_or_are_known(capsys: pytest.CaptureFixture[str]) -> None:
    cases = _t5100_cases()
    assert len(cases) >= 40, "sample.mbox alone holds 18 mails"
    diffs = _compare(cases)
    _report(capsys, f"git t5100 ({len(cases)} samples)", diffs)
    unexpected = {n: f for n, f in diffs.items() if f and n not in KNOWN_DIFFERENCES}
    assert unexpected == {}
    stale = [name for name in KNOWN_DIFFERENCES if not diffs.get(name)]
    assert stale == [], "these KNOWN_DIFFERENCES now agree with git; remove them"


def test_t5100_options_really_change_the_result() -> None:
    # Guards the option plumbing: the --scissors sample must decode differently
    # with and without the option (so agreement above is not vacuous).
    data = dict(_mailsplit(T5100 / "sample.mbox"))["0014"]
    plain = decode(RawMail(data, "0014"))
    cut = decode(RawMail(data, "0014"), scissors=True)
    assert plain.message != cut.message
    assert (T5100 / "msg0014--scissors").read_bytes().decode() == cut.message
