"""Diff parsing: file statuses, hunks, changed lines, functions, line numbers."""

# ruff: noqa: W293, E101
# (fixture diffs are byte-exact: tabs, empty context lines and the "-- " signature matter)

from __future__ import annotations

import pytest

from lint.patch.diff import Diff, FileStatus
from lint.patch.diffparse import parse_diff
from lint.patch.functions import enclosing_functions, function_from_heading

MODIFY = """\
diff --git a/arch/x86/kernel/cpu/common.c b/arch/x86/kernel/cpu/common.c
index 1111111..2222222 100644
--- a/arch/x86/kernel/cpu/common.c
+++ b/arch/x86/kernel/cpu/common.c
@@ -10,7 +10,8 @@ static void __init cr4_init(void)
 	unsigned long cr4 = __read_cr4();
 
-	if (boot_cpu_has(X86_FEATURE_PCID))
+	if (boot_cpu_has(X86_FEATURE_PCID) &&
+	    cpu_online(smp_processor_id()))
 		cr4 |= X86_CR4_PCIDE;
 	if (static_branch_likely(&cr_pinning))
 		cr4 = (cr4 & ~cr4_pinned_mask) | cr4_pinned_bits;
@@ -40,7 +41,12 @@ void native_write_cr4(unsigned long val)
 	}
 }
 
+static bool cpu_is_up(int cpu)
+{
+	return cpu_online(cpu);
+}
+
 noinstr void native_write_cr0(unsigned long val)
 {
-	unsigned long bits_missing = 0;
+	unsigned long bits_missing = 1;
 
"""


def test_modified_file_hunks_lines_and_functions() -> None:
    diff = parse_diff(MODIFY, 100)
    (file,) = diff.files
    assert file.status is FileStatus.MODIFIED
    assert (file.old_path, file.new_path, file.path) == (
        "arch/x86/kernel/cpu/common.c",
        "arch/x86/kernel/cpu/common.c",
        "arch/x86/kernel/cpu/common.c",
    )
    assert (file.old_mode, file.new_mode) == ("100644", "100644")
    assert file.line == 100
    assert not file.binary
    assert (file.added, file.removed) == (8, 2)
    first, second = file.hunks
    assert (first.old_start, first.old_length, first.new_start, first.new_length) == (10, 7, 10, 8)
    assert first.heading == "static void __init cr4_init(void)"
    assert first.line == 104
    assert second.line == 113
    assert [(c.added, c.old_line, c.new_line, c.line, c.function) for c in first.changes] == [
        (False, 12, None, 107, "cr4_init"),
        (True, None, 12, 108, "cr4_init"),
        (True, None, 13, 109, "cr4_init"),
    ]
    assert first.changes[1].text == "\tif (boot_cpu_has(X86_FEATURE_PCID) &&"
    assert first.context_before[0] == "\tunsigned long cr4 = __read_cr4();"
    # After the "}" that closes native_write_cr4() the added lines open a new
    # function; the removed line sits in native_write_cr0() seen in context.
    assert [(c.added, c.new_line, c.old_line, c.function) for c in second.changes] == [
        (True, 44, None, "cpu_is_up"),
        (True, 45, None, "cpu_is_up"),
        (True, 46, None, "cpu_is_up"),
        (True, 47, None, "cpu_is_up"),
        (True, 48, None, ""),
        (False, None, 45, "native_write_cr0"),
        (True, 51, None, "native_write_cr0"),
    ]
    assert diff.functions == ("cr4_init", "cpu_is_up", "native_write_cr0")


@pytest.mark.parametrize(
    ("heading", "name"),
    [
        ("static void __init cr4_init(void)", "cr4_init"),
        ("void native_write_cr4(unsigned long val)", "native_write_cr4"),
        ("noinstr void native_write_cr4(unsigned long val)", "native_write_cr4"),
        ("struct foo {", ""),
        ("static const struct x86_cpu_id ids[] __initconst = {", ""),
        ("SYM_FUNC_START(asm_fred_entry_from_user)", "asm_fred_entry_from_user"),
        ("SYM_CODE_START_LOCAL_NOALIGN(identity_mapped)", "identity_mapped"),
        ("DEFINE_IDTENTRY_RAW(exc_page_fault)", "exc_page_fault"),
        ("DEFINE_IDTENTRY_VC_KERNEL(exc_vmm_communication)", "exc_vmm_communication"),
        (
            "SYSCALL_DEFINE3(ioctl, unsigned int, fd, unsigned int, cmd, unsigned long, arg)",
            "ioctl",
        ),
        ("static DEFINE_PER_CPU(struct foo, bar);", ""),
        ("DEFINE_STATIC_KEY_FALSE_RO(cr_pinning);", ""),
        ("EXPORT_SYMBOL_GPL(native_write_cr4);", ""),
        ("MODULE_DEVICE_TABLE(x86cpu, ids)", ""),
        ("out:", ""),
        ("int foo(void);", ""),
        ("static void __printf(2, 3) report(int level, const char *fmt, ...)", "report"),
        ("static int take(struct lock *l) __acquires(l)", "take"),
        ("__switch_to(struct task_struct *prev_p, struct task_struct *next_p)", "__switch_to"),
        (
            "asmlinkage __visible void __init __noreturn x86_64_start_kernel(char *mode)",
            "x86_64_start_kernel",
        ),
        ("static __always_inline bool on_vc_stack(struct pt_regs *regs)", "on_vc_stack"),
        ("static int (*handler)(void)", ""),
        ("", ""),
        ("    indented(void)", ""),
        ("#define FOO(x) (x)", ""),
        ("config X86_FRED", ""),
    ],
)
def test_function_from_heading(heading: str, name: str) -> None:
    assert function_from_heading(heading) == name


