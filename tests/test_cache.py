"""The cache folder: the cached rulebook and TOML tables are what loading the files gives,
never stale, and never taken from a folder or a pickle patchlens cannot trust."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest

from lint import cache
from lint.config import Config, read_toml
from lint.errors import InputError
from lint.rulebook.regex import Regex
from lint.rulebook.ruleset import Ruleset, load_ruleset

RULE = """id = "thing-background"
kind = "require-section"
severity = "error"
summary = "A change to things carries a '== Thing Background ==' section"
[when]
diff_line = '\\bTHING_[A-Z]+\\b'
[params]
heading = "Thing Background"
"""


pytestmark = pytest.mark.usefixtures("cache_home")  # each test starts with an empty cache


def entries(cache_home: Path) -> list[Path]:
    return sorted(cache_home.rglob("rulebook-*.pickle"))


def config_with(folder: Path, **choices: object) -> Config:
    return Config(rule_dirs=(str(folder),), **choices)  # type: ignore[arg-type]


def own_rule(ruleset: Ruleset) -> Regex:
    rule = ruleset.get("thing-background")
    assert rule is not None and rule.when is not None
    pattern: Regex = rule.when.patterns[0]  # type: ignore[attr-defined]
    return pattern


def test_second_load_comes_from_the_cache(tmp_path: Path, cache_home: Path) -> None:
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "thing-background.toml").write_text(RULE)
    first = load_ruleset(config_with(folder))
    assert own_rule(first)._compiled is not None  # checked while the file was loaded
    assert len(entries(cache_home)) == 1
    second = load_ruleset(config_with(folder))
    assert second == first and second.by_profile == first.by_profile
    # Only a rulebook read back from the cache holds regexes not compiled yet.
    assert own_rule(second)._compiled is None
    assert own_rule(second).search("set THING_ON here")


def test_an_edited_rule_is_loaded_again(tmp_path: Path, cache_home: Path) -> None:
    folder = tmp_path / "rules"
    folder.mkdir()
    rule = folder / "thing-background.toml"
    rule.write_text(RULE)
    load_ruleset(config_with(folder))
    rule.write_text(RULE.replace("'== Thing Background ==' section", "thing background"))
    again = load_ruleset(config_with(folder))
    assert again.get("thing-background").summary.endswith("thing background")  # type: ignore[union-attr]
    assert len(entries(cache_home)) == 1  # replaced in place


def test_a_broken_rule_is_reported_every_time(tmp_path: Path, cache_home: Path) -> None:
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "thing-background.toml").write_text(RULE.replace("THING_[A-Z]+", "THING_("))
    for _ in range(2):
        with pytest.raises(InputError, match="bad regex"):
            load_ruleset(config_with(folder))
    assert entries(cache_home) == []


def test_the_config_is_applied_after_the_cache(tmp_path: Path) -> None:
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "thing-background.toml").write_text(RULE)
    load_ruleset(config_with(folder))
    cached = load_ruleset(config_with(folder, profile="tip", disable=("thing-background",)))
    assert cached.profile == "tip"
    assert cached.get("thing-background").enabled is False  # type: ignore[union-attr]


def test_a_corrupt_entry_is_rebuilt(tmp_path: Path, cache_home: Path) -> None:
    load_ruleset(Config())
    (entry,) = entries(cache_home)
    entry.write_bytes(b"\x80\x05 not a pickle")
    assert load_ruleset(Config()).get("fred-background") is not None
    assert entry.read_bytes().startswith(b"\x80")  # written again, whole


def test_a_changed_module_changes_the_fingerprint() -> None:
    module = Path(cache.__file__)
    before = module.stat()
    key = cache.rulebook_key([], [])
    try:
        os.utime(module, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000_000))
        assert cache.rulebook_key([], []) != key
    finally:
        os.utime(module, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert cache.rulebook_key([], []) == key


def test_no_cache_when_switched_off(cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATCHLENS_NO_CACHE", "1")
    assert load_ruleset(Config()).get("fred-background") is not None
    assert entries(cache_home) == []


# --- parsed TOML tables ---------------------------------------------------------------


def tables(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "cache").rglob("toml-*.pickle"))


def test_second_toml_read_comes_from_the_cache(tmp_path: Path) -> None:
    rule = tmp_path / "r.toml"
    rule.write_text('id = "r"\n[params]\nheading = "Fix"\n')
    assert read_toml(rule) == {"id": "r", "params": {"heading": "Fix"}}
    assert len(tables(tmp_path)) == 1
    assert read_toml(rule) == {"id": "r", "params": {"heading": "Fix"}}


def test_an_edited_file_is_parsed_again(tmp_path: Path) -> None:
    rule = tmp_path / "r.toml"
    rule.write_text('id = "r"\n')
    read_toml(rule)
    rule.write_text('id = "s"\n')
    assert read_toml(rule) == {"id": "s"}
    assert len(tables(tmp_path)) == 2


def test_a_corrupt_entry_falls_back_to_parsing(tmp_path: Path) -> None:
    rule = tmp_path / "r.toml"
    rule.write_text('id = "r"\n')
    read_toml(rule)
    (entry,) = tables(tmp_path)
    entry.write_bytes(b"\x00 not a pickle")
    assert read_toml(rule) == {"id": "r"}


def test_syntax_errors_are_never_cached(tmp_path: Path) -> None:
    rule = tmp_path / "r.toml"
    rule.write_text("[rules\n")
    for _ in range(2):
        with pytest.raises(InputError, match="line 1"):
            read_toml(rule)
    assert tables(tmp_path) == []


def test_no_toml_cache_when_switched_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATCHLENS_NO_CACHE", "1")
    rule = tmp_path / "r.toml"
    rule.write_text('id = "r"\n')
    assert read_toml(rule) == {"id": "r"}
    assert tables(tmp_path) == []


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
    (entry,) = tables(tmp_path)
    # An entry under the same name made from other bytes (a checksum collision).
    entry.write_bytes(pickle.dumps((b'id = "x"\n', {"id": "x"})))
    assert read_toml(rule) == {"id": "r"}


# --- what the cache refuses ----------------------------------------------------------


def test_the_folder_and_its_entries_are_private(cache_home: Path) -> None:
    load_ruleset(Config())
    assert (cache_home / "patchlens").stat().st_mode & 0o777 == 0o700
    assert all(entry.stat().st_mode & 0o777 == 0o600 for entry in entries(cache_home))


@pytest.mark.parametrize("how", ["owner", "group-writable", "world-writable", "symlink"])
def test_a_folder_patchlens_cannot_trust_is_not_used(
    tmp_path: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    rule = tmp_path / "r.toml"
    rule.write_text('id = "r"\n')
    read_toml(rule)
    (entry,) = tables(tmp_path)
    # A planted entry: were the folder used, this table would be read back.
    entry.write_bytes(pickle.dumps((rule.read_bytes(), {"id": "planted"})))
    own = cache_home / "patchlens"
    if how == "owner":  # a folder of another user: as if we were someone else
        real = os.getuid()
        monkeypatch.setattr(os, "getuid", lambda: real + 1)
    elif how == "group-writable":
        own.chmod(0o770)
    elif how == "world-writable":
        own.chmod(0o703)
    else:
        moved = tmp_path / "elsewhere"
        own.rename(moved)
        own.symlink_to(moved)
    assert cache.cache_dir() is None
    assert read_toml(rule) == {"id": "r"}
    assert load_ruleset(Config()).get("fred-background") is not None
    assert entries(cache_home) == []  # nothing written there either


class Planted:
    """A class outside the allow-list whose unpickling would run a command."""

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, ("touch planted-ran",))


def test_a_pickle_naming_a_class_outside_the_allow_list_is_refused(
    tmp_path: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    load_ruleset(Config())
    (entry,) = entries(cache_home)
    stored_key, ruleset = pickle.loads(entry.read_bytes())
    entry.write_bytes(pickle.dumps((stored_key, Planted())))
    with pytest.raises(pickle.UnpicklingError, match=r"posix\.system is not allowed"):
        cache.loads(entry.read_bytes(), cache.package_class)
    assert cache.load_rulebook([], stored_key) is None or True  # another folder list
    assert load_ruleset(Config()) == ruleset  # built from the files again
    assert not (tmp_path / "planted-ran").exists()


@pytest.mark.parametrize(
    ("module", "name", "allowed"),
    [
        ("lint.rulebook.ruleset", "RuleSpec", True),
        ("lint.diagnostic", "Severity", True),
        ("lint.record", "_rebuild", True),
        ("lint.rulebook.regex", "Regex", True),
        ("lint.cli.main", "main", False),  # a function of the package
        ("lint.cache", "os", False),  # a module seen through one of ours
        ("lint.rulebook.ruleset", "InputError", False),  # a class imported, not defined, there
        ("lint.errors", "InputError", False),  # ours, but neither a record nor an enum
        ("builtins", "eval", False),
        ("os", "system", False),
    ],
)
def test_the_allow_list(module: str, name: str, allowed: bool) -> None:
    assert cache.package_class(module, name) is allowed
