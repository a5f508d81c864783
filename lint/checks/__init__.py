"""The check kinds: one module per kind of test a rule can name, the registry of them
(:mod:`lint.checks.registry`), the contract they share (:mod:`lint.checks.api`), and the
kinds ported from checkpatch.pl (:mod:`lint.checks.checkpatch`).
"""
