"""The mails of one send, as the series rules see them.

One mail can be perfect and the series still wrong: ``[PATCH 2/3]`` sent
without ``1/3``, a ``v3`` patch in the middle of a ``v2`` series, five patches
without a cover letter to explain them, or patches prepared on different base
commits. The ``sendemail-validate`` hook sees one mail at a time, so it records a
:class:`SeriesEntry` per mail (:mod:`lint.hooks.run`) and runs the series rules
(:mod:`lint.engine.series`) on the last one.
"""

from __future__ import annotations

from lint.record import asdict, record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

    from lint.patch.model import Patch


@record
class SeriesEntry:
    """What the series checks need to remember of one mail of a send."""

    origin: str
    """The file the mail came from (what the user passed to ``git send-email``)."""
    subject: str
    """The subject as sent, for messages."""
    line: int
    """Line of the subject in :attr:`origin`."""
    version: int
    index: int | None
    total: int | None
    cover_letter: bool
    base_commit: str
    message_id: str
    root: str = ""
    """The thread the mail was sent in: its first ``References:`` entry, else its
    ``In-Reply-To:``; ``""`` for a mail that starts a thread or is not threaded."""
    in_reply_to: str = ""
    references: tuple[str, ...] = ()
    """Every Message-ID the mail refers to (``References:`` and ``In-Reply-To:``): mails
    linked this way, however deep, are one thread."""

    @classmethod
    def of(cls, patch: Patch) -> SeriesEntry:
        """The entry for an analysed mail."""
        subject, mail = patch.subject, patch.mail
        return cls(
            origin=patch.origin,
            subject=subject.raw,
            line=subject.line,
            version=subject.version,
            index=subject.index,
            total=subject.total,
            cover_letter=subject.is_cover_letter,
            base_commit=patch.base_commit,
            message_id=patch.mail.message_id,
            root=mail.references[0] if mail.references else mail.in_reply_to,
            in_reply_to=mail.in_reply_to,
            references=tuple(r for r in dict.fromkeys((*mail.references, mail.in_reply_to)) if r),
        )

    def to_json(self) -> dict[str, object]:
        """A JSON-ready dict (the hook's state file)."""
        as_dict: dict[str, object] = asdict(self)
        return as_dict

    @classmethod
    def from_json(cls, data: dict[str, object]) -> SeriesEntry:
        """Inverse of :meth:`to_json`; raises ``TypeError``/``KeyError`` on a damaged record."""
        index, total = data["index"], data["total"]
        version = data["version"]
        if not isinstance(version, int):
            raise TypeError("version")
        return cls(
            origin=str(data["origin"]),
            subject=str(data["subject"]),
            line=int(str(data["line"])),
            version=version,
            index=index if isinstance(index, int) else None,
            total=total if isinstance(total, int) else None,
            cover_letter=bool(data["cover_letter"]),
            base_commit=str(data["base_commit"]),
            message_id=str(data["message_id"]),
            root=str(data.get("root", "")),
            in_reply_to=str(data.get("in_reply_to", "")),
            references=tuple(str(r) for r in data.get("references", ()) or ()),  # type: ignore[attr-defined]
        )


