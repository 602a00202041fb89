"""Where timers wait: one small table entry per partition and minute, naming whose timers fall due.

A tick looks at the minutes since the last one finished (normally one), not at every timer of the
partition: the old single value per partition held every pending timer (0.94 MB at 20k timers,
near the 1 MB limit, and re-serialised at each change). A participant's own timers stay in its
record; an entry here only says «look at them in this minute». An entry whose participant's
timer moved is harmless: the tick finds nothing due and drops it.
"""
from __future__ import annotations

from datetime import datetime


def minute(moment: datetime) -> int:
    return int(moment.timestamp() // 60)


def bucket(partition: str, m: int) -> str:
    return f"{partition}|{m}"


def cursor(partition: str) -> str:
    return f"{partition}|cursor"
