"""Messages, moderators' commands and clock ticks, one chat-keyed stream, in order.

One agent for all three, so that a participant's record is never read by one
while another is between its read and its write. Events come in batches: each
is decided in order (later ones see the earlier ones' pending state), all their
records are sent, and once the broker has acknowledged every one, the state
changes are committed, each from its own event, so Faust writes each table
change to the changelog partition of the event that caused it.
"""
from __future__ import annotations

import asyncio
import logging
import time
import weakref

from faust.streams import _current_event

from ..changelog import flush_changelog
from ..dispatch import InputError, apply
from ..policy import commit

log = logging.getLogger("dozor")
BATCH, WITHIN = 500, 0.02
PROGRESS_EVERY = 5.0      # seconds between shadow-mode progress records


def register(app, engine, out, lexicons) -> None:
    @app.agent(app.dozor_inbound, name="dozor-moderate")
    async def moderate(stream):
        progress_at = 0.0
        async for batch in stream.take_events(BATCH, within=WITHIN):
            engine.settle()                  # nothing pending from a batch cut short: it comes again
            lexicons.begin_batch()           # one lexicon version per batch: a reload lands between
            decided, acks = [], []
            for event in batch:
                msg = event.message
                try:
                    fx = apply(engine, msg.topic, event.value, str(msg.partition))
                except InputError as err:
                    log.warning("dead letter %s[%s]@%s: %s", msg.topic, msg.partition, msg.offset, err)
                    acks.append(await out.deadletter(event, str(err)))
                    continue
                except Exception as err:      # a bug must not make Faust skip the record silently
                    log.exception("dead letter %s[%s]@%s: internal error", msg.topic, msg.partition, msg.offset)
                    acks.append(await out.deadletter(event, f"internal error, please report: {err!r}"))
                    continue
                acks += await out.send(fx)
                decided.append((event, fx))
            for record in lexicons.take_disagreements():
                acks.append(await out.shadow(record))
            progress = lexicons.progress()
            if progress is not None and time.monotonic() - progress_at > PROGRESS_EVERY:
                progress_at = time.monotonic()
                acks.append(await out.shadow(progress))
            if acks:
                await asyncio.gather(*acks)
            for event, fx in decided:     # only now: a crash before this replays the batch, losing nothing
                token = _current_event.set(weakref.ref(event))
                try:
                    commit(fx)
                finally:
                    _current_event.reset(token)
            engine.settle()
            await flush_changelog(app)    # the batch is acked (its offsets committable) only after this
