"""Generated mails through the parser and every rule: count the tracebacks (issue 15).

Each mail is put together from pieces a patch mail has (headers with encoded words
and comments, subjects with prefixes, changelog lines, sections, every trailer kind,
version notes, diffs with odd headers and hunks), each piece drawn at random and
often mangled: cut short, doubled, or with bytes no mail should hold. Every mail is
decoded, analysed and linted with every rule on, and its thread summary made; any
exception but the one-line refusal of bad input (``InputError``) is a failure and
is printed with the seed that makes it again.

    .venv/bin/python bench/fuzz.py --count 1000000 [--seed 1] [--jobs 2]

Prints the mails generated, refused and failed, and the time taken.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import traceback
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PIECES = {
    "from": [
        "Ada Example <ada@example.org>",
        "=?UTF-8?q?J=C3=B6rg?= <j@example.org>",
        '"Last, First" (comment (nested)) <x@y>',
        "a@b",
        "<>",
        "=?utf-8?b?////?=",
        "(((",
    ],
    "subject": [
        "[PATCH] x86/fred: Fix boot",
        "Re: [PATCH v2 3/7] x86/sev: Skip",
        "[PATCH 0/0]",
        "[PATCH v999999 1/2]",
        "[[[]]]",
        ":::",
        "=?UTF-8?q?=E2=80=9C?=",
        "",
    ],
    "line": [
        "The helper repeats the test; use the shared one.",
        "== FRED Background ==",
        "==",
        'commit 0123456789ab ("x86: Fix")',
        'Fixes: 0123456789ab ("x86: Fix")',
        "Link: https://lore.kernel.org/r/20260101.1-1-a@b/",
        "Please add a Problem section.",
        "> quoted",
        "On Mon, A wrote:",
        "diff --git a/x b/x",
        "v2: changed",
        "This patch fixes it.",
        "We do this.",
        "\t\t\t",
        "\x00\x01",
    ],
    "trailer": [
        "Signed-off-by: Ada Example <ada@example.org>",
        "Reviewed-by: T R <t@r.org>",
        "Reported-and-tested-by: x",
        "Co-developed-by: B <b@c>",
        "Cc: stable@vger.kernel.org # 6.9+",
        "Closes: https://lore.kernel.org/all/x@y/",
        "Signed-off-by:",
        "Fixes:",
    ],
    "diff": [
        "diff --git a/arch/x86/kernel/cpu/common.c b/arch/x86/kernel/cpu/common.c\n"
        "--- a/arch/x86/kernel/cpu/common.c\n+++ b/arch/x86/kernel/cpu/common.c\n"
        "@@ -1,3 +1,3 @@ void cr4_init(void)\n {\n-\tcr4_set_bits(X86_CR4_FRED);\n+\tfoo();\n }\n",
        "diff --git a/x b/x\nnew file mode 100644\n--- /dev/null\n+++ b/x\n@@ -0,0 +1 @@\n+x\n",
        "diff --git a/x b/y\nrename from x\nrename to y\n",
        "@@ -1 +1 @@\n-\n+\n",
        "@@ -99999999999,1 +1,99999999999 @@\n",
        "Binary files a/x and b/x differ\n",
        "--- a\n+++ b\n",
    ],
}


def mangle(rng: random.Random, text: str) -> str:
    """``text``, or it cut short, doubled, or with a stray character put in."""
    choice = rng.random()
    if choice < 0.6 or not text:
        return text
    if choice < 0.7:
        return text[: rng.randrange(len(text))]
    if choice < 0.8:
        return text * rng.randint(2, 50)
    at = rng.randrange(len(text) + 1)
    return (
        text[:at] + rng.choice(["\r", "\x00", "\ufeff", "=", "<", "(", "\udcff", "é"]) + text[at:]
    )


def make_mail(rng: random.Random) -> bytes:
    """One generated mail (see the module docstring)."""
    pick = lambda kind: mangle(rng, rng.choice(PIECES[kind]))  # noqa: E731
    headers = [f"From: {pick('from')}", f"Subject: {pick('subject')}"]
    if rng.random() < 0.3:
        headers.append("Content-Transfer-Encoding: " + rng.choice(["quoted-printable", "base64"]))
    if rng.random() < 0.3:
        headers.append(f"Content-Type: text/plain; charset={rng.choice(['utf-8', 'x', ''])}")
    if rng.random() < 0.3:
        headers.append(f"In-Reply-To: <{rng.randint(0, 9)}@x>")
    body = [pick("line") for _ in range(rng.randint(0, 12))]
    trailers = [pick("trailer") for _ in range(rng.randint(0, 5))]
    tail = ["---", *(pick("line") for _ in range(rng.randint(0, 2)))]
    diffs = [pick("diff") for _ in range(rng.randint(0, 3))]
    text = "\n".join([*headers, "", *body, "", *trailers, *tail, *diffs])
    return text.encode("utf-8", "surrogateescape")


def run_slice(seed: int, count: int) -> tuple[int, int, list[str]]:
    """Generate and lint ``count`` mails from ``seed``: (refused, failed, failures)."""
    from lint.config import Config
    from lint.engine.pipeline import read_patches
    from lint.engine.rules import run
    from lint.errors import InputError
    from lint.mail.model import RawMail
    from lint.rulebook.ruleset import load_ruleset
    from lint.thread.threads import summarize

    rules = load_ruleset(Config())
    rules = rules.select([rule.id for rule in rules.rules])
    refused = failed = 0
    failures: list[str] = []
    for n in range(count):
        rng = random.Random(f"{seed}-{n}")
        data = make_mail(rng)
        try:
            for patch in read_patches([RawMail(data, "fuzz")]):
                run(patch, rules)
                summarize(patch, n, detail=True)
        except InputError:
            refused += 1
        except Exception:
            failed += 1
            if len(failures) < 5:
                failures.append(f"seed {seed}-{n}: {traceback.format_exc(limit=3)}")
    return refused, failed, failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    slices = max(args.jobs * 8, 1)
    size = -(-args.count // slices)
    started = time.perf_counter()
    refused = failed = 0
    failures: list[str] = []
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        seeds = [args.seed * 1_000_000 + s for s in range(slices)]
        for result in pool.map(run_slice, seeds, [size] * slices):
            refused, failed = refused + result[0], failed + result[1]
            failures += result[2]
    total = size * slices
    print(f"{total} mails generated, {refused} refused as bad input, {failed} failed")
    print(f"{time.perf_counter() - started:.0f} s")
    for failure in failures[:10]:
        print(failure)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
