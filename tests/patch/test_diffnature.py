"""What a diff does to code: behavioural lines against what only looks like a change."""

from __future__ import annotations

from pathlib import Path

import pytest

from lint.errors import InputError
from lint.patch.diffparse import parse_diff
from lint.patch.nature import DiffNature, analyse, load_vocabulary, strip_c
from lint.resources import resource_dir

VOCABULARY = load_vocabulary(Path(resource_dir("rules")) / "data" / "diff-nature.toml")


def nature(diff: str) -> DiffNature:
    return analyse(parse_diff(diff, 1).files, VOCABULARY)


def c_diff(body: str, heading: str = "void f(void)", path: str = "arch/x86/a.c") -> str:
    """A one-hunk diff of ``path``; ``body`` is the hunk's lines, counts worked out here."""
    lines = body.splitlines()
    old = sum(1 for line in lines if line[:1] in (" ", "-"))
    new = sum(1 for line in lines if line[:1] in (" ", "+"))
    return (
        f"diff --git a/{path} b/{path}\nindex 1111111..2222222 100644\n--- a/{path}\n"
        f"+++ b/{path}\n@@ -10,{old} +10,{new} @@ {heading}\n{body}"
    )


def kept(found: DiffNature) -> list[str]:
    return [("+" if c.line.added else "-") + c.code for c in found.code]


@pytest.mark.parametrize(
    ("what", "body", "kind"),
    [
        ("a comment", " \ta = 1;\n-\t/* old words */\n+\t/* new words */\n \tb = 2;\n", "comment"),
        ("a comment's middle", " \t/*\n-\t * old words\n+\t * new words\n \t */\n", "comment"),
        ("indentation", " {\n-  a = 1;\n+\ta = 1;\n }\n", "whitespace"),
        ("a re-wrapped call", " {\n-\tf(a, b,\n-\t  c);\n+\tf(a,\n+\t  b, c);\n }\n", "whitespace"),
        # Strings are emptied: the two lines compare equal.
        ("a string", ' {\n-\tpr_info("old\\n");\n+\tpr_info("new\\n");\n }\n', "whitespace"),
        ("an include", " #include <a.h>\n-#include <b.h>\n+#include <c.h>\n", "include"),
        (
            "an annotation word",
            "-static void g(void)\n+static void __init g(void)\n {\n",
            "annotation",
        ),
        ("an objtool line", " {\n+\tinstrumentation_begin();\n \tg();\n", "annotation"),
    ],
)
def test_mechanical_changes_leave_no_code(what: str, body: str, kind: str) -> None:
    found = nature(c_diff(body))
    assert found.mechanical, (what, kept(found))
    assert kind in found.kinds


def test_a_rename_carried_through_the_patch_is_mechanical() -> None:
    body = (
        "-static int old_name(void)\n+static int new_name(void)\n {\n"
        " \treturn 0;\n }\n \n void h(void)\n {\n-\told_name();\n+\tnew_name();\n }\n"
    )
    found = nature(c_diff(body, heading=""))
    assert found.mechanical, kept(found)
    assert found.renames == (("old_name", "new_name"),)


def test_one_call_switched_to_another_function_is_behaviour() -> None:
    """A single substitution is not a rename: native_write_cr4() is not __write_cr4()."""
    found = nature(c_diff(" {\n-\t__write_cr4(cr4);\n+\tnative_write_cr4(cr4);\n }\n"))
    assert kept(found) == ["-__write_cr4(cr4);", "+native_write_cr4(cr4);"]


def test_a_function_moved_to_another_file_is_mechanical() -> None:
    function = "void helper(void)\n{\n\tdo_work();\n}\n"
    removed = "".join(f"-{line}\n" for line in function.splitlines())
    added = "".join(f"+{line}\n" for line in function.splitlines())
    diff = c_diff(" int a;\n" + removed, heading="", path="arch/x86/a.c") + c_diff(
        " int b;\n" + added, heading="", path="arch/x86/b.c"
    )
    found = nature(diff)
    assert found.mechanical, kept(found)
    assert "moved" in found.kinds


def test_a_statement_moved_within_a_function_is_behaviour_and_a_move() -> None:
    """Order is behaviour: a setup call moved earlier is exactly what opens a window."""
    body = " {\n-\tsetup_a();\n \tsetup_b();\n+\tsetup_a();\n }\n"
    found = nature(c_diff(body))
    assert kept(found) == ["-setup_a();", "+setup_a();"]
    [(removed, added)] = found.moved
    assert (removed.line.added, added.line.added) == (False, True)


def test_a_print_moved_is_set_aside_but_kept_as_console_output() -> None:
    body = ' {\n-\tpr_info("x\\n");\n \tsetup_b();\n+\tpr_info("x\\n");\n }\n'
    found = nature(c_diff(body))
    assert found.mechanical
    assert [c.code for c in found.prints] == ['pr_info("");', 'pr_info("");']
    assert len(found.moved) == 1


def test_warn_on_is_code_not_a_print() -> None:
    body = " {\n-\tWARN_ON_ONCE(a);\n+\tWARN_ON_ONCE(a && b);\n }\n"
    assert not nature(c_diff(body)).mechanical


def test_a_moved_line_in_a_linker_script_is_behaviour() -> None:
    body = "-\t*(.text.a)\n \t*(.text.b)\n+\t*(.text.a)\n"
    found = nature(c_diff(body, heading="", path="arch/x86/kernel/vmlinux.lds.S"))
    assert len(found.code) == 2


def test_documentation_holds_no_code() -> None:
    diff = c_diff("-Old words.\n+New words.\n", heading="", path="Documentation/arch/x86/a.rst")
    found = nature(diff)
    assert found.mechanical
    assert found.kinds == {"docs"}


def test_strip_c_keeps_code_and_drops_comments_and_strings() -> None:
    lines = [
        " * a comment continued from above the hunk",
        " */",
        'x = f("/* not a comment */", \'"\'); // trailing',
        "y = 1; /* starts",
        "still comment */ z = 2;",
    ]
    assert [line.strip() for line in strip_c(lines)] == [
        "",
        "",
        "x = f(\"\", '');",
        "y = 1;",
        "z = 2;",
    ]


def test_a_typo_in_the_vocabulary_names_the_key(tmp_path: Path) -> None:
    path = tmp_path / "diff-nature.toml"
    path.write_text('annotations = []\nannotation_lines = "x"\nprints = "("\ndocs = []\n')
    with pytest.raises(InputError, match=r"bad regex '\(' for key 'prints'"):
        load_vocabulary(path)
    path.write_text(
        'annotations = []\nannotation_lines = "x"\nprints = "x"\ndocs = []\nprint = 1\n'
    )
    with pytest.raises(InputError, match="unknown key 'print'"):
        load_vocabulary(path)
