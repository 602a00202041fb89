"""A verdict on a message becomes strikes, reminders, deletions, review items and, on the 4th
counted violation, a block (or a block proposal).

What a finding leads to is policies.toml's word, per category and certainty: only a certain
finding strikes or deletes by itself; the rest waits for a moderator as a review item
(streams/policy/reviews.py), hidden meanwhile where the category says `hold`.

Pure: state and event in, state and effects out; time is the message's sent_at, never the
wall clock, so `dozor replay` and the stream workers agree.
"""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from filters import registry
from filters.model import SEVERITY_RANK, Message, Verdict, Violation, surest

from . import reviews
from .config import ACTED, Policy
from .blocks import block_or_propose
from .records import Decision, Effects, Participant, iso, parse_time, stable_id

SAID_MEMORY = 20           # what a blocked participant wrote since: their apology is among it
QUOTE_LIMIT = 300          # characters of an apology quoted to the chat


def chat_kind(msg: Message) -> str:
    return msg.chat.kind if msg.chat else registry.settings(msg.chat_id).kind


def local_date(msg: Message) -> str:
    tz = (msg.chat.timezone if msg.chat and msg.chat.timezone else None) or registry.settings(msg.chat_id).timezone
    return msg.sent_at.astimezone(ZoneInfo(tz)).date().isoformat()


ROLL_CALL_FLOOD = ("flood.emoji", "flood.empty_talk")     # what «+» or «👍» alone is, but not in a roll call


def applicable(msg: Message, violations, policy: Policy, p: Participant, roll_call: bool = False) -> list[Violation]:
    """Drop what this chat's policy ignores, a second quiet-hours reminder the same night, and
    «+» as an answer to a teacher's «Кто идёт?» (a roll call)."""
    kind, own = chat_kind(msg), registry.settings(msg.chat_id).categories
    out = []
    for v in violations:
        if not (v.category in own if own is not None else policy.applies(kind, v.category)):
            continue
        if v.category == "quiet_hours" and p.quiet_reminded == local_date(msg):
            continue          # one reminder a night is a reminder; ten are harassment
        if roll_call and v.rule in ROLL_CALL_FLOOD:
            continue
        if policy.categories[v.category].treatment(v.certainty) == "ignore":
            continue
        out.append(v)
    return out


