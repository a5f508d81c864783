"""Apply the mechanical fixes that diagnostics carry to a patch or message file.

``patchlens fix INPUT -o OUT`` lints INPUT, applies every :class:`Fix` of
the selected rules and hands back the corrected text; the command line
writes it (atomically, never over INPUT unless ``--in-place``).

What can be fixed: a file holding ONE message (a ``git format-patch``
file, a saved mail, a commit message), or a folder of such files (a
``git format-patch`` series), each file on its own. An mbox of several
messages is refused: its messages came from a list archive, and rewriting
one message of a thread in place is not what anyone sending patches needs.

A fix replaces whole input lines. Fixes are applied in passes: the file is
linted, the fixes that do not overlap are applied (earlier lines first),
and the result is linted again, until nothing changes or
:data:`MAX_PASSES` is reached, so that a reordered tag block can still get
its combined tag split. Fixes inside a quoted-printable or base64 body
would have to be re-encoded and are skipped, with the reason.

Everything here is a pure function of its inputs: no printing, no writing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from lint.errors import InputError
from lint.record import record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from lint.checks.api import CheckContext
    from lint.diagnostic import Diagnostic, Fix
    from lint.engine.pipeline import DecodeOptions
    from lint.patch.model import Patch
    from lint.rulebook.ruleset import Ruleset

MAX_PASSES = 4
"""Lint-and-fix rounds per file at most."""

_ENCODED = ("quoted-printable", "base64")


@record
class Skipped:
    """A fix that was not applied, and why."""

    diagnostic: Diagnostic
    reason: str


@record
class FixedFile:
    """The outcome for one input file."""

    path: Path
    original: str
    text: str
    """The corrected file content (equal to :attr:`original` when nothing applied)."""
    applied: tuple[Diagnostic, ...]
    skipped: tuple[Skipped, ...]

    @property
    def changed(self) -> bool:
        return self.text != self.original


def apply_fixes(text: str, fixes: Sequence[Fix]) -> tuple[str, tuple[int, ...]]:
    """Apply the non-overlapping ``fixes`` to ``text``; also return which were applied.

    Line numbers are 1-based lines of ``text``. Where two fixes overlap, the
    one starting earlier (or, at the same line, listed first) wins; the
    other is left for a later pass. Each replacement line takes the line
    ending of the last line it replaces (``\\r\\n`` files stay ``\\r\\n``).
    """
    lines = text.splitlines(keepends=True)
    order = sorted(range(len(fixes)), key=lambda n: (fixes[n].first_line, n))
    chosen: list[int] = []
    end = 0
    for number in order:
        fix = fixes[number]
        if fix.first_line <= end or fix.first_line < 1 or fix.last_line > len(lines):
            continue
        if fix.last_line < fix.first_line:
            continue
        chosen.append(number)
        end = fix.last_line
    for number in reversed(chosen):
        fix = fixes[number]
        last = lines[fix.last_line - 1]
        ending = last[len(last.rstrip("\r\n")) :] or "\n"
        lines[fix.first_line - 1 : fix.last_line] = [line + ending for line in fix.replacement]
    return "".join(lines), tuple(sorted(chosen))


def fix_file(
    path: Path, ruleset: Ruleset, context: CheckContext | None, decode: DecodeOptions
) -> FixedFile:
    """Lint ``path`` (one message) and apply the fixes of ``ruleset``'s rules, in passes."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(str(path), f"cannot read: {exc.strerror or exc}") from None
    # surrogateescape: bytes that are not UTF-8 go back out exactly as they came in.
    original = data.decode("utf-8", "surrogateescape")
    text = original
    applied: list[Diagnostic] = []
    skipped: dict[tuple[str, int, str], Skipped] = {}
    for _ in range(MAX_PASSES):
        patch = _single_patch(path, text.encode("utf-8", "surrogateescape"), decode)
        diagnostics = _diagnostics(patch, ruleset, context)
        fixable: list[Diagnostic] = []
        for diagnostic in diagnostics:
            if diagnostic.fix is None:
                continue
            reason = _refusal(patch, diagnostic)
            if reason:
                key = (diagnostic.rule, diagnostic.location.line, diagnostic.message)
                skipped[key] = Skipped(diagnostic, reason)
            else:
                fixable.append(diagnostic)
        if not fixable:
            break
        fixes = [d.fix for d in fixable if d.fix is not None]
        text, chosen = apply_fixes(text, fixes)
        if not chosen:
            break
        applied.extend(fixable[n] for n in chosen)
    return FixedFile(path, original, text, tuple(applied), tuple(skipped.values()))


def fix_inputs(paths: Iterable[Path]) -> list[Path]:
    """The files to fix for the given inputs: files as they are, folders' ``*.patch`` files."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.glob("*.patch") if p.is_file())
            if not found:
                raise InputError(str(path), "no *.patch files in this folder")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise InputError(
                str(path), "no such file or folder (fix works on files, not git ranges)"
            )
    return files


def _single_patch(path: Path, data: bytes, decode: DecodeOptions) -> Patch:
    from io import BytesIO

    from lint.engine.pipeline import read_patches
    from lint.sources.inputs import from_mbox

    raws = list(from_mbox(BytesIO(data), str(path)))
    if len(raws) != 1:
        raise InputError(
            str(path),
            f"holds {len(raws)} messages; fix rewrites single-message files "
            "and folders of git format-patch files",
        )
    return next(iter(read_patches(raws, decode)))


def _diagnostics(
    patch: Patch, ruleset: Ruleset, context: CheckContext | None
) -> tuple[Diagnostic, ...]:
    from lint.engine.rules import run

    return run(patch, ruleset, context)


def _refusal(patch: Patch, diagnostic: Diagnostic) -> str:
    """Why the fix of ``diagnostic`` cannot be applied to this file, or ``""``."""
    if diagnostic.location.part in ("subject", "header"):
        return ""
    encoding = patch.mail.header("Content-Transfer-Encoding").strip().lower()
    if encoding in _ENCODED:
        return f"the body is {encoding}-encoded"
    return ""


def output_path(given: Path, path: Path, output: Path) -> Path:
    """Where the fixed copy of ``path`` goes: ``output`` itself, or inside it for a folder."""
    if given.is_dir():
        if output.exists() and not output.is_dir():
            raise InputError(str(output), "not a folder (INPUT is a folder)")
        if output.resolve() == given.resolve():
            raise InputError(str(output), "is INPUT itself; use --in-place to rewrite it")
        output.mkdir(parents=True, exist_ok=True)
        return output / path.name
    if output.is_dir():
        return output / path.name
    if output.exists() and output.resolve() == path.resolve():
        raise InputError(str(output), "is INPUT itself; use --in-place to rewrite it")
    return output
