"""One inbound record through the engine, as replay and the stream agents both do it.

Anything that cannot be read raises InputError with a reason fit for the dead-letter topic.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone

from filters import Message, MessageError
from filters.door import decode_json

from . import topics
from .policy import Effects, Engine, commands, membership, roster
from .policy.records import parse_time


class InputError(ValueError):
    pass


class WrongKey(InputError):
    """A record keyed by something else than what its partition depends on (the chat, or for the
    roster the user): counted on the wrong partition it would split one chat's state in two."""

    def __init__(self, key: bytes):
        super().__init__(f"keyed wrongly; its key must be {key!r}")
        self.key = key


@dataclass(frozen=True)
class Clock:
    """How far a record's own time may stray from when the broker took it. Ahead (a sender's
    clock a day fast would flood their next messages; a message dated 3000 blocked until 3000):
    beyond `ahead` the broker's time is used. Behind (a gateway sending a backlog after an outage
    is right to keep the old times) only beyond `behind`. A tick is refused beyond `tick`."""
    ahead: timedelta = timedelta(minutes=5)
    behind: timedelta = timedelta(days=7)
    tick: timedelta = timedelta(minutes=1)
    now: object = None            # the worker's clock, a callable (tests give a fixed one)


def received_at(timestamp: float | None, clock: Clock | None) -> datetime | None:
    """When the broker took a record (Faust gives seconds), as far as dozor trusts it: never later
    than the worker's own clock (a producer may stamp its records with any time)."""
    if clock is None or not timestamp or timestamp < 0:
        return None
    stamped = datetime.fromtimestamp(timestamp, timezone.utc)
    wall = clock.now() if clock.now else datetime.now(timezone.utc)
    return min(stamped, wall)


def decode(raw: bytes | str | dict) -> dict:
    if isinstance(raw, dict):
        return raw
    try:
        data = decode_json(raw)        # the door's reading: size, encoding, JSON, depth (filters/door.py)
    except ValueError as err:
        raise InputError(str(err)) from None
    if not isinstance(data, dict):
        raise InputError(f"not a JSON object but {type(data).__name__}")
    return data


def apply(engine: Engine, topic: str, raw, partition: str = "0", key: bytes | None = None,
          received: datetime | None = None, clock: Clock = Clock()) -> Effects:
    """Effects of one record; records for dozor's own topics (roster follow-ups for other users,
    membership events for chats) are in its `forward`. Over Kafka, `key` is checked against what
    the record says it is about, and `received` (when the broker took it) bounds its own time;
    `dozor replay` gives neither: it trusts the file an operator gives it."""
    data = decode(raw)
    try:
        if topic == topics.MESSAGES:
            msg = Message.from_dict(data)
            _check_key(msg.chat_id, key)
            corrected = _corrected(msg.sent_at, received, clock)
            if corrected is None:
                return engine.message(msg, partition)
            fx = engine.message(replace(msg, sent_at=corrected), partition)
            note = {"sent_at_claimed": data["sent_at"], "sent_at_used": corrected.isoformat(),
                    "clock": "the message's own time was too far from when the broker took it: "
                             "the broker's time was used"}
            for record in fx.violations + fx.flags:
                record.update(note)
            return fx
        if topic == topics.COMMANDS:
            cmd = commands.parse(data)
            _check_key(cmd["chat_id"], key)
            return engine.command(cmd, partition)
        if topic == topics.ROSTER:
            event = roster.parse(data)
            _check_key(event["user_id"], key)          # a person leaves a school, not a chat
            return engine.roster(event)
        if topic == topics.MEMBERSHIP:
            event = membership.parse(data)
            _check_key(event["chat_id"], key)
            return engine.membership(event, partition)
        if topic == topics.TICKS:
            now = _tick_time(data)
            if received is not None and now > received + clock.tick:
                raise InputError(f"a tick for {now.isoformat()}, ahead of the broker's and the worker's clock "
                                 f"({received.isoformat()}): ticks come from dozor's own clock; ignored")
            return engine.tick(now, partition)
    except (MessageError, commands.CommandError, roster.RosterError, membership.MembershipError) as err:
        raise InputError(str(err)) from None
    raise InputError(f"dozor does not read topic {topic!r}")


def _corrected(sent_at: datetime, received: datetime | None, clock: Clock) -> datetime | None:
    if received is None:
        return None
    if sent_at > received + clock.ahead or sent_at < received - clock.behind:
        return received
    return None


def _check_key(owner: str, key: bytes | None) -> None:
    """Over Kafka, a record's key must be what its partition depends on (checked after the record
    reads as one: a malformed record is a dead letter where it stands)."""
    if key is None:
        return                      # replay: no keys
    wanted = owner.encode("utf-8", "replace")
    if key != wanted:
        raise WrongKey(wanted)


def _tick_time(data: dict) -> datetime:
    try:
        return parse_time(data["now"])
    except (KeyError, TypeError, ValueError):
        raise InputError("a tick needs 'now', an ISO 8601 time with its UTC offset") from None
