"""Patchwork as a second opinion: where its parser and patchlens read the same mail apart.

Feeds every file of ``../shared/data/replies`` and ``../shared/data/torture`` (one Patchwork
project per file, so that files do not group with each other) to the real Patchwork 3.2.1
parser (``patchwork.parser.parse_mail``, what ``parsemail`` runs) and to patchlens, and
compares, per Message-ID:

- **kind**: Patchwork keeps a mail as a patch (a diff or a pull request, subject not
  ``Re:``), a cover letter, a comment, or not at all; patchlens lints a mail as a patch
  unless it is a reply or a cover letter (:func:`lint.engine.rules.is_linted`), and takes
  a cover letter as ``[PATCH 0/N]``;
- **version** of patches and cover letters (``v2``);
- **series**: which patches and cover letters go together (Patchwork's ``Series``,
  patchlens's :func:`lint.thread.series.group_series`), compared as partitions.

Prints the counts and every disagreement; ``docs/patchwork-differences.md`` explains them.

    .venv/bin/python bench/patchwork_agreement.py [--keep DIR]

Patchwork is unpacked from ``../shared/vendor/patchwork-3.2.1.tar.gz`` and installed into
``bench/out/patchwork-venv/`` (made once, as the vendor README says; needs the package
registry).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
TARBALL = SHARED / "vendor" / "patchwork-3.2.1.tar.gz"
PINS = ("Django~=5.1.0", "djangorestframework~=3.15.0", "django-filter~=24.3.0", "sqlparse~=0.5.1")
VENV = ROOT / "bench" / "out" / "patchwork-venv"
sys.path.insert(0, str(ROOT))

# Run by Patchwork's own Python, with Django set up on a fresh SQLite database.
PATCHWORK_SIDE = r"""
import json, mailbox, sys
from email import message_from_binary_file
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
call_command("loaddata", "default_states", "default_tags", verbosity=0)
from patchwork.models import Cover, CoverComment, Patch, PatchComment, Project
from patchwork.parser import parse_mail

def messages(path):
    with open(path, "rb") as handle:
        head = handle.read(5)
    if head == b"From ":
        yield from mailbox.mbox(path, factory=None)
    else:
        with open(path, "rb") as handle:
            yield message_from_binary_file(handle)

result = {}
for number, path in enumerate(json.load(sys.stdin)):
    listid = f"f{number}.bench.example.org"
    project = Project.objects.create(linkname=f"f{number}", name=f"f{number}", listid=listid)
    errors = []
    for mail in messages(path):
        try:
            parse_mail(mail, listid)
        except Exception as error:  # a duplicate, a mail without Message-Id...
            errors.append(f"{type(error).__name__}: {error}"[:200])
    seen = {}
    for patch in Patch.objects.filter(project=project):
        series = patch.series
        seen[patch.msgid] = {"kind": "patch", "series": series.id if series else None,
                             "version": series.version if series else None}
    for cover in Cover.objects.filter(project=project):
        series = cover.series.first() if hasattr(cover.series, "first") else cover.series
        seen[cover.msgid] = {"kind": "cover", "series": series.id if series else None,
                             "version": series.version if series else None}
    for comment in PatchComment.objects.filter(patch__project=project):
        seen.setdefault(comment.msgid, {"kind": "comment"})
    for comment in CoverComment.objects.filter(cover__project=project):
        seen.setdefault(comment.msgid, {"kind": "comment"})
    result[path] = {"mails": seen, "errors": errors}
    # Patchwork looks some things up across projects (a cover letter by its name): each
    # file is read on a database that holds no other file's mail.
    Patch.objects.filter(project=project).delete()
    Cover.objects.filter(project=project).delete()
    project.delete()
json.dump(result, sys.stdout)
"""


def ensure_patchwork() -> tuple[Path, Path]:
    """Patchwork's Python and its source folder, installed once into :data:`VENV`."""
    if not TARBALL.exists():
        sys.exit(f"{TARBALL} is absent: no Patchwork to compare with")
    key = hashlib.sha256(TARBALL.read_bytes() + " ".join(PINS).encode()).hexdigest()[:16]
    marker = VENV / f"bench-ready-{key}"
    source = VENV / "src" / "patchwork-3.2.1"
    python = VENV / "bin" / "python"
    if not marker.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", *PINS], check=True)
        (VENV / "src").mkdir(exist_ok=True)
        with tarfile.open(TARBALL) as archive:
            archive.extractall(VENV / "src", filter="data")
        marker.write_text("installed for bench/patchwork_agreement.py\n")
    return python, source


def patchwork_view(files: list[str]) -> dict[str, dict[str, object]]:
    python, source = ensure_patchwork()
    with tempfile.TemporaryDirectory() as scratch:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "patchwork.settings.dev",
            "DATABASE_TYPE": "sqlite3",
            "DATABASE_NAME": str(Path(scratch) / "pw.sqlite3"),
        }
        done = subprocess.run(
            [str(python), "-c", PATCHWORK_SIDE],
            input=json.dumps(files),
            capture_output=True,
            text=True,
            cwd=source,
            env=env,
            check=False,
            timeout=1800,
        )
    if done.returncode != 0:
        sys.exit(f"Patchwork failed:\n{done.stderr[-3000:]}")
    view: dict[str, dict[str, object]] = json.loads(done.stdout)
    return view


