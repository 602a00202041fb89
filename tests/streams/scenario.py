"""Building blocks of policy scenarios: events in, decisions and flags out, through `dozor replay`'s
engine (the one the workers run). Times are fixed: no scenario reads the wall clock."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from streams.policy import Engine
from streams.replay import replay

T0 = datetime(2026, 11, 18, 10, 0, tzinfo=timezone(timedelta(hours=5)))
TEACHER = "t1"


def at(minutes: float = 0) -> str:
    return (T0 + timedelta(minutes=minutes)).isoformat()


def msg(mid, text, user="u1", chat="c1", minutes=0, ctx=None, **extra):
    return {"message_id": mid, "chat_id": chat, "sender_id": user, "text": text,
            "sent_at": at(minutes), **extra} | ({"chat": ctx} if ctx else {})


def cmd(cid, kind, user="u1", chat="c1", minutes=0, by=TEACHER, **extra):
    return {"command_id": cid, "kind": kind, "chat_id": chat, "user_id": user, "by": by,
            "at": at(minutes), **extra}


def join(user, chat="c1", role="parent", minutes=-60, eid=None, **extra):
    return {"event_id": eid or f"j-{user}-{chat}", "kind": "join", "user_id": user, "chat_id": chat,
            "role": role, "at": at(minutes), **extra}


def staff(chat="c1", teacher=TEACHER):
    """The class teacher joined the chat: a moderator of it."""
    return join(teacher, chat, role="teacher", minutes=-120)


class Run:
    """Every decision and flag of a replay, with the engine kept for more events."""

    def __init__(self, events, until=None, engine=None):
        self.engine = engine or Engine()
        self.errors: list[str] = []
        self.decisions: list[dict] = []
        self.flags: list[dict] = []
        self.violations: list[dict] = []
        self.feed(events, until)

    def feed(self, events, until=None) -> "Run":
        lines = [json.dumps(e, ensure_ascii=False) for e in events]
        for fx in replay(lines, self.engine, until=until, on_error=self.errors.append):
            self.decisions += [d.to_dict() for d in fx.decisions]
            self.flags += fx.flags
            self.violations += fx.violations
        return self

    def actions(self, action: str, **match) -> list[dict]:
        return [d for d in self.decisions if d["action"] == action and all(d.get(k) == v for k, v in match.items())]

    def flagged(self, kind: str, **match) -> list[dict]:
        return [f for f in self.flags if f.get("kind") == kind and all(f.get(k) == v for k, v in match.items())]

    def review_of(self, mid: str) -> dict:
        [item] = self.flagged("review", message_id=mid)
        return item

    def participant(self, user="u1", chat="c1") -> dict:
        return self.engine.participants[f"{chat}|{user}"]


def run(events, until=None, engine=None):
    """(decisions, errors), for the scenarios that need no more."""
    r = Run(events, until, engine)
    return r.decisions, r.errors


def actions(decisions, action):
    return [d for d in decisions if d["action"] == action]
