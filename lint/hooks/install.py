"""``patchlens hook install | uninstall | status``: the hook scripts in a repository.

The hooks folder is the one git runs hooks from (``git rev-parse --git-path
hooks``), so ``core.hooksPath`` is honoured exactly as git send-email does.

A script we write names the interpreter that installed it by absolute path
(``/home/me/.venv/bin/python -P -c 'from lint.hooks.run import run; run()' ...``):
it works from any shell, without ``patchlens`` on ``PATH`` or a venv activated.  ``-P`` keeps the
repository's own folders off ``sys.path``, so a ``lint/`` folder in the tree
being committed cannot stand in for patchlens.

If that interpreter goes away (a venv removed or rebuilt elsewhere), the
script says so and lets the commit or send through, rather than failing every
one with the shell's bare ``exec: ...: not found``.

A hook that is not ours is never lost: ``--chain`` keeps it beside ours as
``NAME.patchlens-chained`` and our script runs it after patchlens passed;
``--force`` replaces it and keeps a copy as ``NAME.patchlens-backup``;
without either, installing stops with a message saying so.  Installing is all
or nothing: every hook is checked before the first is written, so a refusal
leaves the repository as it was.  ``uninstall`` puts the chained hook, or
else the backed-up one, back in its place.
"""

from __future__ import annotations

import shlex
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from lint.errors import InputError
from lint.hooks.run import HOOK_NAMES
from lint.record import record

MARKER = "# patchlens-hook: 1"
"""The line that tells our scripts from anyone else's."""
CHAINED = ".patchlens-chained"
BACKUP = ".patchlens-backup"


@record
class HookStatus:
    """One hook of a repository as ``patchlens hook status`` reports it."""

    name: str
    path: Path
    state: str
    """``absent``, ``patchlens`` (ours) or ``foreign`` (someone else's script)."""
    chained: bool
    """True when a foreign hook is kept and run after ours."""
    python: str = ""
    """For our scripts: the interpreter they run."""

    @property
    def text(self) -> str:
        """``commit-msg  patchlens (runs /x/python; chains ...)`` for ``hook status``."""
        detail = ""
        if self.state == "patchlens":
            extras = [f"runs {self.python}"]
            if self.chained:
                extras.append(f"then {self.path.name}{CHAINED}")
            detail = f" ({'; '.join(extras)})"
        return f"{self.name:<20} {self.state}{detail}  {self.path}"


