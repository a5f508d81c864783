"""Mails and commit messages written for the front-door tests (hooks, b4, pre-commit,
SARIF, git send-email): a clean patch, one whose only finding is a warning, and a
commit message that passes."""

from __future__ import annotations

AUTHOR = "Mira Castell <mira.castell@example.org>"

CLEAN_PATCH = """\
From 3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f Mon Sep 17 00:00:00 2001
From: Mira Castell <mira.castell@example.org>
Date: Tue, 10 Nov 2026 11:00:00 +0100
Subject: [PATCH] docs: watchdog: Fix the default timeout in the example
Message-ID: <20261110100000.1001-1-mira.castell@example.org>

The example configuration gives a default timeout of 30 seconds, but
the driver has used 60 seconds since it was merged. A reader who
copies the example gets a different timeout than the text promises.

Use the value the driver really uses.

Signed-off-by: Mira Castell <mira.castell@example.org>
---
 Documentation/watchdog/example.rst | 2 +-
 1 file changed, 1 insertion(+), 1 deletion(-)

diff --git a/Documentation/watchdog/example.rst b/Documentation/watchdog/example.rst
index 1a2b3c4d5e6f..6f5e4d3c2b1a 100644
--- a/Documentation/watchdog/example.rst
+++ b/Documentation/watchdog/example.rst
@@ -1,3 +1,3 @@
 Example configuration
-timeout = 30
+timeout = 60
 nowayout = 0
--\x20
2.47.0
"""


WARNED_PATCH = CLEAN_PATCH.replace(
    "Use the value the driver really uses.",
    "Use the value the driver really uses, as the watchdog core documentation says too.",
)
"""A patch whose only finding is a warning: a changelog line longer than 75 columns."""


GOOD_MESSAGE = f"""\
docs: watchdog: Fix the default timeout in the example

The example configuration gives a default timeout of 30 seconds, but
the driver has used 60 seconds since it was merged.

Use the value the driver really uses.

Signed-off-by: {AUTHOR}
"""
