"""The rulebook: ``rules/*.toml`` loaded, validated and compiled into typed specs.

One rule per file, its ``id`` equal to the file stem (kebab-case)::

    id         = "fred-background"
    kind       = "require-section"      # a key of lint.checks.KINDS
    severity   = "error"                # error | warning | note
    summary    = "A change to FRED carries a '== FRED Background ==' section"
    checkpatch = "TYPE"                 # optional: checkpatch.pl's name for it (its --types)
    profile    = "all"                  # all | tip | kernel (default all)
    enabled    = true                   # false: only on when asked for
    [when]  ...                         # lint.rulebook.conditions; absent = every patch
    [[escalate]]                        # optional, first match wins:
    severity = "error"                  #   this severity instead
    when     = { use = "interlock-fix" } #   for the patches this condition matches
    [params] ...                        # the kind's typed Params
    [doc]
    rationale = "Markdown: why reviewers want this"
    reference = "Reference background text for the topic"
    bad       = "a mail the rule reports"  # a list of mails for a thread or series rule
    good      = "a mail it leaves alone"   #   (lint.engine.examples runs both)
    commits   = ["<40 hex> subject"]       # the history the examples cite, if any

Everything is checked at load time (unknown keys, kinds, severities, param
names and types, regexes), so a broken rule stops the run with the file and
key named, before any patch is read. Regexes and globs are compiled here,
once. Packaged rules are found only through :func:`lint.resources.resource_dir`;
data files that are not rules live in ``rules/data/`` and are not loaded as
rules; conditions may refer to the topics and named conditions defined there
(:mod:`lint.rulebook.vocabulary`).
"""

from __future__ import annotations

import os
from collections.abc import Collection

from lint.checks.api import Scope
from lint.checks.registry import KINDS
from lint.config import Config, read_toml
from lint.diagnostic import Severity
from lint.errors import InputError
from lint.lazyregex import lazy_regex
from lint.record import field, record, replace
from lint.resources import resource_dir
from lint.rulebook.conditions import compile_condition
from lint.rulebook.doc import read_doc
from lint.rulebook.params import build_params
from lint.rulebook.regex import regex_notes

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from lint.patch.model import Patch
    from lint.resources import StrPath
    from lint.rulebook.facts import Vocabulary
    from lint.rulebook.trigger import Condition

