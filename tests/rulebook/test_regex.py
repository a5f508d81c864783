"""lint.rulebook.regex: rule regexes are checked at load, compiled on first use."""

from __future__ import annotations

import pickle
import re

import pytest

from lint.errors import InputError
from lint.rulebook.regex import Regex


def test_checked_names_the_file_and_key() -> None:
    with pytest.raises(InputError) as caught:
        Regex.checked("fred(", "rules/x.toml", "when.diff_line")
    assert caught.value.where == "rules/x.toml"
    assert "bad regex 'fred(' for key 'when.diff_line'" in str(caught.value)


def test_compiled_on_first_use_and_matches_like_re() -> None:
    regex = Regex(r"\bCR4_(\w+)")
    assert regex._compiled is None
    found = regex.search("set X86_CR4_FRED and CR4_PINNED")
    assert found is not None and found.group(1) == "PINNED"
    assert regex.compiled is regex.compiled
    assert regex.match("CR4_X") and not regex.match("xCR4_X")
    assert regex.fullmatch("CR4_SMEP") and not regex.fullmatch("CR4_SMEP;")
    assert Regex("a", re.IGNORECASE).search("A")


def test_equality_hash_and_pickle_keep_only_the_source() -> None:
    regex = Regex.checked("^x86/", "w", "k")
    again = pickle.loads(pickle.dumps(regex))
    assert again == regex and hash(again) == hash(regex)
    assert again._compiled is None  # compiled again only if used
    assert Regex("a") != Regex("a", re.IGNORECASE)
    assert repr(Regex("a", re.IGNORECASE)) == "Regex('a', 2)"
