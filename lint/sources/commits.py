"""Commit references resolved against a git repository (a kernel tree).

``Fixes: 54a58a787791 ("x86/fred: Fix boot")`` and ``commit 54a58a787791
("...")`` in a changelog name a commit by an abbreviated id and its subject.
A :class:`CommitResolver` looks each id up once per run, so that a series in
which ten patches carry the same ``Fixes:`` tag costs one lookup.

GitPython is imported when the first id is resolved, never at import time:
the commit-msg and sendemail-validate hooks import this module on every
send and most of them never name a commit.

Shared by every check that needs the repository (our ``commit-refs`` rules,
checkpatch's GIT_COMMIT_ID/UNKNOWN_COMMIT_ID/BAD_FIXES_TAG counterparts).
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum
from pathlib import Path

from lint.lazyregex import lazy_regex
from lint.record import record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Protocol

    from git import Repo

    class Resolver(Protocol):
        """What the commit-reference checks ask of a repository (or a list of commits)."""

        @property
        def where(self) -> str:
            """How a finding names what was searched (the repository's path)."""

        def resolve(self, prefix: str) -> Resolution: ...


ABBREV = 12
"""Hex digits of a commit id in a reference (submitting-patches.rst: "at least 12")."""

_HEX = lazy_regex(r"[0-9a-fA-F]{4,40}")


class Status(Enum):
    """What an abbreviated commit id turned out to be."""

    FOUND = "found"
    UNKNOWN = "unknown"
    """No object of the repository starts with these digits."""
    AMBIGUOUS = "ambiguous"
    """Several objects start with them: the reference needs more digits."""
    NOT_A_COMMIT = "not-a-commit"
    """The digits name a tree, blob or tag object that does not lead to a commit."""


@record
class Resolution:
    """The answer for one abbreviated id."""

    prefix: str
    status: Status
    sha: str = ""
    """The full 40-hex id when found."""
    subject: str = ""
    """The commit's subject as ``git log --format=%s`` prints it (first paragraph, joined)."""

    @property
    def found(self) -> bool:
        return self.status is Status.FOUND

    def reference(self, length: int = ABBREV) -> str:
        """``<12 hex> ("subject")``: how a changelog should cite this commit."""
        return f'{self.sha[:length]} ("{self.subject}")'


def subject_of(message: str) -> str:
    """The subject git derives from a commit message: its first paragraph, on one line."""
    paragraph = message.lstrip("\n").split("\n\n", 1)[0]
    return " ".join(part.strip() for part in paragraph.splitlines() if part.strip())


class CommitResolver:
    """Resolve abbreviated commit ids in one repository, each id at most once.

    The repository is opened on first use. The cache lives as long as the
    resolver, i.e. one run: it is not shared between runs or processes (a
    ``-j N`` worker gets a fresh, empty resolver for the same path).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._repo: Repo | None = None
        self._cache: dict[str, Resolution] = {}

    def __reduce__(self) -> tuple[Any, tuple[Path]]:
        # Worker processes receive the path only: an open repository (with
        # its git cat-file child processes) cannot cross a process boundary.
        return (CommitResolver, (self.path,))

    def __repr__(self) -> str:
        return f"CommitResolver({str(self.path)!r})"

    @property
    def where(self) -> str:
        return str(self.path)

    def resolve(self, prefix: str) -> Resolution:
        """Look ``prefix`` (4 to 40 hex digits) up; anything else is UNKNOWN."""
        key = prefix.lower()
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        result = self._lookup(key) if _HEX.fullmatch(key) else Resolution(prefix, Status.UNKNOWN)
        self._cache[key] = result
        return result

    def _open(self) -> Repo:
        if self._repo is None:
            import git

            self._repo = git.Repo(self.path, search_parent_directories=True)
        return self._repo

    def _lookup(self, prefix: str) -> Resolution:
        import git
        from git.exc import AmbiguousObjectName, BadName, BadObject

        try:
            repo = self._open()
        except (git.exc.InvalidGitRepositoryError, git.exc.NoSuchPathError, OSError):
            return Resolution(prefix, Status.UNKNOWN)
        try:
            obj = repo.rev_parse(prefix)
        except AmbiguousObjectName:
            return Resolution(prefix, Status.AMBIGUOUS)
        except (BadName, BadObject, ValueError, git.exc.GitCommandError):
            return Resolution(prefix, Status.UNKNOWN)
        while isinstance(obj, git.TagObject):  # an annotated tag: follow it to its commit
            obj = obj.object
        if not isinstance(obj, git.Commit):
            return Resolution(prefix, Status.NOT_A_COMMIT, sha=obj.hexsha)
        message = obj.message
        text = message.decode("utf-8", "replace") if isinstance(message, bytes) else message
        return Resolution(prefix, Status.FOUND, sha=obj.hexsha, subject=subject_of(text))


class KnownCommits:
    """Resolve abbreviated ids against a fixed list of commits instead of a repository.

    A rule's documented examples name the history they assume (``[doc] commits``), so
    that the rules about commit references can be shown at work without a kernel tree.
    """

    def __init__(self, commits: Iterable[tuple[str, str]]) -> None:
        self._commits = tuple((sha.lower(), subject) for sha, subject in commits)

    def __repr__(self) -> str:
        return f"KnownCommits({len(self._commits)} commits)"

    @property
    def where(self) -> str:
        return "the commits listed"

    def resolve(self, prefix: str) -> Resolution:
        """Like :meth:`CommitResolver.resolve`, over the listed commits only."""
        key = prefix.lower()
        if not _HEX.fullmatch(key):
            return Resolution(prefix, Status.UNKNOWN)
        found = [(sha, subject) for sha, subject in self._commits if sha.startswith(key)]
        if len(found) > 1:
            return Resolution(prefix, Status.AMBIGUOUS)
        if not found:
            return Resolution(prefix, Status.UNKNOWN)
        sha, subject = found[0]
        return Resolution(prefix, Status.FOUND, sha=sha, subject=subject)


def find_kernel_tree(start: Path) -> Path | None:
    """The git work tree holding ``start`` when it is a Linux kernel tree, else ``None``.

    Found without running git (start-up time): the nearest folder with a
    ``.git`` entry. Like checkpatch.pl's ``top_of_kernel_tree``, only a tree
    that looks like the kernel counts, so that linting a kernel patch from
    inside some other project never reports the kernel's commits as unknown.
    Name any repository explicitly with ``-C DIR``.
    """
    try:
        folder = start.resolve()
    except OSError:
        return None
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            markers = ("MAINTAINERS", "Makefile", "Kconfig")
            looks_like_kernel = (
                all((candidate / name).is_file() for name in markers)
                and (candidate / "kernel").is_dir()
            )
            return candidate if looks_like_kernel else None
    return None


def resolver_for(directory: Path | None, cwd: Path) -> CommitResolver | None:
    """The run's resolver: ``-C DIR`` if in a git work tree, else a kernel tree at ``cwd``.

    Cheap: no git process runs until the first id is resolved.
    """
    if directory is not None:
        try:
            folder = directory.resolve()
        except OSError:
            return None
        has_git = any((candidate / ".git").exists() for candidate in (folder, *folder.parents))
        return CommitResolver(folder) if has_git else None
    tree = find_kernel_tree(cwd)
    return CommitResolver(tree) if tree is not None else None
