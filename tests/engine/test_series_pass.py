"""Series rules in `patchlens lint`: a folder, an mbox, a thread; findings under their mail."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from mails import CLEAN_PATCH

from lint.thread.series import SeriesEntry, group_series

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "docs" / "lint-report.schema.json"
SUBJECT = "[PATCH] docs: watchdog: Fix the default timeout in the example"


def mail(prefix: str, summary: str = "Fix the default timeout", headers: str = "") -> str:
    """CLEAN_PATCH with the subject prefix ``prefix`` (``PATCH v2 1/3``) and more headers."""
    text = CLEAN_PATCH.replace(SUBJECT, f"[{prefix}] docs: watchdog: {summary}")
    if " 0/" in prefix:
        text = text[: text.index("---\n")] + "-- \n2.47.0\n"  # a cover letter has no diff
    return text.replace("Message-ID: <20261110100000.1001-1-mira.castell@example.org>\n", headers)


def write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text)
    return folder


def lint(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lint", "lint", *args], capture_output=True, text=True, cwd=ROOT
    )


def series_findings(folder: Path) -> list[tuple[str, str, str]]:
    """(file name, rule, message) of every series finding of ``patchlens lint FOLDER``."""
    done = lint("--format", "json", str(folder))
    assert done.returncode in (0, 1), done.stderr
    document = json.loads(done.stdout)
    return [
        (Path(entry["file"]).name, d["rule"], d["message"])
        for entry in document["patches"]
        for d in entry["diagnostics"]
        if d["found_by"] == "series"
    ]


def test_a_left_over_v2_patch_in_a_v1_folder_is_an_error(tmp_path: Path) -> None:
    folder = write(
        tmp_path / "out",
        {
            "0000-cover-letter.patch": mail("PATCH 0/2", "Fix the examples"),
            "0001-one.patch": mail("PATCH 1/2"),
            "0002-two.patch": mail("PATCH v2 2/2", "Fix the other timeout"),
        },
    )
    assert series_findings(folder) == [
        (
            "0002-two.patch",
            "series-version",
            "'[PATCH v2 2/2] docs: watchdog: Fix the other timeout' is v2 but "
            "'[PATCH 0/2] docs: watchdog: Fix the examples' is v1",
        )
    ]
    text = lint(str(folder))
    assert text.returncode == 1
    assert "0002-two.patch:4: error: series-version: " in text.stdout


def test_a_misnumbered_folder_is_an_error(tmp_path: Path) -> None:
    folder = write(
        tmp_path / "out",
        {
            "0000-cover-letter.patch": mail("PATCH 0/2", "Fix the examples"),
            "0001-one.patch": mail("PATCH 1/2"),
            "0002-two.patch": mail("PATCH 3/3", "Fix the other timeout"),
        },
    )
    assert series_findings(folder) == [
        ("0002-two.patch", "series-numbering", "the mails disagree on the series length (2, 3)")
    ]


def test_two_versions_kept_in_one_folder_are_two_series(tmp_path: Path) -> None:
    files = {}
    for version, tag in ((1, "PATCH"), (2, "PATCH v2")):
        prefix = f"v{version}-" if version > 1 else ""
        files[f"{prefix}0000-cover-letter.patch"] = mail(f"{tag} 0/2", "Fix the examples")
        files[f"{prefix}0001-one.patch"] = mail(f"{tag} 1/2")
        files[f"{prefix}0002-two.patch"] = mail(f"{tag} 2/2", "Fix the other timeout")
    assert series_findings(write(tmp_path / "out", files)) == []


def test_unrelated_single_patches_are_not_a_series(tmp_path: Path) -> None:
    folder = write(
        tmp_path / "out",
        {"a.patch": mail("PATCH"), "b.patch": mail("PATCH v3", "Fix another timeout")},
    )
    assert series_findings(folder) == []


def test_a_folder_of_patches_collected_from_many_series_is_not_one_send(
    tmp_path: Path,
) -> None:
    """A distribution's patch tree: numbered patches of different series, no cover."""
    folder = write(
        tmp_path / "patches",
        {
            "100-one.patch": mail("PATCH 1/3", "Fix the first timeout"),
            "101-two.patch": mail("PATCH v2 2/5", "Fix the second timeout"),
            "102-three.patch": mail("PATCH 4/4", "Fix the third timeout"),
        },
    )
    assert series_findings(folder) == []


def test_a_series_without_a_cover_letter_is_told_so(tmp_path: Path) -> None:
    folder = write(
        tmp_path / "out",
        {"0001-one.patch": mail("PATCH 1/2"), "0002-two.patch": mail("PATCH 2/2", "Fix more")},
    )
    [(name, rule, _)] = series_findings(folder)
    assert (name, rule) == ("0001-one.patch", "series-cover-letter")


def test_the_example_thread_of_two_versions_has_no_series_finding() -> None:
    assert series_findings(ROOT / "examples" / "series" / "thread.mbox") == []


