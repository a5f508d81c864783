"""Output of the command line: the report sink, atomic writes, the progress line.

Part of the CLI front door: with cli.py, the only code that writes to the
terminal or to report files. Reporters (lint.report.*) return strings; this
module decides where they go and makes sure nothing is half-written.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from pathlib import Path
    from typing import NoReturn, TextIO

    from lint.diagnostic import Diagnostic
    from lint.engine.runner import PatchReport
    from lint.engine.threads import ThreadPass
    from lint.report import Summary
    from lint.report.sarif import ResultWriter
    from lint.resources import StrPath
    from lint.rulebook.ruleset import Ruleset
    from lint.thread.threads import MessageSummary


def use_colour(choice: str, output: Path | None) -> bool:
    if choice != "auto":
        return choice == "always"
    return output is None and sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def emit(text: str | Iterable[str], output: Path | None) -> None:
    """Print ``text`` (a string, or its pieces in order), or write it to ``output``."""
    chunks = (text,) if isinstance(text, str) else text
    if output is None:
        for chunk in chunks:
            sys.stdout.write(chunk)
    else:
        write_atomically(output, chunks)


def write_atomically(path: StrPath, text: str | Iterable[str]) -> None:
    """Write ``text`` to ``path`` so that a failure never leaves half a file behind.

    The text goes to a hidden file beside ``path`` that replaces it when complete;
    on any failure that file is removed and ``path`` is left as it was.
    """
    import tempfile

    from lint.errors import InputError

    path = os.fspath(path)
    directory, name = os.path.split(path)
    chunks = (text,) if isinstance(text, str) else text
    partial = ""
    try:
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=directory or ".", prefix=f".{name}.", delete=False
        ) as handle:
            partial = handle.name
            for chunk in chunks:
                handle.write(chunk)
        os.replace(partial, path)
    except BaseException as err:
        if partial:
            from contextlib import suppress

            with suppress(OSError):
                os.unlink(partial)
        if isinstance(err, OSError):
            raise InputError(path, f"cannot write: {err.strerror or err}") from None
        raise


class Progress:
    """A single self-overwriting status line on stderr, at most a few times a second."""

    def __init__(self, stream: TextIO, enabled: bool) -> None:
        import time

        self._clock = time.monotonic
        self._stream = stream
        self._enabled = enabled
        self._start = self._clock()
        self._last = self._start
        self._shown = False

    def update(self, messages: int, findings: int) -> None:
        if not self._enabled:
            return
        now = self._clock()
        if now - self._last < 0.25:
            return
        self._last = now
        rate = messages / max(now - self._start, 1e-9)
        self._stream.write(f"\r{messages} messages read, {rate:.0f}/s, {findings} findings so far")
        self._stream.flush()
        self._shown = True

    def finish(self) -> None:
        if self._shown:
            self._stream.write("\r\033[K")
            self._stream.flush()


class Spool:
    """Text written piece by piece and read back once, in memory until it grows large.

    A report of a few patches stays in memory; past :attr:`LIMIT` characters it moves
    to an unnamed temporary file, so a run over a 1 GB mbox holds at most that much.
    """

    LIMIT = 1 << 20

    def __init__(self) -> None:
        self._pieces: list[str] = []
        self._size = 0
        self._file: TextIO | None = None

    def write(self, text: str) -> None:
        if self._file is not None:
            self._file.write(text)
            return
        self._pieces.append(text)
        self._size += len(text)
        if self._size > self.LIMIT:
            import tempfile

            # Closed in chunks(): the spool lives as long as the run.
            self._file = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115
            self._file.write("".join(self._pieces))
            self._pieces = []

    def chunks(self) -> Iterator[str]:
        """Everything written, in order, a megabyte at a time; the spool is then empty."""
        if self._file is None:
            yield "".join(self._pieces)
            self._pieces = []
            return
        spool, self._file = self._file, None
        spool.seek(0)
        while chunk := spool.read(self.LIMIT):
            yield chunk
        spool.close()


class EntrySpool:
    """A document's entries, one per patch in input order, kept in a :class:`Spool`.

    Thread findings arrive after the last patch: :meth:`take` sets them aside by
    mail, and :meth:`entries` gives each entry back with the findings that land on
    it, then the mails that had no entry with theirs, as merging the reports did.
    """

    END = "\x1e"
    """Ends an entry: json.dumps escapes every control character, so none occurs in one."""

    def __init__(self) -> None:
        self._spool = Spool()
        self._keys: list[tuple[str, int]] = []
        """(origin, index) of each entry, in order."""
        self._with_findings: set[tuple[str, int]] = set()
        self._extra: dict[tuple[str, int], tuple[MessageSummary, list[Diagnostic]]] = {}

    def add(self, report: PatchReport, text: str) -> None:
        """Spool ``text``, the entry of ``report``."""
        key = (report.origin, report.index)
        self._keys.append(key)
        if report.diagnostics:
            self._with_findings.add(key)
        self._spool.write(text + self.END)

    def take(
        self, by_mail: dict[tuple[str, int], tuple[MessageSummary, list[Diagnostic]]]
    ) -> Iterator[tuple[tuple[Diagnostic, ...], bool]]:
        """Keep the thread findings; yields each mail's, and whether it had none before."""
        self._extra = by_mail
        for key, (_, diagnostics) in by_mail.items():
            yield tuple(diagnostics), key not in self._with_findings

    def entries(
        self,
    ) -> Iterator[tuple[str, tuple[MessageSummary, list[Diagnostic]] | None]]:
        """Each entry and the thread findings on its mail; then ``""`` for mails without one."""
        extra = dict(self._extra)
        keys = iter(self._keys)
        rest = ""
        for chunk in self._spool.chunks():
            *entries, rest = (rest + chunk).split(self.END)
            for entry in entries:
                yield entry, extra.pop(next(keys), None)
        for found in extra.values():
            yield "", found


