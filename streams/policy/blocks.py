"""Blocks: the 4th counted violation, a proposal where a moderator must confirm, the end of one.

A block rests on more than three counted violations (000 §4.5), each certain or confirmed by a
moderator; it lasts 7, 14, then 30 days for repeat offenders within a year, never more than 30,
and ends by itself (a timer) or early: a pardoned ground, or an apology nobody objected to.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from filters import registry

from . import reviews
from .config import Policy
from .records import Decision, Effects, Participant, iso, parse_time, stable_id


def chat_time(p: Participant, moment: datetime) -> datetime:
    """`moment` on the chat's clock: what a notice to a chat in Yekaterinburg must be dated in,
    whatever offset the command that caused it was stamped with."""
    return moment.astimezone(ZoneInfo(p.chat_zone or registry.settings(p.chat_id).timezone))


def block_or_propose(p: Participant, at: datetime, cause: str, policy: Policy, kind: str,
                     confirmed_by: str | None = None) -> Effects:
    """The 4th counted violation. A block is automatic only where the chat's policy says "auto" and
    every counted ground is certain or confirmed; otherwise the chat's moderators get a proposal."""
    mode = policy.block_mode(kind, registry.settings(p.chat_id).block)
    sure = all(s.get("certainty") in ("certain", "confirmed") for s in p.strikes)
    if mode == "auto" and sure:
        return Effects(decisions=[start_block(p, at, cause, policy, confirmed_by)])
    fx = Effects()
    if any(item["kind"] == "block" for item in p.reviews.values()):
        return fx                              # one proposal at a time; it takes the strikes counted then
    rid = stable_id("bp", p.chat_id, p.user_id, cause)
    until = at + policy.block_length(_recent_blocks(p, at))
    why = ("the chat's policy asks a moderator to confirm every block" if mode == "propose" else
           "not every counted violation is certain or confirmed by a moderator")
    reviews.open_item(p, fx, rid, "block", at, at + policy.review_window,
                      {"strikes": len(p.strikes), "suggested": ["block"], "urgent": False,
                       "grounds": block_grounds(p), "until": iso(until),
                       "explanation": f"{len(p.strikes)} counted violations (more than three, 000 §4.5): "
                                      f"a block until {chat_time(p, until):%d.%m.%Y} is proposed; {why}"},
                      grounds=[s["message_id"] for s in p.strikes], reason=why)
    return fx


def block_grounds(p: Participant) -> list[dict]:
    return [{"message_id": s["message_id"], "category": c, "rule": r}
            | ({"confirmed_by": s["confirmed_by"]} if s.get("confirmed_by") else {})
            for s in p.strikes for c, r in zip(s["categories"], s["rules"])]


def _recent_blocks(p: Participant, at: datetime) -> int:
    return len([b for b in p.past_blocks if parse_time(b) > at - timedelta(days=365)])


def start_block(p: Participant, at: datetime, cause: str, policy: Policy, confirmed_by: str | None = None) -> Decision:
    """Block for 7/14/30 days by history, citing every counted violation."""
    until = at + policy.block_length(_recent_blocks(p, at))
    decision = Decision(stable_id("bl", p.chat_id, p.user_id, cause), p.chat_id, p.user_id, "block", iso(at),
                        message_id=cause if not cause.startswith(("rv-", "bp-")) else None,
                        until=iso(until), strikes=len(p.strikes), grounds=block_grounds(p),
                        reason=f"{len(p.strikes)} нарушения правил чата (более трёх раз), "
                               f"блокировка на {(until - at).days} дн. (правила 000 §4.5, 003 §4.5)"
                               + (f"; подтвердил модератор {confirmed_by}" if confirmed_by else ""))
    p.block = {"decision_id": decision.decision_id, "since": iso(at), "until": iso(until),
               "grounds": [s["message_id"] for s in p.strikes], "manual": False, "said": []}
    p.past_blocks.append(iso(at))
    p.strikes = []                           # the block used them up; the next one needs four new
    p.add_timer(until, "unblock", decision.decision_id)
    return decision


def unblock(p: Participant, now: datetime, reason: str) -> Decision:
    block_id = p.block["decision_id"]
    p.block = None
    p.request = None
    p.timers = [t for t in p.timers if t[2] != block_id]
    return Decision(stable_id("ub", block_id), p.chat_id, p.user_id, "unblock", iso(now),
                    reason=reason, grounds=[{"block_decision_id": block_id}])
