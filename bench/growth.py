"""How the time to read and lint one mail grows with one part of it (issue #15).

Each *shape* grows one part of an otherwise ordinary patch mail (a header, the
subject, a changelog line, a trailer, a review quote, a hunk...) to 10 KB, 100 KB and
1 MB. Each size is read and linted with every rule on, in a fresh process with a
time limit, and the script prints the seconds per size and the growth per tenfold
size. Linear work grows about 10x; a shape that grows more than 15x, or that runs
out of time, is marked FAIL. A traceback is a FAIL too.

    .venv/bin/python bench/growth.py                  # 10 KB and 100 KB
    .venv/bin/python bench/growth.py --max 1000000    # and 1 MB
    .venv/bin/python bench/growth.py --only from-plus --max 1000000

Then two shapes of a whole input, grown by messages (100, 1,000 and 10,000; the last
with ``--max 1000000``): copies of a review thread, and a References chain that deep,
each linted by ``patchlens lint`` with its thread pass.
"""

from __future__ import annotations

import argparse
import itertools
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

HEAD = """From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001
From: {author}
Date: Mon, 7 Dec 2026 10:00:00 +0000
Subject: {subject}
Message-ID: <growth-1@example.org>

{body}
Signed-off-by: {signoff}
{trailers}---
{notes}
diff --git a/{path} b/{path}
--- a/{path}
+++ b/{path}
@@ -10,3 +10,{count} @@ static void cpu_init_feature(void)
 {{
-	old_call();
+	new_call();{added}
 }}
"""
AUTHOR = "Ada Example <ada@example.org>"
BODY = "The helper repeats a test the others share; use the shared one.\n"


def mail(**parts: str) -> str:
    """The ordinary mail with some parts replaced."""
    values = {
        "author": AUTHOR,
        "subject": "[PATCH] x86/cpu: Use the shared feature test",
        "body": BODY,
        "signoff": AUTHOR,
        "trailers": "",
        "notes": "",
        "path": "arch/x86/kernel/cpu/common.c",
        "added": "",
    }
    values.update(parts)
    added = values["added"]
    values["count"] = str(3 + added.count("\n"))
    return HEAD.format(**values)


REPLY = """From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001
From: Tomas Reyes <tomas.reyes@example.org>
Date: Mon, 7 Dec 2026 11:00:00 +0000
Subject: Re: [PATCH] x86/cpu: Use the shared feature test
Message-ID: <growth-2@example.org>
In-Reply-To: <growth-1@example.org>
References: <growth-1@example.org>
{headers}
{body}
"""


def reply(body: str, headers: str = "") -> str:
    """A review reply to the ordinary mail, with ``body``."""
    return REPLY.format(body=body, headers=headers)


def qp_mail(size: int) -> str:
    """The ordinary mail, quoted-printable, its changelog one line of soft breaks."""
    headers = "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"
    headers += "Content-Transfer-Encoding: quoted-printable\n"
    text = mail(body=grown("ab=\n", size) + "\n")
    return text.replace(
        "Message-ID: <growth-1@example.org>\n", f"Message-ID: <growth-1@example.org>\n{headers}"
    )


