"""How many threads, reviews and offered tags the real data holds.

    .venv/bin/python bench/threads_report.py [DATA]     # DATA defaults to ../shared/data

Reads every message of DATA/replies and DATA/x86 (the .eml files: the mails as
they went out), groups them into threads and prints the counts. Every thread is
also rendered to every explainer format, so the run proves that none fails.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lint.config import Config  # noqa: E402
from lint.explain.render import FORMATS, explain_mails, render  # noqa: E402
from lint.mail.model import RawMail  # noqa: E402
from lint.rulebook.ruleset import load_ruleset  # noqa: E402
from lint.sources.inputs import open_input  # noqa: E402
from lint.thread.grouping import group_threads  # noqa: E402
from lint.thread.threads import summarize  # noqa: E402


@dataclass(frozen=True, slots=True)
class ThreadCounts:
    messages: int
    threads: int
    threads_with_reviews: int
    reviews: int
    offered_tags: int
    sections_in_reviews: int
    rendered: int


def real_mails(data: Path) -> Iterator[RawMail]:
    """Every .eml of ``data/replies`` and ``data/x86``, in a stable order."""
    for folder in (data / "replies", *sorted(p for p in (data / "x86").iterdir() if p.is_dir())):
        for path in sorted(folder.glob("*.eml")):
            yield from open_input(str(path))


def count_threads(data: Path) -> ThreadCounts:
    """Group the real data into threads, render each, and count what was found."""
    from lint.engine.pipeline import read_patches

    raws = list(real_mails(data))
    summaries = [summarize(p, i) for i, p in enumerate(read_patches(raws))]
    threads = group_threads(summaries)
    reviews = [r for t in threads for r in t.reviews]
    ruleset = load_ruleset(Config())
    explainer = explain_mails(raws, ruleset)
    rendered = 0
    for fmt in FORMATS:
        if render(explainer, fmt):
            rendered += 1
    return ThreadCounts(
        messages=len(summaries),
        threads=len(threads),
        threads_with_reviews=sum(1 for t in threads if t.reviews),
        reviews=len(reviews),
        offered_tags=sum(len(r.review.offered) for r in reviews),
        sections_in_reviews=sum(len(r.review.sections) for r in reviews),
        rendered=rendered,
    )


def main() -> int:
    data = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data"
    if not data.is_dir():
        print(f"no data folder at {data}", file=sys.stderr)
        return 2
    counts = count_threads(data)
    print(f"messages:              {counts.messages}")
    print(f"threads:               {counts.threads}")
    print(f"threads with reviews:  {counts.threads_with_reviews}")
    print(f"reviews:               {counts.reviews}")
    print(f"offered tags:          {counts.offered_tags}")
    print(f"sections in reviews:   {counts.sections_in_reviews}")
    print(f"formats rendered:      {counts.rendered}/{len(FORMATS)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
