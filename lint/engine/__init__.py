"""The engine: a :class:`~lint.rulebook.ruleset.Ruleset` run over patches gives sorted
diagnostics; the pipeline from inputs to reports, the worker processes of ``-j``, and the
thread and series passes that judge mails together. It never prints.
"""
