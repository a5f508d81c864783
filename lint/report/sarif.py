"""SARIF 2.1.0, the format code-scanning services (GitHub, GitLab...) read.

One run; the driver lists every rule of the ruleset (id, summary, rationale as
help, checkpatch alias in ``properties``) and each result points at its rule
by ``ruleId`` and ``ruleIndex``.  Locations are the patch files, by URI
relative to the folder patchlens ran in (``uriBaseId`` ``%SRCROOT%``), and the
line in that file.  Inputs that are not files (a commit of a git range,
standard input) are named by a logical location instead.

``partialFingerprints`` let a service recognise the same finding in the next
run although lines moved: they hash the rule, the patch's Message-ID (or the
file when there is none) and the message with its numbers blotted out, never
the line; a repeat within one patch gets its occurrence number.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from lint.diagnostic import Diagnostic, Severity
from lint.engine.runner import PatchReport
from lint.lazyregex import lazy_regex
from lint.report import ARRAY_SEPARATORS, array_element
from lint.rulebook.ruleset import Ruleset

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from lint.report import Summary

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT = "patchlens/v1"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "note"}
_NUMBER = lazy_regex(r"\d+")


def _rules(ruleset: Ruleset) -> list[dict[str, Any]]:
    rules: list[dict[str, Any]] = []
    for rule in ruleset.rules:
        entry: dict[str, Any] = {
            "id": rule.id,
            "shortDescription": {"text": rule.summary},
            "defaultConfiguration": {"level": _LEVEL[rule.severity]},
        }
        if rule.rationale.strip():
            entry["help"] = {"text": rule.rationale.strip(), "markdown": rule.rationale.strip()}
        properties: dict[str, Any] = {"profile": rule.profile, "kind": rule.kind}
        if rule.checkpatch:
            properties["checkpatch"] = rule.checkpatch
        entry["properties"] = properties
        rules.append(entry)
    return rules


def artifact_uri(origin: str, base: Path | None) -> str | None:
    """The URI of a patch file, relative to ``base`` when inside it; ``None`` for non-files."""
    if origin.startswith(("<", "Commit ")):
        return None
    path = Path(origin)
    if base is not None and path.is_absolute():
        try:
            path = path.relative_to(base)
        except ValueError:
            return Path(origin).as_uri()
    return quote(PurePosixPath(path).as_posix())


def fingerprint(diag: Diagnostic, key: str, occurrence: int) -> str:
    """A line-independent hash of a finding (see the module docstring)."""
    message = _NUMBER.sub("#", " ".join(diag.message.split()))
    text = "\0".join([diag.rule, key, message, str(occurrence)])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _location(diag: Diagnostic, base: Path | None) -> dict[str, Any]:
    uri = artifact_uri(diag.location.origin, base)
    if uri is None:
        return {"logicalLocations": [{"name": diag.location.origin, "kind": "module"}]}
    artifact = {"uri": uri}
    if not uri.startswith("file:"):
        artifact["uriBaseId"] = "%SRCROOT%"  # only a relative URI has a base
    physical: dict[str, Any] = {"artifactLocation": artifact}
    if diag.location.line > 0:
        physical["region"] = {"startLine": diag.location.line}
    return {"physicalLocation": physical}


def render(
    reports: Sequence[PatchReport], ruleset: Ruleset, base: Path | None = None, version: str = ""
) -> str:
    """The SARIF log of a run, as indented JSON."""
    reporter = SarifReporter(ruleset, base, version)
    return reporter.head() + "".join(map(reporter.patch, reports)) + reporter.tail(None)


class SarifReporter:
    """The log, written as the run goes: the driver with every rule, then an element of
    the ``results`` array, four levels deep (log, runs, the run, results), per finding."""

    def __init__(self, ruleset: Ruleset, base: Path | None, version: str = "") -> None:
        self._ruleset = ruleset
        self._version = version
        self._results = ResultWriter(ruleset, base)
        self._written = 0

    def head(self) -> str:
        return render_head(self._ruleset, self._version)

    def patch(self, report: PatchReport) -> str:
        pieces = []
        for diag in report.diagnostics:
            pieces.append(ARRAY_SEPARATORS[self._written > 0] + self._results.result(diag, report))
            self._written += 1
        return "".join(pieces)

    def tail(self, summary: Summary | None) -> str:
        return render_tail(self._written > 0)


class ResultWriter:
    """Renders the results of a run one finding at a time, in the order of the log.

    It keeps what the log's results share: the rule index, the folder URIs are
    relative to, and how often each finding was seen (the occurrence number of
    its fingerprint), so findings must be given in the order they appear.
    """

    def __init__(self, ruleset: Ruleset, base: Path | None) -> None:
        self._base = base
        self._index = {rule["id"]: position for position, rule in enumerate(_rules(ruleset))}
        self._seen: Counter[tuple[str, str, str]] = Counter()

    def result(self, diag: Diagnostic, report: PatchReport) -> str:
        """The result of ``diag``, found on ``report``'s mail, indented for the log."""
        key = diag.message_id or report.message_id or diag.location.origin
        normal = _NUMBER.sub("#", " ".join(diag.message.split()))
        self._seen[(diag.rule, key, normal)] += 1
        result: dict[str, Any] = {
            "ruleId": diag.rule,
            "level": _LEVEL[diag.severity],
            "message": {"text": diag.message},
            "locations": [_location(diag, self._base)],
            "partialFingerprints": {
                FINGERPRINT: fingerprint(diag, key, self._seen[(diag.rule, key, normal)])
            },
        }
        if diag.rule in self._index:
            result["ruleIndex"] = self._index[diag.rule]
        if diag.checkpatch:
            result["properties"] = {"checkpatch": diag.checkpatch}
        return array_element(result, 1, 4)


def render_head(ruleset: Ruleset, version: str = "") -> str:
    """The log up to the ``[`` of its ``results`` array."""
    driver: dict[str, Any] = {"name": "patchlens", "rules": _rules(ruleset)}
    if version:
        driver["version"] = version
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{"tool": {"driver": driver}, "columnKind": "unicodeCodePoints", "results": []}],
    }
    text = json.dumps(log, indent=1, ensure_ascii=False)
    return text.removesuffix("]\n  }\n ]\n}")


def render_tail(any_entries: bool) -> str:
    """What closes the log after the last result (or after the head, with none)."""
    return ("\n   ]" if any_entries else "]") + "\n  }\n ]\n}\n"
