"""``python -m lint.hooks HOOK ARGS...``: a hook run by hand or by the pre-commit framework."""

from lint.hooks.run import run

run()
