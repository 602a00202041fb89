"""Membership events (keyed by user): joins, leaves, and who leaves the school."""
from __future__ import annotations

import logging

from .. import topics
from ..changelog import flush_changelog
from ..dispatch import InputError, apply
from ..policy import commit

log = logging.getLogger("dozor")


def register(app, engine, out) -> None:
    @app.agent(app.dozor_topics[topics.ROSTER], name="dozor-roster")
    async def roster(stream):
        async for event in stream.events():
            engine.settle()                   # nothing pending from an event cut short: it comes again
            msg = event.message
            try:
                fx = apply(engine, topics.ROSTER, event.value, str(msg.partition))
            except InputError as err:
                await (await out.deadletter(event, str(err)))
                continue
            except Exception as err:          # a bug must not make Faust skip the record silently
                log.exception("dead letter chat.roster[%s]@%s: internal error", msg.partition, msg.offset)
                await (await out.deadletter(event, f"internal error, please report: {err!r}"))
                continue
            await out.publish(fx)
            commit(fx)
            engine.settle()
            await flush_changelog(app)        # before the event is acked: see streams/app.py