def grown(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


HUNK = """\
@@ -{start},3 +{start},3 @@ static void setup_{number}(void)
 {{
-	old_call({number});
+	new_call({number});
 }}
"""
FILE = """\
diff --git a/{path} b/{path}
--- a/{path}
+++ b/{path}
"""


def with_diff(diff: str) -> str:
    """The ordinary mail with ``diff`` in place of its diff."""
    text = mail()
    return text[: text.index("diff --git ")] + diff


def many_hunks(size: int) -> str:
    """One file, as many small hunks as make ``size`` bytes."""
    path = "arch/x86/kernel/cpu/common.c"
    parts, used, number = [FILE.format(path=path)], 0, 0
    while used < size:
        parts.append(HUNK.format(start=10 + 10 * number, number=number))
        used += len(parts[-1])
        number += 1
    return with_diff("".join(parts))


def many_files(size: int) -> str:
    """As many files of one small hunk each as make ``size`` bytes."""
    parts, used, number = [], 0, 0
    while used < size:
        path = f"arch/x86/kernel/cpu/part{number}.c"
        parts.append(FILE.format(path=path) + HUNK.format(start=10, number=number))
        used += len(parts[-1])
        number += 1
    return with_diff("".join(parts))


SHAPES: dict[str, Callable[[int], str]] = {
    "from-plus": lambda n: mail(author=f"A <a@{grown('+', n)}>", signoff=f"A <a@{grown('+', n)}>"),
    "from-comments": lambda n: mail(author=f"A {grown('(', n)} <a@b.org>"),
    "subject-colons": lambda n: mail(subject=f"[PATCH] {grown(':', n)}"),
    "subject-colon-space": lambda n: mail(subject=f"[PATCH] {grown(': ', n)}"),
    "subject-re": lambda n: mail(subject=grown("Re:", n) + " x86: Fix"),
    "subject-brackets": lambda n: mail(subject=grown("[]", n) + " x86: Fix"),
    "subject-number": lambda n: mail(subject=f"[PATCH 1/{grown('9', n)}] x86: Fix"),
    "changelog-equals": lambda n: mail(body=grown("=", n) + "\n"),
    "changelog-spaces": lambda n: mail(body="please add" + grown(" ", n) + "a Problem section\n"),
    "changelog-url": lambda n: mail(body="See https://example.org/" + grown("a/", n) + "\n"),
    "changelog-commit-quote": lambda n: mail(
        body=f'Since commit 0123456789ab ("{grown("x", n)}") it is wrong.\n'
    ),
    "changelog-wrote": lambda n: mail(body=f"On Mon, {grown('x ', n)} wrote:\n> quoted\n"),
    "changelog-diff": lambda n: mail(body="diff --git a/" + grown("a/", n) + " b/x\n"),
    "changelog-lines": lambda n: mail(body=grown("A line of changelog text.\n", n)),
    "changelog-sections": lambda n: mail(body=grown("== CR Pinning Background ==\nText.\n\n", n)),
    "changelog-commit-refs": lambda n: mail(
        body=grown('Since commit 0123456789ab ("x86/cpu: Pin CR4 bits") it runs early.\n', n)
    ),
    "signoff-x": lambda n: mail(signoff=grown("x", n)),
    "signoff-lt": lambda n: mail(signoff=grown("<", n)),
    "signoff-at-lt": lambda n: mail(signoff=grown("@<", n)),
    "reviewed-by": lambda n: mail(trailers=f"Reviewed-by: {grown('x', n)}\n"),
    "reported-by": lambda n: mail(trailers=f"Reported-by: {grown('@<', n)}\n"),
    "co-developed-by": lambda n: mail(trailers=f"Co-developed-by: {grown('x', n)}\n"),
    "many-trailers": lambda n: mail(trailers=grown(f"Cc: {AUTHOR}\n", n)),
    "version-notes": lambda n: mail(notes="v2: " + grown("x", n) + "\n"),
    "file-name": lambda n: mail(path="arch/x86/" + grown("a/", n) + "x.c"),
    "added-line": lambda n: mail(added="\n+\t" + grown("x", n) + ";"),
    "added-lines": lambda n: mail(added=grown("\n+\tfoo();", n)),
    "many-hunks": many_hunks,
    "many-files": many_files,
    "hunk-header-digits": lambda n: mail().replace("@@ -10,3", f"@@ -{grown('1', n)},3"),
    "qp-soft-breaks": qp_mail,
    "reply-please-add": lambda n: reply("Please add" + grown(" ", n) + "a Problem section.\n"),
    "reply-wrote": lambda n: reply(f"On Mon, {grown('x ', n)} wrote:\n> quoted\n\nNo.\n"),
    "reply-quote-lines": lambda n: reply(grown("> A quoted line of the patch.\n", n)),
    "reply-sections": lambda n: reply("Something like this:\n\n" + grown("== X ==\nText.\n", n)),
    "reply-tags": lambda n: reply("With that:\n\n" + grown("Reviewed-by: T R <t@r.org>\n", n)),
    "references-chain": lambda n: reply(
        "Fine.\n", headers="References: " + grown("<a@b.org> ", n) + "\n"
    ).replace("References: <growth-1@example.org>\n", ""),
}


def thread_copies(copies: int) -> str:
    """An mbox of ``copies`` copies of a thread (a patch, a review, a re-roll), each copy
    with its own Message-IDs, as a list archive holds many threads."""
    out = []
    for n in range(copies):
        patch = mail().replace("<growth-1@example.org>", f"<p{n}@example.org>")
        review = reply("Please add a Problem section.\n")
        review = review.replace("<growth-2@example.org>", f"<r{n}@example.org>")
        review = review.replace("<growth-1@example.org>", f"<p{n}@example.org>")
        out += [patch, review]
    return "".join(out)


def references_chain(copies: int) -> str:
    """An mbox of ``copies`` replies, each answering the one before (a deep thread)."""
    out = [mail()]
    for n in range(copies):
        parent = "<growth-1@example.org>" if n == 0 else f"<d{n - 1}@example.org>"
        text = reply("Fine.\n").replace("<growth-2@example.org>", f"<d{n}@example.org>")
        out.append(text.replace("<growth-1@example.org>", parent))
    return "".join(out)


MBOX_SHAPES: dict[str, Callable[[int], str]] = {
    "mbox-thread-copies": thread_copies,
    "mbox-references-depth": references_chain,
}
"""Shapes of a whole input, grown by messages (100, 1,000, 10,000), linted by the
command line with its thread pass, as a list archive is."""


def run_mbox(text: str, limit: float) -> tuple[float | None, str]:
    """Seconds for ``patchlens lint`` on the mbox ``text`` in a fresh process."""
    with tempfile.NamedTemporaryFile("w", suffix=".mbox", delete=False) as handle:
        handle.write(text)
        path = handle.name
    command = [sys.executable, "-m", "lint", "lint", "-q", "--format", "terse", path]
    started = time.perf_counter()
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=limit, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return None, "timeout"
    finally:
        Path(path).unlink()
    if done.returncode not in (0, 1):
        lines = done.stderr.strip().splitlines()
        return None, lines[-1] if lines else f"exit {done.returncode}"
    return time.perf_counter() - started, ""


def run_one(text: str, limit: float) -> tuple[float | None, str]:
    """Seconds to read and lint ``text`` in a fresh process, or ``None`` past ``limit``."""
    with tempfile.NamedTemporaryFile("w", suffix=".patch", delete=False) as handle:
        handle.write(text)
        path = handle.name
    code = (
        "import sys, time\n"
        "from lint.config import Config\n"
        "from lint.engine.pipeline import read_patches\n"
        "from lint.engine.rules import run\n"
        "from lint.rulebook.ruleset import load_ruleset\n"
        "from lint.sources.inputs import open_input\n"
        "from lint.thread.threads import summarize\n"
        "rules = load_ruleset(Config())\n"
        "rules = rules.select([r.id for r in rules.rules])\n"
        "from lint.errors import InputError\n"
        "start = time.perf_counter()\n"
        "try:\n"
        "    for seq, patch in enumerate(read_patches(open_input(sys.argv[1]))):\n"
        "        run(patch, rules)\n"
        "        summarize(patch, seq, detail=True)\n"
        "except InputError as error:  # refused as bad input, one line: a right answer\n"
        "    print('refused', error, file=sys.stderr)\n"
        "print(time.perf_counter() - start)\n"
    )
    try:
        done = subprocess.run(
            [sys.executable, "-c", code, path],
            capture_output=True,
            text=True,
            timeout=limit,
            cwd=ROOT,
        )
    except subprocess.TimeoutExpired:
        return None, "timeout"
    finally:
        Path(path).unlink()
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines()
        return None, lines[-1] if lines else f"exit {done.returncode}"
    note = done.stderr.strip() if done.stderr.startswith("refused") else ""
    return float(done.stdout.split()[-1]), note


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max", type=int, default=100_000, help="largest size, bytes")
    parser.add_argument("--only", nargs="*", default=None, help="shapes to run")
    parser.add_argument("--limit", type=float, default=30.0, help="seconds per run")
    args = parser.parse_args()
    sizes = [n for n in (10_000, 100_000, 1_000_000) if n <= args.max]
    failures = 0
    print(f"{'shape':24} " + " ".join(f"{n // 1000:>7} KB" for n in sizes) + "   growth")
    for name, make in SHAPES.items():
        if args.only and name not in args.only:
            continue
        times: list[float | None] = []
        problem = ""
        refused = ""
        for size in sizes:
            started = time.perf_counter()
            seconds, problem = run_one(make(size), args.limit)
            times.append(seconds)
            if seconds is None:
                problem = problem or f"over {time.perf_counter() - started:.0f} s"
                break
            if problem:  # refused as bad input: fast, one line, nothing to grow further
                refused, problem = f"(refused at {size // 1000} KB: {problem[8:60]})", ""
                break
        growth = [
            later / max(earlier, 1e-3)
            for earlier, later in itertools.pairwise(times)
            if earlier is not None and later is not None
        ]
        bad = bool(problem) or any(g > 15 for g in growth)
        failures += bad
        cells = " ".join(f"{t:>8.3f}s" if t is not None else f"{'-':>9}" for t in times)
        cells += " " * (10 * (len(sizes) - len(times)))
        shown = " ".join(f"{g:5.1f}x" for g in growth)
        verdict = "FAIL " + problem if bad else f"ok {refused}"
        print(f"{name:24} {cells}   {shown} {verdict}".rstrip())
    counts = [n for n in (100, 1_000, 10_000) if n * 10 <= args.max]
    if (counts and not args.only) or any(name in MBOX_SHAPES for name in args.only or ()):
        print(f"\n{'mbox shape':24} " + " ".join(f"{n:>6} msg" for n in counts) + "   growth")
    for name, make in MBOX_SHAPES.items():
        if args.only and name not in args.only:
            continue
        times = []
        problem = ""
        for count in counts:
            seconds, problem = run_mbox(make(count), args.limit * 10)
            times.append(seconds)
            if seconds is None:
                break
        growth = [
            later / max(earlier, 1e-3)
            for earlier, later in pairwise(times)
            if earlier is not None and later is not None
        ]
        bad = bool(problem) or any(g > 15 for g in growth)
        failures += bad
        cells = " ".join(f"{t:>8.3f}s" if t is not None else f"{'-':>9}" for t in times)
        shown = " ".join(f"{g:5.1f}x" for g in growth)
        print(f"{name:24} {cells}   {shown} {'FAIL ' + problem if bad else 'ok'}".rstrip())
    print(f"\n{failures} shape(s) failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