def on_message(p: Participant | None, msg: Message, verdict: Verdict, policy: Policy,
               extra: list[Violation] = (), roll_call: bool = False) -> tuple[Participant, Effects]:
    """Strike, delete, remind, review, block (see the module docstring). `extra`: stateful
    findings (flood over time); `roll_call`: the message answers a teacher's question."""
    fx = Effects()
    if p is None:
        p = Participant(msg.chat_id, msg.sender_id)
        fx.members.append((msg.sender_id, msg.chat_id, iso(msg.sent_at)))
    if p.seen(msg.message_id):
        return p, Effects()                   # delivered twice: nothing happens twice
    at = msg.sent_at
    if p.member in (None, "left"):
        # a writer the roster does not know as a member (new, named only by a command, or back after
        # leaving): announce them, so a pupil who leaves the school is removed from here too
        if not fx.members:
            fx.members.append((msg.sender_id, msg.chat_id, iso(msg.sent_at)))
        p.member, fx.touched = "seen", True
    if p.chat_kind != (kind := chat_kind(msg)):
        p.chat_kind, fx.touched = kind, True
    if msg.chat and msg.chat.timezone and p.chat_zone != msg.chat.timezone:
        p.chat_zone, fx.touched = msg.chat.timezone, True
    day = at.astimezone(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    if p.last_seen is None or parse_time(p.last_seen) < day:
        p.last_seen, fx.touched = iso(day), True          # one write a day at most, not one a message
    blocked = p.blocked_at(at)
    if blocked and _remember_said(p, msg, verdict):
        fx.touched = True
        # what a moderator may cite as the apology for an early unblock (the console lists these)
        said = p.block["said"][-1]
        fx.flags.append({"flag_id": stable_id("sd", msg.chat_id, msg.message_id), "kind": "said_while_blocked",
                         "chat_id": msg.chat_id, "user_id": msg.sender_id, "message_id": msg.message_id,
                         "sent_at": said["sent_at"], "text": said["text"], "clean": said["clean"],
                         "apology": said["clean"] and policy.apologises(said["text"]),
                         "block_decision_id": p.block["decision_id"]})
    found = applicable(msg, list(verdict.violations) + list(extra), policy, p, roll_call)
    if not found:
        return p, fx
    p.remember(msg.message_id, policy.handled_memory)
    treat = {id(v): policy.categories[v.category].treatment(v.certainty) for v in found}
    acted = [v for v in found if treat[id(v)] in ACTED]
    waiting = [v for v in found if treat[id(v)] not in ACTED]
    held = [v for v in waiting if treat[id(v)] == "hold"]
    grounds = [{"message_id": msg.message_id, "category": v.category, "rule": v.rule, "certainty": v.certainty}
               for v in acted + held]
    expire(p, at, policy)
    struck = [v for v in acted if treat[id(v)] == "strike"]     # the grounds a block may cite: not the
    counted = bool(struck) and not blocked                       # night reminder or the flood beside them
    if any(v.category == "quiet_hours" for v in found):
        p.quiet_reminded = local_date(msg)
    if counted:
        p.strikes.append({"message_id": msg.message_id, "categories": [v.category for v in struck],
                          "rules": [v.rule for v in struck], "at": iso(at), "certainty": "certain",
                          "entries": reviews.entries(struck)})
    strikes = len(p.strikes)
    acted_deleted = any(treat[id(v)] in ("strike", "delete") for v in acted)
    deleted = acted_deleted or bool(held)
    if deleted:
        fx.decisions.append(Decision(stable_id("dm", msg.chat_id, msg.message_id), msg.chat_id,
                                     msg.sender_id, "delete_message", iso(at), message_id=msg.message_id,
                                     strikes=strikes, grounds=grounds,
                                     reason=_reason(acted + held) + ("" if acted else " — скрыто до проверки "
                                                                    "модератором")))
    if not blocked:
        reminder = _reminder(acted, held, policy)
        if reminder:
            fx.decisions.append(reminder_for(msg.chat_id, msg.sender_id, msg.message_id, at, strikes,
                                             grounds, *reminder))
    if counted and strikes >= policy.block_after and not blocked:
        fx.extend(block_or_propose(p, at, msg.message_id, policy, kind))
    # what a pardon or a confirmation may still look up: the strike window's, at most record_memory
    # of them (a participant's record is re-serialised at each change: 500 entries made it 100 KB)
    since = at - policy.strike_window
    p.record = [r for r in p.record[-(policy.record_memory - 1):] if parse_time(r["at"]) > since] + [
        {"message_id": msg.message_id, "categories": [v.category for v in found], "at": iso(at),
         "deleted": deleted, "counted": counted, "entries": reviews.entries(acted + held)}]
    rid = None
    if waiting:
        rid = _open_review(p, fx, msg, verdict, waiting, held, acted_deleted, policy, strikes)
    fx.violations.append({"violation_id": stable_id("v", msg.chat_id, msg.message_id),
                          "message_id": msg.message_id, "chat_id": msg.chat_id, "user_id": msg.sender_id,
                          "sent_at": iso(at), "counted": counted, "strikes": strikes,
                          "violations": [v.to_dict() for v in found],
                          "lexicon_version": verdict.lexicon_version} | ({"review_id": rid} if rid else {})
                         | ({"repaired": list(msg.repairs)} if msg.repairs else {}))
    if acted:
        fx.flags.append(flag(msg, acted, policy, strikes, [d for d in fx.decisions if d.message_id == msg.message_id]))
    return p, fx


def expire(p: Participant, now: datetime, policy: Policy) -> None:
    p.strikes = [s for s in p.strikes if parse_time(s["at"]) > now - policy.strike_window]


def _remember_said(p: Participant, msg: Message, verdict: Verdict) -> bool:
    """A blocked participant's words, masked: an early unblock must quote their apology (000 §4.6)."""
    said = p.block.setdefault("said", [])
    if any(s["message_id"] == msg.message_id for s in said):
        return False
    text = verdict.masked(msg.text)
    said.append({"message_id": msg.message_id, "sent_at": iso(msg.sent_at),
                 "text": text if len(text) <= QUOTE_LIMIT else text[:QUOTE_LIMIT - 1] + "…",
                 "clean": not verdict.violations})
    del said[:-SAID_MEMORY]
    return True


def _reminder(acted: list[Violation], held: list[Violation], policy: Policy) -> tuple[str, str] | None:
    """(text, reason) of the private reminder: the rule broken, or why a message is hidden for now."""
    names = list(dict.fromkeys(v.category for v in acted if policy.categories[v.category].reminder))
    cats = [policy.categories[n] for n in names]
    texts = [c.reminder for c in cats]
    reasons = [f"{c.name}: правила {c.rule}" for c in cats]
    for v in held:
        c = policy.categories[v.category]
        texts.append("Сообщение скрыто до проверки модератором." + (f" {c.reminder}" if c.reminder else ""))
        reasons.append(f"{c.name}: скрыто до проверки, правила {c.rule}")
    if not texts:
        return None
    return " ".join(dict.fromkeys(texts)), "; ".join(dict.fromkeys(reasons))


def reminder_for(chat_id: str, user_id: str, message_id: str, at: datetime, strikes: int, grounds: list[dict],
                 text: str, reason: str, cause: str = "") -> Decision:
    return Decision(stable_id("rm", chat_id, message_id, *([cause] if cause else [])), chat_id, user_id,
                    "remind", iso(at), message_id=message_id, strikes=strikes, grounds=grounds,
                    audience="sender", text=text, reason=reason)


def _open_review(p: Participant, fx: Effects, msg: Message, verdict: Verdict, waiting: list[Violation],
                 held: list[Violation], acted_deleted: bool, policy: Policy, strikes: int) -> str:
    """One item per message for what dozor is not sure of, with what a confirmation would do."""
    rid = reviews.review_id(msg.chat_id, msg.message_id)
    # nobody's offence: a parent reporting what was done to their child, or a message dozor ran out of
    # time to read (filters/budget.py): a person looks into it, and confirming it strikes nobody
    reported = all(v.reported or v.rule.startswith("review.") for v in waiting)
    cats = list(dict.fromkeys(v.category for v in waiting))
    if reported:
        suggested = ["attend"]
    else:
        suggested = list(dict.fromkeys(reviews.SUGGESTED[policy.categories[c].confirmed] for c in cats))
    urgent = any(v.urgent or policy.categories[v.category].urgent for v in waiting)
    shown = verdict.masked(msg.text)
    reviews.open_item(
        p, fx, rid, "finding", msg.sent_at, msg.sent_at + policy.review_window,
        {"message_id": msg.message_id, "sent_at": iso(msg.sent_at), "categories": cats,
         "severity": _worst(waiting),
         "certainty": surest(v.certainty for v in waiting), "urgent": urgent, "reported": reported,
         "strikes": strikes, "suggested": suggested, "decisions": ["delete_message"] if held else [],
         "text": shown if len(shown) <= 1000 else shown[:999] + "…",
         "evidence": _evidence(waiting), "explanation": _reason(waiting)},
        message_id=msg.message_id, sent_at=iso(msg.sent_at), categories=cats,
        rules=[v.rule for v in waiting], certainty=surest(v.certainty for v in waiting),
        entries=reviews.entries(waiting), deleted=any(
            d.action == "delete_message" for d in fx.decisions if d.message_id == msg.message_id),
        # hidden because of this finding alone: only then is a dismissal a deletion to apologise for
        hidden=bool(held) and not acted_deleted,
        reported=reported, urgent=urgent)
    if urgent and rid in p.reviews:
        fx.decisions.append(notify_moderators(p, rid, msg, cats, policy))
    return rid


def notify_moderators(p: Participant, rid: str, msg: Message, cats: list[str], policy: Policy) -> Decision:
    """An urgent item reaches the chat's moderators where they are, privately, with a link to it:
    a threat or hate must not wait for someone to open the console. `recipients` are the moderators
    the chat registry names; teachers who joined with a role are the gateway's to add (it holds the
    roster, dozor keeps no per-chat list of them)."""
    names, link = ", ".join(policy.categories[c].name for c in cats), policy.review_link(rid)
    return Decision(stable_id("nf", msg.chat_id, msg.message_id), msg.chat_id, msg.sender_id, "notify",
                    iso(msg.sent_at), message_id=msg.message_id, audience="moderators",
                    recipients=sorted(registry.settings(msg.chat_id).moderators), link=link,
                    text=f"Срочно на проверку: {names}. Откройте: {link}",
                    reason=f"an urgent review item ({', '.join(cats)}) waits for a moderator")


def flag(msg: Message, found, policy: Policy, strikes: int, decisions: list[Decision]) -> dict:
    """What a moderator needs to see of what dozor did alone; personal data stays masked."""
    return {"flag_id": stable_id("fl", msg.chat_id, msg.message_id), "kind": "finding",
            "chat_id": msg.chat_id, "user_id": msg.sender_id, "message_id": msg.message_id,
            "sent_at": iso(msg.sent_at), "categories": [v.category for v in found], "severity": _worst(found),
            "certainty": surest(v.certainty for v in found),
            "urgent": any(v.urgent or policy.categories[v.category].urgent for v in found), "strikes": strikes,
            "evidence": _evidence(found),
            "decisions": [d.action for d in decisions], "suggested": [],
            "explanation": "; ".join(v.explanation for v in found)}


def _worst(found) -> str:
    return max((v.severity for v in found), key=lambda s: SEVERITY_RANK.get(s, 1))


def _evidence(found) -> list[dict]:
    """What a moderator is shown, word by word: personal data only ever masked (the detectors' own)."""
    return [e.to_dict() | {"category": v.category, "certainty": v.certainty} for v in found for e in v.evidence]


def _reason(found) -> str:
    return "; ".join(v.explanation for v in found)
