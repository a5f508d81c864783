"""Rule conditions on what a patch is: a fix, mechanical, the topics it changes; named
conditions and escalations, as the rule files use them."""

from __future__ import annotations

from pathlib import Path

import pytest

from lint.config import Config
from lint.diagnostic import Severity
from lint.engine.pipeline import read_patches
from lint.engine.rules import run
from lint.errors import InputError
from lint.mail.model import RawMail
from lint.patch.model import Patch
from lint.resources import resource_dir
from lint.rulebook.conditions import compile_condition
from lint.rulebook.ruleset import Ruleset, load_rule
from lint.rulebook.vocabulary import load_vocabulary

DATA = Path(resource_dir("rules")) / "data"
VOCABULARY = load_vocabulary(DATA)


def patch_of(subject: str, body: str, diff: str = "") -> Patch:
    text = f"From: A U Thor <author@example.org>\nSubject: [PATCH] {subject}\n\n{body}"
    if diff:
        text += f"---\n{diff}"
    return next(iter(read_patches([RawMail(text.encode(), "t")])))


def matches(table: dict[str, object], patch: Patch) -> str | None:
    trigger = compile_condition(table, "test", "when", VOCABULARY).matches(patch)
    return None if trigger is None else trigger.reason


def c_diff(path: str, heading: str, body: str) -> str:
    lines = body.splitlines()
    old = sum(1 for line in lines if line[:1] in (" ", "-"))
    new = sum(1 for line in lines if line[:1] in (" ", "+"))
    return (
        f"diff --git a/{path} b/{path}\nindex 1111111..2222222 100644\n--- a/{path}\n"
        f"+++ b/{path}\n@@ -10,{old} +10,{new} @@ {heading}\n{body}"
    )


SOB = "Signed-off-by: A U Thor <author@example.org>\n"


@pytest.mark.parametrize(
    ("subject", "tags", "fix"),
    [
        ("x86/cpu: Fix the pinned mask", SOB, True),
        (
            "x86/cpu: Tidy the pinned mask",
            'Fixes: 95d34efac1a0 ("x86/cpu: Add X86_CR4_FRED")\n' + SOB,
            True,
        ),
        ("x86/cpu: Tidy the pinned mask", "Cc: stable@vger.kernel.org # 6.9+\n" + SOB, True),
        ("x86/cpu: Tidy the pinned mask", "Cc: x86@kernel.org\n" + SOB, False),
        ("x86/cpu: Add a prefix", SOB, False),
    ],
)
def test_what_counts_as_a_fix(subject: str, tags: str, fix: bool) -> None:
    assert (matches({"use": "fix"}, patch_of(subject, "Words.\n\n" + tags)) is not None) == fix


CR4_INIT = (
    " {\n-\tif (static_branch_likely(&cr_pinning))\n+\tif (cr_pinning_on())\n \t\tcr4 |= 1;\n"
)


def test_topics_are_touched_through_their_own_code() -> None:
    diff = c_diff("arch/x86/kernel/cpu/common.c", "void cr4_init(void)", CR4_INIT)
    patch = patch_of("x86/cpu: Fix pinning", "Words.\n\n" + SOB, diff)
    assert matches({"topic": "cr-pinning"}, patch) == (
        "changes CR pinning code in cr4_init() at arch/x86/kernel/cpu/common.c:11"
    )
    assert matches({"topic": "fred"}, patch) is None


@pytest.mark.parametrize(
    ("what", "path", "heading", "body"),
    [
        ("a comment naming the flag", "arch/x86/kernel/a.c", "void g(void)",
         " {\n-\t/* X86_CR4_FRED is set later */\n+\t/* X86_CR4_FRED is set here */\n"),
        ("a print naming the flag", "arch/x86/kernel/a.c", "void g(void)",
         ' {\n+\tpr_info("X86_CR4_FRED\\n");\n \tg();\n'),
        ("the flag in context only", "arch/x86/kernel/a.c", "void g(void)",
         " \tif (cr4 & X86_CR4_FRED)\n-\t\ta();\n+\t\tb();\n"),
        ("a rule file naming the symbol", "rules/x.toml", "",
         "+diff_line = 'X86_CR4_FRED'\n"),
    ],
)  # fmt: skip
def test_a_name_that_is_not_code_touches_no_topic(
    what: str, path: str, heading: str, body: str
) -> None:
    patch = patch_of("x86/fred: Fix something", "Words.\n\n" + SOB, c_diff(path, heading, body))
    assert matches({"topic": "fred"}, patch) is None, what


def test_a_call_to_a_cr_write_helper_is_not_the_pinning_machinery() -> None:
    body = " {\n-\t__write_cr4(cr4);\n+\tnative_write_cr4(cr4);\n"
    diff = c_diff("arch/x86/power/cpu.c", "static void restore(void)", body)
    patch = patch_of("x86/power: Fix the CR4 restore", "Words.\n\n" + SOB, diff)
    assert matches({"topic": "cr-pinning"}, patch) is None


