"""``python -m lint`` runs the patchlens command line."""

import sys

from lint.cli import main

sys.exit(main())
