"""The report spool, and how the command leaves: no output lost either way."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lint.cli.main import main

ROOT = Path(__file__).resolve().parents[2]


def test_an_object_spool_gives_back_what_it_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    from lint.engine.spool import ObjectSpool

    monkeypatch.setattr(ObjectSpool, "KEEP", 3)
    spool: ObjectSpool[tuple[int, str]] = ObjectSpool()
    items = [(n, f"report {n}") for n in range(10)]
    for item in items:
        spool.append(item)
    assert len(spool) == 10 and spool._file is not None  # seven went to the file
    assert list(spool) == items
    assert spool.load(8) == items[8] and spool.load(1) == items[1]
    spool.close()
    assert len(spool) == 0


def test_the_command_flushes_everything_and_runs_exit_handlers(tmp_path: Path) -> None:
    """`patchlens` leaves without tearing the interpreter down: nothing may be lost."""
    root = Path(__file__).resolve().parents[2]
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
    # The caches are written when made: ending the process early loses none.
    assert list((tmp_path / "cache").rglob("rulebook-*.pickle"))


def test_a_reader_that_leaves_early_is_not_an_error(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[2]
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

    from lint.cli.args import _columns

    monkeypatch.setenv("COLUMNS", columns)
    assert _columns() == shutil.get_terminal_size().columns - 2


THREAD_TYPES = "review-followup,subject-format,signed-off-by,cr-pinning-background,problem-section"


@pytest.mark.parametrize(
    ("form", "types", "verbose"),
    [
        ("json", "review-followup", False),  # the thread findings of clean mails
        ("json", THREAD_TYPES, False),  # ...and of mails with findings of their own
        ("sarif", "review-followup", False),
        ("sarif", "review-followup", True),
        ("sarif", THREAD_TYPES, False),
    ],
)
def test_spooled_documents_are_those_of_the_reports_in_order(
    form: str,
    types: str,
    verbose: bool,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """--format json and sarif are spooled as the run goes and written at its end, each
    mail's thread findings with its other findings, once, in input order: the document
    must be the one the reporter makes of the merged reports at once, and well-formed."""
    import json

    from lint import __version__
    from lint.checks.api import CheckContext
    from lint.checks.registry import KINDS
    from lint.config import Config
    from lint.engine.pipeline import DecodeOptions
    from lint.engine.runner import LintJob, lint_mails
    from lint.engine.spool import ObjectSpool
    from lint.engine.threads import ThreadPass
    from lint.record import replace
    from lint.report import Summary, sarif
    from lint.report import json as json_report
    from lint.rulebook.ruleset import load_ruleset
    from lint.sources.inputs import open_input

    sys.path.insert(0, str(ROOT / "bench"))
    from thread_scaling import THREAD, distinct_threads

    # v2 without its CR pinning heading: an error (cr-pinning-background) on the line of
    # v2's thread findings; and without its Signed-off-by: an error further down.
    thread = THREAD.read_bytes().replace(b"\n== CR Pinning Background ==\n", b"\n== Pinning ==\n")
    v2_sign_off = thread.rindex(b"Signed-off-by:")
    thread = thread[:v2_sign_off] + thread[thread.index(b"\n", v2_sign_off) + 1 :]
    mbox = tmp_path / "threads.mbox"
    mbox.write_bytes(distinct_threads(thread, 3))
    monkeypatch.setattr(ObjectSpool, "KEEP", 2)  # most reports go through the pickle file
    main(["lint", "--format", form, "--types", types, *(["-v"] * verbose), str(mbox)])
    streamed = capsys.readouterr().out

    ruleset = load_ruleset(Config()).select(types.split(","), [])
    thread_pass = ThreadPass.for_ruleset(ruleset, DecodeOptions())
    assert thread_pass is not None
    job = LintJob(ruleset, CheckContext(spelling=None), DecodeOptions(), summarize_threads=True)
    reports = []
    for seq, report in enumerate(lint_mails(open_input(str(mbox)), job)):
        thread_pass.take(report, seq)
        reports.append(replace(report, thread_summary=None))
    later = {key: found for key, (_, found) in thread_pass.by_mail().items()}
    assert sum(any(d.rule == "review-followup" for d in found) for found in later.values()) == 3
    merged = []
    for report in reports:
        found = (*report.diagnostics, *later.get((report.origin, report.index), ()))
        merged.append(replace(report, diagnostics=tuple(sorted(found, key=lambda d: d.sort_key))))
    if form == "json":  # the totals count each mail once, its thread findings included
        severities = [d.severity.label for r in merged for d in r.diagnostics]
        summary = Summary(
            messages=len(reports),
            with_findings=sum(bool(r.diagnostics) for r in merged),
            errors=severities.count("error"),
            warnings=severities.count("warning"),
            notes=severities.count("note"),
        )
        scopes = {rule.id: KINDS[rule.kind].scope.value for rule in ruleset.rules}
        expected = json_report.render(merged, summary, scopes)
        indent = 2
    else:
        expected = sarif.render(merged, ruleset, Path.cwd(), __version__)
        indent = 1
    assert streamed == expected
    assert streamed == json.dumps(json.loads(streamed), indent=indent, ensure_ascii=False) + "\n"
