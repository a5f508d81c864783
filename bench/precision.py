"""How often our own rules fire on landed tip commits, and how often they are right.

    .venv/bin/python bench/precision.py                 # firing rates, precision on the dev labels
    .venv/bin/python bench/precision.py --part held     # held-aside labels (at the end)
    .venv/bin/python bench/precision.py --part all
    .venv/bin/python bench/precision.py --unlabelled F  # unlabelled findings to F (JSON lines)

The commits are every ``.patch`` of ../shared/data/corpus/tip and ../shared/data/x86,
one per Commit-ID (the x86 folder repeats 112 tip commits). Own rules are those without
a checkpatch name: checkpatch's are measured against checkpatch.pl instead
(bench/checkpatch_parity.py).

A *unit* is one rule on one commit: the rule's warning and error findings there
(notes are counted apart, never as errors). bench/precision-labels.tsv holds hand labels
per unit (``yes``: a tip maintainer would agree, at that severity; see
bench/labelling.md), with the input lines of the findings that were judged: when a
rule's findings on a commit move to other lines, the label no longer applies and the
unit counts as unlabelled ("changed") until it is labelled again.

The labels are split by Commit-ID: a commit whose first eight
hex digits are 0 modulo 5 is in the held-aside part, measured only at the end, so
that the rules are not tuned to it. Precision counts labelled units only; the number
of unlabelled ones is printed beside it.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lint.checks.api import CheckContext  # noqa: E402
from lint.config import Config  # noqa: E402
from lint.diagnostic import Diagnostic, Severity  # noqa: E402
from lint.engine.pipeline import read_patches  # noqa: E402
from lint.engine.rules import run  # noqa: E402
from lint.mail.model import RawMail  # noqa: E402
from lint.rulebook.ruleset import load_ruleset  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
LABELS = Path(__file__).with_name("precision-labels.tsv")
SECTION_RULES = (
    "cr-pinning-background",
    "fred-background",
    "sev-background",
    "tdx-background",
    "problem-section",
    "fix-section",
)
TARGET = 0.90


def part(commit: str) -> str:
    """``held`` or ``dev``: the label part a commit belongs to."""
    return "held" if int(commit[:8], 16) % 5 == 0 else "dev"


def commits() -> dict[str, Path]:
    """Every distinct landed commit of the data, by its 12-digit Commit-ID."""
    found: dict[str, Path] = {}
    paths = sorted((DATA / "corpus" / "tip").glob("*.patch")) + sorted(
        (DATA / "x86").glob("*/*.patch")
    )
    for path in paths:
        found.setdefault(path.name[:12], path)
    return found


Label = tuple[bool, str, str]
"""yes or no, the reason, the judged lines (comma-separated)."""


def read_labels() -> dict[tuple[str, str], Label]:
    labels: dict[tuple[str, str], Label] = {}
    for number, row in enumerate(LABELS.read_text(encoding="utf-8").splitlines(), 1):
        if not row.strip() or row.startswith("#"):
            continue
        commit, rule, lines, verdict, reason = row.split("\t", 4)
        if verdict not in ("yes", "no"):
            sys.exit(f"{LABELS}:{number}: expected 'yes' or 'no', got {verdict!r}")
        if (commit, rule) in labels:
            sys.exit(f"{LABELS}:{number}: {commit} {rule} is labelled twice")
        labels[commit, rule] = (verdict == "yes", reason, lines)
    return labels


def lines_of(items: list[Diagnostic]) -> str:
    """The judged-lines key of a unit: its findings' input lines (and the further lines
    a finding names, when it stands for several occurrences)."""
    numbers = {d.location.line for d in items}
    for item in items:
        numbers.update(int(n) for n in dict(item.data).get("lines", "").split(",") if n)
    return ",".join(str(n) for n in sorted(numbers))


def lint_all(
    found: dict[str, Path], own: set[str]
) -> tuple[dict[tuple[str, str], list[Diagnostic]], collections.Counter[str]]:
    """Own-rule warning/error findings per (commit, rule), and note counts per rule."""
    ruleset = load_ruleset(Config())
    context = CheckContext()
    units: dict[tuple[str, str], list[Diagnostic]] = {}
    notes: collections.Counter[str] = collections.Counter()
    for commit, path in found.items():
        for patch in read_patches([RawMail(path.read_bytes(), str(path))]):
            seen_notes = set()
            for diagnostic in run(patch, ruleset, context):
                if diagnostic.rule not in own:
                    continue
                if diagnostic.severity >= Severity.WARNING:
                    units.setdefault((commit, diagnostic.rule), []).append(diagnostic)
                else:
                    seen_notes.add(diagnostic.rule)
            notes.update(seen_notes)
    return units, notes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=("dev", "held", "all"), default="dev")
    parser.add_argument("--unlabelled", type=Path, help="write unlabelled units here")
    args = parser.parse_args()
    if not DATA.is_dir():
        print(f"precision: {DATA} is absent", file=sys.stderr)
        return 2
    ruleset = load_ruleset(Config())
    own = {rule.id for rule in ruleset.rules if not rule.checkpatch}
    found = commits()
    units, notes = lint_all(found, own)
    labels = read_labels()
    current = {
        key: label
        for key, label in labels.items()
        if key in units and label[2] == lines_of(units[key])
    }
    wanted = (lambda commit: True) if args.part == "all" else (lambda c: part(c) == args.part)
    total = len(found)
    print(f"{total} landed commits; labels: {len(labels)} ({args.part} part measured)\n")
    print(
        f"{'rule':26} {'fires':>6} {'rate':>6} {'notes':>6} {'yes':>4} {'no':>4} "
        f"{'unlab':>5}  precision"
    )
    failing = []
    for rule in sorted(own):
        fired = [c for c, name in sorted(units) if name == rule and wanted(c)]
        everywhere = sum(1 for _, name in units if name == rule)
        yes = sum(1 for c in fired if current.get((c, rule), (None,))[0] is True)
        no = sum(1 for c in fired if current.get((c, rule), (None,))[0] is False)
        unlabelled = len(fired) - yes - no
        precision = f"{yes / (yes + no):.2f}" if yes + no else "-"
        if yes + no and yes / (yes + no) < TARGET:
            failing.append(rule)
        print(
            f"{rule:26} {everywhere:6} {everywhere / total:6.1%} {notes[rule]:6} {yes:4} "
            f"{no:4} {unlabelled:5}  {precision}"
        )
    everything = [(c, r) for c, r in units if wanted(c)]
    yes = sum(1 for key in everything if current.get(key, (None,))[0] is True)
    no = sum(1 for key in everything if current.get(key, (None,))[0] is False)
    if yes + no:
        print(f"\nall own rules: {yes} yes, {no} no: precision {yes / (yes + no):.2f}")
    errors = sorted(
        {
            c
            for (c, r), items in units.items()
            if r in SECTION_RULES and any(d.severity is Severity.ERROR for d in items)
        }
    )
    print(f"\nsection errors on {len(errors)} commits:")
    for commit in errors:
        rules = [r for r in SECTION_RULES if (commit, r) in units]
        print(f"  {found[commit].relative_to(DATA)}: {', '.join(rules)}")
    if args.unlabelled:
        with args.unlabelled.open("w", encoding="utf-8") as out:
            for (commit, rule), items in sorted(units.items()):
                if not wanted(commit) or (commit, rule) in current:
                    continue
                out.write(
                    json.dumps(
                        {
                            "commit": commit,
                            "path": str(found[commit]),
                            "rule": rule,
                            "lines": lines_of(items),
                            "relabel": (commit, rule) in labels,
                            "severity": max(d.severity for d in items).label,
                            "findings": [f"{d.location.line}: {d.message}" for d in items],
                        }
                    )
                    + "\n"
                )
    if failing:
        print(f"\nbelow {TARGET:.2f}: {', '.join(failing)}")
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
