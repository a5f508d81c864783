"""Loading rules: the packaged rulebook, extra folders, and the bad-rule-file catalogue."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lint.checks.require_section import Params as SectionParams
from lint.config import Config
from lint.diagnostic import Severity
from lint.errors import InputError
from lint.resources import resource_dir
from lint.rulebook.regex import Regex
from lint.rulebook.ruleset import load_rule, load_ruleset

GOOD = """\
id = "my-rule"
kind = "require-section"
severity = "warning"
summary = "Explain the thing"
checkpatch = "CONFIG_DESCRIPTION"
profile = "tip"
enabled = false

[when]
diff_path = "arch/x86/**"

[params]
heading = "Thing Background"
min_body_lines = 3

[doc]
rationale = "Because."
reference = "The thing is a thing."
good = "x86: Explain the thing"
"""


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_good_rule_loads_every_field(tmp_path: Path) -> None:
    path = write(tmp_path, "my-rule", GOOD)
    rule = load_rule(path)
    assert (rule.id, rule.kind, rule.severity, rule.summary) == (
        "my-rule",
        "require-section",
        Severity.WARNING,
        "Explain the thing",
    )
    assert (rule.checkpatch, rule.profile, rule.enabled, rule.path) == (
        "CONFIG_DESCRIPTION",
        "tip",
        False,
        str(path),
    )
    assert rule.params == SectionParams(heading="Thing Background", min_body_lines=3)
    assert (rule.rationale, rule.reference, rule.good) == (
        "Because.",
        "The thing is a thing.",
        ("x86: Explain the thing",),
    )
    assert rule.when is not None
    assert rule.when.describe() == "touches arch/x86/**"


def test_defaults(tmp_path: Path) -> None:
    text = 'id = "plain"\nkind = "line-length"\nseverity = "note"\nsummary = "s"\n'
    rule = load_rule(write(tmp_path, "plain", text))
    assert (rule.checkpatch, rule.profile, rule.enabled, rule.when) == ("", "all", True, None)
    assert rule.params.max == 75


def test_regex_params_are_checked_at_load(tmp_path: Path) -> None:
    text = GOOD.replace('kind = "require-section"', 'kind = "subject-format"').replace(
        'heading = "Thing Background"\nmin_body_lines = 3', "path_like = '^lib/'"
    )
    rule = load_rule(write(tmp_path, "my-rule", text))
    assert rule.params.path_like == Regex("^lib/")
    assert rule.params.path_like.linear  # RE2 runs it
    assert rule.params.path_like.search("lib/string.c")
    assert rule.notes == ()


@pytest.mark.parametrize(
    ("stages", "problem"),
    [
        ("['(unclosed', 'problem$']", "bad regex '(unclosed' for key 'params.stages'"),
        ("'problem$'", "key 'params.stages' must be a list of regex strings"),
    ],
)
def test_a_list_of_regexes_is_checked_at_load(tmp_path: Path, stages: str, problem: str) -> None:
    # A bad stage used to raise re.error from the check, mid-lint, for the first
    # patch with two sections.
    text = GOOD.replace('kind = "require-section"', 'kind = "section-order"').replace(
        'heading = "Thing Background"\nmin_body_lines = 3', f"stages = {stages}"
    )
    with pytest.raises(InputError, match=re.escape(problem)):
        load_rule(write(tmp_path, "my-rule", text))


def test_a_list_of_regexes_loads(tmp_path: Path) -> None:
    text = GOOD.replace('kind = "require-section"', 'kind = "section-order"').replace(
        'heading = "Thing Background"\nmin_body_lines = 3', "stages = ['a$', 'b$']"
    )
    rule = load_rule(write(tmp_path, "my-rule", text))
    assert rule.params.stages == (Regex("a$"), Regex("b$"))


def _swap(old: str, new: str) -> str:
    assert old in GOOD
    return GOOD.replace(old, new)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (_swap("enabled = false", "enabeld = false"), "unknown key 'enabeld'"),
        (
            _swap('"require-section"', '"require-sektion"'),
            "key 'kind': unknown kind 'require-sektion'",
        ),
        (_swap('"warning"', '"fatal"'), "key 'severity': unknown severity 'fatal'"),
        (
            _swap('diff_path = "arch/x86/**"', "diff_line = '(unclosed'"),
            "bad regex '(unclosed' for key 'when.diff_line'",
        ),
        (_swap('diff_path = "arch/x86/**"', 'diff_pth = "x"'), "unknown key 'when.diff_pth'"),
        (
            _swap('id = "my-rule"', 'id = "other-rule"'),
            "key 'id': 'other-rule' differs from the file name 'my-rule'",
        ),
        (_swap("min_body_lines = 3", "min_body_line = 3"), "unknown key 'params.min_body_line'"),
        (
            _swap("min_body_lines = 3", 'min_body_lines = "3"'),
            "key 'params.min_body_lines' must be a non-negative integer",
        ),
        (
            _swap("min_body_lines = 3", "min_body_lines = true"),
            "key 'params.min_body_lines' must be a non-negative integer",
        ),
        (_swap('heading = "Thing Background"\n', ""), "missing key 'params.heading'"),
        (
            _swap('heading = "Thing Background"', "heading = 7"),
            "key 'params.heading' must be a string",
        ),
        (_swap('summary = "Explain the thing"\n', ""), "missing key 'summary'"),
        (_swap('summary = "Explain the thing"', 'summary = ""'), "key 'summary' is empty"),
        (
            _swap('"CONFIG_DESCRIPTION"', '"my type"'),
            "key 'checkpatch': 'my type' is not a checkpatch.pl type",
        ),
        (
            _swap('profile = "tip"', 'profile = "x86"'),
            "key 'profile': 'x86' is not one of all, tip, kernel",
        ),
        (_swap("enabled = false", 'enabled = "no"'), "key 'enabled' must be true or false"),
        (_swap('rationale = "Because."', 'rationle = "Because."'), "unknown key 'doc.rationle'"),
        (_swap('rationale = "Because."', "rationale = 1"), "key 'doc.rationale' must be a string"),
        (
            _swap('[params]\nheading = "Thing Background"\nmin_body_lines = 3\n', "").replace(
                "enabled = false", "enabled = false\nparams = 3"
            ),
            "key 'params' must be a table",
        ),
    ],
)
def test_bad_rule_files(tmp_path: Path, text: str, problem: str) -> None:
    path = write(tmp_path, "my-rule", text)
    with pytest.raises(InputError) as caught:
        load_rule(path)
    assert caught.value.where == str(path)
    assert problem in caught.value.problem


def test_id_must_be_kebab_case(tmp_path: Path) -> None:
    path = write(tmp_path, "My_Rule", _swap('id = "my-rule"', 'id = "My_Rule"'))
    with pytest.raises(InputError, match="key 'id': 'My_Rule' is not kebab-case"):
        load_rule(path)


def test_toml_syntax_error_names_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, "my-rule", 'id = "my-rule"\nkind = require-section\n')
    with pytest.raises(InputError) as caught:
        load_rule(path)
    assert caught.value.where == f"{path}:2:8"
    assert caught.value.problem.startswith("TOML syntax error: ")
    assert caught.value.problem.endswith("(line 2, column 8)")


def test_packaged_rulebook_loads() -> None:
    ruleset = load_ruleset(Config())
    ids = {rule.id for rule in ruleset.rules}
    expected = {
        "cr-pinning-background",
        "fred-background",
        "sev-background",
        "tdx-background",
        "problem-section",
        "fix-section",
        "subject-format",
        "line-length",
        "signed-off-by",
    }
    assert expected <= ids
    assert "x86" in ruleset.tip_areas
    # rules/data/ holds data, never rules.
    assert all(Path(rule.path).parent == Path(resource_dir("rules")) for rule in ruleset.rules)
    for rule in ruleset.rules:
        assert rule.rationale.strip(), rule.id
        if rule.kind == "require-section":
            assert rule.reference.strip(), rule.id


def test_get_by_id_and_checkpatch_name() -> None:
    ruleset = load_ruleset(Config())
    line_length = ruleset.get("line-length")
    assert line_length is not None
    assert ruleset.get("COMMIT_LOG_LONG_LINE") is line_length
    assert ruleset.get("commit_log_long_line") is line_length
    assert ruleset.get("no-such-rule") is None


def test_select_only_and_ignore() -> None:
    ruleset = load_ruleset(Config(disable=("line-length",)))
    assert ruleset.get("line-length").enabled is False  # type: ignore[union-attr]
    only = ruleset.select(only=["commit_log_long_line", "signed-off-by"])
    assert [r.id for r in only.rules] == ["line-length", "signed-off-by"]
    assert all(r.enabled for r in only.rules)  # naming a rule switches it on
    ignored = ruleset.select(ignore=["MISSING_SIGN_OFF", "fred-background"])
    assert "signed-off-by" not in {r.id for r in ignored.rules}
    assert "fred-background" not in {r.id for r in ignored.rules}
    assert len(ignored.rules) == len(ruleset.rules) - 2
    with pytest.raises(InputError) as caught:
        ruleset.select(only=["NO_SUCH_TYPE"])
    assert (caught.value.where, caught.value.problem) == (
        "--types",
        "unknown rule or checkpatch type 'NO_SUCH_TYPE'",
    )


def test_rule_dirs_add_rules_and_duplicates_fail(tmp_path: Path) -> None:
    extra = tmp_path / "extra"
    write(extra, "my-rule", GOOD)
    ruleset = load_ruleset(Config(rule_dirs=(str(extra),)))
    assert ruleset.get("my-rule") is not None
    (extra / "data").mkdir()
    write(extra / "data", "not-a-rule", "whatever = 1\n")
    assert load_ruleset(Config(rule_dirs=(str(extra),))).get("not-a-rule") is None

    again = tmp_path / "again"
    path = write(again, "my-rule", GOOD)
    with pytest.raises(InputError) as caught:
        load_ruleset(Config(rule_dirs=(str(extra), str(again))))
    assert caught.value.where == str(path)
    assert (
        caught.value.problem == f"rule id 'my-rule' is already defined in {extra / 'my-rule.toml'}"
    )

    clash = tmp_path / "clash"
    text = 'id = "line-length"\nkind = "line-length"\nseverity = "note"\nsummary = "s"\n'
    write(clash, "line-length", text)
    with pytest.raises(InputError, match="rule id 'line-length' is already defined in"):
        load_ruleset(Config(rule_dirs=(str(clash),)))


def test_config_choices_are_applied() -> None:
    config = Config(
        path="/repo/.patchlens.toml",
        disable=("MISSING_SIGN_OFF",),
        severity=(("subject-format", Severity.ERROR),),
    )
    ruleset = load_ruleset(config)
    sob = ruleset.get("signed-off-by")
    subject = ruleset.get("subject-format")
    assert sob is not None and sob.enabled is False
    assert subject is not None and subject.severity is Severity.ERROR


@pytest.mark.parametrize(
    ("config", "problem"),
    [
        (
            Config(path="/r/.patchlens.toml", enable=("nope",)),
            "unknown rule 'nope' in [rules] enable",
        ),
        (
            Config(path="/r/.patchlens.toml", disable=("nope",)),
            "unknown rule 'nope' in [rules] disable",
        ),
        (
            Config(path="/r/.patchlens.toml", severity=(("nope", Severity.NOTE),)),
            "unknown rule 'nope' in [rules] severity",
        ),
    ],
)
def test_unknown_rules_in_config_name_the_config(config: Config, problem: str) -> None:
    with pytest.raises(InputError) as caught:
        load_ruleset(config)
    assert (caught.value.where, caught.value.problem) == ("/r/.patchlens.toml", problem)


PORTED = """\
id = "my-log-rule"
kind = "cp-log"
severity = "warning"
checkpatch = "GERRIT_CHANGE_ID"
summary = "No Gerrit Change-Id"

