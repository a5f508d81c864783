"""The rulebook: ``rules/*.toml`` loaded and validated into a :class:`Ruleset` (rule
files, their typed parameters, their conditions, the regexes they hold), and the data in
``rules/data/`` that conditions refer to (topics, the diff vocabulary, named conditions).
"""
