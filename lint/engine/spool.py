"""Objects kept in the order given: the first ones in memory, the rest pickled to a file.

The passes that run after the stream of a lint run (threads, series) and the report
that waits for them keep one object per mail. A run over a list archive must not
hold them all: up to :attr:`ObjectSpool.KEEP` stay in memory as objects (a thread
or a series, a few megabytes); past it each is pickled into an unnamed temporary
file and only its offset stays, eight bytes an object. Pickling costs a list
archive about a tenth of its run; a run that never gets there pays nothing.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator, MutableSequence
    from typing import BinaryIO, Generic, TypeVar

    _T = TypeVar("_T")

    class _Base(Generic[_T]):
        pass

else:  # typing costs a git hook milliseconds to import; only mypy needs the generic

    class _Base:
        __slots__ = ()

        def __class_getitem__(cls, item: object) -> type:
            return cls


class ObjectSpool(_Base["_T"]):
    """Objects kept in the order given (see the module docstring)."""

    KEEP = 4096

    def __init__(self) -> None:
        self._kept: list[_T] = []
        self._file: BinaryIO | None = None
        self._offsets: MutableSequence[int] = [0]
        """Where each pickled object starts in the file, and where the last one ends
        (an array of 64-bit integers once there is a file)."""

    def __len__(self) -> int:
        return len(self._kept) + len(self._offsets) - 1

    def append(self, item: _T) -> None:
        """Keep ``item``."""
        if len(self._kept) < self.KEEP:
            self._kept.append(item)
            return
        from pickle import HIGHEST_PROTOCOL, dumps

        if self._file is None:
            import tempfile
            from array import array

            # Closed by close(), when the pass or the report is done.
            self._file = tempfile.TemporaryFile()  # noqa: SIM115
            self._offsets = array("q", [0])
        data = dumps(item, protocol=HIGHEST_PROTOCOL)
        self._file.write(data)
        self._offsets.append(self._offsets[-1] + len(data))

    def load(self, position: int) -> _T:
        """The ``position``-th object kept (from 0)."""
        if position < len(self._kept):
            return self._kept[position]
        from pickle import loads

        assert self._file is not None
        pickled = position - len(self._kept)
        start, end = self._offsets[pickled], self._offsets[pickled + 1]
        self._file.seek(start)
        data = self._file.read(end - start)
        self._file.seek(0, 2)  # appending goes on at the end
        item: _T = loads(data)
        return item

    def __iter__(self) -> Iterator[_T]:
        """Every object kept, in order."""
        for position in range(len(self)):
            yield self.load(position)

    def close(self) -> None:
        """Let go of what is kept."""
        if self._file is not None:
            self._file.close()
            self._file = None
        self._kept = []
        self._offsets = [0]
