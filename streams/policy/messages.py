"""A verdict on a message becomes strikes, reminders, deletions and, on the 4th, a block.

Pure: state and event in, state and effects out; time is the message's sent_at,
never the wall clock, so `dozor replay` and the stream workers agree.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from filters import registry
from filters.model import Message, Verdict, Violation

from .config import Policy
from .records import Decision, Effects, Participant, iso, parse_time, stable_id

_SEVERITY = {"low": 0, "medium": 1, "high": 2}


def chat_kind(msg: Message) -> str:
    return msg.chat.kind if msg.chat else registry.settings(msg.chat_id).kind


def local_date(msg: Message, policy: Policy) -> str:
    tz = (msg.chat.timezone if msg.chat and msg.chat.timezone else None) or registry.settings(msg.chat_id).timezone
    return msg.sent_at.astimezone(ZoneInfo(tz)).date().isoformat()


def applicable(msg: Message, violations, policy: Policy, p: Participant) -> list[Violation]:
    """Drop what this chat's policy ignores, and a second quiet-hours reminder the same night."""
    kind, own = chat_kind(msg), registry.settings(msg.chat_id).categories
    out = []
    for v in violations:
        if not (v.category in own if own is not None else policy.applies(kind, v.category)):
            continue
        if v.category == "quiet_hours" and p.quiet_reminded == local_date(msg, policy):
            continue          # one reminder a night is a reminder; ten are harassment
        out.append(v)
    return out


def on_message(p: Participant | None, msg: Message, verdict: Verdict, policy: Policy,
               extra: list[Violation] = ()) -> tuple[Participant, Effects]:
    """Strike, delete, remind, block (see the module docstring). `extra`: stateful findings (flood)."""
    fx = Effects()
    if p is None:
        p = Participant(msg.chat_id, msg.sender_id)
        fx.members.append((msg.sender_id, msg.chat_id))
    if p.seen(msg.message_id):
        return p, Effects()                   # delivered twice: nothing happens twice
    found = applicable(msg, list(verdict.violations) + list(extra), policy, p)
    if not found:
        return p, fx
    p.remember(msg.message_id, policy.handled_memory)
    at = msg.sent_at
    p.record = p.record[-(policy.handled_memory - 1):] + [
        {"message_id": msg.message_id, "categories": [v.category for v in found], "at": iso(at)}]
    cats = [policy.categories[v.category].for_violation(v.severity) for v in found]
    grounds = [{"message_id": msg.message_id, "category": v.category, "rule": v.rule} for v in found]
    expire(p, at, policy)
    blocked = p.block is not None and parse_time(p.block["until"]) > at
    counted = any(c.strike for c in cats) and not blocked
    if any(v.category == "quiet_hours" for v in found):
        p.quiet_reminded = local_date(msg, policy)
    if counted:
        p.strikes.append({"message_id": msg.message_id, "categories": [v.category for v in found],
                          "rules": [v.rule for v in found], "at": iso(at)})
    strikes = len(p.strikes)
    if any(c.action == "delete" for c in cats):
        fx.decisions.append(Decision(stable_id("dm", msg.chat_id, msg.message_id), msg.chat_id,
                                     msg.sender_id, "delete_message", iso(at), message_id=msg.message_id,
                                     strikes=strikes, grounds=grounds,
                                     reason=_reason(found)))
    reminders = [c for c in cats if c.action in ("delete", "remind") and c.reminder]
    if reminders and not blocked:
        fx.decisions.append(Decision(stable_id("rm", msg.chat_id, msg.message_id), msg.chat_id,
                                     msg.sender_id, "remind", iso(at), message_id=msg.message_id,
                                     strikes=strikes, grounds=grounds, audience="sender",
                                     text=" ".join(dict.fromkeys(c.reminder for c in reminders)),
                                     reason="; ".join(f"{c.name}: правила {c.rule}" for c in reminders)))
    block = None
    if counted and strikes >= policy.block_after and not blocked:
        block = start_block(p, msg, policy)
        fx.decisions.append(block)
    fx.violations.append({"violation_id": stable_id("v", msg.chat_id, msg.message_id),
                          "message_id": msg.message_id, "chat_id": msg.chat_id, "user_id": msg.sender_id,
                          "sent_at": iso(at), "counted": counted, "strikes": strikes,
                          "violations": [v.to_dict() for v in found],
                          "lexicon_version": verdict.lexicon_version})
    fx.flags.append(flag(msg, found, cats, strikes, fx.decisions, policy))
    return p, fx


def expire(p: Participant, now: datetime, policy: Policy) -> None:
    p.strikes = [s for s in p.strikes if parse_time(s["at"]) > now - policy.strike_window]


def start_block(p: Participant, msg: Message, policy: Policy) -> Decision:
    """The 4th counted violation: block for 7/14/30 days by history, citing every strike."""
    at = msg.sent_at
    recent = [b for b in p.past_blocks if parse_time(b) > at - timedelta(days=365)]
    until = at + policy.block_length(len(recent))
    grounds = [{"message_id": s["message_id"], "category": c, "rule": r}
               for s in p.strikes for c, r in zip(s["categories"], s["rules"])]
    decision = Decision(stable_id("bl", msg.chat_id, msg.sender_id, msg.message_id), msg.chat_id,
                        msg.sender_id, "block", iso(at), message_id=msg.message_id, until=iso(until),
                        strikes=len(p.strikes), grounds=grounds,
                        reason=f"{len(p.strikes)} нарушения правил чата (более трёх раз), "
                               f"блокировка на {(until - at).days} дн. (правила 000 §4.5, 003 §4.5)")
    p.block = {"decision_id": decision.decision_id, "since": iso(at), "until": iso(until),
               "grounds": [s["message_id"] for s in p.strikes], "manual": False}
    p.past_blocks.append(iso(at))
    p.strikes = []                           # the block used them up; the next one needs four new
    add_timer(p, until, "unblock", decision.decision_id)
    return decision


def add_timer(p: Participant, due: datetime, kind: str, ref: str) -> None:
    p.timers.append([iso(due), kind, ref])
    p.timers.sort(key=lambda t: parse_time(t[0]))


def flag(msg: Message, found, cats, strikes: int, decisions: list[Decision], policy: Policy) -> dict:
    """What a moderator needs to act without opening the chat; personal data stays masked."""
    severity = max((v.severity for v in found), key=lambda s: _SEVERITY.get(s, 1))
    taken = [d.action for d in decisions]
    suggested = [] if taken else ["review"]
    return {"flag_id": stable_id("fl", msg.chat_id, msg.message_id), "chat_id": msg.chat_id,
            "user_id": msg.sender_id, "message_id": msg.message_id, "sent_at": iso(msg.sent_at),
            "categories": [v.category for v in found], "severity": severity,
            "urgent": any(c.urgent for c in cats), "strikes": strikes,
            "evidence": [e.to_dict() | {"category": v.category} for v in found for e in v.evidence],
            "decisions": taken, "suggested": suggested,
            "explanation": "; ".join(v.explanation for v in found)}


def _reason(found) -> str:
    return "; ".join(v.explanation for v in found)
