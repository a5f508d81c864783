"""Decoded mail to :class:`~lint.patch.model.Patch`: the subject split as maintainers
read it, the changelog (paragraphs, sections, trailers, notes), the diff (the only unidiff
user) and what the diff does to code (behavioural against mechanical lines).
"""
