"""Messages, moderators' commands and clock ticks, one chat-keyed stream, in order.

One agent for all three, so that a participant's record is never read by one
while another is between its read and its write.
"""
from __future__ import annotations

import logging

from ..dispatch import InputError, apply
from ..policy import commit

log = logging.getLogger("dozor")


def register(app, engine, out) -> None:
    @app.agent(app.dozor_inbound, name="dozor-moderate")
    async def moderate(stream):
        async for event in stream.events():
            msg = event.message
            try:
                fx, _ = apply(engine, msg.topic, event.value, str(msg.partition))
            except InputError as err:
                log.warning("dead letter %s[%s]@%s: %s", msg.topic, msg.partition, msg.offset, err)
                await out.deadletter(event, str(err))
                continue
            await out.publish(fx)
            commit(fx)          # only now: a crash before this replays the record, losing nothing
