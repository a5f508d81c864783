"""Evaluate the pinned-bit-bringup rule on real x86 commits, and what it costs.

    .venv/bin/python bench/eval_pinning.py                  # rulebook facts
    .venv/bin/python bench/eval_pinning.py --tree DIR       # facts from a kernel tree
    .venv/bin/python bench/eval_pinning.py --no-timing      # skip the corpus timing

1. Runs the rule over every patch of ../shared/data/x86 and prints each commit it
   flags with its reasoning (bits, function, bringup path), plus counts.
2. Compares with our labels (bench/pinning-labels.tsv: file, yes/no, reason) and
   prints precision and recall over the labelled commits.
3. Lints all of ../shared/data/corpus with the whole rulebook and with the rulebook
   minus this rule, in the same run (interleaved, best of N), and prints the overhead.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lint.checks.api import CheckContext  # noqa: E402
from lint.config import Config  # noqa: E402
from lint.engine.context import run_view  # noqa: E402
from lint.engine.pipeline import read_patches  # noqa: E402
from lint.engine.rules import run  # noqa: E402
from lint.mail.model import RawMail  # noqa: E402
from lint.resources import resource_dir  # noqa: E402
from lint.rulebook.ruleset import Ruleset, load_rule, load_ruleset  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
LABELS = Path(__file__).with_name("pinning-labels.tsv")
RULE = "pinned-bit-bringup"


def full_ruleset() -> Ruleset:
    """The packaged rulebook, every rule on."""
    ruleset = load_ruleset(Config())
    return ruleset.select(only=[rule.id for rule in ruleset.rules])


def read_labels() -> dict[str, tuple[bool, str]]:
    labels: dict[str, tuple[bool, str]] = {}
    for number, row in enumerate(LABELS.read_text(encoding="utf-8").splitlines(), 1):
        if not row.strip() or row.startswith("#"):
            continue
        name, expected, reason = row.split("\t", 2)
        if expected not in ("yes", "no"):
            sys.exit(f"{LABELS}:{number}: expected 'yes' or 'no', got {expected!r}")
        labels[name] = (expected == "yes", reason)
    return labels


def evaluate(context: CheckContext) -> None:
    rule = load_rule(Path(resource_dir("rules")) / f"{RULE}.toml")
    ruleset = Ruleset(rules=(rule,))
    files = sorted((DATA / "x86").rglob("*.patch"))
    flagged: dict[str, list[dict[str, str]]] = {}
    for path in files:
        name = path.relative_to(DATA / "x86").as_posix()
        for patch in read_patches([RawMail(path.read_bytes(), name)]):
            found = [dict(d.data) for d in run(patch, ruleset, context)]
            if found:
                flagged[name] = found
    for name, found in flagged.items():
        print(f"FLAG {name}")
        for item in found:
            print(f"     {item['file']}: {item['kind']} in {item['function']} [{item['bits']}]")
            print(f"     path: {item['path']}")
    print(f"\n{len(flagged)} of {len(files)} x86 commits flagged")
    labels = read_labels()
    tp = sum(1 for name, (yes, _) in labels.items() if yes and name in flagged)
    fp = sum(1 for name, (yes, _) in labels.items() if not yes and name in flagged)
    fn = sum(1 for name, (yes, _) in labels.items() if yes and name not in flagged)
    unlabelled = sorted(name for name in flagged if name not in labels)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    print(f"labelled: {len(labels)}  tp={tp} fp={fp} fn={fn}")
    print(f"precision {precision:.2f}  recall {recall:.2f}")
    for name, (yes, reason) in sorted(labels.items()):
        if yes != (name in flagged):
            print(f"  {'MISSED' if yes else 'FALSE'}: {name} ({reason})")
    for name in unlabelled:
        print(f"  UNLABELLED FLAG: {name}")


def lint_all(raws: list[RawMail], ruleset: Ruleset, context: CheckContext) -> float:
    start = time.perf_counter()
    for patch in read_patches(raws):
        run(patch, ruleset, context)
    return time.perf_counter() - start


def timing(context: CheckContext, rounds: int) -> None:
    raws = [
        RawMail(path.read_bytes(), str(path))
        for path in sorted((DATA / "corpus").rglob("*"))
        if path.is_file()
    ]
    with_rule = full_ruleset()
    without = with_rule.select(ignore=[RULE])
    alone = Ruleset(rules=tuple(r for r in with_rule.rules if r.id == RULE))
    nothing = Ruleset(rules=())
    best = dict.fromkeys(("with", "without", "alone", "parse"), float("inf"))
    for round_number in range(rounds):
        # Alternate the order: the machine is shared and warms up.
        order = [("without", without), ("with", with_rule)]
        order = order if round_number % 2 == 0 else order[::-1]
        for name, ruleset in [*order, ("alone", alone), ("parse", nothing)]:
            best[name] = min(best[name], lint_all(raws, ruleset, context))
    overhead = (best["with"] - best["without"]) / best["without"] * 100
    own = best["alone"] - best["parse"]
    print(
        f"\ncorpus: {len(raws)} files; best of {rounds}: without {RULE} {best['without']:.2f} s, "
        f"with it {best['with']:.2f} s: overhead {overhead:+.1f}% (target < 10%)"
    )
    print(
        f"the rule alone: {best['alone']:.2f} s against {best['parse']:.2f} s for reading and "
        f"analysing the mails with no rule: its own cost {own:.2f} s = "
        f"{own / best['without'] * 100:.1f}% of the full lint"
    )


def callgraph_timing(source: Path) -> None:
    """Time the arch/x86 scan of a kernel tree: cold, then from the cache.

    ``source`` is a kernel tree, or Debian's ``linux-source-*.tar.xz`` (its
    ``arch/x86`` and ``scripts`` are extracted to a temporary folder first).
    """
    import tarfile
    import tempfile

    from lint.kernel.facts import load_facts
    from lint.kernel.tree import scan_tree

    facts = load_facts(Path(resource_dir("rules")) / "data" / "kernel-facts.toml")
    with tempfile.TemporaryDirectory(prefix="callgraph-") as tmp:
        tree = source
        if source.is_file():
            with tarfile.open(source) as tar:
                top = tar.next()
                prefix = top.name.split("/", 1)[0] if top else ""
                members = [m for m in tar if m.name.startswith(f"{prefix}/arch/x86/")]
                tar.extractall(tmp, members=members, filter="data")
            tree = Path(tmp) / prefix
        cache = Path(tmp) / "cache"
        start = time.perf_counter()
        scan = scan_tree(facts, tree, "", cache)
        cold = time.perf_counter() - start
        start = time.perf_counter()
        scan_tree(facts, tree, "", cache)
        warm = time.perf_counter() - start
    functions = sum(len(items) for items in scan.functions.values())
    print(
        f"call graph of arch/x86: {len(scan.functions)} files, {functions} functions: "
        f"{cold:.2f} s cold, {warm:.2f} s from the cache (target < 5 s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--callgraph",
        type=Path,
        metavar="TREE_OR_TARBALL",
        help="only time the arch/x86 call graph of a kernel tree or linux-source tarball",
    )
    parser.add_argument("--tree", type=Path, help="kernel tree to read the facts from")
    parser.add_argument("--tree-ref", default="", help="git revision of --tree")
    parser.add_argument("--rounds", type=int, default=3, help="timing rounds (best of)")
    parser.add_argument("--no-timing", action="store_true", help="skip the corpus timing")
    args = parser.parse_args()
    if args.callgraph:
        callgraph_timing(args.callgraph)
        return
    if not DATA.is_dir():
        sys.exit(f"eval_pinning: {DATA} is absent")
    rule_only = Ruleset(rules=(load_rule(Path(resource_dir("rules")) / f"{RULE}.toml"),))
    view = run_view(rule_only, args.tree, args.tree_ref)
    context = CheckContext(pinning_view=view)
    print(f"facts: {view.source if view else 'rulebook (no --tree)'}\n")
    evaluate(context)
    if not args.no_timing:
        timing(context, args.rounds)


if __name__ == "__main__":
    main()
