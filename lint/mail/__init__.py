"""Raw mail to decoded mail: a port of ``git mailinfo`` (headers and their encodings,
in-body ``From:``/``Subject:``, scissors, the split of message and patch), with the sanity
limits that keep a hostile message from costing more than its size.
"""
