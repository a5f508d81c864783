"""``patchlens hook install | uninstall | status``: the sub-command's options and help.

The help is where a user learns what each hook does before letting it into
their workflow, so it says what git runs, when it blocks and how to get past
it.  The work is in :mod:`lint.hooks.install`.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

HOOKS = """\
the hooks:
  sendemail-validate  git send-email runs it on each mail before sending any:
                      patchlens lints the mail and stops the whole send (nothing
                      goes out) on findings at or above fail_on of .patchlens.toml
                      (default: warning).
                      On the last mail it checks the series as a whole
                      (numbering, cover letter, versions, base-commit).
  commit-msg          git commit runs it on the message: patchlens lints the
                      message together with the staged diff and refuses the
                      commit on the same findings.

Skip once: git send-email --no-validate, git commit --no-verify, or
PATCHLENS_SKIP=1 (patchlens alone; a chained hook still runs).
PATCHLENS_ALLOW_WARNINGS=1 blocks on errors only, for one command."""

HOOK_EPILOG = f"""\
{HOOKS}

examples:
  patchlens hook install                  both hooks in this repository
  patchlens hook install --commit-msg     only commit-msg
  patchlens hook status -C ~/linux        what is installed there, and where
  patchlens hook uninstall                remove them, put back what they replaced

`patchlens hook ACTION --help` describes each action's options."""

INSTALL_DESCRIPTION = """\
Write the hook scripts into the folder git runs hooks from (core.hooksPath
honoured). Each script runs this Python by absolute path, so it works from any
shell without a venv activated; if that Python is later removed, the hook says
so and lets commits and sends through until you reinstall.

A hook that patchlens did not write is never overwritten silently: without
--chain or --force, installing stops and changes nothing. Installing is all or
nothing: when one hook cannot be installed, none is. Running it again updates
the scripts (say, after moving the venv)."""

INSTALL_EPILOG = f"""\
{HOOKS}

examples:
  patchlens hook install                        both hooks, blocking on warnings
  patchlens hook install --allow-warnings       both, blocking on errors only
  patchlens hook install --commit-msg --chain   keep the commit-msg hook already
                                                there, run it after patchlens"""

UNINSTALL_DESCRIPTION = """\
Remove the hook scripts patchlens wrote and put back the hook each one kept:
the one --chain kept (NAME.patchlens-chained), else the one --force replaced
(NAME.patchlens-backup). Hooks patchlens did not write are left alone."""

STATUS_DESCRIPTION = """\
Show each hook: absent, patchlens (with the Python it runs and any hook it
chains) or foreign (a script patchlens did not write), and its path."""

STATUS_EPILOG = """\
examples:
  patchlens hook status                 the hooks of this repository
  patchlens hook status -C ~/linux      those of ~/linux, which print like

  sendemail-validate   patchlens (runs /home/me/.venv/bin/python)  /home/me/linux/.git/hooks/...
  commit-msg           foreign  /home/me/linux/.git/hooks/commit-msg"""


def add_parser(
    commands: Any,
    handler: Callable[[argparse.Namespace], int],
    formatter: Callable[[str], argparse.HelpFormatter],
) -> None:
    """Add ``hook install``, ``hook uninstall`` and ``hook status`` to the commands.

    ``formatter`` is the command line's: its terminal width, descriptions kept as
    written (the hooks' table and the examples are laid out by hand).
    """
    hook = commands.add_parser(
        "hook",
        formatter_class=formatter,
        help="install, remove or show the git hooks (sendemail-validate, commit-msg)",
        description="Manage the git hooks that run patchlens in a repository: the current "
        "one, or -C DIR.",
        epilog=HOOK_EPILOG,
    )
    _add_directory(hook, None)
    actions = hook.add_subparsers(dest="action", required=True)
    install = actions.add_parser(
        "install",
        formatter_class=formatter,
        help="write the hooks (both unless named)",
        description=INSTALL_DESCRIPTION,
        epilog=INSTALL_EPILOG,
    )
    _add_names(install, "install")
    kept = install.add_mutually_exclusive_group()
    kept.add_argument(
        "--force",
        action="store_true",
        help="replace a hook patchlens did not write; it is kept as NAME.patchlens-backup "
        "and `hook uninstall` puts it back",
    )
    kept.add_argument(
        "--chain",
        action="store_true",
        help="keep a hook patchlens did not write as NAME.patchlens-chained and run it "
        "after patchlens passed; `hook uninstall` puts it back",
    )
    install.add_argument(
        "--allow-warnings",
        action="store_true",
        help="the hooks block on errors only; warnings are printed and let through",
    )
    uninstall = actions.add_parser(
        "uninstall",
        formatter_class=formatter,
        help="remove the hooks, putting back what they kept",
        description=UNINSTALL_DESCRIPTION,
        epilog="example:\n  patchlens hook uninstall --commit-msg   remove commit-msg only",
    )
    _add_names(uninstall, "remove")
    status = actions.add_parser(
        "status",
        formatter_class=formatter,
        help="show what is installed, and where",
        description=STATUS_DESCRIPTION,
        epilog=STATUS_EPILOG,
    )
    _add_names(status, "show")
    for parser in (install, uninstall, status):
        _add_directory(parser, argparse.SUPPRESS)
        parser.set_defaults(handler=handler)


def _add_names(parser: argparse.ArgumentParser, verb: str) -> None:
    for name in ("sendemail-validate", "commit-msg"):
        parser.add_argument(
            f"--{name}",
            dest="hooks",
            action="append_const",
            const=name,
            help=f"{verb} the {name} hook (default: both hooks)",
        )


def _add_directory(parser: argparse.ArgumentParser, default: object) -> None:
    # After the action too (`hook status -C DIR`): argparse lets a sub-command's
    # default overwrite what `hook -C DIR status` set, unless it is SUPPRESS.
    parser.add_argument(
        "-C",
        dest="directory",
        type=Path,
        default=default,
        metavar="DIR",
        help="the git repository (default: the current directory)",
    )
