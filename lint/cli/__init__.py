"""The ``patchlens`` command line (a front door): argument parsing, the sub-commands
``lint``, ``explain``, ``fix``, ``parse``, ``rules``, ``hook`` and ``bot``, the report sink and the
exit status. Only the front doors print.
"""
