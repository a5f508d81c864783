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
    from collections.abc import Mapping, Sequence
    from pathlib import Path
    from typing import NoReturn, TextIO

    from lint.diagnostic import Diagnostic
    from lint.engine.runner import PatchReport
    from lint.report import Reporter, Summary
    from lint.resources import StrPath
    from lint.rulebook.ruleset import Ruleset


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
    on any failure that file is removed and ``path`` is left as it was. The file
    ends up with the permissions a plain write would leave: those of the file it
    replaces (``fix --in-place`` keeps a patch's mode), else 0666 less the umask
    (``tempfile`` would make every output 0600, unreadable to the group).
    """
    from lint.errors import InputError

    path = os.fspath(path)
    directory, name = os.path.split(path)
    chunks = (text,) if isinstance(text, str) else text
    partial = ""
    try:
        descriptor, partial = _create_beside(directory or ".", name)
        # surrogateescape: bytes of the input that were not UTF-8 (lint.cli.fix reads
        # them so) go back out as they came in.
        with open(descriptor, "w", encoding="utf-8", errors="surrogateescape") as handle:
            _keep_mode(handle.fileno(), path)
            for chunk in chunks:
                handle.write(chunk)
        os.replace(partial, path)
    except BaseException as err:
        if partial:
            try:  # noqa: SIM105 (contextlib would be imported into every hook run)
                os.unlink(partial)
            except OSError:
                pass
        if isinstance(err, OSError):
            raise InputError(path, f"cannot write: {err.strerror or err}") from None
        raise


def _keep_mode(descriptor: int, path: str) -> None:
    """Give the new file the mode of the file at ``path`` it replaces, if there is one."""
    import stat

    try:  # noqa: SIM105 (contextlib would be imported into every hook run)
        os.fchmod(descriptor, stat.S_IMODE(os.stat(path).st_mode))
    except FileNotFoundError:
        pass


def _create_beside(directory: str, name: str) -> tuple[int, str]:
    """A new hidden file ``.<name>.<random>`` in ``directory``, opened for writing.

    Created with mode 0666 so that the kernel applies the umask, as it does for
    any file a program writes; ``O_EXCL`` makes the name this call's alone.
    """
    import secrets

    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        candidate = os.path.join(directory, f".{name}.{secrets.token_hex(4)}")
        try:
            return os.open(candidate, flags, 0o666), candidate
        except FileExistsError:
            continue
    import errno

    raise FileExistsError(errno.EEXIST, "no free temporary name", directory)


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


class ReportSink:
    """Feeds the reports of a lint run to the reporter of ``--format``, in constant memory.

    The rules that need a whole thread or series run after the stream, and their
    findings belong under the mails they are on, in input order, with each mail's
    other findings. So the sink keeps each report as it comes (in an
    :class:`~lint.engine.spool.ObjectSpool`, which pickles past the first
    thousands, so that a 1 GB mbox holds none of them in memory) and renders the
    document once the stream and those passes are done (:meth:`render`).
    """

    def __init__(self, args: argparse.Namespace, ruleset: Ruleset) -> None:
        from collections import Counter

        from lint.engine.spool import ObjectSpool

        self._reporter = _reporter(args, ruleset)
        self._reports: ObjectSpool[PatchReport] = ObjectSpool()
        self.counts: Counter[str] = Counter()
        self.findings = 0
        """Findings so far (the progress line's count)."""
        self.worst = 0

    def add(self, report: PatchReport) -> None:
        """Take the report of the next mail of the stream."""
        self.counts["messages"] += 1
        self.findings += len(report.diagnostics)
        self._reports.append(report)

    def render(
        self, extra: Mapping[tuple[str, int], Sequence[Diagnostic]] | None = None
    ) -> Iterator[str]:
        """The complete report, in pieces; ``extra`` are the findings of the thread and
        series rules by mail (origin, index), each put with the mail's other findings.

        :attr:`worst` and the totals are known once this has been read to the end.
        """
        from lint.record import replace

        extra = extra or {}
        yield self._reporter.head()
        for report in self._reports:
            added = extra.get((report.origin, report.index))
            if added:
                merged = (*report.diagnostics, *added)
                ordered = sorted(merged, key=lambda diag: diag.sort_key)
                report = replace(report, diagnostics=tuple(ordered))
            self._count(report)
            yield self._reporter.patch(report)
        self._reports.close()
        yield self._reporter.tail(self.summary())

    def _count(self, report: PatchReport) -> None:
        diagnostics = report.diagnostics
        if not diagnostics:
            return
        self.counts["with findings"] += 1
        for diag in diagnostics:
            self.counts[diag.severity.label] += 1
        self.worst = max(self.worst, *(int(d.severity) for d in diagnostics))

    def summary(self) -> Summary:
        from lint.report import Summary

        return Summary(
            messages=self.counts["messages"],
            with_findings=self.counts["with findings"],
            errors=self.counts["error"],
            warnings=self.counts["warning"],
            notes=self.counts["note"],
        )


def _reporter(args: argparse.Namespace, ruleset: Ruleset) -> Reporter:
    """The reporter of ``args.format``, set up from the command line."""
    form: str = args.format
    names = args.rule_names == "checkpatch"
    if form == "text":
        from lint.report.text import TextReporter

        return TextReporter(use_colour(args.color, args.output), args.verbose)
    if form == "terse":
        from lint.report.terse import TerseReporter

        return TerseReporter(names)
    if form == "github":
        from lint.report.github import GitHubReporter

        return GitHubReporter()
    if form == "b4":
        from lint.report.b4 import LineReporter

        return LineReporter(names)
    if form == "b4-json":
        from lint.report.b4 import JsonReporter as B4JsonReporter

        return B4JsonReporter()
    if form == "json":
        from lint.checks.registry import KINDS
        from lint.report.json import JsonReporter

        return JsonReporter({rule.id: KINDS[rule.kind].scope.value for rule in ruleset.rules})
    from pathlib import Path

    from lint import __version__
    from lint.report.sarif import SarifReporter

    return SarifReporter(ruleset, Path.cwd(), __version__)


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
