"""One inbound record through the engine, as replay and the stream agents both do it.

Anything that cannot be read raises InputError with a reason fit for the dead-letter topic.
"""
from __future__ import annotations

import json
from datetime import datetime

from filters import Message, MessageError

from . import topics
from .policy import Effects, Engine, commands, membership, roster
from .policy.records import parse_time


class InputError(ValueError):
    pass


def decode(raw: bytes | str | dict) -> dict:
    if isinstance(raw, dict):
        return raw
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise InputError(f"not JSON: {err}") from None
    if not isinstance(data, dict):
        raise InputError(f"not a JSON object but {type(data).__name__}")
    return data


def apply(engine: Engine, topic: str, raw, partition: str = "0") -> Effects:
    """Effects of one record; records for dozor's own topics (roster follow-ups for other users,
    membership events for chats) are in its `forward`."""
    data = decode(raw)
    try:
        if topic == topics.MESSAGES:
            return engine.message(Message.from_dict(data), partition)
        if topic == topics.COMMANDS:
            return engine.command(commands.parse(data), partition)
        if topic == topics.ROSTER:
            return engine.roster(roster.parse(data))
        if topic == topics.MEMBERSHIP:
            return engine.membership(membership.parse(data), partition)
        if topic == topics.TICKS:
            return engine.tick(_tick_time(data), partition)
    except (MessageError, commands.CommandError, roster.RosterError, membership.MembershipError) as err:
        raise InputError(str(err)) from None
    raise InputError(f"dozor does not read topic {topic!r}")


def _tick_time(data: dict) -> datetime:
    try:
        return parse_time(data["now"])
    except (KeyError, TypeError, ValueError):
        raise InputError("a tick needs 'now', an ISO 8601 time with its UTC offset") from None