RULE_PROFILES = ("all", "tip", "kernel")
_RULE_KEYS = frozenset(
    {"id", "kind", "severity", "summary", "checkpatch", "profile", "enabled", "when"}
    | {"escalate", "params", "doc"}
)
_KEBAB = lazy_regex(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@record
class Escalation:
    """A higher severity for the patches a condition matches (``[[escalate]]``)."""

    severity: Severity
    when: Condition


@record
class RuleSpec:
    """One validated rule."""

    id: str
    kind: str
    severity: Severity
    summary: str
    checkpatch: str
    """checkpatch.pl's type name for the same finding, or ``""``."""
    profile: str
    """``all``, ``tip`` or ``kernel``: which maintainer profile the rule belongs to."""
    enabled: bool
    when: Condition | None
    """The trigger; ``None`` means the rule looks at every patch."""
    params: Any
    """An instance of the kind's ``Params`` dataclass."""
    rationale: str
    """Markdown: why maintainers want this."""
    reference: str
    """Reference background text for the topic (shown when a patch lacks it)."""
    path: str
    """The rule file."""
    bad: tuple[str, ...] = ()
    """A documented example the rule reports: one mail, or the mails of a thread or
    series (:mod:`lint.engine.examples`)."""
    good: tuple[str, ...] = ()
    """A documented example the rule leaves alone."""
    example_commits: tuple[tuple[str, str], ...] = ()
    """The commits (id, subject) the examples' references resolve to."""
    escalate: tuple[Escalation, ...] = ()
    """Severities for some patches instead of :attr:`severity`; the first match wins."""
    severity_configured: bool = False
    """The configuration set :attr:`severity`: it holds for every patch and every finding
    (escalations and a check's own grade of a finding give way to it)."""
    notes: tuple[str, ...] = ()
    """What the loader has to say of the rule file: a pattern RE2 cannot run."""

    def severity_for(self, patch: Patch) -> Severity:
        """The severity of this rule's findings on ``patch``."""
        for step in self.escalate:
            if step.when.matches(patch) is not None:
                return step.severity
        return self.severity


@record
class Ruleset:
    """The loaded rules, plus the profile facts the engine needs."""

    rules: tuple[RuleSpec, ...]
    profile: str = "auto"
    """The configured profile: ``auto``, ``tip`` or ``kernel``."""
    tip_areas: tuple[str, ...] = ()
    """Subject areas (first prefix component) handled by the tip tree, for ``auto``."""
    checkpatch_types: frozenset[str] = frozenset()
    """Every type checkpatch.pl reports, ours or not: people pass them to ``--ignore``."""
    by_profile: dict[str, tuple[RuleSpec, ...]] = field(init=False, repr=False, compare=False)
    """The enabled rules that run under each profile, worked out once, not per patch."""

    def __post_init__(self) -> None:
        active = {
            profile: tuple(r for r in self.rules if r.enabled and r.profile in ("all", profile))
            for profile in ("tip", "kernel")
        }
        object.__setattr__(self, "by_profile", active)

    @property
    def notes(self) -> tuple[str, ...]:
        """The loader's notes on the rule files (see :attr:`RuleSpec.notes`)."""
        return tuple(note for rule in self.rules for note in rule.notes)

    def get(self, name: str) -> RuleSpec | None:
        """The rule with this id, or else with this checkpatch name (any case)."""
        for rule in self.rules:
            if rule.id == name:
                return rule
        upper = name.upper()
        for rule in self.rules:
            if rule.checkpatch and rule.checkpatch == upper:
                return rule
        return None

    def select(self, only: Collection[str] = (), ignore: Collection[str] = ()) -> Ruleset:
        """Keep the rules named in ``only`` (all when empty), minus those in ``ignore``.

        Names are rule ids or checkpatch names (case-insensitive). A rule named
        in ``only`` is switched on even if it is off by default. A checkpatch type
        no rule here reports (:meth:`outside_scope`) names nothing; any other
        unknown name is an :class:`InputError` at ``--types`` or ``--ignore``.
        """
        wanted = self._ids(only, "--types")
        dropped = self._ids(ignore, "--ignore")
        if only and not wanted:
            return replace(self, rules=())  # only checks of the code were asked for
        kept: list[RuleSpec] = []
        for rule in self.rules:
            if rule.id in dropped or (wanted and rule.id not in wanted):
                continue
            kept.append(replace(rule, enabled=True) if wanted else rule)
        return replace(self, rules=tuple(kept))

    def outside_scope(self, names: Collection[str]) -> tuple[str, ...]:
        """The checkpatch.pl types among ``names`` that no rule here reports: checks of
        the code (``LONG_LINE``, ``SPDX_LICENSE_TAG``), which patchlens leaves to
        checkpatch.pl, so that a checkpatch command line works here unchanged."""
        outside = []
        for name in names:
            ids, known = self._matching(name)
            if known and not ids:
                outside.append(name.upper())
        return tuple(outside)

    def _matching(self, name: str) -> tuple[set[str], bool]:
        """The ids of the rules ``name`` names, and whether it is a checkpatch type at all."""
        upper = name.upper()
        ids = {r.id for r in self.rules if r.id == name or (r.checkpatch and r.checkpatch == upper)}
        return ids, upper in self.checkpatch_types

    def _ids(self, names: Collection[str], option: str) -> set[str]:
        ids: set[str] = set()
        for name in names:
            matched, known = self._matching(name)
            if not matched and not known:
                raise InputError(option, f"unknown rule or checkpatch type '{name}'")
            ids |= matched
        return ids


def load_ruleset(config: Config) -> Ruleset:
    """Load the packaged rules and ``config.rule_dirs``, then apply the config's choices.

    The loaded rulebook is cached between runs (:mod:`lint.cache`): a run whose
    rule files, data files and code are unchanged skips reading and checking them.
    """
    from lint import cache

    packaged = resource_dir("rules")
    folders = (packaged, *config.rule_dirs)
    rule_files = [path for folder in folders for path in _toml_files(folder)]
    data_files = _toml_files(os.path.join(packaged, "data"))
    try:
        key = cache.rulebook_key(rule_files, data_files)
    except OSError:  # a file that cannot be read is reported by the loader
        key = b""
    cached = cache.load_rulebook(folders, key) if key else None
    ruleset = cached if isinstance(cached, Ruleset) else None
    if ruleset is None:
        ruleset = _load_files(rule_files, packaged)
        if key:
            cache.store_rulebook(folders, key, ruleset)
    return _configure(replace(ruleset, profile=config.profile), config)


def _toml_files(folder: str) -> list[str]:
    """The ``*.toml`` files of ``folder``, by name; none when it cannot be listed."""
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    return [os.path.join(folder, name) for name in sorted(names) if name.endswith(".toml")]


def _load_files(rule_files: list[str], packaged: str) -> Ruleset:
    from lint.rulebook.vocabulary import load_vocabulary

    vocabulary = load_vocabulary(os.path.join(packaged, "data"))
    seen: dict[str, RuleSpec] = {}
    for path in rule_files:
        rule = load_rule(path, vocabulary)
        if rule.id in seen:
            raise InputError(
                path, f"rule id '{rule.id}' is already defined in {seen[rule.id].path}"
            )
        seen[rule.id] = rule
    return Ruleset(
        rules=tuple(seen.values()),
        tip_areas=_tip_areas(os.path.join(packaged, "data", "profiles.toml")),
        checkpatch_types=vocabulary.checkpatch_types,
    )


def load_rule(path: StrPath, vocabulary: Vocabulary | None = None) -> RuleSpec:
    """Read and validate one rule file (``vocabulary``: the packaged one by default)."""
    if vocabulary is None:
        from lint.rulebook.vocabulary import load_vocabulary

        vocabulary = load_vocabulary(os.path.join(resource_dir("rules"), "data"))
    path = where = os.fspath(path)
    table = read_toml(path)
    for key in table:
        if key not in _RULE_KEYS:
            raise InputError(where, f"unknown key '{key}'")
    rule_id = _text(table, "id", where, required=True)
    if not _KEBAB.fullmatch(rule_id):
        raise InputError(where, f"key 'id': '{rule_id}' is not kebab-case")
    stem = os.path.splitext(os.path.basename(path))[0]
    if rule_id != stem:
        raise InputError(where, f"key 'id': '{rule_id}' differs from the file name '{stem}'")
    kind_name = _text(table, "kind", where, required=True)
    kind = KINDS.get(kind_name)
    if kind is None:
        known = ", ".join(sorted(KINDS))
        raise InputError(where, f"key 'kind': unknown kind '{kind_name}' (known: {known})")
    try:
        severity = Severity.parse(_text(table, "severity", where, required=True))
    except ValueError as exc:
        raise InputError(where, f"key 'severity': {exc}") from None
    checkpatch = _text(table, "checkpatch", where)
    if checkpatch and checkpatch not in vocabulary.checkpatch_types:
        raise InputError(where, f"key 'checkpatch': '{checkpatch}' is not a checkpatch.pl type")
    profile = _text(table, "profile", where) or "all"
    if profile not in RULE_PROFILES:
        raise InputError(
            where, f"key 'profile': '{profile}' is not one of {', '.join(RULE_PROFILES)}"
        )
    enabled = table.get("enabled", True)
    if not isinstance(enabled, bool):
        raise InputError(where, "key 'enabled' must be true or false")
    if kind.scope is not Scope.PATCH:
        # A thread or series rule looks at several mails: no one patch to condition on.
        for key in ("when", "escalate", "profile"):
            if key in table:
                raise InputError(
                    where, f"key '{key}': a {kind.scope.value} rule looks at several mails"
                )
    when = compile_condition(table["when"], where, "when", vocabulary) if "when" in table else None
    escalate = _escalations(table.get("escalate", []), where, vocabulary)
    params_table = table.get("params", {})
    if not isinstance(params_table, dict):
        raise InputError(where, "key 'params' must be a table")
    doc = read_doc(table.get("doc", {}), where)
    params = build_params(kind.params_type, params_table, where)
    if kind.alias_param:
        # The ported kinds report the checkpatch type their params name: one name for both.
        named = getattr(params, kind.alias_param)
        if checkpatch and checkpatch != named:
            raise InputError(
                where,
                f"key 'checkpatch': '{checkpatch}' differs from "
                f"params.{kind.alias_param} '{named}', the type this rule reports",
            )
        checkpatch = named
    notes = tuple(regex_notes((when, escalate, params)))
    return RuleSpec(
        id=rule_id,
        kind=kind_name,
        severity=severity,
        summary=_text(table, "summary", where, required=True),
        checkpatch=checkpatch,
        profile=profile,
        enabled=enabled,
        when=when,
        params=params,
        rationale=doc.rationale,
        reference=doc.reference,
        path=path,
        bad=doc.bad,
        good=doc.good,
        example_commits=doc.commits,
        escalate=escalate,
        notes=notes,
    )


def _escalations(value: Any, where: str, vocabulary: Vocabulary) -> tuple[Escalation, ...]:
    """The ``[[escalate]]`` tables: each a ``severity`` and a ``when``."""
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise InputError(where, "key 'escalate' must be an array of tables ([[escalate]])")
    steps: list[Escalation] = []
    for number, item in enumerate(value):
        key = f"escalate[{number}]"
        for name in item:
            if name not in ("severity", "when"):
                raise InputError(where, f"unknown key '{key}.{name}' (expected severity, when)")
        if "when" not in item:
            raise InputError(where, f"missing key '{key}.when'")
        try:
            severity = Severity.parse(
                _text(item, "severity", where, required=True, key_prefix=f"{key}.")
            )
        except ValueError as exc:
            raise InputError(where, f"key '{key}.severity': {exc}") from None
        when = compile_condition(item["when"], where, f"{key}.when", vocabulary)
        steps.append(Escalation(severity, when))
    return tuple(steps)


def _text(
    table: dict[str, Any], key: str, where: str, *, required: bool = False, key_prefix: str = ""
) -> str:
    if key not in table:
        if required:
            raise InputError(where, f"missing key '{key_prefix}{key}'")
        return ""
    value = table[key]
    if not isinstance(value, str):
        raise InputError(where, f"key '{key_prefix}{key}' must be a string")
    if required and not value.strip():
        raise InputError(where, f"key '{key_prefix}{key}' is empty")
    return value


def _tip_areas(path: str) -> tuple[str, ...]:
    """The ``[tip] areas`` list of the packaged ``profiles.toml``."""
    if not os.path.isfile(path):
        return ()
    table = read_toml(path)
    tip = table.get("tip", {})
    areas = tip.get("areas", []) if isinstance(tip, dict) else None
    if not isinstance(areas, list) or not all(isinstance(item, str) for item in areas):
        raise InputError(path, "key 'tip.areas' must be a list of strings")
    return tuple(areas)


def _configure(ruleset: Ruleset, config: Config) -> Ruleset:
    """Apply the config's enable/disable/severity choices (unknown ids name the config)."""
    where = config.where

    def resolve(name: str, what: str) -> str:
        rule = ruleset.get(name)
        if rule is None:
            raise InputError(where, f"unknown rule '{name}' in [rules] {what}")
        return rule.id

    enable = {resolve(name, "enable") for name in config.enable}
    disable = {resolve(name, "disable") for name in config.disable}
    severity = {resolve(name, "severity"): level for name, level in config.severity}
    if not (enable or disable or severity):
        return ruleset
    rules: list[RuleSpec] = []
    for rule in ruleset.rules:
        enabled = (rule.enabled or rule.id in enable) and rule.id not in disable
        if rule.id in severity:
            # The configured severity holds for every patch: escalations give way to it.
            rules.append(
                replace(
                    rule,
                    enabled=enabled,
                    severity=severity[rule.id],
                    escalate=(),
                    severity_configured=True,
                )
            )
        else:
            rules.append(replace(rule, enabled=enabled))
    return replace(ruleset, rules=tuple(rules))