def group_series(entries: Sequence[SeriesEntry], places: Sequence[str]) -> list[list[int]]:
    """The series among the mails of a lint run, as lists of positions in ``entries``.

    ``places[i]`` names where mail ``i`` was read from: its file, or its folder
    when the file holds that one mail (a ``git format-patch`` folder is one
    send). How the mails of one send are told apart from the rest (checked
    against Patchwork's parser, ``bench/patchwork_agreement.py``):

    - mails linked by ``References:``/``In-Reply-To:``, however deep the
      threading, were sent together; unthreaded mails sent together come from
      one place (a folder, an mbox);
    - a mail without M/N (a diff posted in reply, a lone patch) is a series of
      its own;
    - within a send, each version whose patch 1 or cover letter is there is a
      series of its own (a folder holding v1 and v2); a mail of another
      version joins the biggest series there, as a left-over file of an
      earlier send, which ``series-version`` then reports; one written in
      reply to one patch of the series (not to its root) is an updated patch
      posted in the thread, a series of its own;
    - a patch number that comes again starts the next series: the same
      series sent twice (a resend, a revision without a version label);
    - unthreaded mails of one place that do not look like one send (several
      series lengths and no cover letter: a folder of patches collected from
      many series) are each a series of their own.
    """
    threads = _threads(entries)
    sends: dict[str, list[int]] = {}
    for position, entry in enumerate(entries):
        if entry.index is None and not entry.cover_letter:
            key = f"alone {position}"
        elif position in threads:
            key = f"thread {threads[position]}"
        else:
            key = "place " + places[position]
        sends.setdefault(key, []).append(position)
    groups: list[list[int]] = []
    for key, members in sends.items():
        if key.startswith("place ") and not _one_send(entries, members):
            groups.extend([position] for position in members)  # a collection of patches
            continue
        for group in _split_versions(entries, members):
            groups.extend(_split_repeats(entries, group))
    groups.sort(key=lambda group: group[0])
    return groups


def _one_send(entries: Sequence[SeriesEntry], members: list[int]) -> bool:
    """Whether the unthreaded mails of one place look like one send: one series length
    among them, or a cover letter saying what they are. A folder of patches collected
    from many series (a distribution's patch tree) does not, and its mails are judged
    one by one."""
    numbered = [entries[p] for p in members if entries[p].total is not None]
    cover = any(entry.cover_letter for entry in numbered)
    return cover or len({entry.total for entry in numbered}) <= 1


def _threads(entries: Sequence[SeriesEntry]) -> dict[int, str]:
    """Position -> a name of its thread, for the mails linked to another by a reference."""
    from lint.thread.forest import Forest

    forest = Forest()
    linked: set[str] = set()
    for entry in entries:
        if entry.message_id:
            for reference in entry.references:
                forest.union(reference, entry.message_id)
                linked.update((reference, entry.message_id))
    roots = {forest.find(name) for name in linked}
    threads: dict[int, str] = {}
    for position, entry in enumerate(entries):
        name = entry.message_id or (entry.references[0] if entry.references else "")
        if name and forest.find(name) in roots:
            threads[position] = forest.find(name)
    return threads


def _split_repeats(entries: Sequence[SeriesEntry], group: list[int]) -> list[list[int]]:
    """``group`` cut where a patch number comes again, as Patchwork cuts a resend."""
    runs: list[tuple[set[int | None], list[int]]] = []
    for position in group:
        number = entries[position].index
        for numbers, members in runs:
            if number not in numbers:
                numbers.add(number)
                members.append(position)
                break
        else:
            runs.append(({number}, [position]))
    return [members for _, members in runs]


def _split_versions(entries: Sequence[SeriesEntry], members: list[int]) -> list[list[int]]:
    by_version: dict[int, list[int]] = {}
    for position in members:
        by_version.setdefault(entries[position].version, []).append(position)
    if len(by_version) == 1:
        return [members]
    whole = {
        version: positions
        for version, positions in by_version.items()
        if any(entries[p].index in (0, 1, None) for p in positions)
    }
    if not whole:
        return [members]  # no version starts here: one send, however numbered
    groups = [list(positions) for positions in whole.values()]
    biggest = max(range(len(groups)), key=lambda number: len(groups[number]))
    alone: list[list[int]] = []
    for version, positions in by_version.items():
        if version in whole:
            continue
        for position in positions:
            entry = entries[position]
            if entry.root and entry.in_reply_to and entry.in_reply_to != entry.root:
                alone.append([position])  # an updated patch posted in reply to its old one
            else:
                groups[biggest].append(position)
    for group in groups:
        group.sort()
    return groups + alone
