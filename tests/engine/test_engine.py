"""The engine, the conditions and the check kinds, on hand-built ``Patch`` objects."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lint.checks.api import CheckContext
from lint.diagnostic import Diagnostic, Fix, Location, Severity
from lint.engine.rules import active_profile, run
from lint.errors import InputError
from lint.mail.model import DecodedMail, RawMail, TextLine
from lint.patch.diff import ChangedLine, Diff, FileDiff, FileStatus, Hunk
from lint.patch.model import Changelog, Paragraph, Patch, Section, Subject, Trailer
from lint.rulebook.conditions import Trigger, compile_condition, glob_to_regex
from lint.rulebook.ruleset import Ruleset, load_rule

ORIGIN = "0001-test.patch"
SUBJECT_LINE = 4


def mail(author: str = "Ada Lovelace", email: str = "ada@example.org") -> DecodedMail:
    return DecodedMail(
        origin=ORIGIN,
        index=0,
        first_line=1,
        author_name=author,
        author_email=email,
        author_line=2,
        date="Mon, 16 Feb 2026 12:00:00 +0000",
        subject="",
        subject_clean="",
        subject_line=SUBJECT_LINE,
        message_id="<test@example.org>",
        in_reply_to="",
        references=(),
        headers=(),
        message="",
        message_lines=(),
        patch="",
        patch_lines=(),
    )


def subject(
    area: str = "x86/fred",
    summary: str = "Fix early boot",
    *,
    reply: bool = False,
    index: int | None = None,
    total: int | None = None,
) -> Subject:
    raw = f"[PATCH] {area}: {summary}" if area else f"[PATCH] {summary}"
    return Subject(
        raw=raw,
        reply=reply,
        tags=("PATCH",),
        version=1,
        index=index,
        total=total,
        area=area,
        summary=summary,
        clean=f"{area}: {summary}" if area else summary,
        line=SUBJECT_LINE,
    )


def changelog(body: list[str], first_line: int = 6) -> Changelog:
    """Analyse ``body`` the simple way: ``== X ==`` sections and a final tag block."""
    lines = tuple(TextLine(text, first_line + n) for n, text in enumerate(body))
    paragraphs: list[Paragraph] = []
    current: list[TextLine] = []
    for item in (*lines, TextLine("", 0)):
        if item.text.strip():
            current.append(item)
        elif current:
            paragraphs.append(Paragraph(tuple(current)))
            current = []
    trailers: tuple[Trailer, ...] = ()
    if paragraphs and all(re.match(r"[\w-]+: ", t.text) for t in paragraphs[-1].lines):
        trailers = tuple(
            Trailer(t.text.split(":")[0], t.text.split(": ", 1)[1], "", t.line, t.text)
            for t in paragraphs[-1].lines
        )
    end = trailers[0].line if trailers else first_line + len(body)
    sections: list[Section] = []
    heads = [i for i in lines if re.fullmatch(r"== .+ ==", i.text)]
    for n, head in enumerate(heads):
        stop = heads[n + 1].line if n + 1 < len(heads) else end
        body_lines = tuple(i for i in lines if head.line < i.line < stop)
        sections.append(Section(head.text.strip("= "), head.line, body_lines))
    return Changelog(
        lines=lines,
        paragraphs=tuple(paragraphs),
        sections=tuple(sections),
        trailers=trailers,
        trailer_line=trailers[0].line if trailers else 0,
    )


def file_diff(path: str, changes: list[tuple[str, str, int]], line: int = 40) -> FileDiff:
    """``changes``: (``+``/``-``, text, line number in the file); function ``fn`` unless
    the text is ``name|text``."""
    changed: list[ChangedLine] = []
    for n, (sign, text, number) in enumerate(changes):
        function, _, body = text.rpartition("|")
        changed.append(
            ChangedLine(
                added=sign == "+",
                text=body,
                old_line=None if sign == "+" else number,
                new_line=number if sign == "+" else None,
                function=function,
                line=line + 5 + n,
            )
        )
    hunk = Hunk(1, 3, 1, 3, "", line + 4, tuple(changed))
    return FileDiff(path, path, FileStatus.MODIFIED, False, line, (hunk,))


SIGNED = ["Signed-off-by: Ada Lovelace <ada@example.org>"]


def patch(
    body: list[str] | None = None,
    files: list[FileDiff] | None = None,
    subj: Subject | None = None,
) -> Patch:
    return Patch(
        mail=mail(),
        subject=subj or subject(),
        changelog=changelog(body if body is not None else ["Explain things.", "", *SIGNED]),
        parsed_diff=Diff(tuple(files or ())),
    )


def rule_file(tmp_path: Path, rule_id: str, text: str) -> Path:
    path = tmp_path / f"{rule_id}.toml"
    path.write_text(text, encoding="utf-8")
    return path


FRED_RULE = """
id = "fred-demo"
kind = "require-section"
severity = "error"
summary = "FRED changes explain FRED"
[[when.any]]
diff_path = "arch/x86/kernel/fred.c"
[[when.any]]
diff_line = '\\bX86_CR4_FRED\\b'
[params]
heading = "FRED Background"
min_body_lines = 2
must_explain = "what FRED is"
"""


@pytest.fixture
def fred_ruleset(tmp_path: Path) -> Ruleset:
    return Ruleset(rules=(load_rule(rule_file(tmp_path, "fred-demo", FRED_RULE)),))


# --- require-section through the engine --------------------------------------------------


def test_missing_section_is_reported_at_the_subject_naming_the_trigger(
    fred_ruleset: Ruleset,
) -> None:
    common = file_diff("arch/x86/kernel/cpu/common.c", [("+", "cr4_set_bits(X86_CR4_FRED);", 123)])
    found = run(patch(files=[common]), fred_ruleset)
    assert found == (
        Diagnostic(
            rule="fred-demo",
            severity=Severity.ERROR,
            message="missing '== FRED Background ==' section (the patch adds a line mentioning "
            "X86_CR4_FRED at arch/x86/kernel/cpu/common.c:123); it should explain what FRED is",
            location=Location(ORIGIN, SUBJECT_LINE, "subject"),
            help="FRED changes explain FRED",
            subject="[PATCH] x86/fred: Fix early boot",
            message_id="<test@example.org>",
        ),
    )


def test_section_with_enough_lines_passes(fred_ruleset: Ruleset) -> None:
    body = ["== FRED Background ==", "FRED is new.", "It has MSRs.", "", *SIGNED]
    fred = file_diff("arch/x86/kernel/fred.c", [("-", "old();", 10)])
    assert run(patch(body, [fred]), fred_ruleset) == ()


def test_short_section_is_reported_at_its_heading(fred_ruleset: Ruleset) -> None:
    body = ["Intro.", "", "== FRED Background ==", "FRED is new.", "", *SIGNED]
    fred = file_diff("arch/x86/kernel/fred.c", [("-", "old();", 10)])
    (found,) = run(patch(body, [fred]), fred_ruleset)
    assert found.location == Location(ORIGIN, 8, "body")
    assert found.message == (
        "the '== FRED Background ==' section has 1 line, at least 2 lines expected"
        " (the patch touches arch/x86/kernel/fred.c); it should explain what FRED is"
    )


def test_empty_section_is_reported(fred_ruleset: Ruleset) -> None:
    body = ["== FRED Background ==", "", *SIGNED]
    fred = file_diff("arch/x86/kernel/fred.c", [("-", "old();", 10)])
    (found,) = run(patch(body, [fred]), fred_ruleset)
    assert found.message.startswith("the '== FRED Background ==' section is empty (")


def test_untriggered_rule_is_silent(fred_ruleset: Ruleset) -> None:
    other = file_diff("drivers/net/foo.c", [("+", "x = 1;", 5)])
    assert run(patch(files=[other]), fred_ruleset) == ()
    assert run(patch(files=[]), fred_ruleset) == ()


@pytest.mark.parametrize(
    "subj",
    [
        subject(reply=True),
        subject("x86/fred", "Fix things", index=0, total=3),
    ],
    ids=["reply", "cover-letter"],
)
def test_replies_and_cover_letters_are_not_linted(fred_ruleset: Ruleset, subj: Subject) -> None:
    fred = file_diff("arch/x86/kernel/fred.c", [("-", "old();", 10)])
    assert run(patch(files=[fred], subj=subj), fred_ruleset) == ()


def test_disabled_rule_does_not_run(fred_ruleset: Ruleset) -> None:
    from lint.record import replace

    off = Ruleset((replace(fred_ruleset.rules[0], enabled=False),))
    fred = file_diff("arch/x86/kernel/fred.c", [("-", "old();", 10)])
    assert run(patch(files=[fred]), off) == ()


# --- profiles ----------------------------------------------------------------------------

TIP_RULE = """
id = "tip-only"
kind = "subject-format"
severity = "warning"
summary = "tip wants capitals"
profile = "tip"
[params]
require_capital = true
"""


@pytest.mark.parametrize(
    ("area", "configured", "override", "expected"),
    [
        ("x86/fred", "auto", None, "tip"),
        ("sched/core", "auto", None, "tip"),
        ("perf/x86/intel", "auto", None, "tip"),
        ("x86", "auto", None, "tip"),
        ("drivers/net", "auto", None, "kernel"),
        ("x86fred", "auto", None, "kernel"),
        ("", "auto", None, "kernel"),
        ("net", "tip", None, "tip"),
        ("x86/fred", "kernel", None, "kernel"),
        ("net", "auto", "tip", "tip"),
        ("x86", "tip", "kernel", "kernel"),
    ],
)
def test_active_profile(area: str, configured: str, override: str | None, expected: str) -> None:
    ruleset = Ruleset(rules=(), profile=configured, tip_areas=("x86", "sched", "perf"))
    context = CheckContext(profile=override)
    assert active_profile(patch(subj=subject(area, "Fix")), ruleset, context) == expected


def test_tip_rule_runs_only_under_tip(tmp_path: Path) -> None:
    rule = load_rule(rule_file(tmp_path, "tip-only", TIP_RULE))
    ruleset = Ruleset(rules=(rule,), tip_areas=("x86",))
    assert [d.rule for d in run(patch(subj=subject("x86/fred", "fix it")), ruleset)] == ["tip-only"]
    assert run(patch(subj=subject("net/core", "fix it")), ruleset) == ()
    forced = CheckContext(profile="tip")
    assert [d.rule for d in run(patch(subj=subject("net/core", "fix it")), ruleset, forced)] == [
        "tip-only"
    ]


def test_results_are_sorted(tmp_path: Path, fred_ruleset: Ruleset) -> None:
    sob = load_rule(
        rule_file(
            tmp_path,
            "sob",
            'id = "sob"\nkind = "signed-off-by"\nseverity = "error"\nsummary = "s"\n',
        )
    )
    longline = load_rule(
        rule_file(
            tmp_path,
            "long",
            'id = "long"\nkind = "line-length"\nseverity = "warning"\nsummary = "l"\n',
        )
    )
    ruleset = Ruleset(rules=(longline, sob, *fred_ruleset.rules))
    body = ["x " * 40, "", "Reviewed-by: Someone <s@example.org>"]
    fred = file_diff("arch/x86/kernel/fred.c", [("-", "old();", 10)])
    found = run(patch(body, [fred]), ruleset)
    assert [(d.rule, d.location.line) for d in found] == [
        ("fred-demo", 4),
        ("long", 6),
        ("sob", 8),
    ]


# --- conditions --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("glob", "path", "matches"),
    [
        ("arch/x86/kernel/fred.c", "arch/x86/kernel/fred.c", True),
        ("arch/x86/kernel/fred.c", "arch/x86/kernel/fred.c.orig", False),
        ("arch/x86/entry/*fred*", "arch/x86/entry/entry_fred.c", True),
        ("arch/x86/entry/*fred*", "arch/x86/entry/sub/fred.c", False),
        ("arch/x86/coco/sev/", "arch/x86/coco/sev/core.c", True),
        ("arch/x86/coco/sev/", "arch/x86/coco/sevx/core.c", False),
        ("arch/**/tdx.h", "arch/x86/include/asm/tdx.h", True),
        ("arch/**/tdx.h", "arch/tdx.h", True),
        ("**/*.h", "include/linux/sched.h", True),
        ("arch/x86/include/asm/sev*.h", "arch/x86/include/asm/sev-common.h", True),
        ("arch/x86/include/asm/sev?.h", "arch/x86/include/asm/sev.h", False),
        ("arch/x86/[ck]*/cpu.c", "arch/x86/kernel/cpu.c", True),
        ("arch/x86/[!ck]*/cpu.c", "arch/x86/kernel/cpu.c", False),
    ],
)
def test_glob(glob: str, path: str, matches: bool) -> None:
    assert (re.fullmatch(glob_to_regex(glob), path) is not None) is matches


def _trigger(table: object, target: Patch) -> Trigger | None:
    return compile_condition(table, "rule.toml").matches(target)


COMMON = file_diff(
    "arch/x86/kernel/cpu/common.c",
    [
        ("-", "cr4_init|\tif (static_branch_likely(&cr_pinning))", 480),
        ("+", "cr4_init|\tif (cpu_online(cpu) && static_branch_likely(&cr_pinning))", 480),
    ],
)


def test_diff_line_sides() -> None:
    target = patch(files=[COMMON])
    assert _trigger({"diff_line": "cpu_online", "side": "removed"}, target) is None
    added = _trigger({"diff_line": r"\bcr_pinning\b", "side": "added"}, target)
    assert added == Trigger(
        "adds a line mentioning cr_pinning at arch/x86/kernel/cpu/common.c:480",
        path="arch/x86/kernel/cpu/common.c",
        line=46,
    )
    changed = _trigger({"diff_line": r"\bcr_pinning\b"}, target)
    assert changed is not None
    assert changed.reason.startswith("removes a line mentioning cr_pinning")


def test_function_condition() -> None:
    target = patch(files=[COMMON])
    found = _trigger({"function": ["native_write_cr4", "cr4_init"]}, target)
    assert found is not None
    assert found.reason == "changes cr4_init() at arch/x86/kernel/cpu/common.c:480"
    assert _trigger({"function": "setup_cr_pinning"}, target) is None


def test_subject_and_changelog_conditions() -> None:
    target = patch(["We saw a #VC storm.", "", *SIGNED], subj=subject("x86/sev", "Fix"))
    assert _trigger({"subject_prefix": "^x86(/|$)"}, target) == Trigger(
        "has the subject prefix 'x86/sev:'"
    )
    assert _trigger({"subject_prefix": "^x86$"}, target) is None
    assert _trigger({"changelog": "#VC"}, target) == Trigger(
        "mentions #VC in the changelog", line=6
    )


def test_any_all_not() -> None:
    target = patch(files=[COMMON])
    both = {"all": [{"diff_path": "arch/x86/**"}, {"function": "cr4_init"}]}
    found = _trigger(both, target)
    assert found is not None
    assert found.reason == (
        "touches arch/x86/kernel/cpu/common.c and changes cr4_init() at "
        "arch/x86/kernel/cpu/common.c:480"
    )
    assert _trigger({"all": [{"diff_path": "arch/x86/**"}, {"function": "nope"}]}, target) is None
    assert _trigger({"any": [{"function": "nope"}, {"diff_path": "**/common.c"}]}, target) == (
        Trigger("touches arch/x86/kernel/cpu/common.c", "arch/x86/kernel/cpu/common.c", 40)
    )
    assert _trigger({"not": {"diff_path": "drivers/"}}, target) is not None
    assert _trigger({"not": {"diff_path": "arch/"}}, target) is None
    # Several keys in one table must all hold.
    assert _trigger({"diff_path": "arch/", "function": "nope"}, target) is None


@pytest.mark.parametrize(
    ("table", "problem"),
    [
        ({"diff_paths": "x"}, "unknown key 'when.diff_paths'"),
        ({"diff_line": "("}, "bad regex '(' for key 'when.diff_line'"),
        ({"diff_line": "x", "side": "both"}, "bad value 'both' for key 'when.side'"),
        ({"side": "added", "diff_path": "x"}, "key 'when.side' is only allowed with diff_line"),
        ({"any": []}, "key 'when.any' must be a non-empty list of tables"),
        ({"any": [{"function": 3}]}, "key 'when.any[0].function' must be a string"),
        ({}, "key 'when' is an empty condition"),
        ("arch/", "key 'when' must be a table or a list of tables"),
    ],
)
def test_condition_errors(table: object, problem: str) -> None:
    with pytest.raises(InputError) as caught:
        compile_condition(table, "rule.toml")
    assert caught.value.where == "rule.toml"
    assert problem in caught.value.problem


# --- line-length -------------------------------------------------------------------------

LONG_RULE = 'id = "long"\nkind = "line-length"\nseverity = "warning"\nsummary = "wrap"\n'
LONG = "This sentence keeps going well past the limit of seventy-five columns, sadly."


@pytest.mark.parametrize(
    ("line", "reported"),
    [
        (LONG, True),
        ("x" * 75, False),
        ("word " * 14 + "words", False),  # 75 columns
        ("word " * 15 + "w", True),  # 76 columns
        ("https://lore.kernel.org/all/20260216120000.1234567-1-someone@example.org/", False),
        (
            "Fixes: 0123456789ab (" + "x86/fred: A very long subject line that goes on" * 2 + ")",
            False,
        ),
        ("Link: https://example.org/" + "x" * 80, False),
        ("Closes: https://example.org/ " + "x " * 40, False),
        ("Reviewed-by: A Very Long Name With Many Parts And More <someone@example.org>", False),
        ("  arch/x86/kernel/cpu/common.c | 12 ++++++------ and more text to go over limit", False),
        ("arch/x86/kernel/fred.c: some long description that goes beyond the seventy", False),
        ("    " + "/" + "very-long-path-component/" * 4 + "file.c", False),
    ],
)
def test_line_length_exemptions(tmp_path: Path, line: str, reported: bool) -> None:
    ruleset = Ruleset((load_rule(rule_file(tmp_path, "long", LONG_RULE)),))
    found = run(patch(["Intro.", line, "", *SIGNED]), ruleset)
    assert [d.location.line for d in found] == ([7] if reported else [])


def test_line_length_skips_pasted_logs_until_a_blank_line(tmp_path: Path) -> None:
    ruleset = Ruleset((load_rule(rule_file(tmp_path, "long", LONG_RULE)),))
    body = [
        "The guest dies:",
        "",
        "[    0.123456] smpboot: x86: Booting SMP configuration: node #0, CPUs:  #1 #2 #3",
        "  Call Trace: native_write_cr4+0x2f/0x40 cr4_init+0x1c/0x30 start_secondary+0x52",
        "",
        LONG,
        "",
        *SIGNED,
    ]
    found = run(patch(body), ruleset)
    assert [(d.location.line, d.message) for d in found] == [
        (11, "line is 77 characters long, over the 75-column limit")
    ]
    assert len(LONG) == 77


def test_line_length_params(tmp_path: Path) -> None:
    text = LONG_RULE + "[params]\nmax = 40\nfirst_only = true\n"
    ruleset = Ruleset((load_rule(rule_file(tmp_path, "long", text)),))
    body = ["a" * 30 + " b", "c" * 30 + " " + "d" * 10, "e " * 30, "", *SIGNED]
    found = run(patch(body), ruleset)
    assert [(d.location.line, d.location.part) for d in found] == [(7, "body")]


# --- subject-format ----------------------------------------------------------------------

SUBJECT_RULE = (
    'id = "subj"\nkind = "subject-format"\nseverity = "warning"\nsummary = "subject"\n'
    "[params]\nrequire_capital = true\nmax_length = 40\n"
)


@pytest.mark.parametrize(
    ("area", "summary", "messages"),
    [
        ("x86/fred", "Fix early boot", []),
        ("", "Fix early boot", ["the subject has no 'subsys/component:' prefix"]),
        (
            "arch/x86/kernel/fred.c",
            "Fix it",
            ["the subject prefix 'arch/x86/kernel/fred.c:' is a file path, not a subsystem name"],
        ),
        ("x86/fred", "Fix early boot.", ["the subject summary ends with a period"]),
        ("x86/fred", "Fix early boot...", []),
        ("x86/fred", "", ["the subject has no summary after its prefix"]),
        (
            "x86/fred",
            "fix early boot",
            ["the subject summary should start with an uppercase letter ('f')"],
        ),
        (
            "x86/fred",
            "Fix early boot failures on SEV-ES/SNP guests",
            ["the subject's summary is 44 characters long, over 40"],
        ),
    ],
)
def test_subject_format(tmp_path: Path, area: str, summary: str, messages: list[str]) -> None:
    ruleset = Ruleset((load_rule(rule_file(tmp_path, "subj", SUBJECT_RULE)),))
    found = run(patch(subj=subject(area, summary)), ruleset)
    assert [d.message for d in found] == messages
    assert all(d.location == Location(ORIGIN, SUBJECT_LINE, "subject") for d in found)


# --- signed-off-by -----------------------------------------------------------------------

SOB_RULE = (
    'id = "sob"\nkind = "signed-off-by"\nseverity = "error"\nsummary = "sign"\n'
    'checkpatch = "MISSING_SIGN_OFF"\n'
)


def test_sign_off_present(tmp_path: Path) -> None:
    ruleset = Ruleset((load_rule(rule_file(tmp_path, "sob", SOB_RULE)),))
    assert run(patch(["Text.", "", "signed-off-by: Ada <ada@example.org>"]), ruleset) == ()


def test_missing_sign_off_with_other_tags_offers_an_append_fix(tmp_path: Path) -> None:
    ruleset = Ruleset((load_rule(rule_file(tmp_path, "sob", SOB_RULE)),))
    body = ["Text.", "", "Reviewed-by: Bob <bob@example.org>", "Cc: stable@vger.kernel.org"]
    (found,) = run(patch(body), ruleset)
    assert found.location == Location(ORIGIN, 8, "trailer")
    assert found.checkpatch == "MISSING_SIGN_OFF"
    assert found.fix == Fix(
        9,
        9,
        ("Cc: stable@vger.kernel.org", "Signed-off-by: Ada Lovelace <ada@example.org>"),
        "append 'Signed-off-by: Ada Lovelace <ada@example.org>'",
    )


def test_missing_sign_off_without_tags_adds_a_blank_line(tmp_path: Path) -> None:
    ruleset = Ruleset((load_rule(rule_file(tmp_path, "sob", SOB_RULE)),))
    (found,) = run(patch(["Text.", "More text."]), ruleset)
    assert found.location == Location(ORIGIN, SUBJECT_LINE, "subject")
    assert found.fix is not None
    assert found.fix.replacement == (
        "More text.",
        "",
        "Signed-off-by: Ada Lovelace <ada@example.org>",
    )
    (bare,) = run(patch([]), ruleset)
    assert bare.fix is None


def _mail_touching(path: str) -> Patch:
    from lint.engine.pipeline import read_patches

    text = (
        "From: Ada <ada@example.org>\nSubject: [PATCH] x86/fred: Tweak\n\nBody.\n---\n"
        f"diff --git a/{path} b/{path}\n--- a/{path}\n+++ b/{path}\n"
        "@@ -1,1 +1,1 @@\n-a\n+b\n"
    )
    return next(read_patches([RawMail(text.encode(), "t.patch")]))


def test_diff_path_gate_is_the_common_start_of_its_globs() -> None:
    from lint.rulebook.conditions import DiffPath

    condition = compile_condition(
        {"diff_path": ["arch/x86/coco/sev/", "arch/x86/entry/*fred*"]}, "t.toml"
    )
    assert isinstance(condition, DiffPath)
    assert condition.gate == frozenset({"arch/x86/"})
    assert condition.matches(_mail_touching("arch/x86/entry/entry_fred.c")) is not None
    assert condition.matches(_mail_touching("arch/x86/coco/sev/core.c")) is not None
    assert condition.matches(_mail_touching("arch/x86/kernel/smpboot.c")) is None
    assert condition.matches(_mail_touching("drivers/virt/coco/sev-guest/sev-guest.c")) is None


def test_a_default_context_reads_its_dictionary_once() -> None:
    """Every patch once chose and read the spelling dictionary anew: a quarter of a run."""
    from lint.checks.checkpatch.dictionary import Dictionary
    from lint.config import Config
    from lint.rulebook.ruleset import load_ruleset

    ruleset = load_ruleset(Config()).select(only=["typo-spelling"])
    context = CheckContext()
    assert isinstance(context.spelling, Dictionary)
    for _ in range(2):
        found = run(
            patch(body=["This will recieve the fix.", "", "Signed-off-by: A <a@b.c>"]),
            ruleset,
            context,
        )
        assert [d.rule for d in found] == ["typo-spelling"]
    assert len(context.spelling._loaded) == 1  # read by the first patch, kept for the next
