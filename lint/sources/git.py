"""Commits of a git repository as the mails ``git format-patch`` would send.

With :mod:`lint.sources.commits` the only module that uses GitPython, and it
imports it inside the functions: ``import lint.sources.inputs`` stays cheap for a
git hook that only reads a mail file. It also reads the files of one commit for
``--tree-ref`` (:mod:`lint.kernel.tree`).

A whole range is rendered by ONE ``git format-patch --stdout`` process whose
output is split as it streams, so a 10,000-commit range costs one process
and the memory of one message.  Revisions are checked first with
``git rev-parse`` so that a typo gives a one-line error before anything is
read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from email.errors import HeaderParseError
from email.header import decode_header, make_header
from pathlib import Path

from lint.errors import InputError
from lint.lazyregex import lazy_regex
from lint.mail.model import RawMail
from lint.sources.mbox import DEFAULT_MAX_MESSAGE_BYTES, SplitMessage, split_stream

TYPE_CHECKING = False
if TYPE_CHECKING:
    from git import Repo

NOT_FOUND = "no such file, directory or git revision"

# The user's format.* and diff.* settings must not change what is linted: a
# format.signOff would add a Signed-off-by the commit does not have, format.attach
# would turn the patch into MIME parts, diff.noprefix would drop a/ and b/.
# Every commit is a plain [PATCH]: the order of the range already is the series.
_CONFIG = ("format.forceInBodyFrom=false", "format.notes=false")
_FORMAT_PATCH = (
    "--stdout",
    # mboxrd quotes ">*From " lines of the changelog, so that a changelog line
    # that looks like a separator cannot split a commit in two; lint.sources.inputs
    # removes the quoting again.
    "--pretty=mboxrd",
    "--no-signature",
    "--no-signoff",
    "--no-cover-letter",
    "--no-thread",
    "--no-attach",
    "--no-to",
    "--no-cc",
    "--no-from",
    "--no-add-header",
    "--no-base",
    "--no-color",
    "--subject-prefix=PATCH",
    "--no-numbered",
    "--src-prefix=a/",
    "--dst-prefix=b/",
)
_PATCH_TAG = lazy_regex(r"^\[PATCH[^\]]*\]\s*")


class EmptyRange(InputError):
    """A range that resolves but holds no commit to lint, such as ``@{upstream}..HEAD``
    on a branch with nothing unpushed: that is a clean pass, not bad input.

    Merges count as nothing, since ``git format-patch`` never renders them.  It is
    an :class:`InputError` (``where`` is the range, ``problem`` "no patches found")
    for callers that want every input to hold a patch; the command line reports it
    as a note and goes on.
    """


class _UnknownRevision(Exception):
    """A revision of the spec that git cannot resolve to a commit."""

    def __init__(self, revision: str) -> None:
        super().__init__(revision)
        self.revision = revision


def _open_repo(repo_dir: Path) -> Repo | None:
    """The repository at (or above) ``repo_dir``, None if there is none."""
    try:
        import git
    except ImportError:  # GitPython refuses to load without a git executable
        raise InputError(str(repo_dir), "git is not installed") from None
    try:
        return git.Repo(repo_dir, search_parent_directories=True)
    except (git.exc.InvalidGitRepositoryError, git.exc.NoSuchPathError, OSError):
        return None


def _resolve(repo: Repo, revision: str) -> str:
    """The commit id ``revision`` names, or :class:`_UnknownRevision`."""
    import git

    if revision.startswith("-"):
        raise _UnknownRevision(revision)
    try:
        sha: str = repo.git.rev_parse("--verify", "--quiet", f"{revision}^{{commit}}")
    except git.exc.GitCommandError:
        raise _UnknownRevision(revision) from None
    return sha.strip()


def _plan(repo: Repo, spec: str) -> list[str]:
    """The revision arguments for ``git format-patch``; ``[]`` when nothing to send.

    ``A..B`` (and ``A...B``) is passed on as it is once both ends resolve;
    an empty end means HEAD, as in git.  A single revision is that one
    commit (``-1 <sha>``), or nothing when it is a merge: format-patch never
    renders merges, and ``-1`` would silently pick the merge's first parent.
    """
    import git

    dots = "..." if "..." in spec else ".." if ".." in spec else ""
    if dots:
        for end in spec.split(dots, 1):
            _resolve(repo, end or "HEAD")
        return [spec]
    sha = _resolve(repo, spec)
    try:
        parents = repo.git.rev_list("--parents", "-n1", sha).split()
    except git.exc.GitCommandError:
        raise _UnknownRevision(spec) from None
    return ["-1", sha] if len(parents) <= 2 else []


def from_git(
    rev_range: str, repo_dir: Path, *, max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES
) -> Iterator[RawMail]:
    """Yield the non-merge commits of ``rev_range`` in ``repo_dir``, oldest first.

    Each is rendered like ``git format-patch --stdout`` renders it and named
    ``Commit <sha12> ("subject")`` as checkpatch names commits.  The repository
    and the revisions are checked now; git runs when iteration starts.
    """
    repo = _open_repo(repo_dir)
    if repo is None:
        raise InputError(str(repo_dir), "not a git repository")
    try:
        revisions = _plan(repo, rev_range)
    except _UnknownRevision as error:
        raise InputError(rev_range, f"unknown revision '{error.revision}'") from None
    return _stream(repo, rev_range, revisions, max_message_bytes)


def open_revisions(
    spec: str, git_dir: Path | None, *, max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES
) -> Iterator[RawMail]:
    """:func:`from_git` for a command-line spec that is not a path.

    With no ``-C`` directory, a spec that is not a revision in the current
    directory (or no repository there) is reported as a missing path, the
    likelier mistake.  A range names its unknown end.
    """
    repo = _open_repo(git_dir or Path.cwd())
    if repo is None:
        if git_dir is not None:
            raise InputError(str(git_dir), "not a git repository")
        raise InputError(spec, NOT_FOUND)
    try:
        revisions = _plan(repo, spec)
    except _UnknownRevision as error:
        if ".." in spec:
            raise InputError(spec, f"unknown revision '{error.revision}'") from None
        raise InputError(spec, NOT_FOUND) from None
    return _stream(repo, spec, revisions, max_message_bytes)


def _stream(
    repo: Repo, spec: str, revisions: Sequence[str], max_message_bytes: int
) -> Iterator[RawMail]:
    import git

    if not revisions:
        raise InputError(spec, "no patches found")
    process = repo.git(c=list(_CONFIG)).format_patch(*_FORMAT_PATCH, *revisions, as_process=True)
    popen = process.proc
    if popen is None or popen.stdout is None:
        raise InputError(spec, "git format-patch did not start")
    found = 0
    try:
        # git writes exactly what it stores: no CR was added in transit.
        messages = split_stream(
            popen.stdout, spec, max_message_bytes=max_message_bytes, keep_cr=True, empty_ok=True
        )
        previous = next(messages, None)
        while previous is not None:
            following = next(messages, None)
            data = previous.data
            if following is not None and data.endswith(b"\n\n"):
                # --stdout puts one blank line between commits; it belongs to
                # no commit (a format-patch file ends without it).
                data = data[:-1]
            # Line 1 of each commit's mail is its "From <sha>" line, as in a
            # format-patch file, so line numbers match `git format-patch`.
            yield RawMail(data, commit_name(previous), found, 2)
            found += 1
            previous = following
        try:
            process.wait()
        except git.exc.GitCommandError as error:
            raise InputError(spec, _first_line(error.stderr)) from None
    finally:
        if popen.poll() is None:
            popen.kill()
            popen.wait()
        popen.stdout.close()
        if popen.stderr is not None:
            popen.stderr.close()
    if not found:
        kind = EmptyRange if ".." in spec else InputError  # no ref name holds "..": a range
        raise kind(spec, "no patches found")


def _first_line(stderr: str | bytes) -> str:
    text = stderr.decode("utf-8", "replace") if isinstance(stderr, bytes) else stderr
    for line in text.splitlines():
        line = line.strip().strip("'").removeprefix("stderr: ").strip("'").strip()
        if line:
            return line.removeprefix("fatal: ")
    return "git format-patch failed"


def commit_name(message: SplitMessage) -> str:
    """``Commit <sha12> ("subject")`` for a mail from ``git format-patch``.

    The id comes from the ``From <sha> Mon Sep 17 00:00:00 2001`` line, the
    subject from the ``Subject:`` header, unfolded, RFC 2047-decoded and
    without the ``[PATCH n/m]`` tag format-patch added: the commit's title.
    """
    sha = message.separator[5:].split(b" ", 1)[0].decode("ascii", "replace")
    return f'Commit {sha[:12]} ("{_subject(message.data)}")'


def _subject(data: bytes) -> str:
    folded: list[bytes] = []
    for line in data.split(b"\n"):
        if not line.strip():
            break
        if folded and line[:1] in (b" ", b"\t"):
            folded.append(line)
        elif folded:
            break
        elif line[:8].lower() == b"subject:":
            folded.append(line[8:])
    raw = b"".join(folded).decode("utf-8", "replace").strip()
    try:
        subject = str(make_header(decode_header(raw)))
    except (HeaderParseError, LookupError, UnicodeDecodeError):
        subject = raw
    return _PATCH_TAG.sub("", subject)


# --- files of one commit (a kernel tree at --tree-ref) ---------------------------------


def commit_files(
    repo_dir: Path, ref: str, wanted: Callable[[str], bool], option: str
) -> tuple[str, tuple[str, ...]]:
    """The full id of ``ref`` in ``repo_dir`` and the paths of its tree that ``wanted`` keeps.

    A folder that is not a repository, or a ``ref`` that names no commit, is an
    :class:`InputError` at ``repo_dir`` naming the command-line ``option``.
    """
    import git

    try:
        repo = git.Repo(repo_dir)
        commit = repo.commit(ref)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise InputError(str(repo_dir), f"{option}: not a git repository") from None
    except (git.BadName, ValueError):
        raise InputError(str(repo_dir), f"{option}: '{ref}' does not name a commit") from None
    paths = tuple(
        path
        for item in commit.tree.traverse()
        if isinstance(item, git.Blob) and wanted(path := str(item.path))
    )
    return commit.hexsha, paths


def read_commit_files(
    repo_dir: Path, commit: str, paths: Sequence[str]
) -> Iterator[tuple[str, bytes, str]]:
    """Each of ``paths`` in ``commit`` of ``repo_dir``: its path, bytes and blob id."""
    import git

    tree = git.Repo(repo_dir).commit(commit).tree
    for path in paths:
        item = tree[path]
        yield path, item.data_stream.read(), item.hexsha
