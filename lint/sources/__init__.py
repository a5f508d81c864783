"""Inputs to raw mails: patch files, folders of them, mbox and mboxrd files, maildirs,
standard input and git revision ranges, each streamed as :class:`~lint.mail.model.RawMail`
without holding more than one message in memory. The only package that talks to git
(GitPython, imported lazily).
"""
