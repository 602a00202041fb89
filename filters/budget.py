"""A time budget per message: how long one message may hold the thread that checks it.

The work per message is linear in its length and the length is capped (filters/pipeline.py),
so an ordinary message never comes near the budget; the budget is what still holds when
something was missed (a root that backtracks on some word, a detector made slow by a
future edit): the pipeline stops, and the verdict says so instead of a worker stalling every
chat of its partition.

The budget counts the thread's CPU time (`time.thread_time`), not the clock on the wall, so a
busy machine or a paused process does not cut an honest message short. Reading that clock
is a system call (about 0.6 µs, a tenth of an ordinary message's whole check), so it is never
read for a message done within GRACE of wall time: the cheap wall clock is asked first, and
the CPU clock is first read at the first check after GRACE, that first stretch counted as
CPU time whether it was or not (a thread cannot have used more CPU time than has passed). So
on a busy machine the budget may end early by what that first stretch spent waiting (about
GRACE: checks come every few microseconds in the loops that can run long), never late.

The pipeline checks between detectors; long loops inside them call `check()`, which raises
OverBudget when the message in hand is out of time, and does nothing outside a checked
message (lint, examples, the sweep), so no signature carries the budget around.
"""
from __future__ import annotations

import time
from contextvars import ContextVar


class OverBudget(Exception):
    """The message being checked has used its time; the pipeline turns this into a finding."""


GRACE = 0.001      # s of wall time before the CPU clock is first read


class Budget:
    __slots__ = ("seconds", "started", "_cpu")

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.started = time.perf_counter()
        self._cpu: float | None = None       # the CPU clock at which the budget ends, once read

    def spent(self) -> bool:
        # `>=`: a budget of 0 is spent at once, which is how a test asks for the finding
        elapsed = time.perf_counter() - self.started
        if elapsed < self.seconds and elapsed < GRACE:
            return False
        if self._cpu is None:
            # what has passed so far counts as CPU time: the end is `seconds` of CPU from the start
            self._cpu = time.thread_time() - elapsed + self.seconds
        return elapsed >= self.seconds and time.thread_time() >= self._cpu


CURRENT: ContextVar[Budget | None] = ContextVar("dozor_budget", default=None)


def check() -> None:
    """Raise OverBudget when the message being checked is out of time; cheap (a context
    variable and the wall clock) while it is not."""
    budget = CURRENT.get()
    if budget is not None and budget.spent():
        raise OverBudget
