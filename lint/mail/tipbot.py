"""tip-bot2's merge notification, as the tip tree's bot writes its first line.

When a tip maintainer applies a patch, tip-bot2 mails the commit to
linux-tip-commits and to the patch's thread, opening with::

    The following commit has been merged into the x86/urgent branch of tip:

The bot skips such mail (:mod:`lint.bot.notices`: the commit cannot change any
more) and the explainer shows it as where the patch went
(:mod:`lint.explain.merge_notice`); both read that line with :data:`MERGED`.
"""

from __future__ import annotations

from lint.lazyregex import lazy_regex

MERGED = lazy_regex(r"The following commit has been merged into the (\S+) branch of (\S+?):")
"""The notice's line, whitespace collapsed: group 1 the branch, group 2 the tree."""