def hooks_dir(cwd: Path) -> Path:
    """The folder git runs this repository's hooks from (``core.hooksPath`` honoured)."""
    if not cwd.is_dir():  # -C DIR: subprocess would raise for the missing cwd
        raise InputError(str(cwd), "no such directory")
    done = subprocess.run(
        ["git", "rev-parse", "--git-path", "hooks"],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise InputError(str(cwd), "not inside a git repository")
    return (cwd / done.stdout.strip()).resolve()


RUN_HOOK = "from lint.hooks.run import run; run()"
"""What a hook script has its Python run, followed by the hook's name and arguments."""


def interpreter() -> str:
    """This Python by absolute path; a venv's ``bin/python`` symlink is kept, not resolved."""
    # Path.resolve() would follow the venv's symlink to the system Python and lose the venv.
    return str(Path(sys.executable).absolute())


SKIP_ONCE = {
    "sendemail-validate": "git send-email --no-validate",
    "commit-msg": "git commit --no-verify",
}
"""How git users skip a hook for one command."""

_CHECKED = {"sendemail-validate": "this mail", "commit-msg": "this commit message"}

_PYTHON_GONE = """\
if [ ! {test} {python} ]; then
\tcase $(printf %s "$PATCHLENS_SKIP" | tr -d '[:space:]' | tr '[:upper:]' '[:lower:]') in
\t1 | true | yes | on) ;;
\t*) printf '%s\\n' {message} >&2 ;;
\tesac
\t{then}
fi"""
"""What a script does first when its interpreter is gone (``-x`` follows a venv's
symlink, so a venv whose base Python was removed counts as gone too)."""


def render_script(
    name: str, python: str, chained: Path | None, allow_warnings: bool, package: str = ""
) -> str:
    """The shell script of hook ``name``; ``package``: the file of :mod:`lint.hooks.run`
    that ``python`` imports (this patchlens's by default), tested before it runs."""
    args = '"$@"' + (" --allow-warnings" if allow_warnings else "")
    # -c, not -m lint.hooks.run: runpy and what it imports cost every mail a few ms.
    run = f"{shlex.quote(python)} -P -c {shlex.quote(RUN_HOOK)} {name} {args}"
    lines = [
        "#!/bin/sh",
        f"# git {name} hook written by `patchlens hook install`; remove it with",
        f"# `patchlens hook uninstall`. Skip it once: {SKIP_ONCE[name]}, or PATCHLENS_SKIP=1.",
        MARKER,
        _python_gone(name, python, chained, allow_warnings),
        _python_gone(name, python, chained, allow_warnings, package=package or _HOOK_MODULE),
    ]
    if chained is None:
        lines.append(f"exec {run}")
    else:
        lines += [
            f"{run} || exit $?",
            "# The hook that was here before patchlens, kept by --chain:",
            f'exec {shlex.quote(str(chained))} "$@"',
        ]
    return "\n".join(lines) + "\n"


def _python_gone(
    name: str, python: str, chained: Path | None, allow_warnings: bool, package: str = ""
) -> str:
    """The script's test for a gone ``python`` (or, with ``package``, a gone patchlens:
    the file of :mod:`lint.hooks.run` that Python imported when the hook was written):
    say so and what to do, then let git go on.

    Without it the shell fails the hook with ``exec: PYTHON: not found``
    (status 127), or Python with an ImportError, on every commit or mail, and
    nothing says why.  Linting is a check, not a gate patchlens may keep closed
    when it cannot run: the hook passes (a chained hook still runs).
    ``PATCHLENS_SKIP`` silences the message, with the values lint.hooks.run accepts.
    """
    again = f"patchlens hook install --{name}" + (" --allow-warnings" if allow_warnings else "")
    gone = f"the Python this {name} hook runs is gone: {python}"
    why = "(a removed venv?)"
    if package:
        gone = f"the patchlens this {name} hook runs is gone: {package}"
        why = "(uninstalled, or its checkout moved?)"
    message = [
        f"patchlens: {gone}",
        f"  {why} so patchlens did not check {_CHECKED[name]}; letting it through.",
        f"  reinstall it from the patchlens you use now:  {again}",
        "  or remove it:                                patchlens hook uninstall",
        "  or skip this message once:                   PATCHLENS_SKIP=1",
    ]
    return _PYTHON_GONE.format(
        test="-f" if package else "-x",
        python=shlex.quote(package or python),
        message=" \\\n\t\t".join(map(shlex.quote, message)),
        then="exit 0" if chained is None else f'exec {shlex.quote(str(chained))} "$@"',
    )


_HOOK_MODULE = str(Path(__file__).with_name("run.py").resolve())
"""The module the hook scripts import, as this patchlens installed it."""


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _is_ours(path: Path) -> bool:
    return MARKER in _read(path).splitlines()


def status(cwd: Path, names: Sequence[str] = HOOK_NAMES) -> list[HookStatus]:
    """The state of each hook of ``names`` in the repository at ``cwd``."""
    folder = hooks_dir(cwd)
    found: list[HookStatus] = []
    for name in names:
        path = folder / name
        chained = (folder / f"{name}{CHAINED}").exists()
        if not path.exists() and not path.is_symlink():
            found.append(HookStatus(name, path, "absent", chained))
        elif _is_ours(path):
            python = ""
            for line in _read(path).splitlines():
                if RUN_HOOK in line or " -m lint.hooks.run " in line:  # or as written before
                    python = shlex.split(line.removeprefix("exec "))[0]
                    break
            found.append(HookStatus(name, path, "patchlens", chained, python))
        else:
            found.append(HookStatus(name, path, "foreign", chained))
    return found


@record
class _Step:
    """What installing one hook will do, decided before anything is written."""

    name: str
    path: Path
    """Where git runs the hook from."""
    move_to: Path | None
    """Where the foreign hook at ``path`` is kept (chained or backup), if there is one."""
    what: str
    """The line ``hook install`` prints for it."""


def _plan(folder: Path, name: str, *, force: bool, chain: bool) -> _Step:
    """What to do for hook ``name``; an :class:`InputError` when it must not be touched."""
    path = folder / name
    exists = path.exists() or path.is_symlink()
    if not exists or _is_ours(path):
        return _Step(name, path, move_to=None, what="updated" if exists else "installed")
    if not (chain or force):
        raise InputError(
            str(path),
            "a hook patchlens did not write is already there: --chain keeps it "
            "and runs it after patchlens, --force replaces it",
        )
    keep = folder / f"{name}{CHAINED if chain else BACKUP}"
    if keep.exists() or keep.is_symlink():
        # Moving the hook there would overwrite the copy of an earlier one.
        raise InputError(str(keep), "is in the way of keeping the current hook: move it away")
    if chain:
        what = f"kept the existing hook as {keep.name}, run after patchlens"
    else:
        what = f"replaced the existing hook (copy in {keep.name})"
    return _Step(name, path, move_to=keep, what=what)


def install(
    cwd: Path,
    names: Sequence[str] = HOOK_NAMES,
    *,
    force: bool = False,
    chain: bool = False,
    allow_warnings: bool = False,
    python: str | None = None,
) -> list[str]:
    """Write our hook scripts; returns one line per hook saying what was done.

    Every hook is planned before the first is written: a hook that must not
    be replaced stops the whole install, not the second half of it.
    """
    folder = hooks_dir(cwd)
    steps = [_plan(folder, name, force=force, chain=chain) for name in names]
    for step in steps:
        _write(folder, step, python or interpreter(), allow_warnings)
    return [f"{step.name}: {step.what} ({step.path})" for step in steps]


def _write(folder: Path, step: _Step, python: str, allow_warnings: bool) -> None:
    """Keep the foreign hook where ``step`` says, then write our script."""
    chained = folder / f"{step.name}{CHAINED}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if step.move_to is not None:
            step.path.replace(step.move_to)
        script = render_script(
            step.name, python, chained if chained.exists() else None, allow_warnings
        )
        step.path.write_text(script, encoding="utf-8")
        step.path.chmod(0o755)
    except OSError as err:
        raise InputError(str(step.path), f"cannot write: {err.strerror or err}") from None


def uninstall(cwd: Path, names: Sequence[str] = HOOK_NAMES) -> list[str]:
    """Remove our hook scripts, putting back the hook each one chained or replaced.

    A chained hook is the one that was there last (``--chain`` found it in
    place), so it wins over a backup.
    """
    folder = hooks_dir(cwd)
    done: list[str] = []
    for name in names:
        path = folder / name
        chained = folder / f"{name}{CHAINED}"
        backup = folder / f"{name}{BACKUP}"
        if not path.exists() and not path.is_symlink():
            done.append(f"{name}: not installed")
        elif not _is_ours(path):
            done.append(f"{name}: left alone (not written by patchlens)")
        elif chained.exists():
            chained.replace(path)
            done.append(f"{name}: removed; the chained hook is back in place")
        elif backup.exists():
            backup.replace(path)
            done.append(f"{name}: removed; the hook it replaced is back in place")
        else:
            path.unlink()
            done.append(f"{name}: removed")
    return done


def describe(action: str, cwd: Path, options: object) -> str:
    """Carry out ``patchlens hook ACTION`` and return what to print.

    ``options`` is the argparse namespace: ``hooks`` (names or ``None`` for
    both), ``force``, ``chain``, ``allow_warnings``.
    """
    names = tuple(getattr(options, "hooks", None) or HOOK_NAMES)
    if action == "status":
        return "".join(f"{entry.text}\n" for entry in status(cwd, names))
    if action == "uninstall":
        return "".join(f"{line}\n" for line in uninstall(cwd, names))
    lines = install(
        cwd,
        names,
        force=bool(getattr(options, "force", False)),
        chain=bool(getattr(options, "chain", False)),
        allow_warnings=bool(getattr(options, "allow_warnings", False)),
    )
    return "".join(f"{line}\n" for line in lines)
