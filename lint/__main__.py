"""``python -m lint`` runs the patchlens command line."""

from lint.cli import run

run()
