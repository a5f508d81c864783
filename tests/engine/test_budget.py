"""The time budget per message: a message that stalls the rules is reported, the next
one is linted as usual."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from lint.config import Config
from lint.engine.budget import Budget, BudgetExceeded
from lint.engine.pipeline import DecodeOptions
from lint.engine.runner import LintJob, lint_mails
from lint.rulebook.ruleset import load_ruleset
from lint.sources.inputs import open_input

ROOT = Path(__file__).resolve().parents[2]
# A user's rule whose regex backtracks exponentially on a run of "x" without a "y"
# (the look-ahead keeps it on Python's re: RE2 would run it in linear time).
SLOW_RULE = """\
id = "slow-phrase"
kind = "changelog-phrase"
severity = "warning"
summary = "A phrase"

[params]
pattern = '(x+x+)+(?=y)'
"""


def test_a_stalling_message_is_reported_and_the_next_is_linted(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "slow-phrase.toml").write_text(SLOW_RULE)
    ruleset = load_ruleset(Config(rule_dirs=(str(rules),)))
    example = (ROOT / "examples" / "thread" / "v2-0001.patch").read_text()
    stalling = example.replace("== Problem ==", "x" * 40 + "\n\n== Problem ==")
    mbox = tmp_path / "two.mbox"
    mbox.write_text(stalling + example)
    job = LintJob(ruleset, None, DecodeOptions(), time_budget=0.5)
    started = time.perf_counter()
    first, second = lint_mails(open_input(str(mbox)), job)
    assert time.perf_counter() - started < 10
    assert [d.rule for d in first.diagnostics] == ["analysis-budget"]
    assert first.diagnostics[0].message.startswith(
        "analysis stopped after 0.5 s at rule slow-phrase"
    )
    assert "pinned-bit-bringup" in {d.rule for d in second.diagnostics}


def test_the_budget_names_its_stage_and_disarms() -> None:
    with pytest.raises(BudgetExceeded) as stopped, Budget(0.2) as budget:
        budget.stage = "rule slow"
        while True:
            time.sleep(0.01)
    assert str(stopped.value) == "analysis stopped after 0.2 s at rule slow"
    with Budget(0.2):
        pass
    time.sleep(0.3)  # a disarmed budget raises nothing afterwards
    with Budget(0):  # no limit
        time.sleep(0.01)


def test_the_budget_comes_from_the_config_unless_the_command_line_says(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from lint.cli.main import main

    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "slow-phrase.toml").write_text(SLOW_RULE)
    example = (ROOT / "examples" / "thread" / "v2-0001.patch").read_text()
    stalling = tmp_path / "stalling.patch"
    stalling.write_text(example.replace("== Problem ==", "x" * 40 + "\n\n== Problem =="))
    config = tmp_path / "patchlens.toml"
    config.write_text(f'time_budget = 0.3\nrule_dirs = ["{rules}"]\n')
    assert main(["lint", "-q", "--config", str(config), str(stalling)]) == 1
    assert "analysis stopped after 0.3 s at rule slow-phrase" in capsys.readouterr().out
    args = ["lint", "-q", "--config", str(config), "--time-budget", "0.2", str(stalling)]
    assert main(args) == 1
    assert "analysis stopped after 0.2 s at rule slow-phrase" in capsys.readouterr().out
