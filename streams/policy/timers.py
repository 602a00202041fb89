"""Time passing: a block ends by itself, an objection window closes, a review item expires."""
from __future__ import annotations

from datetime import datetime

from . import reviews
from .blocks import unblock
from .records import Decision, Effects, Participant, iso, parse_time, stable_id


def next_due(p: Participant) -> datetime | None:
    return parse_time(p.timers[0][0]) if p.timers else None


def on_tick(p: Participant, now: datetime) -> Effects:
    """Fire every timer of `p` due at `now` or before, in order."""
    fx = Effects()
    while p.timers and parse_time(p.timers[0][0]) <= now:
        due, kind, ref = p.timers.pop(0)
        at = parse_time(due)
        if kind == "unblock" and p.block and p.block["decision_id"] == ref:
            fx.decisions.append(unblock(p, at, f"the block ended ({p.block['until']})"))
        elif kind == "objections" and p.request and p.request["id"] == ref:
            objections = p.request["objections"]
            if objections:
                p.request = None
                fx.decisions.append(Decision(
                    stable_id("nt", p.chat_id, ref, "kept"), p.chat_id, p.user_id, "notice", iso(at),
                    audience="chat", reason=f"objections from {', '.join(objections)} (000 §4.6)",
                    text=f"Досрочная разблокировка {p.user_id} не состоится: есть возражения."))
            else:
                fx.decisions.append(unblock(p, at, "apologised, and no participant objected (000 §4.6)"))
        elif kind == "review":
            fx.extend(reviews.expire(p, ref, at))
    return fx
