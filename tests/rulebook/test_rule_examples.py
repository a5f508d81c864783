"""Every rule documents a bad and a good example, and each does what the rule file says.

The examples are what ``patchlens rules ID`` shows a user; they run through the same
passes as ``patchlens lint`` and the hooks (:mod:`lint.engine.examples`).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lint.cli.main import main
from lint.config import Config
from lint.engine.examples import example_mails, run_example
from lint.rulebook.ruleset import Ruleset, RuleSpec, load_rule, load_ruleset

RULESET = load_ruleset(Config())
RULES = sorted(RULESET.rules, key=lambda rule: rule.id)
_HUNK = re.compile(r"@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@")


@pytest.mark.parametrize("rule", RULES, ids=[rule.id for rule in RULES])
def test_every_rule_documents_a_bad_and_a_good_example(rule: RuleSpec) -> None:
    assert rule.bad, f"{rule.path}: no [doc] bad example"
    assert rule.good, f"{rule.path}: no [doc] good example"


@pytest.mark.parametrize("which", ["bad", "good"])
@pytest.mark.parametrize("rule", RULES, ids=[rule.id for rule in RULES])
def test_each_example_does_what_the_rule_file_says(rule: RuleSpec, which: str) -> None:
    result = run_example(rule, RULESET, which)
    assert result.as_documented, result.describe()


@pytest.mark.parametrize("rule", RULES, ids=[rule.id for rule in RULES])
def test_example_diffs_are_whole(rule: RuleSpec) -> None:
    """Each hunk of an example holds the lines its header counts (git apply would refuse it)."""
    for mail in (*rule.bad, *rule.good):
        lines = mail.rstrip("\n").split("\n")
        for number, line in enumerate(lines):
            found = _HUNK.match(line)
            if found is None:
                continue
            want_old, want_new = int(found.group(1) or 1), int(found.group(2) or 1)
            old = new = 0
            rest = iter(lines[number + 1 :])
            while old < want_old or new < want_new:
                body = next(rest, None)
                assert body is not None and body[:1] in ("", " ", "+", "-", "\\"), (
                    f"{rule.id}: {line}: the hunk ends early"
                )
                old += body[:1] in ("", " ", "-")
                new += body[:1] in ("", " ", "+")
            assert (old, new) == (want_old, want_new), f"{rule.id}: {line}"
            after = next(rest, "")
            assert after[:1] not in ("+", "-", " ") or after.startswith("-- "), (
                f"{rule.id}: {line}: the hunk holds more lines than it counts"
            )


SWAPPED = """\
id = "signed-off-by"
kind = "signed-off-by"
severity = "error"
summary = "The changelog carries a Signed-off-by: line"

[doc]
rationale = "Because."
bad = '''
x86/cpu: Fix the thing

The thing was broken; fix it.

Signed-off-by: Ada Example <ada@example.org>
'''
good = '''
x86/cpu: Fix the thing

The thing was broken; fix it.
'''
"""


def test_an_example_that_does_not_do_what_it_says_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "rules" / "signed-off-by.toml"
    path.parent.mkdir()
    path.write_text(SWAPPED)
    rule = load_rule(path)
    ruleset = Ruleset(rules=(rule,))
    bad, good = run_example(rule, ruleset, "bad"), run_example(rule, ruleset, "good")
    assert not bad.as_documented and not good.as_documented
    assert bad.describe() == "signed-off-by: bad example: the rule finds nothing in it"
    assert good.describe().startswith("signed-off-by: good example: the rule finds 1 thing(s)")


def test_check_examples_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--check-examples", "signed-off-by"]) == 0
    assert capsys.readouterr().out == "2 of 2 examples as documented\n"


def test_an_example_mail_is_threaded_and_prefixed() -> None:
    data = example_mails(["x86: Change a\n\nBody.\n", "Re: [PATCH] x86: Change a\n\nReview.\n"])
    text = data.decode()
    assert "Subject: [PATCH] x86: Change a\n" in text
    assert "In-Reply-To: <example-1@patchlens.invalid>\n" in text
    assert text.count("From 0000000000000000000000000000000000000000 ") == 2
