"""The mailing-list bot (a front door): it reads a maildir or a pipe of list mail, lints
every patch as it arrives, waits for a series to be complete, answers once per series
(by mail, to Patchwork, or both) and loses nothing when it is stopped or fails.
"""