def test_enclosing_functions_multiline_signature_and_asm() -> None:
    texts = [
        "}",
        "",
        "static void smp_bring_up(struct thing *t,",
        "\t\t\t int cpu)",
        "{",
        "\tt->cpu = cpu;",
        "}",
        "SYM_FUNC_START(do_entry)",
        "\tmovq %rsp, %rdi",
        "SYM_FUNC_END(do_entry)",
        "\tnop",
    ]
    assert enclosing_functions(texts, "previous") == [
        "previous",
        "",
        "smp_bring_up",
        "smp_bring_up",
        "smp_bring_up",
        "smp_bring_up",
        "smp_bring_up",
        "do_entry",
        "do_entry",
        "do_entry",
        "",
    ]


def test_prototype_is_not_a_definition() -> None:
    texts = ["int helper(int x);", "\tx++;"]
    assert enclosing_functions(texts, "outer") == ["outer", "outer"]


def test_define_idtentry_in_hunk() -> None:
    texts = ["DEFINE_IDTENTRY_RAW(exc_debug)", "{", "\tfoo();"]
    assert enclosing_functions(texts, "") == ["exc_debug", "exc_debug", "exc_debug"]


ADD_DELETE_RENAME = """\
diff --git a/drivers/new.c b/drivers/new.c
new file mode 100644
index 0000000..3333333
--- /dev/null
+++ b/drivers/new.c
@@ -0,0 +1,4 @@
+int new_thing(void)
+{
+	return 1;
+}
diff --git a/drivers/old.h b/drivers/old.h
deleted file mode 100644
index 4444444..0000000
--- a/drivers/old.h
+++ /dev/null
@@ -1,2 +0,0 @@
-#define OLD 1
-#define OLDER 2
diff --git a/docs/a.rst b/docs/b.rst
similarity index 100%
rename from docs/a.rst
rename to docs/b.rst
diff --git a/docs/c.rst b/docs/d.rst
similarity index 90%
copy from docs/c.rst
copy to docs/d.rst
index 5555555..6666666 100644
--- a/docs/c.rst
+++ b/docs/d.rst
@@ -1 +1 @@
-Old words.
+New words.
diff --git a/scripts/run.sh b/scripts/run.sh
old mode 100644
new mode 100755
diff --git a/fw/blob.bin b/fw/blob.bin
index 7777777..8888888 100644
Binary files a/fw/blob.bin and b/fw/blob.bin differ
diff --git a/fw/image.bin b/fw/image.bin
new file mode 100644
index 0000000000000000000000000000000000000000..9999999999999999999999999999999999999999
GIT binary patch
literal 12
TcmZQzU|?imWMXDvWMKdR0O$a>

literal 0
HcmV?d00001

"""


def test_add_delete_rename_copy_mode_binary() -> None:
    diff = parse_diff(ADD_DELETE_RENAME, 1)
    summary = [
        (f.status, f.old_path, f.new_path, f.binary, f.old_mode, f.new_mode, f.line)
        for f in diff.files
    ]
    assert summary == [
        (FileStatus.ADDED, "/dev/null", "drivers/new.c", False, "", "100644", 1),
        (FileStatus.DELETED, "drivers/old.h", "/dev/null", False, "100644", "", 11),
        (FileStatus.RENAMED, "docs/a.rst", "docs/b.rst", False, "", "", 19),
        (FileStatus.COPIED, "docs/c.rst", "docs/d.rst", False, "100644", "100644", 23),
        (FileStatus.MODIFIED, "scripts/run.sh", "scripts/run.sh", False, "100644", "100755", 33),
        (FileStatus.MODIFIED, "fw/blob.bin", "fw/blob.bin", True, "100644", "100644", 36),
        (FileStatus.ADDED, "/dev/null", "fw/image.bin", True, "", "100644", 39),
    ]
    added, deleted = diff.files[0], diff.files[1]
    assert added.path == "drivers/new.c"
    assert deleted.path == "drivers/old.h"
    assert [(c.new_line, c.function) for c in added.hunks[0].changes] == [
        (1, "new_thing"),
        (2, "new_thing"),
        (3, "new_thing"),
        (4, "new_thing"),
    ]
    # Not a C file: no function even though the heading would allow one.
    assert [(c.old_line, c.function) for c in deleted.hunks[0].changes] == [(1, ""), (2, "")]
    assert diff.files[2].hunks == ()
    assert [c.text for c in diff.files[3].hunks[0].changes] == ["Old words.", "New words."]
    assert all(f.hunks == () for f in diff.files[4:])


