"""The bot's explainer site (``[bot] site``): every mail it reads, added as it comes.

A list bot that posts patchwork checks needs a page for each message to point the
check's ``target_url`` at. With ``[bot] site = "DIR"`` the bot adds each batch of
mails it reads to the static site of ``patchlens explain --site DIR``
(:mod:`lint.explain.site_build`): the series they join are rebuilt, the rest is left
as it is, every file is written whole. Serve ``DIR`` at the address of
``target_url = "https://example.org/patchlens/{msgid}"`` and every check links to an
existing page (:func:`lint.explain.site.page_url`).

The bot passes on only the mails that decoded (one that did not is recorded as
failed, and would stop the site's batch). A site that cannot be written costs the
bot nothing else: the error is returned, and the bot prints it and goes on
answering mail.
"""

from __future__ import annotations

from pathlib import Path

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

    from lint.bot.intake import Examiner


def site_keeper(
    root: Path, examiner: Examiner, report: Callable[[str], object]
) -> Callable[[list[tuple[bytes, str]]], object]:
    """What the bot calls with each batch of ``(mail, origin)`` it reads."""

    def keep(mails: list[tuple[bytes, str]]) -> None:
        error = add_to_site(root, examiner, mails)
        if error:
            report(f"patchlens bot: site {root}: {error}\n")

    return keep


def add_to_site(root: Path, examiner: Examiner, mails: list[tuple[bytes, str]]) -> str:
    """Add ``mails`` to the site in ``root``; the reason it could not, or ``""``."""
    from lint.cli.output import write_atomically
    from lint.errors import InputError
    from lint.explain.site_build import update_site
    from lint.mail.model import RawMail

    raws = [RawMail(data, origin) for data, origin in mails]
    try:
        root.mkdir(parents=True, exist_ok=True)
        update = update_site(root, raws, examiner.ruleset, examiner.context)
        for item in update.files:  # each written whole: the index and map last
            path = root / item.path
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(path, item.text)
    except InputError as error:
        return error.problem
    except OSError as error:
        return error.strerror or str(error)
    return ""
