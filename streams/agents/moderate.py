"""Messages, moderators' commands, membership and clock ticks, one chat-keyed stream, in order.

One agent for all of them, so that a participant's record is never read by one while another
is between its read and its write. Events come in batches: each is decided in order (later
ones see the earlier ones' pending state), all their records are sent, and once the broker has
acknowledged every one, the state changes are committed, each from its own event, so Faust
writes each table change to the changelog partition of the event that caused it.

A record can fail; the stream cannot. Every record gets an answer: its decisions, a dead letter
with the reason, or — keyed wrongly by its producer — itself again under the right key. Nothing
raised here may reach Faust: Faust acks a whole fetched batch when its consumer raises, and the
batch would be skipped. What cannot be delivered at all (the broker refuses even a dead letter)
stops the worker at once, loudly, with nothing committed: the batch is read again on restart.
"""
from __future__ import annotations

import asyncio
import logging
import time
import weakref

from faust.streams import _current_event

from .. import metrics
from ..changelog import flush_changelog
from ..dispatch import InputError, WrongKey, apply, received_at
from ..fatal import stop_without_committing
from ..identity import IdentityError
from ..policy import commit

log = logging.getLogger("dozor")
BATCH, WITHIN = 500, 0.02
PROGRESS_EVERY = 5.0      # seconds between shadow-mode progress records


def register(app, engine, out, lexicons, clock, producers) -> None:
    async def answer(event) -> tuple[list, object | None]:
        """The acks to wait for, and the effects to commit after them (None: nothing to commit)."""
        msg = event.message
        try:
            producers.check(msg.topic, event.key, event.value, msg.headers)
            fx = apply(engine, msg.topic, event.value, str(msg.partition), key=event.key or b"",
                       received=received_at(msg.timestamp, clock))
        except IdentityError as err:
            log.warning("refused %s[%s]@%s: %s", msg.topic, msg.partition, msg.offset, err)
            return [await out.deadletter(event, f"not from a trusted producer: {err}", cause="untrusted")], None
        except WrongKey as err:
            log.warning("%s[%s]@%s keyed %r: sent again under %r", msg.topic, msg.partition, msg.offset,
                        (event.key or b"")[:40], err.key[:40])
            return [await out.rekeyed(event, err.key)], None
        except InputError as err:
            log.warning("dead letter %s[%s]@%s: %s", msg.topic, msg.partition, msg.offset, str(err)[:300])
            return [await out.deadletter(event, str(err))], None
        except Exception as err:      # a bug must not make Faust skip the record silently
            log.exception("dead letter %s[%s]@%s: internal error", msg.topic, msg.partition, msg.offset)
            return [await out.deadletter(event, f"internal error, please report: {err!r}",
                                        cause="internal")], None
        return await out.send(fx), fx

    @app.agent(app.dozor_inbound, name="dozor-moderate")
    async def moderate(stream):
        progress_at = 0.0
        async for batch in stream.take_events(BATCH, within=WITHIN):
            engine.settle()                  # nothing pending from a batch cut short: it comes again
            lexicons.begin_batch()           # one lexicon version per batch: a reload lands between
            decided, acks, spent = [], [], []
            try:
                for event in batch:
                    started = time.perf_counter()
                    sent, fx = await answer(event)
                    spent.append(time.perf_counter() - started)
                    acks += sent
                    if fx is not None:
                        decided.append((event, fx))
                for record in lexicons.take_disagreements():
                    acks.append(await out.shadow(record))
                progress = lexicons.progress()
                if progress is not None and time.monotonic() - progress_at > PROGRESS_EVERY:
                    progress_at = time.monotonic()
                    acks.append(await out.shadow(progress))
                if acks:
                    await asyncio.gather(*acks)
            except Exception as err:         # the broker took neither the answers nor the dead letters
                stop_without_committing(f"could not deliver the answers of a batch of {len(batch)} "
                                        f"record(s): {err!r}")
            metrics.answered(batch, spent)   # every answer acknowledged; never raises
            for event, fx in decided:     # only now: a crash before this replays the batch, losing nothing
                token = _current_event.set(weakref.ref(event))
                try:
                    commit(fx)
                finally:
                    _current_event.reset(token)
            engine.settle()
            try:
                await flush_changelog(app)    # the batch is acked (its offsets committable) only after this
            except Exception as err:
                stop_without_committing(f"could not write the table changes of a batch: {err!r}")
