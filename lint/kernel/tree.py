"""Tree-aware pinning facts: the live mask and a call graph read from a kernel tree.

``--tree DIR`` names a kernel checkout (files on disk); ``--tree REPO
--tree-ref REF`` a git repository read at ``REF`` through GitPython, without
checking anything out. From the tree's C sources under the facts' folders
(``arch/x86/``) this module reads:

- the members of ``cr4_pinned_mask`` in ``arch/x86/kernel/cpu/common.c``, so
  the verdict follows the tree (6.12 does not pin FRED, mainline does);
- every function definition, with its lines and the names it calls: the
  spans place each changed line of a patch in its function exactly, and the
  call graph decides what runs during secondary-CPU bringup.

The scan is cached per tree revision (a commit, or a digest of the files'
sizes and times for a directory) in ``cache_dir``, as JSON.

The C reading is lexical, not a parser: comments, strings and preprocessor
lines are blanked, top-level braces delimit definitions, and ``name(`` inside
a body is a call. Calls through pointers are not seen, and both branches of an
``#ifdef`` count; for "can this run during bringup" that errs on "yes".
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from bisect import bisect_right
from collections.abc import Iterator
from pathlib import Path

from lint.errors import InputError
from lint.kernel.facts import KernelFacts
from lint.kernel.view import FunctionSpan, PinningView, build_view
from lint.lazyregex import lazy_regex
from lint.record import field, record

CACHE_VERSION = 2

# Comments, string and character literals: blanked, keeping their newlines.
_NOISE = lazy_regex(r"/\*.*?\*/|//[^\n]*|\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'", re.DOTALL)
# Preprocessor lines with their backslash continuations (macro bodies hold braces).
_DIRECTIVE = lazy_regex(r"^[ \t]*#(?:[^\n]*\\\n)*[^\n]*", re.MULTILINE)
_BRACE = lazy_regex(r"[{}]")
_CALL = lazy_regex(r"\b([A-Za-z_]\w*)\s*\(")
_NAME_BEFORE_PAREN = lazy_regex(r"([A-Za-z_]\w*)\s*\($")
_DEFINER = lazy_regex(
    r"\b(?:DEFINE_IDTENTRY\w*|DEFINE_FREDENTRY\w*|(?:COMPAT_)?SYSCALL(?:32)?_DEFINE\d*)"
    r"\(\s*(\w+)"
)
_NOT_CALLS = frozenset(
    {"if", "for", "while", "switch", "return", "sizeof", "typeof", "__typeof__", "alignof"}
    | {"asm", "__asm__", "volatile", "__attribute__", "defined", "do", "else", "case"}
)
_ANNOTATIONS = frozenset({"__attribute__", "__acquires", "__releases", "__must_hold"})


@record
class FunctionDef:
    """One function definition found in a source file."""

    name: str
    start: int
    end: int
    calls: tuple[str, ...]


@record
class TreeScan:
    """What a tree holds that the pinning analysis needs (the cached part)."""

    revision: str
    functions: dict[str, tuple[FunctionDef, ...]]
    """Definitions by file path (relative to the tree)."""
    mask: tuple[str, ...]
    """The bits named in the mask's definition."""
    mask_lines: tuple[int, int]
    blobs: dict[str, str] = field(default_factory=dict)
    """Git's blob id of each file, by path: a patch whose ``index`` line names another
    pre-image was not made against this tree."""


def tree_view(
    facts: KernelFacts, tree: Path, ref: str = "", cache_dir: Path | None = None
) -> PinningView:
    """The pinning view of a kernel tree (a directory, or a git repository at ``ref``)."""
    scan = scan_tree(facts, tree, ref, cache_dir)
    calls: dict[str, list[str]] = {}
    for definitions in scan.functions.values():
        for item in definitions:
            calls.setdefault(item.name, []).extend(item.calls)
    pinned = tuple(bit.name for bit in facts.bits if (bit.name in scan.mask) or not bit.in_mask)
    # Spans only for files defining something on the bringup path, to keep the
    # view small: it travels to every -j worker.
    view = build_view(facts, calls, pinned, source="", tree="")
    spans = {
        path: tuple(FunctionSpan(d.name, d.start, d.end) for d in definitions)
        for path, definitions in scan.functions.items()
        if path == facts.mask_file or any(d.name in view.parents for d in definitions)
    }
    watched = {item.name for item in facts.machinery} | set(view.leads_to)
    watched_files = tuple(
        path for path, items in spans.items() if any(span.name in watched for span in items)
    )
    where = f"tree {tree}" + (f" at {ref} ({scan.revision[:12]})" if ref else "")
    where += f" (pinned: {', '.join(pinned)})"
    return build_view(
        facts,
        calls,
        pinned,
        source=where,
        tree=where,
        spans=spans,
        mask_lines=scan.mask_lines,
        watched_files=watched_files,
        blobs={path: scan.blobs[path] for path in spans if path in scan.blobs},
    )


