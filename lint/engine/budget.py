"""A time budget per message: defence in depth against a mail that stalls the analysis.

Every part of patchlens's own reading is linear in the size of a mail (issue 15,
``bench/growth.py``), but rule files are written by users and a regex of theirs may
backtrack for minutes on the wrong mail. :class:`Budget` arms a timer around the work
on one message; past it, :class:`BudgetExceeded` names the stage the work had reached
(set by the engine as it goes: decoding, then each rule), and the run reports that
message as not analysed and goes on with the next one.

The timer is ``SIGALRM`` (``setitimer``), which interrupts Python code and the ``re``
engine alike; it is armed only in a process's main thread (the CLI, each ``-j`` worker
and the bot all run their messages there), and not at all where the platform has none.
"""

from __future__ import annotations

import signal

TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import FrameType, TracebackType
    from typing import Any

RULE_ID = "analysis-budget"
"""The rule id of the one finding a message over its budget gets."""


class BudgetExceeded(BaseException):
    """The work on a message ran past its budget.

    A ``BaseException``, as ``KeyboardInterrupt`` is: the ``except Exception`` that keeps
    one bad mail from stopping the bot must not swallow it.
    """

    def __init__(self, stage: str, seconds: float) -> None:
        super().__init__(stage, seconds)
        self.stage = stage
        self.seconds = seconds

    def __str__(self) -> str:
        return f"analysis stopped after {self.seconds:g} s at {self.stage}"


class Budget:
    """``with Budget(seconds) as budget: ...``; ``budget.stage`` says where the work is."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.stage = "decoding"
        self._previous: Any = None
        self._armed = False

    def __enter__(self) -> Budget:
        if self.seconds > 0 and hasattr(signal, "setitimer"):
            try:
                self._previous = signal.signal(signal.SIGALRM, self._expire)
            except ValueError:  # not the main thread: no timer there
                return self
            signal.setitimer(signal.ITIMER_REAL, self.seconds)
            self._armed = True
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._armed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self._previous)
            self._armed = False

    def _expire(self, signum: int, frame: FrameType | None) -> None:
        raise BudgetExceeded(self.stage, self.seconds)
