"""``python -m lint`` runs the patchlens command line."""

from lint.cli.main import run

run()
