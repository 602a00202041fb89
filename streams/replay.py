"""`dozor replay FILE`: the whole policy in-process over a recorded stream.

Each line is a chat message (contract §1), a moderator's command, or a roster
event; a line may also be wrapped as {"topic": "moderation.commands", "value": {…}}.
Lines are taken in file order; before each one, every timer due by its time fires
(blocks end, objection windows close), so the run is deterministic.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from . import dispatch, topics
from .policy import Effects, Engine
from .policy.roster import seen
from .policy.records import parse_time


@dataclass
class Record:
    topic: str
    value: dict
    line: int


class ReplayError(ValueError):
    pass


def classify(data: dict) -> str:
    if "topic" in data and "value" in data:
        return data["topic"]
    if "command_id" in data:
        return topics.COMMANDS
    if "event_id" in data and "kind" in data:
        return topics.ROSTER
    return topics.MESSAGES


def read(lines: Iterable[str]) -> Iterator[Record | ReplayError]:
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as err:
            yield ReplayError(f"line {lineno} is not JSON: {err.msg} at column {err.colno}")
            continue
        if not isinstance(data, dict):
            yield ReplayError(f"line {lineno} is not a JSON object")
            continue
        topic = classify(data)
        value = data["value"] if "topic" in data and "value" in data else data
        yield Record(topic, value, lineno)


def event_time(rec: Record) -> datetime | None:
    stamp = rec.value.get("sent_at") or rec.value.get("at")
    try:
        return parse_time(stamp) if isinstance(stamp, str) else None
    except ValueError:
        return None


def apply(engine: Engine, rec: Record) -> Effects:
    """One record through the engine, as the stream agents would, with what it forwards to dozor's
    own topics (roster follow-ups, membership, «seen» writers) applied at once, in order."""
    fx = dispatch.apply(engine, rec.topic, rec.value)
    queue = list(fx.forward) + [(topics.ROSTER, seen(*m)) for m in fx.members]
    fx.forward, fx.members = [], []
    while queue:
        topic, event = queue.pop(0)
        more = dispatch.apply(engine, topic, event)
        queue += list(more.forward) + [(topics.ROSTER, seen(*m)) for m in more.members]
        more.forward, more.members = [], []
        fx.extend(more)
    return fx


def replay(lines: Iterable[str], engine: Engine | None = None, until: datetime | None = None,
           on_error=None, progress=None) -> Iterator[Effects]:
    """Effects of every record, in order; bad records go to `on_error(line, reason)`."""
    engine = engine or Engine()
    clock: datetime | None = None
    for n, rec in enumerate(read(lines), 1):
        if progress:
            progress(n)
        if isinstance(rec, ReplayError):
            if on_error:
                on_error(str(rec))
            continue
        at = event_time(rec)
        if at is not None and (clock is None or at > clock):
            clock = at
            yield engine.tick(clock)
        try:
            yield apply(engine, rec)
        except dispatch.InputError as err:
            if on_error:
                on_error(f"line {rec.line}: {err}")
    if until is not None:
        yield engine.tick(until)
