"""Union-find over Message-IDs: mails linked by their references, however deep.

A module of its own, free of the thread records, so that grouping the mails of a
send (:mod:`lint.thread.series`) does not import what grouping review threads
(:mod:`lint.thread.grouping`) needs: a one-patch lint run uses the former only.
"""

from __future__ import annotations


class Forest:
    """Union-find over message ids: the threads of
    :class:`~lint.thread.grouping.ThreadIndex`, and the sends of
    :func:`lint.thread.series.group_series`."""

    def __init__(self) -> None:
        self._up: dict[str, str] = {}

    def add(self, node: str) -> None:
        self._up.setdefault(node, node)

    def find(self, node: str) -> str:
        self.add(node)
        root = node
        while self._up[root] != root:
            root = self._up[root]
        while self._up[node] != root:
            self._up[node], node = root, self._up[node]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self._up[rb] = ra