NO_NEWLINE = """\
diff --git a/lib/a.c b/lib/a.c
index 1..2 100644
--- a/lib/a.c
+++ b/lib/a.c
@@ -1 +1,2 @@
-int a;
\\ No newline at end of file
+int a;
+int b;
\\ No newline at end of file
"""


def test_no_newline_at_end_of_file() -> None:
    (file,) = parse_diff(NO_NEWLINE, 20).files
    assert [(c.added, c.text, c.line) for c in file.hunks[0].changes] == [
        (False, "int a;", 25),
        (True, "int a;", 27),
        (True, "int b;", 28),
    ]


TRUNCATED = """\
diff --git a/lib/b.c b/lib/b.c
index 1..2 100644
--- a/lib/b.c
+++ b/lib/b.c
@@ -5,6 +5,7 @@ int b(void)
 	x = 1;
-	y = 2;
+	y = 3;
+	z = 4;
"""


def test_truncated_hunk_keeps_what_is_there() -> None:
    (file,) = parse_diff(TRUNCATED, 1).files
    (hunk,) = file.hunks
    assert [(c.added, c.text, c.function) for c in hunk.changes] == [
        (False, "\ty = 2;", "b"),
        (True, "\ty = 3;", "b"),
        (True, "\tz = 4;", "b"),
    ]
    assert (file.added, file.removed) == (2, 1)


@pytest.mark.parametrize(
    "text",
    [
        "garbage\nmore garbage\n",
        "diff --git\n",
        "diff --git a/x b/x\n@@ -1,3 +1,3 @@\n",
        "@@ -1 +1 @@\n-a\n+b\n",
        "diff --git a/x b/x\n@@ -a +b @@\n+c\n",
        "--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n-a\n+b\n+c\n+d\n",
        "diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n\n\n\n",
        "\x00\x01\n\x0c\n",
    ],
)
def test_malformed_diffs_never_raise(text: str) -> None:
    for use_unidiff in (False, True):
        diff = parse_diff(text, 1, use_unidiff=use_unidiff)
        assert isinstance(diff, Diff)
        if text.startswith("diff --git"):
            assert len(diff.files) == 1


def test_two_diff_git_files_when_the_first_is_malformed() -> None:
    text = "diff --git a/x.c b/x.c\n@@ -1,5 +1,5 @@\n-a\n" + MODIFY
    diff = parse_diff(text, 1)
    assert [f.path for f in diff.files] == ["x.c", "arch/x86/kernel/cpu/common.c"]
    assert diff.files[1].line == 4


def test_plain_diff_without_git_headers() -> None:
    text = (
        "--- a/one.c\t2024-01-01\n+++ b/one.c\n@@ -1 +1 @@\n-a\n+b\n"
        "--- /dev/null\n+++ b/two.c\n@@ -0,0 +1 @@\n+c\n"
    )
    diff = parse_diff(text, 1)
    assert [(f.old_path, f.new_path, f.status) for f in diff.files] == [
        ("one.c", "one.c", FileStatus.MODIFIED),
        ("/dev/null", "two.c", FileStatus.ADDED),
    ]
    assert [f.line for f in diff.files] == [1, 6]


def test_explicit_line_map() -> None:
    diff = parse_diff(NO_NEWLINE, 1, lines=[10, 11, 12, 13, 30, 31, 32, 40, 41, 42])
    changes = diff.files[0].hunks[0].changes
    assert [c.line for c in changes] == [31, 40, 41]
    assert diff.files[0].hunks[0].line == 30


def test_quoted_paths() -> None:
    text = (
        'diff --git "a/dir/t\\303\\251st.c" "b/dir/t\\303\\251st.c"\n'
        "old mode 100644\nnew mode 100755\n"
    )
    (file,) = parse_diff(text, 1).files
    assert file.path == "dir/tést.c"


@pytest.mark.parametrize("text", [MODIFY, ADD_DELETE_RENAME, NO_NEWLINE, TRUNCATED])
def test_unidiff_reader_agrees(text: str) -> None:
    assert parse_diff(text, 3, use_unidiff=True) == parse_diff(text, 3, use_unidiff=False)


@pytest.mark.parametrize("use_unidiff", [False, True])
def test_a_carriage_return_is_not_part_of_a_file_name(use_unidiff: bool) -> None:
    text = "--- a/configure\r\n+++ b/configure\r\n@@ -1 +1 @@\r\n-a\r\n+b\r\n"
    (file,) = parse_diff(text, 1, use_unidiff=use_unidiff).files
    assert (file.old_path, file.new_path) == ("configure", "configure")


def test_empty_diff() -> None:
    assert parse_diff("", 1) == Diff()
