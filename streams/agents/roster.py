"""Membership events (keyed by user): joins, leaves, and who leaves the school.

Every event gets an answer, as on the moderate agent (streams/agents/moderate.py): its effects,
a dead letter with the reason, or the event again under the key it belongs to; what cannot be
delivered stops the worker with nothing committed.
"""
from __future__ import annotations

import logging
import time

from .. import metrics, topics
from ..changelog import flush_changelog
from ..dispatch import InputError, WrongKey, apply
from ..fatal import stop_without_committing
from ..identity import IdentityError
from ..policy import commit

log = logging.getLogger("dozor")


def register(app, engine, out, producers) -> None:
    async def answer(event):
        """The acks to wait for, and the effects to commit after them (None: nothing to commit)."""
        msg = event.message
        try:
            producers.check(topics.ROSTER, event.key, event.value, msg.headers)
            fx = apply(engine, topics.ROSTER, event.value, str(msg.partition), key=event.key or b"")
        except IdentityError as err:
            log.warning("refused chat.roster[%s]@%s: %s", msg.partition, msg.offset, err)
            return [await out.deadletter(event, f"not from a trusted producer: {err}", cause="untrusted")], None
        except WrongKey as err:
            log.warning("chat.roster[%s]@%s keyed wrongly: sent again under %r", msg.partition, msg.offset,
                        err.key[:40])
            return [await out.rekeyed(event, err.key)], None
        except InputError as err:
            log.warning("dead letter chat.roster[%s]@%s: %s", msg.partition, msg.offset, str(err)[:300])
            return [await out.deadletter(event, str(err))], None
        except Exception as err:          # a bug must not make Faust skip the record silently
            log.exception("dead letter chat.roster[%s]@%s: internal error", msg.partition, msg.offset)
            return [await out.deadletter(event, f"internal error, please report: {err!r}",
                                        cause="internal")], None
        return await out.send(fx), fx

    @app.agent(app.dozor_topics[topics.ROSTER], name="dozor-roster")
    async def roster(stream):
        async for event in stream.events():
            engine.settle()                   # nothing pending from an event cut short: it comes again
            try:
                started = time.perf_counter()
                acks, fx = await answer(event)
                spent = time.perf_counter() - started
                for ack in acks:
                    await ack
            except Exception as err:
                stop_without_committing(f"could not deliver the answer to a roster event: {err!r}")
            metrics.answered([event], [spent])    # its answers acknowledged; never raises
            if fx is not None:
                commit(fx)
            engine.settle()
            try:
                await flush_changelog(app)    # before the event is acked: see streams/changelog.py
            except Exception as err:
                stop_without_committing(f"could not write the roster's table changes: {err!r}")