def scan_tree(
    facts: KernelFacts, tree: Path, ref: str = "", cache_dir: Path | None = None
) -> TreeScan:
    """Scan (or load from the cache) the tree's sources named by ``facts``."""
    files = _git_files(facts, tree, ref) if ref else _disk_files(facts, tree)
    revision = files.revision
    cache = None
    if cache_dir is not None:
        digest = hashlib.sha256(f"{tree.resolve()}\0{revision}".encode()).hexdigest()[:24]
        cache = cache_dir / f"callgraph-{digest}.json"
        loaded = _load_cache(cache, revision)
        if loaded is not None:
            return loaded
    functions: dict[str, tuple[FunctionDef, ...]] = {}
    mask: tuple[str, ...] = ()
    mask_lines = (0, 0)
    blobs: dict[str, str] = {}
    for path, text, blob in files.read():
        functions[path] = scan_source(text)
        blobs[path] = blob
        if path == facts.mask_file:
            mask, mask_lines = read_mask(text, facts)
    if facts.mask_file not in functions:
        raise InputError(str(tree), f"no {facts.mask_file} in the tree" + _at(ref))
    if not mask:
        raise InputError(
            str(tree), f"no {facts.mask_symbol} definition in {facts.mask_file}" + _at(ref)
        )
    scan = TreeScan(revision, functions, mask, mask_lines, blobs)
    if cache is not None:
        _save_cache(cache, scan)
    return scan


def _at(ref: str) -> str:
    return f" at {ref}" if ref else ""


def read_mask(text: str, facts: KernelFacts) -> tuple[tuple[str, ...], tuple[int, int]]:
    """The bits of the mask's definition in ``text``, and its first and last lines."""
    found = re.search(rf"\b{re.escape(facts.mask_symbol)}\s*=([^;]*);", text)
    if found is None:
        return (), (0, 0)
    first = text.count("\n", 0, found.start()) + 1
    last = text.count("\n", 0, found.end()) + 1
    bits = tuple(dict.fromkeys(facts.mask_bit.findall(found.group(1))))
    return bits, (first, last)


def scan_source(text: str) -> tuple[FunctionDef, ...]:
    """Every function defined in a C source text, with its lines and calls."""
    clean = _DIRECTIVE.sub(_blank, _NOISE.sub(_blank, text))
    newlines = [match.start() for match in re.finditer("\n", clean)]
    found: list[FunctionDef] = []
    depth = 0
    boundary = 0
    opened = 0
    name = ""
    for brace in _BRACE.finditer(clean):
        position = brace.start()
        if brace.group() == "{":
            if depth == 0:
                header = clean[boundary:position]
                name = _function_name(header[header.rfind(";") + 1 :])
                opened = position
            depth += 1
            continue
        depth -= 1
        if depth < 0:  # unbalanced #ifdef branches: start afresh
            depth = 0
        if depth == 0:
            boundary = position + 1
            if name:
                body = clean[opened:position]
                calls = dict.fromkeys(
                    call for call in _CALL.findall(body) if call not in _NOT_CALLS
                )
                found.append(
                    FunctionDef(
                        name,
                        bisect_right(newlines, opened - 1) + 1 - _header_lines(clean, opened),
                        bisect_right(newlines, position - 1) + 1,
                        tuple(calls),
                    )
                )
                name = ""
    return tuple(found)


def _blank(match: re.Match[str]) -> str:
    return "\n" * match.group().count("\n")