[params]
type = "GERRIT_CHANGE_ID"

[doc]
rationale = "Because."
"""


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        # A ported kind picks its behaviour by params.type: a typo there could never fire.
        (
            'type = "GERRIT_CHANGE_ID"',
            'type = "GERIT_CHANGE_ID"',
            "key 'params.type': 'GERIT_CHANGE_ID' is not one of COMMIT_MESSAGE, ",
        ),
        ('type = "GERRIT_CHANGE_ID"\n', "", "missing key 'params.type'"),
        (
            'checkpatch = "GERRIT_CHANGE_ID"',
            'checkpatch = "EMAIL_SUBJECT"',
            "key 'checkpatch': 'EMAIL_SUBJECT' differs from params.type 'GERRIT_CHANGE_ID'",
        ),
        (
            'checkpatch = "GERRIT_CHANGE_ID"',
            'checkpatch = "GERRIT_CHANGEID"',
            "key 'checkpatch': 'GERRIT_CHANGEID' is not a checkpatch.pl type",
        ),
    ],
    ids=["mistyped-type", "missing-type", "disagreeing-alias", "mistyped-alias"],
)
def test_a_ported_rule_that_cannot_fire_is_a_load_error(
    tmp_path: Path, old: str, new: str, problem: str
) -> None:
    assert load_rule(write(tmp_path / "good", "my-log-rule", PORTED)).checkpatch == (
        "GERRIT_CHANGE_ID"
    )
    path = write(tmp_path, "my-log-rule", PORTED.replace(old, new))
    with pytest.raises(InputError) as caught:
        load_rule(path)
    assert caught.value.where == str(path)
    assert problem in caught.value.problem


def test_a_ported_rule_takes_its_checkpatch_name_from_its_type(tmp_path: Path) -> None:
    text = PORTED.replace('checkpatch = "GERRIT_CHANGE_ID"\n', "")
    assert load_rule(write(tmp_path, "my-log-rule", text)).checkpatch == "GERRIT_CHANGE_ID"


@pytest.mark.parametrize(
    ("kind", "params", "problem"),
    [
        ("trailer-form", 'aspect = "x"', "key 'params.aspect': 'x' is not one of combined, "),
        (
            "pinned-bit-bringup",
            'fix_condition = "fixes"',
            "key 'params.fix_condition': unknown condition 'fixes' (known: ",
        ),
        ("pinned-bit-bringup", 'facts = "nope.toml"', "key 'params.facts': no kernel facts file "),
    ],
)
def test_a_params_value_the_kind_refuses_names_the_file_and_key(
    tmp_path: Path, kind: str, params: str, problem: str
) -> None:
    text = PORTED.replace('kind = "cp-log"', f'kind = "{kind}"')
    text = text.replace('checkpatch = "GERRIT_CHANGE_ID"\n', "")
    path = write(tmp_path, "my-log-rule", text.replace('type = "GERRIT_CHANGE_ID"', params))
    with pytest.raises(InputError) as caught:
        load_rule(path)
    assert caught.value.where == str(path)
    assert caught.value.problem.startswith(problem)


@pytest.mark.parametrize("key", ['profile = "tip"', '[when]\nsubject = "x86"'])
def test_a_series_rule_has_no_profile_or_condition(tmp_path: Path, key: str) -> None:
    text = f'id = "my-series"\nkind = "series-base"\nseverity = "error"\nsummary = "S"\n{key}\n'
    path = write(tmp_path, "my-series", text)
    with pytest.raises(InputError, match="a series rule looks at several mails"):
        load_rule(path)


@pytest.mark.parametrize(
    ("kind", "params", "problem"),
    [
        ("review-followup", "sections = false\ntags = false", "key 'params.tags': false with"),
        (
            "subject-format",
            "require_area = false\nforbid_path = false\nrequire_summary = false\n"
            "forbid_trailing_period = false",
            "key 'params.require_area': every check of the subject is off",
        ),
        ("tag-order", 'order = ["fixes"]', "key 'params.order': names fewer than two tags"),
        ("subject-mood", "forms = []", "key 'params.forms': is empty"),
        ("changelog-body", "min_lines = 0", "key 'params.min_lines': 0: every changelog"),
    ],
)
def test_a_rule_whose_params_leave_nothing_to_check_is_a_load_error(
    tmp_path: Path, kind: str, params: str, problem: str
) -> None:
    text = f'id = "my-rule"\nkind = "{kind}"\nseverity = "warning"\nsummary = "S"\n'
    path = write(tmp_path, "my-rule", f"{text}\n[params]\n{params}\n")
    with pytest.raises(InputError) as caught:
        load_rule(path)
    assert caught.value.where == str(path)
    assert caught.value.problem.startswith(problem)
