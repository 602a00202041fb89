"""Time passing: a block ends by itself, an objection window closes, a review item expires, a
strike stops counting, and a participant nothing is pending for is forgotten."""
from __future__ import annotations

from datetime import datetime, timedelta

from . import reviews
from .blocks import unblock
from .config import Policy
from .messages import expire
from .records import Decision, Effects, Participant, iso, parse_time, stable_id

HOUSEKEEPING = ("strikes", "forget")     # timers the record keeps for itself, recomputed at every save
BLOCK_MEMORY = timedelta(days=365)       # a block is remembered this long: the next one is longer


def next_due(p: Participant) -> datetime | None:
    return parse_time(p.timers[0][0]) if p.timers else None


def keep_or_forget(p: Participant, at: datetime, policy: Policy) -> None:
    """Set the record's own timers: when its oldest strike stops counting, and when it may be
    forgotten (silent `forget_days`, a block remembered a year): state shrinks without new events."""
    p.timers = [t for t in p.timers if t[1] not in HOUSEKEEPING]
    if p.strikes:
        oldest = min(parse_time(s["at"]) for s in p.strikes)
        p.add_timer(oldest + policy.strike_window, "strikes", "")
    if p.member != "joined":
        p.add_timer(forget_at(p, at, policy), "forget", "")


def forget_at(p: Participant, at: datetime, policy: Policy) -> datetime:
    seen = parse_time(p.last_seen) if p.last_seen else at
    blocks = [parse_time(b) + BLOCK_MEMORY for b in p.past_blocks]
    return max([seen + policy.forget_after] + blocks)


def forgettable(p: Participant, at: datetime, policy: Policy) -> bool:
    """Nothing pending, not a joined member, and gone: left the chat, or silent long enough."""
    if p.strikes or p.block or p.reviews or p.request or p.member == "joined":
        return False
    if any(t[1] not in HOUSEKEEPING for t in p.timers):
        return False
    if any(parse_time(b) + BLOCK_MEMORY > at for b in p.past_blocks):
        return False
    return p.member == "left" or forget_at(p, at, policy) <= at


def on_tick(p: Participant, now: datetime, policy: Policy) -> Effects:
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
        elif kind == "strikes":
            expire(p, at, policy)         # housekeeping sets the next one at the next save
    return fx
