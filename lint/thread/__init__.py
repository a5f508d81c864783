"""Patches to threads: who answers whom, the versions of a series, review replies and
what they ask for, as the explainer and the thread rules need them.
"""
