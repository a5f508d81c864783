"""The longer help texts of the command line: what INPUT may be, and examples.

Written for a first-time user; :mod:`lint.cli.args` puts them on the sub-commands.
"""

DESCRIPTION = """\
Read Linux-kernel patches the way maintainers receive them, and check their
changelogs and diffs against a rulebook made of data (rules/*.toml).

INPUT may be a git format-patch file, a folder of *.patch, *.eml, *.mbox and
*.mbx files (its sub-folders too), an mbox (a whole lore thread), a maildir
(cur/ and new/, as lei writes it), "-" for standard input, or a git revision
range such as HEAD~3..HEAD (with -C DIR to name the repository)."""

LINT_EPILOG = """\
examples:
  patchlens lint 0001-x86-fred-Fix-boot.patch     one patch from git format-patch
  patchlens lint outgoing/                        a series (0000-cover-letter.patch first)
  patchlens lint --no-recurse ~/patches/          that folder's files, not its sub-folders
  patchlens lint thread.mbox                      every message of a saved lore thread
  patchlens lint -C ~/linux origin/master..HEAD   the commits you are about to send
  b4 am -o - <msgid> | patchlens lint -           a patch on standard input
  patchlens lint --format json series.mbox        machine-readable (docs/json.md)

Rules come from the packaged rulebook plus .patchlens.toml at the repository
root (or --config FILE): enable, disable or re-grade rules, add rule folders.
See every rule and why it exists with `patchlens rules` and `patchlens rules ID`.

exit status: 0 clean, 1 findings at or above --fail-on, 2 bad input or config."""

PARSE_EPILOG = """\
examples:
  patchlens parse 0001-x86-fred-Fix-boot.patch    what patchlens reads in one patch
  patchlens parse thread.mbox | jq .subject       one JSON object a line: pipe it on
  patchlens parse -o model.jsonl outgoing/        every mail of a series, to a file"""

EXPLAIN_EPILOG = """\
examples:
  patchlens explain v1.patch review.eml v2.patch          one document for the thread
  patchlens explain --format html -o series.html t.mbox    a page to read or share
  patchlens explain --format changelog v2.patch           the == ... == sections to paste
  b4 mbox <msgid> && patchlens explain <msgid>.mbx        a whole lore thread
  patchlens explain --site www/ new-mail.mbox             add mail to a site: an index of
                                                          series, a page each, kept up to date

--site DIR: DIR/site.json maps each Message-ID to its page, and DIR/<msgid>/
redirects to it, so a URL template https://host/base/{msgid} reaches the page."""

RULES_EPILOG = """\
examples:
  patchlens rules                        every rule, its checkpatch name and severity
  patchlens rules fred-background        why it exists, with a bad and a good example
  patchlens rules GIT_COMMIT_ID          the same, by checkpatch type name
  patchlens rules --check-examples       run every rule's examples (for rule writers)"""

FIX_EPILOG = """\
examples:
  patchlens fix -o fixed.patch 0001-x86-fred-Fix-boot.patch    a corrected copy
  patchlens fix --in-place outgoing/                           rewrite a series folder
  patchlens fix --types tag-order -o out/ outgoing/            only one rule's fixes
  patchlens fix -C ~/linux -o fixed.patch 0001-*.patch         resolve Fixes: ids there

exit status: 0 written, 2 bad input (nothing is written then)."""
