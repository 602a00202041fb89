"""The clock: one tick per partition per interval, so timers fire where their state lives.

Workers refuse a tick from further ahead than their own clock (streams/dispatch.py), and where
ticks are a closed topic (streams/identity.py) one not signed by dozor's own workers.
"""
from __future__ import annotations

import json
import logging
from datetime import datetime, timezone

log = logging.getLogger("dozor")


def register(app, settings, out) -> None:
    @app.timer(interval=settings.tick_interval, on_leader=True, name="dozor-clock")
    async def clock():
        now = json.dumps({"now": datetime.now(timezone.utc).isoformat()}).encode()
        try:
            for partition in range(settings.partitions):
                await out.tick(partition, now)
        except Exception as err:          # a missed tick only delays timers: the next one catches up
            log.warning("the clock's tick was not sent (%r); timers fire at the next one", err)