def _header_lines(clean: str, opened: int) -> int:
    """Kernel style puts a function's ``{`` alone on the line after its signature."""
    line_start = clean.rfind("\n", 0, opened) + 1
    if clean[line_start:opened].strip():
        return 0
    previous = clean.rfind("\n", 0, max(line_start - 1, 0)) + 1
    return 1 if clean[previous:line_start].strip().endswith(")") else 0


def _function_name(header: str) -> str:
    """The name a top-level ``{`` defines when the header is a function signature."""
    text = header.strip()
    if not text.endswith(")") or "=" in text.split("(", 1)[0]:
        return ""
    definer = _DEFINER.search(text)
    if definer is not None:
        return definer.group(1)
    depth = 0
    for index, char in enumerate(text):
        if char == "(":
            if depth == 0:
                found = _NAME_BEFORE_PAREN.search(text[: index + 1])
                if found is not None and found.group(1) not in _ANNOTATIONS:
                    name = found.group(1)
                    return "" if name in _NOT_CALLS else name
            depth += 1
        elif char == ")":
            depth -= 1
    return ""


@record
class _Files:
    revision: str
    paths: tuple[str, ...]
    root: Path | None = None
    repo_path: Path | None = None
    ref: str = ""

    def read(self) -> Iterator[tuple[str, str, str]]:
        if self.root is not None:
            for path in self.paths:
                data = (self.root / path).read_bytes()
                digest = hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False)
                yield path, data.decode("utf-8", errors="replace"), digest.hexdigest()
            return
        from lint.sources.git import read_commit_files  # only --tree-ref pays for GitPython

        assert self.repo_path is not None
        for path, data, blob in read_commit_files(self.repo_path, self.ref, self.paths):
            yield path, data.decode("utf-8", errors="replace"), blob


def _wanted(facts: KernelFacts, path: str) -> bool:
    return path.startswith(tuple(facts.tree_sources)) and path.endswith(facts.tree_suffixes)


def _disk_files(facts: KernelFacts, tree: Path) -> _Files:
    if not tree.is_dir():
        raise InputError(str(tree), "--tree: not a directory")
    paths: list[str] = []
    signature = hashlib.sha256()
    for folder in facts.tree_sources:
        base = tree / folder
        for current, dirs, names in os.walk(base):
            dirs.sort()
            for name in sorted(names):
                full = Path(current, name)
                relative = full.relative_to(tree).as_posix()
                if not _wanted(facts, relative):
                    continue
                stat = full.stat()
                signature.update(f"{relative}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
                paths.append(relative)
    if not paths:
        raise InputError(str(tree), f"--tree: no C sources under {', '.join(facts.tree_sources)}")
    return _Files(f"files-{signature.hexdigest()[:24]}", tuple(paths), root=tree)


def _git_files(facts: KernelFacts, tree: Path, ref: str) -> _Files:
    from lint.sources.git import commit_files  # only --tree-ref pays for GitPython

    sha, paths = commit_files(tree, ref, lambda path: _wanted(facts, path), "--tree-ref")
    if not paths:
        raise InputError(str(tree), f"--tree-ref: no C sources under {ref}")
    return _Files(sha, paths, repo_path=tree, ref=sha)


def _load_cache(path: Path, revision: str) -> TreeScan | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # absent or damaged: scan again
    if data.get("version") != CACHE_VERSION or data.get("revision") != revision:
        return None
    functions = {
        file: tuple(FunctionDef(name, start, end, tuple(calls)) for name, start, end, calls in defs)
        for file, defs in data["functions"].items()
    }
    first, last = data["mask_lines"]
    return TreeScan(revision, functions, tuple(data["mask"]), (first, last), data["blobs"])


def _save_cache(path: Path, scan: TreeScan) -> None:
    data = {
        "version": CACHE_VERSION,
        "revision": scan.revision,
        "mask": list(scan.mask),
        "mask_lines": list(scan.mask_lines),
        "blobs": scan.blobs,
        "functions": {
            file: [[d.name, d.start, d.end, list(d.calls)] for d in defs]
            for file, defs in scan.functions.items()
        },
    }
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(data), encoding="utf-8")
        temporary.replace(path)
    except OSError:
        pass  # a cache that cannot be written only costs time


def default_cache_dir() -> Path | None:
    """The cache folder of :mod:`lint.cache`, ``None`` when caching is off or unsafe."""
    from lint.cache import cache_dir

    folder = cache_dir()
    return Path(folder) if folder is not None else None
