"""The parsed-TOML cache: same tables as parsing, never in the way."""

from __future__ import annotations

from pathlib import Path

import pytest

from lint.config import read_toml
from lint.errors import InputError

pytestmark = pytest.mark.usefixtures("cache_home")  # each test starts with an empty cache


def entries(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "cache").rglob("*.marshal"))


def test_second_read_comes_from_the_cache(tmp_path: Path) -> None:
    rule = tmp_path / "r.toml"
    rule.write_text('id = "r"\n[params]\nheading = "Fix"\n')
    assert read_toml(rule) == {"id": "r", "params": {"heading": "Fix"}}
    assert len(entries(tmp_path)) == 1
    assert read_toml(rule) == {"id": "r", "params": {"heading": "Fix"}}


def test_an_edited_file_is_parsed_again(tmp_path: Path) -> None:
    rule = tmp_path / "r.toml"
    rule.write_text('id = "r"\n')
    read_toml(rule)
    rule.write_text('id = "s"\n')
    assert read_toml(rule) == {"id": "s"}
    assert len(entries(tmp_path)) == 2


def test_a_corrupt_entry_falls_back_to_parsing(tmp_path: Path) -> None:
    rule = tmp_path / "r.toml"
    rule.write_text('id = "r"\n')
    read_toml(rule)
    (entry,) = entries(tmp_path)
    entry.write_bytes(b"\x00 not marshal")
    assert read_toml(rule) == {"id": "r"}


def test_syntax_errors_are_never_cached(tmp_path: Path) -> None:
    rule = tmp_path / "r.toml"
    rule.write_text("[rules\n")
    for _ in range(2):
        with pytest.raises(InputError, match="line 1"):
            read_toml(rule)
    assert entries(tmp_path) == []


def test_no_cache_when_switched_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATCHLENS_NO_CACHE", "1")
    rule = tmp_path / "r.toml"
    rule.write_text('id = "r"\n')
    assert read_toml(rule) == {"id": "r"}
    assert entries(tmp_path) == []


def test_an_unwritable_cache_is_not_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    rule = tmp_path / "r.toml"
    rule.write_text('id = "r"\n')
    assert read_toml(rule) == {"id": "r"}


def test_an_entry_for_other_bytes_is_not_used(tmp_path: Path) -> None:
    rule = tmp_path / "r.toml"
    rule.write_text('id = "r"\n')
    read_toml(rule)
    (entry,) = entries(tmp_path)
    # An entry under the same name made from other bytes (a checksum collision).
    import marshal

    entry.write_bytes(marshal.dumps((b'id = "x"\n', {"id": "x"})))
    assert read_toml(rule) == {"id": "r"}