class ReportSink:
    """Collects the reports of a lint run in constant memory where the format allows.

    Line formats (text, terse, github, b4) are rendered patch by patch into a
    temporary spool, so that a 1 GB mbox with findings on every patch does not
    hold them all; the report is still printed, or written, only once complete.
    JSON and SARIF are spooled too, an entry per patch, and the entries thread
    findings land on are completed as the spool is read back (:class:`EntrySpool`).
    b4-json, one small document per patch for ``b4 review``, keeps the reports.
    """

    STREAMED = ("text", "terse", "github", "b4")
    SPOOLED_DOCUMENTS = ("json", "sarif")
    _RESULT_END = "\x1d"
    _FIELD_END = "\x1f"

    def __init__(self, args: argparse.Namespace, ruleset: Ruleset) -> None:
        from collections import Counter

        self._args = args
        self._format: str = args.format
        self._colour = args.format == "text" and use_colour(args.color, args.output)
        self._spool = Spool() if self._format in self.STREAMED else None
        self._entries = EntrySpool() if self._format in self.SPOOLED_DOCUMENTS else None
        self._results: ResultWriter | None = None
        if self._format == "sarif":
            from pathlib import Path

            from lint.report.sarif import ResultWriter

            self._results = ResultWriter(ruleset, Path.cwd())
        self.kept: list[PatchReport] = []
        self.counts: Counter[str] = Counter()
        self.findings = 0
        self.worst = 0

    def add(self, report: PatchReport, *, counted: bool = True) -> None:
        """Take one patch's report (``counted=False``: more findings of a patch seen before)."""
        if counted:
            self.counts["messages"] += 1
        if report.diagnostics:
            self.counts["with findings"] += int(counted)
            self.findings += len(report.diagnostics)
            for diag in report.diagnostics:
                self.counts[diag.severity.label] += 1
            self.worst = max(self.worst, *(int(d.severity) for d in report.diagnostics))
        if self._entries is not None:
            self._spool_entry(self._entries, report)
        elif self._spool is not None:
            chunk = self._render_one(report)
            if chunk:
                self._spool.write(chunk)
        elif report.diagnostics or self._args.verbose:
            self.kept.append(report)

    def _spool_entry(self, entries: EntrySpool, report: PatchReport) -> None:
        if self._results is None:  # json: every mail has its entry, clean ones too
            from lint.report import json as json_report

            entries.add(report, json_report.render_entry(report))
        elif report.diagnostics or self._args.verbose:  # sarif: a block of results
            entries.add(report, self._sarif_block(report))

    def _sarif_block(self, report: PatchReport) -> str:
        """The results of ``report``, each led by the line and severity it sorts by."""
        assert self._results is not None
        write, field = self._results.result, self._FIELD_END
        return self._RESULT_END.join(
            f"{d.location.line}{field}{int(d.severity)}{field}{write(d, report)}"
            for d in report.diagnostics
        )

    def add_thread_findings(self, thread_pass: ThreadPass) -> None:
        """Fold in what the thread rules found, after the per-patch stream."""
        if self._entries is not None:
            for diagnostics, new_patch in self._entries.take(thread_pass.by_mail()):
                self._count_extra(diagnostics, new_patch)
            return
        if self._spool is None:
            before = {(r.origin, r.index): len(r.diagnostics) for r in self.kept}
            merged = thread_pass.merge(self.kept)
            for report in merged:
                known = before.get((report.origin, report.index))
                extra = report.diagnostics[known or 0 :]
                self._count_extra(extra, new_patch=known in (None, 0))
            self.kept = merged
            return
        # Streamed formats: the patches were written already; their thread findings follow.
        for report in thread_pass.merge([]):
            self._count_extra(report.diagnostics, new_patch=True)
            self.add(report, counted=False)

    def _count_extra(self, diagnostics: tuple[Diagnostic, ...], new_patch: bool) -> None:
        if not diagnostics:
            return
        self.counts["with findings"] += int(new_patch)
        self.findings += len(diagnostics)
        for diag in diagnostics:
            self.counts[diag.severity.label] += 1
        self.worst = max(self.worst, *(int(d.severity) for d in diagnostics))

    def _render_one(self, report: PatchReport) -> str:
        args = self._args
        names = args.rule_names == "checkpatch"
        if self._format == "text":
            from lint.report import text as text_report

            block = text_report.render_patch(report, self._colour, args.verbose)
            return f"{block}\n\n" if block else ""
        if self._format == "terse":
            from lint.report import terse

            return terse.render([report], checkpatch_names=names)
        if self._format == "github":
            from lint.report import github

            return github.render([report])
        from lint.report import b4

        return b4.render([report], checkpatch_names=names)

    def summary(self) -> Summary:
        from lint.report import Summary

        return Summary(
            messages=self.counts["messages"],
            with_findings=self.counts["with findings"],
            errors=self.counts["error"],
            warnings=self.counts["warning"],
            notes=self.counts["note"],
        )

    def render(self, ruleset: Ruleset) -> Iterator[str]:
        """The complete report, in pieces: a spooled report is copied a megabyte at a time."""
        if self._format == "json":
            yield from self._render_json()
        elif self._format == "sarif":
            yield from self._render_sarif(ruleset)
        elif self._spool is not None:
            yield from self._spool.chunks()
            if self._format == "text":
                yield self.summary().text + "\n"
        else:
            from lint.report import b4

            yield b4.render_json(self.kept)

    def _render_json(self) -> Iterator[str]:
        """The JSON document: head, the spooled entries (completed where needed), tail."""
        from lint.engine.threads import new_report
        from lint.report import ARRAY_SEPARATORS
        from lint.report import json as json_report

        assert self._entries is not None
        yield json_report.render_head(self.summary())
        written = 0
        for entry, found in self._entries.entries():
            if found is not None:
                summary, diagnostics = found
                base = entry or json_report.render_entry(new_report(summary))
                entry = json_report.amend_entry(base, diagnostics)
            yield ARRAY_SEPARATORS[written > 0] + entry
            written += 1
        yield json_report.render_tail(written > 0)

    def _render_sarif(self, ruleset: Ruleset) -> Iterator[str]:
        """The SARIF log: head, each patch's results (completed where needed), tail."""
        from lint.report import ARRAY_SEPARATORS, sarif

        assert self._entries is not None
        yield sarif.render_head(ruleset, __import__("lint").__version__)
        written = 0
        for block, found in self._entries.entries():
            for result in self._sarif_results(block, found):
                yield ARRAY_SEPARATORS[written > 0] + result
                written += 1
        yield sarif.render_tail(written > 0)

    def _sarif_results(
        self, block: str, found: tuple[MessageSummary, list[Diagnostic]] | None
    ) -> list[str]:
        """A patch's results; with thread findings, merged in the order of their sort keys.

        Each thread finding is rendered at its place, so its occurrence number is the
        one it had when the merged reports were rendered in one go.
        """
        import json

        from lint.engine.threads import new_report

        field = self._FIELD_END
        spooled = [item.split(field, 2) for item in block.split(self._RESULT_END)] if block else []
        if found is None:
            return [text for _, _, text in spooled]
        summary, diagnostics = found
        items: list[tuple[tuple[int, int, str, str], str | Diagnostic]] = []
        for line, severity, text in spooled:
            result = json.loads(text)
            key = (int(line), -int(severity), result["ruleId"], result["message"]["text"])
            items.append((key, text))
        for diag in diagnostics:
            items.append(((diag.location.line, -int(diag.severity), diag.rule, diag.message), diag))
        items.sort(key=lambda item: item[0])  # stable: of equal keys, the spooled come first
        report = new_report(summary)
        assert self._results is not None
        return [
            item if isinstance(item, str) else self._results.result(item, report)
            for _, item in items
        ]