def entry(subject: str, msgid: str, root: str = "", reply_to: str = "") -> SeriesEntry:
    found = re.match(r"\[PATCH(?: v(\d+))?(?: (\d+)/(\d+))?\]", subject)
    assert found
    version, index, total = found.groups()
    return SeriesEntry(
        origin="list.mbox",
        subject=subject,
        line=1,
        version=int(version or 1),
        index=int(index) if index else None,
        total=int(total) if total else None,
        cover_letter=index == "0",
        base_commit="",
        message_id=msgid,
        root=root,
        in_reply_to=reply_to or root,
        references=tuple(dict.fromkeys(r for r in (root, reply_to or root) if r)),
    )


def test_an_updated_patch_posted_in_reply_to_its_old_version_is_a_series_of_its_own() -> None:
    entries = [
        entry("[PATCH 0/3]", "<c>"),
        entry("[PATCH 1/3]", "<1>", "<c>"),
        entry("[PATCH 2/3]", "<2>", "<c>"),
        entry("[PATCH 3/3]", "<3>", "<c>"),
        entry("[PATCH v2 2/3]", "<2b>", "<c>", "<2>"),  # git send-email --in-reply-to=<2>
        entry("[PATCH v2 3/3]", "<3b>", "<c>"),  # to the root, but 3/3 is there: a resend
    ]
    assert group_series(entries, ["list.mbox"] * 6) == [[0, 1, 2, 3], [4], [5]]


def test_deep_threading_resends_and_unnumbered_replies() -> None:
    """The cases Patchwork's parser taught (bench/patchwork_agreement.py)."""
    deep = [
        entry("[PATCH 0/2]", "<c>"),
        entry("[PATCH 1/2]", "<1>", "<c>"),
        entry("[PATCH 2/2]", "<2>", "<1>"),  # References: names only its parent
    ]
    assert group_series(deep, ["list.mbox"] * 3) == [[0, 1, 2]]
    resent = [entry("[PATCH 1/2]", f"<{n}>") for n in range(2)] + [
        entry("[PATCH 2/2]", f"<{n}b>") for n in range(2)
    ]
    assert group_series(resent, ["out"] * 4) == [[0, 2], [1, 3]]
    orphan = [
        entry("[PATCH 0/2]", "<c>"),
        entry("[PATCH 1/2]", "<1>", "<c>"),
        entry("[PATCH]", "<o>", "<c>"),  # a diff posted in the thread, without M/N
    ]
    assert group_series(orphan, ["list.mbox"] * 3) == [[0, 1], [2]]


def test_threads_and_places_keep_series_apart() -> None:
    entries = [
        entry("[PATCH 0/2]", "<a0>"),
        entry("[PATCH 1/2]", "<a1>", "<a0>"),
        entry("[PATCH 1/2]", ""),  # unthreaded, from a folder
        entry("[PATCH 2/2]", ""),
        entry("[PATCH]", ""),  # a patch of its own
    ]
    places = ["list.mbox", "list.mbox", "out", "out", "out"]
    assert group_series(entries, places) == [[0, 1], [2, 3], [4]]


# --- one report per mail (issue #13, point 3) -------------------------------------------


def review_thread(tmp_path: Path) -> Path:
    """v1, a review offering a tag, and a v2 without it that also lacks its sign-off:
    v2 has per-patch findings and a thread finding."""
    sys.path.insert(0, str(ROOT / "bench"))
    from thread_scaling import THREAD

    thread = THREAD.read_bytes()
    v2_sign_off = thread.rindex(b"Signed-off-by:")
    thread = thread[:v2_sign_off] + thread[thread.index(b"\n", v2_sign_off) + 1 :]
    path = tmp_path / "thread.mbox"
    path.write_bytes(thread)
    return path


def test_a_mail_is_shown_once_with_its_thread_findings_and_counted_once(tmp_path: Path) -> None:
    mbox = review_thread(tmp_path)
    text = lint("--profile", "tip", str(mbox)).stdout
    document = json.loads(lint("--profile", "tip", "--format", "json", str(mbox)).stdout)
    headers = [line for line in text.splitlines() if line.startswith(f"{mbox}: ")]
    assert len(headers) == len(set(headers))  # each mail's heading once
    shown = re.findall(r"^\S+:\d+: (error|warning|note): ", text, re.MULTILINE)
    total = re.search(r"(\d+) errors?, (\d+) warnings?, (\d+) notes?", text)
    assert total is not None
    errors, warnings, notes = map(int, total.groups())
    assert (shown.count("error"), shown.count("warning"), shown.count("note")) == (
        errors,
        warnings,
        notes,
    )
    summary = document["summary"]
    assert (summary["errors"], summary["warnings"], summary["notes"]) == (errors, warnings, notes)
    v2 = [e for e in document["patches"] if "v2" in e["subject"] and e["diagnostics"]]
    [entry] = v2
    scopes = {d["found_by"] for d in entry["diagnostics"]}
    assert scopes == {"patch", "thread"}
    lines = [d["line"] for d in entry["diagnostics"]]
    assert lines == sorted(lines)


@pytest.mark.parametrize(
    "inputs",
    [
        ["examples/thread/v1-0001.patch", "examples/thread/review.eml"],
        ["examples/series/thread.mbox"],
        ["examples/thread/v2-0001.patch"],
    ],
)
def test_every_json_report_follows_its_schema(inputs: list[str], tmp_path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    for args in (inputs, [str(review_thread(tmp_path))]):
        document = json.loads(lint("--format", "json", *args).stdout)
        jsonschema.validate(document, schema)
