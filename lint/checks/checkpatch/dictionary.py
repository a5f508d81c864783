"""Spelling dictionaries for the TYPO_SPELLING check: where they come from and how they load.

Three sources, the first available wins:

1. a kernel tree's ``scripts/spelling.txt`` (``-C DIR``), the list checkpatch.pl
   itself uses, so the findings match checkpatch's for that tree;
2. codespell's dictionary, when the optional ``codespell`` package is
   installed (the ``spelling`` extra: ``pip install -e '.[spelling]'`` in a
   checkout), the list checkpatch.pl uses with ``--codespell``;
3. a short list of our own, ``rules/data/spelling.txt``.

A :class:`Dictionary` reads its file on first use, once: a run that never
checks spelling never opens it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Mapping

from lint.errors import InputError
from lint.resources import resource_dir

TYPE_CHECKING = False
if TYPE_CHECKING:
    from lint.resources import StrPath


class Dictionary(Mapping[str, str]):
    """Misspelling (lower case) -> correction, read lazily from :attr:`path`."""

    __slots__ = ("_loaded", "_phrases", "kind", "path")

    def __init__(self, path: StrPath, kind: str) -> None:
        self.path = os.fspath(path)
        self.kind = kind
        """``kernel`` (``mistake||fix`` lines) or ``codespell`` (``mistake->fix, ...``)."""
        self._loaded: list[dict[str, str]] = []  # memo only: filled once, never changed
        self._phrases: list[dict[str, tuple[str, ...]]] = []  # memo, as above

    @property
    def describe(self) -> str:
        """Where the words come from, for ``--verbose``."""
        names = {"kernel": "kernel tree", "codespell": "codespell", "builtin": "built-in list"}
        return f"{self.path} ({names.get(self.kind, self.kind)})"

    def _words(self) -> dict[str, str]:
        if not self._loaded:
            self._loaded.append(read_dictionary(self.path, self.kind))
        return self._loaded[0]

    def words(self) -> dict[str, str]:
        """The words as a plain dict (read on first use): fast look-ups for checks."""
        return self._words()

    def phrases(self) -> Mapping[str, tuple[str, ...]]:
        """First word -> the misspellings of several words starting with it (computed once)."""
        if not self._phrases:
            self._phrases.append(phrase_index(self._words()))
        return self._phrases[0]

    def __getitem__(self, key: str) -> str:
        return self._words()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._words())

    def __len__(self) -> int:
        return len(self._words())

    def __reduce__(self) -> tuple[type[Dictionary], tuple[str, str]]:
        # Worker processes (-j N) get the recipe, not the words: each loads once.
        return (Dictionary, (self.path, self.kind))


def phrase_index(words: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
    """First word -> the multi-word keys of ``words`` starting with it, in sorted order."""
    multi: dict[str, list[str]] = {}
    for key in words:
        if " " in key:
            multi.setdefault(key.split(" ", 1)[0], []).append(key)
    return {first: tuple(sorted(keys)) for first, keys in multi.items()}


def read_dictionary(path: StrPath, kind: str) -> dict[str, str]:
    """Parse a dictionary file; a missing or unreadable file is an :class:`InputError`."""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            text = handle.read()
    except OSError as exc:
        raise InputError(
            os.fspath(path), f"cannot read the spelling dictionary: {exc.strerror}"
        ) from None
    words: dict[str, str] = {}
    separator = "->" if kind == "codespell" else "||"
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if kind == "codespell":
            if ", disabled" in line.lower():
                continue  # codespell marks risky corrections this way; checkpatch skips them
            line = line.split(",", 1)[0]
        mistake, sep, fix = line.partition(separator)
        if sep and mistake:
            words[mistake] = fix
    return words


def choose_dictionary(tree: StrPath | None) -> Dictionary:
    """The dictionary for a run: the tree's, else codespell's, else ours (nothing is read yet)."""
    if tree is not None:
        kernel = os.path.join(tree, "scripts", "spelling.txt")
        if os.path.isfile(kernel):
            return Dictionary(kernel, "kernel")
    # codespell's package is looked for on sys.path as the import system would find it,
    # without importing importlib.util (and contextlib) into every git hook run.
    for folder in sys.path:
        codespell = os.path.join(folder or ".", "codespell_lib", "data", "dictionary.txt")
        if os.path.isfile(codespell):
            return Dictionary(codespell, "codespell")
    return Dictionary(os.path.join(resource_dir("rules"), "data", "spelling.txt"), "builtin")
