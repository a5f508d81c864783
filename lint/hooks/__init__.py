"""The git hooks (a front door): ``sendemail-validate`` and ``commit-msg`` as git runs
them, their installation, and the series record a send keeps between mails. A hook starts
for every mail sent, so this package imports only what linting one mail needs.

Hooks installed by earlier versions run ``from lint.hooks import run; run()``: that
entry point stays here.
"""

from lint.hooks.run import run

__all__ = ["run"]