def patchlens_view(path: str) -> dict[str, object]:
    """What patchlens reads in one file: kind, version and series of each message."""
    from lint.engine.pipeline import read_patches
    from lint.engine.rules import is_linted
    from lint.errors import InputError
    from lint.sources.inputs import open_input
    from lint.thread.series import SeriesEntry, group_series

    mails: dict[str, dict[str, object]] = {}
    entries: list[SeriesEntry] = []
    try:
        for patch in read_patches(open_input(path)):
            msgid = patch.mail.message_id
            subject = patch.subject
            if subject.is_cover_letter and not subject.reply:
                kind = "cover"
            elif not is_linted(patch):  # a reply, or a follow-up that dropped Re:
                kind = "comment"
            else:
                kind = "patch"
            has_diff = bool(patch.diff_source.text.strip())
            mails[msgid] = {"kind": kind, "version": subject.version, "diff": has_diff}
            if kind != "comment":
                entries.append(SeriesEntry.of(patch))
    except InputError as error:
        return {"mails": mails, "errors": [str(error)]}
    for number, group in enumerate(group_series(entries, [path] * len(entries))):
        for position in group:
            mails[entries[position].message_id]["series"] = number
    return {"mails": mails, "errors": []}


def partitions(mails: dict[str, dict[str, object]], keep: set[str]) -> set[frozenset[str]]:
    groups: dict[object, set[str]] = defaultdict(set)
    for msgid, facts in mails.items():
        if msgid in keep and facts.get("series") is not None:
            groups[facts["series"]].add(msgid)
    return {frozenset(group) for group in groups.values()}


def _shown(parts: set[frozenset[str]]) -> str:
    """Series as ``a,b | c``: the first characters of their Message-IDs."""
    return " | ".join(
        ",".join(sorted(m.strip("<>")[:18] for m in part)) for part in sorted(parts, key=min)
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="write both views as JSON here")
    args = parser.parse_args()
    folders = [SHARED / "data" / "replies", SHARED / "data" / "torture"]
    files = sorted(
        str(p)
        for folder in folders
        for p in folder.rglob("*")
        if p.is_file()
        and p.suffix in (".eml", ".mbox", ".mbx", ".patch", "")
        and p.name != "README.md"
        and not p.name.endswith(".tsv")
    )
    theirs = patchwork_view(files)
    counts: Counter[str] = Counter()
    refusals: Counter[str] = Counter()
    """Mails a parser refused, by its reason (each side's own bad-input verdict)."""
    lines: list[str] = []
    for path in files:
        ours = patchlens_view(path)
        pw = theirs.get(path, {"mails": {}, "errors": []})
        ours_mails: dict[str, dict[str, object]] = ours["mails"]  # type: ignore[assignment]
        pw_mails: dict[str, dict[str, object]] = pw["mails"]  # type: ignore[assignment]
        name = os.path.relpath(path, SHARED / "data")
        for msgid in sorted(set(ours_mails) | set(pw_mails)):
            if not msgid:
                continue
            mine, their = ours_mails.get(msgid), pw_mails.get(msgid)
            counts["messages"] += 1
            mine_kind = mine["kind"] if mine else "unread"
            their_kind = their["kind"] if their else "not kept"
            if mine_kind == "patch" and their_kind == "not kept" and mine and not mine["diff"]:
                mine_kind = "patch (no diff)"
            if mine_kind != their_kind:
                counts[f"kind: {mine_kind} / {their_kind}"] += 1
                lines.append(f"{name} {msgid}: patchlens {mine_kind}, patchwork {their_kind}")
                continue
            counts["kind agrees"] += 1
            versioned = their is not None and their.get("version") is not None
            comparable = mine_kind in ("patch", "cover") and versioned
            if comparable and mine and their and mine["version"] != their["version"]:
                counts["version differs"] += 1
                lines.append(
                    f"{name} {msgid}: version patchlens v{mine['version']}, "
                    f"patchwork v{their['version']}"
                )
        both = {m for m in ours_mails if m in pw_mails and pw_mails[m].get("series") is not None}
        mine_parts, their_parts = partitions(ours_mails, both), partitions(pw_mails, both)
        if mine_parts != their_parts:
            counts["files whose series differ"] += 1
            lines.append(
                f"{name}: series patchlens [{_shown(mine_parts)}] patchwork [{_shown(their_parts)}]"
            )
        counts["files"] += 1
        for error in pw["errors"]:  # type: ignore[attr-defined]
            refusals[f"patchwork: {error.split(': ', 1)[-1][:60]}"] += 1
        for error in ours["errors"]:  # type: ignore[attr-defined]
            refusals[f"patchlens: {error.split(': ', 2)[-1][:60]}"] += 1
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        (args.keep / "patchwork.json").write_text(json.dumps(theirs, indent=1))
    for key, value in sorted(counts.items()):
        print(f"{key:40} {value}")
    print("\nrefused as bad input, by reason:")
    for key, value in refusals.most_common():
        print(f"  {value:4}  {key}")
    print()
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