def test_two_topics_and_the_subject_naming_one() -> None:
    diff = c_diff(
        "arch/x86/coco/sev/core.c", "static int f(void)", " {\n-\tx = 1;\n+\tx = 2;\n"
    ) + c_diff("arch/x86/coco/tdx/tdx.c", "static int g(void)", " {\n-\ty = 3;\n+\ty = 4;\n")
    patch = patch_of("x86/coco: Fix MMIO on SEV-ES guests", "Words.\n\n" + SOB, diff)
    assert matches({"topics_min": 2}, patch) == "changes the code of AMD SEV and Intel TDX"
    assert matches({"topic_named": "sev"}, patch) == "names AMD SEV in its subject"
    assert matches({"topic_named": "tdx"}, patch) is None


def test_paragraphs_of_prose_are_counted_above_the_tags() -> None:
    body = "Context.\n\nProblem.\n\n    indented log\n\nSolution.\n\n" + SOB
    assert matches({"paragraphs_min": 3}, patch_of("x86: Fix", body)) is not None
    assert matches({"paragraphs_min": 4}, patch_of("x86: Fix", body)) is None


@pytest.mark.parametrize(
    ("table", "problem"),
    [
        ({"use": "no-such"}, "key 'when.use': unknown condition 'no-such'"),
        ({"topic": "frde"}, "key 'when.topic': unknown topic 'frde'"),
        ({"topics_min": 0}, "key 'when.topics_min' must be a positive integer"),
        ({"mechanical": "no"}, "key 'when.mechanical' must be true or false"),
        ({"trailer_value": "x"}, "key 'when.trailer_value' is only allowed with trailer"),
        ({"subject": "("}, "bad regex '(' for key 'when.subject'"),
    ],
)
def test_bad_conditions_are_load_errors(table: dict[str, object], problem: str) -> None:
    with pytest.raises(InputError) as caught:
        compile_condition(table, "rule.toml", "when", VOCABULARY)
    assert caught.value.problem.startswith(problem)
    assert caught.value.where == "rule.toml"


def test_a_named_condition_may_only_use_those_above_it(tmp_path: Path) -> None:
    for name in ("topics.toml", "diff-nature.toml"):
        (tmp_path / name).write_bytes((DATA / name).read_bytes())
    (tmp_path / "conditions.toml").write_text(
        '[first]\nwhen.use = "second"\n[second]\nwhen.trailer = "Fixes"\n'
    )
    with pytest.raises(InputError, match=r"key 'first\.when\.use': unknown condition 'second'"):
        load_vocabulary(tmp_path)


RULE = """\
id       = "escalated"
kind     = "changelog-phrase"
severity = "note"
summary  = "A test rule"

[[escalate]]
severity = "error"
when.use = "fix"

[params]
pattern = "words"
"""


def test_an_escalation_grades_the_finding_per_patch(tmp_path: Path) -> None:
    path = tmp_path / "escalated.toml"
    path.write_text(RULE)
    ruleset = Ruleset(rules=(load_rule(path),))
    fix = patch_of("x86: Fix a thing", "Some words.\n\n" + SOB)
    feature = patch_of("x86: Add a thing", "Some words.\n\n" + SOB)
    assert [d.severity for d in run(fix, ruleset)] == [Severity.ERROR]
    assert [d.severity for d in run(feature, ruleset)] == [Severity.NOTE]


def test_a_configured_severity_holds_for_every_patch(tmp_path: Path) -> None:
    from lint.rulebook.ruleset import _configure

    path = tmp_path / "escalated.toml"
    path.write_text(RULE)
    config = Config(severity=(("escalated", Severity.WARNING),))
    ruleset = _configure(Ruleset(rules=(load_rule(path),)), config)
    fix = patch_of("x86: Fix a thing", "Some words.\n\n" + SOB)
    assert [d.severity for d in run(fix, ruleset)] == [Severity.WARNING]


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ('severity = "error"', 'severity = "fatal"', "key 'escalate[0].severity'"),
        ("when.use", "wehn.use", "unknown key 'escalate[0].wehn'"),
        ('when.use = "fix"', 'when.use = "fixx"', "key 'escalate[0].when.use': unknown condition"),
    ],
)
def test_bad_escalations_are_load_errors(tmp_path: Path, old: str, new: str, problem: str) -> None:
    path = tmp_path / "escalated.toml"
    path.write_text(RULE.replace(old, new))
    with pytest.raises(InputError) as caught:
        load_rule(path)
    assert caught.value.problem.startswith(problem), caught.value.problem