def start() -> None:
    """Tune the process for a command-line run, before anything else is imported.

    Start-up allocates tens of thousands of objects that live as long as the run
    (modules, classes, the rulebook), and with the default threshold the cyclic
    garbage collector scans them some thirty times before the first patch is read.
    Collecting the youngest generation every 20,000 allocations instead of every 700
    leaves collection on, with memory still bounded, at a fraction of the cost.
    """
    import gc

    gc.set_threshold(20_000, *gc.get_threshold()[1:])


def leave(status: int) -> NoReturn:
    """End the process with ``status`` once output is flushed.

    It skips what the interpreter does next, freeing every module and object one by
    one: that cost a one-patch run about 8 ms, and a git hook runs on every mail. The
    operating system reclaims the memory anyway. Exit handlers are skipped too:
    patchlens registers none (its caches are written when they are made), and a test
    keeps it so.
    """
    try:
        sys.stdout.flush()
    except BrokenPipeError:  # the reader left (`patchlens lint ... | head`)
        pass
    except OSError as err:  # a full disk under a redirected stdout
        sys.stderr.write(f"patchlens: cannot write to standard output: {err.strerror or err}\n")
        status = 2
    try:  # noqa: SIM105 (contextlib.suppress would import contextlib into every hook run)
        sys.stderr.flush()
    except OSError:
        pass
    os._exit(status)
