"""``patchlens hook install | uninstall | status``: the hook scripts in a repository.

The hooks folder is the one git runs hooks from (``git rev-parse --git-path
hooks``), so ``core.hooksPath`` is honoured exactly as git send-email does.

A script we write names the interpreter that installed it by absolute path
(``/home/me/.venv/bin/python -P -c 'from lint.hooks.run import run; run()' ...``):
it works from any shell, without ``patchlens`` on ``PATH`` or a venv activated.  ``-P`` keeps the
repository's own folders off ``sys.path``, so a ``lint/`` folder in the tree
being committed cannot stand in for patchlens.

A hook that is not ours is never lost: ``--chain`` keeps it beside ours as
``NAME.patchlens-chained`` and our script runs it after patchlens passed;
``--force`` replaces it and keeps a copy as ``NAME.patchlens-backup``;
without either, installing stops with a message saying so.
``uninstall`` puts a chained hook back in its place.
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


def render_script(name: str, python: str, chained: Path | None, allow_warnings: bool) -> str:
    """The shell script of hook ``name``."""
    args = '"$@"' + (" --allow-warnings" if allow_warnings else "")
    # -c, not -m lint.hooks.run: runpy and what it imports cost every mail a few ms.
    run = f"{shlex.quote(python)} -P -c {shlex.quote(RUN_HOOK)} {name} {args}"
    skip = {
        "sendemail-validate": "git send-email --no-validate",
        "commit-msg": "git commit --no-verify",
    }[name]
    lines = [
        "#!/bin/sh",
        f"# git {name} hook written by `patchlens hook install`; remove it with",
        f"# `patchlens hook uninstall`. Skip it once: {skip}, or PATCHLENS_SKIP=1.",
        MARKER,
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


def install(
    cwd: Path,
    names: Sequence[str] = HOOK_NAMES,
    *,
    force: bool = False,
    chain: bool = False,
    allow_warnings: bool = False,
    python: str | None = None,
) -> list[str]:
    """Write our hook scripts; returns one line per hook saying what was done."""
    folder = hooks_dir(cwd)
    done: list[str] = []
    for name in names:
        path = folder / name
        keep = folder / f"{name}{CHAINED}"
        exists = path.exists() or path.is_symlink()
        if exists and not _is_ours(path):
            if chain:
                path.replace(keep)
                what = f"kept the existing hook as {keep.name}, run after patchlens"
            elif force:
                path.replace(folder / f"{name}{BACKUP}")
                what = f"replaced the existing hook (copy in {name}{BACKUP})"
            else:
                raise InputError(
                    str(path),
                    "a hook patchlens did not write is already there: --chain keeps it "
                    "and runs it after patchlens, --force replaces it",
                )
        else:
            what = "updated" if exists else "installed"
        script = render_script(
            name, python or interpreter(), keep if keep.exists() else None, allow_warnings
        )
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path.write_text(script, encoding="utf-8")
            path.chmod(0o755)
        except OSError as err:
            raise InputError(str(path), f"cannot write: {err.strerror or err}") from None
        done.append(f"{name}: {what} ({path})")
    return done


def uninstall(cwd: Path, names: Sequence[str] = HOOK_NAMES) -> list[str]:
    """Remove our hook scripts, putting back any hook that was chained."""
    folder = hooks_dir(cwd)
    done: list[str] = []
    for name in names:
        path = folder / name
        keep = folder / f"{name}{CHAINED}"
        if not path.exists():
            done.append(f"{name}: not installed")
        elif not _is_ours(path):
            done.append(f"{name}: left alone (not written by patchlens)")
        elif keep.exists():
            keep.replace(path)
            done.append(f"{name}: removed; the chained hook is back in place")
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
