"""The explainer: one consolidated document per thread (versions, people, background
per topic, problem and fix, what changes, findings, tags, open review points), rendered with
Jinja2 and markdown-it-py as Markdown, HTML, text or changelog sections.
"""
