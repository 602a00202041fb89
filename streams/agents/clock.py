"""The clock: one tick per partition per interval, so timers fire where their state lives."""
from __future__ import annotations

import json
from datetime import datetime, timezone

from .. import topics


def register(app, settings) -> None:
    ticks = app.dozor_topics[topics.TICKS]

    @app.timer(interval=settings.tick_interval, on_leader=True, name="dozor-clock")
    async def clock():
        now = json.dumps({"now": datetime.now(timezone.utc).isoformat()}).encode()
        for partition in range(settings.partitions):
            await ticks.send(value=now, partition=partition)
