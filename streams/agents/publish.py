"""Sending an event's effects, and waiting until the broker has them all."""
from __future__ import annotations

from datetime import datetime, timezone

from .. import metrics, topics, wire
from ..policy import Effects
from ..policy.roster import seen

_json = wire.encode          # never fails, never over a topic's limit


class Publisher:
    """Writes straight to the app's producer: a Faust Topic.send costs ~300 µs a record
    in futures and callbacks, this ~30 µs, with the same broker acknowledgement. What the broker
    acknowledges is counted for /metrics (streams/metrics.py), from the acknowledgement's callback."""

    def __init__(self, app, cipher=None, signer=None, closed: set[str] = frozenset()):
        self.app = app
        self.cipher = cipher          # the operators' key for dead letters' originals (or None)
        self.signer = signer          # this worker's producer key (streams/identity.py), or None
        self.closed = closed          # topics only trusted producers write: what goes there is signed

    async def _send(self, topic: str, key: bytes | None, value: bytes, partition: int | None = None):
        headers = self.signer.headers(topic, key, value) if self.signer and topic in self.closed else None
        return await self.app.producer.send(topic, key, value, partition, None, headers)

    async def tick(self, partition: int, value: bytes):
        """The clock's record for one partition (signed where ticks are a closed topic)."""
        return await self._send(topics.TICKS, None, value, partition)

    async def send(self, fx: Effects) -> list:
        """Hand every record to the producer; returns the acknowledgements to wait for."""
        sends = []
        for d in fx.decisions:
            sends.append(await self._send(topics.DECISIONS, wire.key(d.chat_id), _json(d.to_dict())))
            metrics.when_acked(sends[-1], metrics.decision, d.action)
        for v in fx.violations:
            sends.append(await self._send(topics.VIOLATIONS, wire.key(v["chat_id"]), _json(v)))
            metrics.when_acked(sends[-1], metrics.violation, v)
        for f in fx.flags:
            sends.append(await self._send(topics.FLAGS, wire.key(f["chat_id"]), _json(f)))
            metrics.when_acked(sends[-1], metrics.flag, f)
        for user, chat, at in fx.members:
            sends.append(await self._send(topics.ROSTER, wire.key(user), _json(seen(user, chat, at))))
        for topic, event in fx.forward:
            # roster follow-ups belong to their user's partition, membership events to their chat's
            key = event["user_id"] if topic == topics.ROSTER else event["chat_id"]
            sends.append(await self._send(topic, wire.key(key), _json(event)))
        return sends

    async def shadow(self, record: dict):
        """A shadow-mode record (disagreement or progress); returns the acknowledgement."""
        key = record.get("chat_id") or record["worker"]
        return await self._send(topics.SHADOW, wire.key(key), _json(record))

    async def deadletter(self, event, reason: str, cause: str = "malformed"):
        """Where the record came from and why it was not used: nothing malformed is dropped silently,
        and nothing of it leaks (streams/wire.py: its hash, a masked preview, the original encrypted).
        `cause`, for /metrics only: malformed, untrusted (an unsigned or forged record) or internal (a bug)."""
        msg = event.message
        # no preview in clear: a scrub catches numbers and e-mails, not a home address or a child's
        # diagnosis; operators read the original with their key (`dozor deadletters --decrypt`)
        record = wire.dead_letter(msg.topic, msg.partition, msg.offset, event.key, event.value, reason,
                                  datetime.now(timezone.utc).isoformat(), cipher=self.cipher)
        ack = await self._send(topics.DEADLETTER, (event.key or b"")[:200] or None, _json(record))
        metrics.when_acked(ack, metrics.deadletter, msg.topic, cause)
        return ack

    async def rekeyed(self, event, key: bytes):
        """The record again, under the key its partition depends on (a gateway keyed it wrongly)."""
        msg = event.message
        ack = await self._send(msg.topic, key, event.value or b"")
        metrics.when_acked(ack, metrics.rekeyed, msg.topic)
        return ack
