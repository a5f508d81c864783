"""The cached rulebook: the same rules as loading the files, never stale."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from lint import rulecache
from lint.config import Config
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
    module = Path(rulecache.__file__)
    before = module.stat()
    key = rulecache.fingerprint([], [])
    try:
        os.utime(module, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000_000))
        assert rulecache.fingerprint([], []) != key
    finally:
        os.utime(module, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert rulecache.fingerprint([], []) == key


def test_no_cache_when_switched_off(cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATCHLENS_NO_CACHE", "1")
    assert load_ruleset(Config()).get("fred-background") is not None
    assert entries(cache_home) == []
