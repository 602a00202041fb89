"""Moderators' commands (topic moderation.commands): block, unblock request, objection, pardon.

Every command names its chat and target user and is checked against the rules:
a block needs grounds (recorded violations, or the director's authorisation with
its term), an early unblock needs an apology and a quiet objection window.
A refused command is reported back with the reason, never dropped.

    {"command_id": "c-1", "kind": "block", "chat_id": "…", "user_id": "u-42", "by": "t-7",
     "at": "2026-11-18T21:30:00+05:00", "message_ids": ["m-1801"], "until": "…"}
    {"kind": "block", …, "authorisation": {"by": "директор Иванова И.И.", "document": "приказ № 12",
     "until": "2027-01-10T00:00:00+05:00"}}
    {"kind": "unblock_request", …, "apology_message_id": "m-1900"}
    {"kind": "objection", …, "by": "u-51"}          # user_id: the blocked participant
    {"kind": "pardon", …, "message_id": "m-1801"}   # a false flag: its strike is cancelled
"""
from __future__ import annotations

from datetime import datetime, timedelta

from .config import Policy
from .messages import add_timer
from .records import Decision, Effects, Participant, iso, parse_time, require, stable_id

KINDS = ("block", "unblock_request", "objection", "pardon")


class CommandError(ValueError):
    """A record on moderation.commands that is not a command at all (goes to dead letters)."""


def parse(data) -> dict:
    return require(data, "command", ("command_id", "kind", "chat_id", "user_id", "by", "at"), KINDS, CommandError)


def on_command(p: Participant | None, cmd: dict, policy: Policy) -> tuple[Participant, Effects]:
    p = p or Participant(cmd["chat_id"], cmd["user_id"])
    if p.seen(cmd["command_id"]):
        return p, Effects()
    p.remember(cmd["command_id"], policy.handled_memory)
    now = parse_time(cmd["at"])
    handler = {"block": _block, "unblock_request": _request, "objection": _objection,
               "pardon": _pardon}[cmd["kind"]]
    return p, handler(p, cmd, now, policy)


def refuse(cmd: dict, reason: str) -> Effects:
    return Effects(flags=[{"flag_id": stable_id("cr", cmd["chat_id"], cmd["command_id"]),
                           "kind": "command_refused", "command_id": cmd["command_id"],
                           "command": cmd["kind"], "chat_id": cmd["chat_id"], "user_id": cmd["user_id"],
                           "by": cmd["by"], "at": cmd["at"], "reason": reason}])


def _in_force(p: Participant, now: datetime) -> bool:
    return p.block is not None and parse_time(p.block["until"]) > now


def _block(p: Participant, cmd: dict, now: datetime, policy: Policy) -> Effects:
    """A manual block: on recorded violations for ≤ 30 days, or on the director's word for their term."""
    if _in_force(p, now):
        return refuse(cmd, f"{p.user_id} is already blocked until {p.block['until']}")
    auth = cmd.get("authorisation")
    cited = cmd.get("message_ids") or []
    if auth:
        if not isinstance(auth, dict) or not auth.get("by") or not auth.get("until"):
            return refuse(cmd, "an authorised block needs authorisation.by (who decided) and "
                               "authorisation.until (the term they set)")
        until = parse_time(auth["until"])
        grounds = [{"authorised_by": auth["by"], "document": auth.get("document", "")}]
        reason = f"блокировка по решению: {auth['by']} {auth.get('document', '')}".strip()
    elif cited:
        known = {r["message_id"]: r for r in p.record}
        unknown = [m for m in cited if m not in known]
        if unknown:
            return refuse(cmd, f"{', '.join(unknown)} is not a recorded violation of {p.user_id} in "
                               f"{p.chat_id}; a block must rest on the chat rules (000 §4.7)")
        until = parse_time(cmd["until"]) if cmd.get("until") else now + timedelta(days=policy.max_block_days)
        if until > now + timedelta(days=policy.max_block_days):
            return refuse(cmd, f"a moderator may block for at most {policy.max_block_days} days "
                               f"(000 §4.5); longer needs the director's authorisation")
        grounds = [{"message_id": m, "category": c} for m in cited for c in known[m]["categories"]]
        reason = "блокировка модератором за нарушения правил чата"
    else:
        return refuse(cmd, "a block must cite grounds: message_ids of recorded violations, or the "
                           "director's authorisation with its term (000 §4.5, §4.7)")
    if until <= now:
        return refuse(cmd, f"the block's end {iso(until)} is not after the command time {cmd['at']}")
    decision = Decision(stable_id("bl", p.chat_id, p.user_id, cmd["command_id"]), p.chat_id, p.user_id,
                        "block", iso(now), until=iso(until), strikes=len(p.strikes), grounds=grounds,
                        reason=reason)
    p.block = {"decision_id": decision.decision_id, "since": iso(now), "until": iso(until),
               "grounds": cited, "manual": True}
    p.past_blocks.append(iso(now))
    add_timer(p, until, "unblock", decision.decision_id)
    return Effects(decisions=[decision])


def _request(p: Participant, cmd: dict, now: datetime, policy: Policy) -> Effects:
    """After an apology: tell the chat, and wait for objections (000 §4.6)."""
    if not _in_force(p, now):
        return refuse(cmd, f"{p.user_id} is not blocked in {p.chat_id}")
    if p.request is not None:
        return refuse(cmd, f"an early-unblock request is already open until {p.request['closes']}")
    closes = now + policy.objection_window
    p.request = {"id": cmd["command_id"], "opened": iso(now), "closes": iso(closes), "objections": []}
    add_timer(p, closes, "objections", cmd["command_id"])
    return Effects(decisions=[Decision(
        stable_id("nt", p.chat_id, cmd["command_id"]), p.chat_id, p.user_id, "notice", iso(now),
        audience="chat", reason="early-unblock request after an apology (000 §4.6)",
        text=f"Участник {p.user_id} принёс извинения. Если вы против досрочной разблокировки, "
             f"сообщите модератору до {closes:%d.%m %H:%M}.")])


def _objection(p: Participant, cmd: dict, now: datetime, policy: Policy) -> Effects:
    if p.request is None or parse_time(p.request["closes"]) <= now:
        return refuse(cmd, f"no early-unblock request of {p.user_id} is open for objections")
    if cmd["by"] == p.user_id:
        return refuse(cmd, "the blocked participant cannot object to their own unblocking")
    if cmd["by"] not in p.request["objections"]:
        p.request["objections"].append(cmd["by"])
    return Effects()


def _pardon(p: Participant, cmd: dict, now: datetime, policy: Policy) -> Effects:
    """A false flag: its strike no longer counts, and a block resting on it is lifted."""
    mid = cmd.get("message_id")
    if not mid or mid not in {r["message_id"] for r in p.record}:
        return refuse(cmd, f"{mid!r} is not a recorded violation of {p.user_id} in {p.chat_id}")
    p.strikes = [s for s in p.strikes if s["message_id"] != mid]
    fx = Effects()
    if _in_force(p, now) and not p.block["manual"] and mid in p.block["grounds"]:
        # the block needed all its grounds: with one pardoned it no longer stands
        fx.decisions.append(unblock(p, now, "a ground of the block was pardoned as a false flag"))
    return fx


def unblock(p: Participant, now: datetime, reason: str) -> Decision:
    block_id = p.block["decision_id"]
    p.block = None
    p.request = None
    p.timers = [t for t in p.timers if t[2] != block_id]
    return Decision(stable_id("ub", block_id), p.chat_id, p.user_id, "unblock", iso(now),
                    reason=reason, grounds=[{"block_decision_id": block_id}])
