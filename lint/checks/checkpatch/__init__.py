"""The check kinds ported from checkpatch.pl's commit-message checks, with the helpers
they share (checkpatch's idea of the commit log, of a signature line, of a commit id) and
its spelling dictionary.
"""
