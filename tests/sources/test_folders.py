"""A folder as INPUT, through the real ``patchlens lint``: sub-folders, names, errors.

The trees are written here in ``tmp_path``; the shared corpus is only read, by
one test that skips when it is absent.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from mails import CLEAN_PATCH

from lint.cli.main import main
from lint.sources.inputs import PATCH_SUFFIXES, open_input

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "corpus"
SEP = CLEAN_PATCH.split("\n", 1)[0] + "\n"


def patch(subject: str) -> str:
    """The clean example patch under another subject."""
    return CLEAN_PATCH.replace("docs: watchdog: Fix the default timeout in the example", subject)


def bare(subject: str) -> str:
    """The patch as a mail client saves it: no mbox ``From `` line."""
    return patch(subject).removeprefix(SEP)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def lint_json(capsys: pytest.CaptureFixture[str], *args: str) -> list[tuple[str, str]]:
    """``patchlens lint --format json ARGS``: each message's file and subject, in order."""
    status = main(["lint", "--format", "json", *args])
    out, err = capsys.readouterr()
    assert status in (0, 1), err
    patches = json.loads(out)["patches"]
    return [(p["file"], p["subject"].removeprefix("[PATCH] ")) for p in patches]


def lint_error(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """The one stderr line of a ``patchlens lint ARGS`` run that must exit 2."""
    status = main(["lint", *args])
    out, err = capsys.readouterr()
    assert (status, out) == (2, "")
    assert err.count("\n") == 1
    return err


def test_sub_folders_are_read_in_name_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "patches"
    write(root / "0001-top.patch", patch("top: First"))
    write(root / "notes.txt", "Subject: not a patch\n")
    write(root / "v10" / "0001-ten.patch", patch("ten: After nine"))
    write(root / "v9" / "0002-b.PATCH", patch("nine: Second"))
    write(root / "v9" / "0001-a.eml", bare("nine: First"))
    write(root / "v9" / "deeper" / "thread.mbox", patch("mbox: One") + patch("mbox: Two"))
    write(root / "v9" / "saved.mbx", patch("b4: Saved"))
    write(root / "v9" / "new" / "0001-new.patch", patch("new: Not a maildir"))
    write(root / ".git" / "0001-hidden.patch", "junk: reading this would fail\n")
    write(root / "box" / "new" / "1700000002.M1P1.host", bare("maildir: Second"))
    write(root / "box" / "cur" / "1700000001.M1P1.host:2,S", bare("maildir: First"))
    write(root / "box" / "tmp" / "1700000003.M1P1.host", "still being delivered")
    got = lint_json(capsys, str(root))
    assert [(file.removeprefix(f"{root}/"), subject) for file, subject in got] == [
        ("0001-top.patch", "top: First"),
        ("box/cur/1700000001.M1P1.host:2,S", "maildir: First"),
        ("box/new/1700000002.M1P1.host", "maildir: Second"),
        ("v9/0001-a.eml", "nine: First"),
        ("v9/0002-b.PATCH", "nine: Second"),
        ("v9/deeper/thread.mbox", "mbox: One"),
        ("v9/deeper/thread.mbox", "mbox: Two"),
        ("v9/new/0001-new.patch", "new: Not a maildir"),
        ("v9/saved.mbx", "b4: Saved"),
        ("v10/0001-ten.patch", "ten: After nine"),
    ]


def test_symlinked_folders_are_not_followed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "tree"
    outside = write(tmp_path / "elsewhere" / "0001-out.patch", patch("out: Not in the tree"))
    write(root / "sub" / "0001-in.patch", patch("in: In the tree"))
    (root / "away").symlink_to(outside.parent, target_is_directory=True)
    (root / "sub" / "loop").symlink_to(root, target_is_directory=True)
    (root / "linked.patch").symlink_to(outside)  # a linked file is read, as before
    got = lint_json(capsys, str(root))
    assert got == [
        (f"{root}/linked.patch", "out: Not in the tree"),
        (f"{root}/sub/0001-in.patch", "in: In the tree"),
    ]


def test_no_recurse_reads_only_the_folder_itself(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path / "0001-top.patch", patch("top: Only this"))
    write(tmp_path / "v2" / "0001-top.patch", patch("top: Not this"))
    got = lint_json(capsys, "--no-recurse", str(tmp_path))
    assert got == [(f"{tmp_path}/0001-top.patch", "top: Only this")]


@pytest.mark.parametrize("command", ["parse", "explain"])
def test_parse_and_explain_take_no_recurse_too(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from lint.cli.main import main

    write(tmp_path / "0001-top.patch", patch("top: Only this"))
    other = patch("top: Not this").replace("1001-1-mira", "2002-1-mira")  # another mail
    write(tmp_path / "v2" / "0001-top.patch", other)
    assert main([command, "--no-recurse", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "Only this" in out and "Not this" not in out
    assert main([command, str(tmp_path)]) == 0
    assert "Not this" in capsys.readouterr().out


def test_nothing_found_says_what_was_looked_for_and_where(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path / "notes.txt", "Subject: x\n")
    write(tmp_path / ".git" / "0001-hidden.patch", patch("hidden: Skipped"))
    (tmp_path / "away").symlink_to(tmp_path / ".git", target_is_directory=True)
    error = lint_error(capsys, str(tmp_path))
    assert error.startswith(f"patchlens: {tmp_path}: no patches found: ")
    for words in (*PATCH_SUFFIXES, "maildir", "sub-folder", "1 symlinked folder"):
        assert words in error


def test_nothing_found_without_recursion_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path / "v2" / "0001-top.patch", patch("top: In a sub-folder"))
    error = lint_error(capsys, "--no-recurse", str(tmp_path))
    assert error.startswith(f"patchlens: {tmp_path}: no patches found: ")
    for words in (*PATCH_SUFFIXES, "--no-recurse"):
        assert words in error


def test_empty_maildir_says_where_it_looked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path / "tmp" / "1700000003.M1P1.host", "still being delivered")
    (tmp_path / "cur").mkdir()
    error = lint_error(capsys, str(tmp_path))
    assert error.startswith(f"patchlens: {tmp_path}: no patches found: ")
    assert "cur/ or new/" in error


def test_help_documents_no_recurse(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["lint", "--help"])
    assert exited.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "--no-recurse read only the files directly in a folder INPUT" in text
    assert "*.eml" in text


def test_sub_folders_are_listed_as_the_walk_reaches_them(tmp_path: Path) -> None:
    write(tmp_path / "a" / "0001-a.patch", patch("a: First"))
    (tmp_path / "b").mkdir()
    mails = open_input(str(tmp_path))
    assert next(mails).origin == f"{tmp_path}/a/0001-a.patch"
    write(tmp_path / "b" / "0001-b.patch", patch("b: Written after the walk began"))
    assert [raw.origin for raw in mails] == [f"{tmp_path}/b/0001-b.patch"]


def test_shared_corpus_is_read_through_its_sub_folders(
    capsys: pytest.CaptureFixture[str],
) -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"../shared/data is absent: {CORPUS} holds the real patch corpus")
    files = sorted(
        str(Path(folder) / name)
        for folder, _, names in os.walk(CORPUS)
        for name in names
        if name.lower().endswith(PATCH_SUFFIXES)
    )
    got = lint_json(capsys, "-q", "-j", "2", str(CORPUS))
    assert len(files) > 1000
    assert sorted({file for file, _ in got}) == files
