"""Moderators' commands (topic moderation.commands): confirm, dismiss, block, unblock request,
objection, pardon.

Every command names its chat, its target participant (`user_id`) and who sent it (`by`, a
messenger user id). Who may send which is streams/policy/authority.py; what each needs is
checked here against the rules. A refused command is reported back on moderation.flags as
`command_refused` with the reason, never dropped; a refusal of authority is urgent.

    {"command_id": "c-1", "kind": "confirm", "chat_id": "…", "user_id": "u-42", "by": "t-7",
     "at": "2026-11-18T21:30:00+05:00", "review_id": "rv-…"}   # the finding counts, as if certain
    {"kind": "dismiss", …, "review_id": "rv-…"}                  # a false flag: no strike
    (confirm and dismiss may name the message instead: "message_id": "m-1834")
    {"kind": "block", …, "message_ids": ["m-1801", …], "until": "…"}   # > 3 counted violations, ≤ 30 days
    {"kind": "block", …, "authorisation": {"by": "d-1", "document": "приказ № 12", "until": "…"}}
    {"kind": "unblock_request", …, "apology_message_id": "m-1900"}   # [, "apology_confirmed": true]
    {"kind": "objection", …, "by": "u-51"}          # user_id: the blocked participant
    {"kind": "pardon", …, "message_id": "m-1801"}   # a counted finding was false: its strike is cancelled
"""
from __future__ import annotations

from datetime import datetime, timedelta

from . import authority, reviews
from .config import Policy
from .blocks import block_or_propose, chat_time, start_block, unblock
from .messages import expire, reminder_for
from .records import Decision, Effects, Participant, iso, parse_time, require, stable_id

KINDS = ("block", "unblock_request", "objection", "pardon", "confirm", "dismiss")


class CommandError(ValueError):
    """A record on moderation.commands that is not a command at all (goes to dead letters)."""


def parse(data) -> dict:
    require(data, "command", ("command_id", "kind", "chat_id", "user_id", "by", "at"), KINDS, CommandError)
    ids = data.get("message_ids")
    if ids is not None and not (isinstance(ids, list) and all(isinstance(m, str) and m for m in ids)):
        raise CommandError(f"command field 'message_ids' must be a list of message ids, e.g. [\"m-1801\"] (got {ids!r})")
    for key in ("review_id", "message_id", "apology_message_id"):
        if data.get(key) is not None and not isinstance(data[key], str):
            raise CommandError(f"command field {key!r} must be a string (got {data[key]!r})")
    return data


def on_command(p: Participant | None, cmd: dict, policy: Policy, who: dict | None = None,
               kind: str = "parents") -> tuple[Participant, Effects]:
    """`who`: the sender's (`by`) participant record in this chat; `kind`: the chat's kind."""
    p = p or Participant(cmd["chat_id"], cmd["user_id"])
    if p.seen(cmd["command_id"]):
        return p, Effects()
    p.remember(cmd["command_id"], policy.handled_memory)
    denied = authority.refusal(cmd, who)
    if denied:
        return p, refuse(cmd, denied, urgent=True)       # someone tried: a moderator should know
    now = parse_time(cmd["at"])
    handler = {"block": _block, "unblock_request": _request, "objection": _objection,
               "pardon": _pardon, "confirm": _confirm, "dismiss": _dismiss}[cmd["kind"]]
    return p, handler(p, cmd, now, policy, kind)


def refuse(cmd: dict, reason: str, urgent: bool = False) -> Effects:
    return Effects(flags=[{"flag_id": stable_id("cr", cmd["chat_id"], cmd["command_id"]),
                           "kind": "command_refused", "command_id": cmd["command_id"],
                           "command": cmd["kind"], "chat_id": cmd["chat_id"], "user_id": cmd["user_id"],
                           "by": cmd["by"], "at": cmd["at"], "reason": reason, "urgent": urgent}])


# ------------------------------------------------------------------ reviews
def _item(p: Participant, cmd: dict) -> tuple[str, dict] | str:
    rid, mid = cmd.get("review_id"), cmd.get("message_id")
    if (not isinstance(rid, str) or not rid) and isinstance(mid, str):
        # by hand it is easier to name the message: its finding's item, if one is open
        rid = next((r for r, item in p.reviews.items() if item.get("message_id") == mid), f"(none for {mid})")
    if not isinstance(rid, str) or not rid:
        return (f"a {cmd['kind']} needs review_id: the id of the review item it answers (on moderation.flags), "
                f"or message_id for a message's finding")
    item = p.reviews.get(rid)
    if item is None:
        return (f"no open review item {rid} for {p.user_id} in {p.chat_id}: it was already handled or "
                f"expired, or it belongs to another participant or chat")
    if parse_time(item["expires"]) <= parse_time(cmd["at"]):
        # the clock's tick may not have closed it yet: a worker and a replay must answer alike
        return f"review item {rid} expired at {item['expires']}, before this {cmd['kind']}: nothing counts"
    return rid, item


def _confirm(p: Participant, cmd: dict, now: datetime, policy: Policy, kind: str) -> Effects:
    """A moderator agrees: the finding counts with the same effects as a certain one."""
    found = _item(p, cmd)
    if isinstance(found, str):
        return refuse(cmd, found)
    rid, item = found
    by = cmd["by"]
    if item["kind"] == "block":
        return _confirm_block(p, cmd, rid, now, policy)
    if item["kind"] == "removal":
        if p.member == "left":
            return refuse(cmd, f"{p.user_id} has already left {p.chat_id}: there is nobody to remove")
        _, closed = reviews.close(p, rid, "confirmed", now, by, "removed by the moderator's decision")
        p.member = "left"
        return Effects(flags=[closed], decisions=[Decision(
            stable_id("mr", item["event_id"], p.user_id, p.chat_id), p.chat_id, p.user_id, "remove_member",
            iso(now), reason=f"{item['reason']}; подтвердил модератор {by} (000 §4.8, 002 §4.13.8)",
            grounds=[{"review_id": rid, "confirmed_by": by}])])
    if item.get("reported"):
        # the sender reported what someone else did: there is nothing to count against them
        _, closed = reviews.close(p, rid, "confirmed", now, by, "taken up by the moderator: no strike for the "
                                  "sender, who is not the offender (a report, or a message too long to check)")
        return Effects(flags=[closed])
    return _count_confirmed(p, rid, item, now, by, policy, kind)


def _count_confirmed(p: Participant, rid: str, item: dict, now: datetime, by: str, policy: Policy,
                     kind: str) -> Effects:
    mid, cats = item["message_id"], [policy.categories[c] for c in item["categories"]]
    _, closed = reviews.close(p, rid, "confirmed", now, by, "the finding counts as a violation")
    fx = Effects(flags=[closed])
    grounds = [{"message_id": mid, "category": c, "rule": r, "confirmed_by": by}
               for c, r in zip(item["categories"], item["rules"])]
    blocked = p.blocked_at(now)
    expire(p, now, policy)
    strike = any(c.strike for c in cats) and not blocked
    counted = False
    if strike:
        already = p.counted(mid)
        if already:            # the message had a certain finding too: still one strike
            already["categories"] = list(dict.fromkeys(already["categories"] + item["categories"]))
            already["rules"] = already["rules"] + item["rules"]
        elif parse_time(item["sent_at"]) > now - policy.strike_window:
            p.strikes.append({"message_id": mid, "categories": item["categories"], "rules": item["rules"],
                              "at": item["sent_at"], "certainty": "confirmed", "confirmed_by": by,
                              "entries": item["entries"]})
            counted = True
    recorded = p.recorded(mid)
    if recorded:
        recorded["counted"] = recorded["counted"] or counted
    strikes = len(p.strikes)
    if any(c.confirmed in ("strike", "delete") for c in cats) and not item.get("deleted"):
        fx.decisions.append(Decision(stable_id("dm", p.chat_id, mid), p.chat_id, p.user_id, "delete_message",
                                     iso(now), message_id=mid, strikes=strikes, grounds=grounds,
                                     reason=f"подтвердил модератор {by}: "
                                            + ", ".join(dict.fromkeys(item["categories"]))))
        if recorded:
            recorded["deleted"] = True
    reminders = [c for c in cats if c.reminder]
    if reminders and not blocked:
        fx.decisions.append(reminder_for(
            p.chat_id, p.user_id, mid, now, strikes, grounds,
            " ".join(dict.fromkeys(c.reminder for c in reminders)),
            "; ".join(f"{c.name}: правила {c.rule}, подтвердил модератор {by}" for c in reminders), "confirmed"))
    if counted and strikes >= policy.block_after and not blocked:
        fx.extend(block_or_propose(p, now, rid, policy, kind, confirmed_by=by))
    return fx


def _confirm_block(p: Participant, cmd: dict, rid: str, now: datetime, policy: Policy) -> Effects:
    if p.blocked_at(now):
        return refuse(cmd, f"{p.user_id} is already blocked until {p.block['until']}")
    expire(p, now, policy)
    if len(p.strikes) < policy.block_after:
        return refuse(cmd, f"{p.user_id} no longer has more than three counted violations in the strike "
                           f"window ({len(p.strikes)}: some were pardoned or expired); nothing to block on")
    _, closed = reviews.close(p, rid, "confirmed", now, cmd["by"], "the proposed block was confirmed")
    return Effects(flags=[closed], decisions=[start_block(p, now, rid, policy, confirmed_by=cmd["by"])])


def _dismiss(p: Participant, cmd: dict, now: datetime, policy: Policy, kind: str) -> Effects:
    """A false flag (or a proposal declined): nothing counts; a deletion is reported as mistaken."""
    found = _item(p, cmd)
    if isinstance(found, str):
        return refuse(cmd, found)
    rid, item = found
    reason = {"block": "the moderator decided not to block (the counted violations stay)",
              "removal": "the moderator decided the participant stays in the chat"}.get(
        item["kind"], "a false flag: no violation, no strike")
    _, closed = reviews.close(p, rid, "dismissed", now, cmd["by"], reason)
    fx = Effects(flags=[closed])
    if item["kind"] == "finding" and item.get("hidden", item.get("deleted")):
        closed["deletion_mistaken"] = True
        fx.decisions.append(reviews.mistaken_deletion(p, item, now, cmd["by"]))
    return fx


# ------------------------------------------------------------------- blocks
def _block(p: Participant, cmd: dict, now: datetime, policy: Policy, kind: str) -> Effects:
    """A moderator's block: more than three counted violations, for at most a month (000 §4.5),
    or an authoriser's decision for the term they set."""
    if p.blocked_at(now):
        return refuse(cmd, f"{p.user_id} is already blocked until {p.block['until']}")
    auth = cmd.get("authorisation")
    if auth:
        if not isinstance(auth, dict) or not isinstance(auth.get("by"), str) or not auth.get("until"):
            return refuse(cmd, "an authorised block needs authorisation.by (the user id of who decided) and "
                               "authorisation.until (the term they set)")
        if not authority.authoriser(p.chat_id, auth["by"]):
            return refuse(cmd, f"{auth['by']} may not authorise a block: only the director and the officials "
                               f"the director authorised may (000 §4.5); they are the chat registry's "
                               f"`authorisers`", urgent=True)
        try:
            until = parse_time(auth["until"])
        except ValueError as err:
            return refuse(cmd, f"authorisation.until: {err}")
        grounds = [{"authorised_by": auth["by"], "document": auth.get("document", "")}]
        reason = f"блокировка по решению {auth['by']} {auth.get('document', '')}".strip()
        cited = []
    else:
        expire(p, now, policy)
        counted = {s["message_id"]: s for s in p.strikes}
        if len(counted) < policy.block_after:
            return refuse(cmd, f"{p.user_id} has {len(counted)} counted violation(s) in {p.chat_id} in the strike "
                               f"window; a moderator may block only after more than three (000 §4.5). Findings "
                               f"waiting for review or dismissed, and quiet-hours reminders, are not grounds; a "
                               f"block on other grounds needs an authorisation by the director")
        cited = list(dict.fromkeys(cmd.get("message_ids") or list(counted)))
        unknown = [m for m in cited if m not in counted]
        if unknown:
            return refuse(cmd, f"{', '.join(map(str, unknown))}: not a counted violation of {p.user_id} in "
                               f"{p.chat_id}; a block must rest on the chat rules (000 §4.7)")
        if len(cited) < policy.block_after:
            return refuse(cmd, f"the block cites {len(cited)} violation(s); it must rest on more than three "
                               f"(000 §4.5): cite all of {', '.join(counted)} or leave message_ids out")
        try:
            until = parse_time(cmd["until"]) if cmd.get("until") else now + timedelta(days=policy.max_block_days)
        except ValueError as err:
            return refuse(cmd, f"until: {err}")
        if until > now + timedelta(days=policy.max_block_days):
            return refuse(cmd, f"a moderator may block for at most {policy.max_block_days} days "
                               f"(000 §4.5); longer needs the director's authorisation")
        grounds = [{"message_id": m, "category": c, "rule": r}
                   for m in cited for c, r in zip(counted[m]["categories"], counted[m]["rules"])]
        reason = f"блокировка модератором {cmd['by']} за нарушения правил чата (000 §4.5)"
    if until <= now:
        return refuse(cmd, f"the block's end {iso(until)} is not after the command time {cmd['at']}")
    decision = Decision(stable_id("bl", p.chat_id, p.user_id, cmd["command_id"]), p.chat_id, p.user_id,
                        "block", iso(now), until=iso(until), strikes=len(p.strikes), grounds=grounds,
                        reason=reason)
    p.block = {"decision_id": decision.decision_id, "since": iso(now), "until": iso(until),
               "grounds": cited, "manual": True, "said": []}
    p.past_blocks.append(iso(now))
    fx = Effects(decisions=[decision])
    if cited:
        p.strikes = []                # used up, as an automatic block's: the next needs four new
    for rid in [r for r, item in p.reviews.items() if item["kind"] == "block"]:
        fx.flags.append(reviews.close(p, rid, "withdrawn", now, cmd["by"], "a moderator blocked by hand")[1])
    p.add_timer(until, "unblock", decision.decision_id)
    return fx


def _request(p: Participant, cmd: dict, now: datetime, policy: Policy, kind: str) -> Effects:
    """After an apology to the chat: quote it, and wait for objections (000 §4.6)."""
    if not p.blocked_at(now):
        return refuse(cmd, f"{p.user_id} is not blocked in {p.chat_id}")
    if p.request is not None:
        return refuse(cmd, f"an early-unblock request is already open until {p.request['closes']}")
    mid = cmd.get("apology_message_id")
    if not isinstance(mid, str) or not mid:
        return refuse(cmd, "an early unblock needs apology_message_id: the participant's apology to the "
                           "chat, a message of theirs in this chat after the block (000 §4.6)")
    apology = next((s for s in p.block.get("said", []) if s["message_id"] == mid), None)
    if apology is None:
        return refuse(cmd, f"{mid} is not a message of {p.user_id} in {p.chat_id} since the block began "
                           f"({p.block['since']}): the chat may be told of an apology only when there is one")
    if not apology.get("clean", True):
        return refuse(cmd, f"{mid} itself breaks the chat rules: it cannot stand as an apology")
    if cmd.get("apology_confirmed") is not True and not policy.apologises(apology["text"]):
        return refuse(cmd, f"{mid} does not read as an apology («{apology['text'][:80]}»: no «извините», "
                           f"«простите», «был неправ»…), and the chat must not be told of one nobody made; a "
                           f"moderator who reads an apology in other words cites it with apology_confirmed: true")
    closes = now + policy.objection_window
    p.request = {"id": cmd["command_id"], "opened": iso(now), "closes": iso(closes), "objections": [],
                 "apology": mid, "by": cmd["by"]}
    p.add_timer(closes, "objections", cmd["command_id"])
    return Effects(decisions=[Decision(
        stable_id("nt", p.chat_id, cmd["command_id"]), p.chat_id, p.user_id, "notice", iso(now),
        message_id=mid, audience="chat", grounds=[{"apology_message_id": mid, "objections_until": iso(closes)}],
        reason=f"early-unblock request by {cmd['by']} after an apology (000 §4.6)",
        text=f"Участник {p.user_id} принёс извинения: «{apology['text']}». Если вы против досрочной "
             f"разблокировки, сообщите модератору до {chat_time(p, closes):%d.%m %H:%M}.")])


def _objection(p: Participant, cmd: dict, now: datetime, policy: Policy, kind: str) -> Effects:
    if p.request is None or parse_time(p.request["closes"]) <= now:
        return refuse(cmd, f"no early-unblock request of {p.user_id} is open for objections")
    if cmd["by"] in p.request["objections"]:
        return Effects()
    p.request["objections"].append(cmd["by"])
    # the moderators see the objection window fill (the console's «Досрочная разблокировка»)
    return Effects(flags=[{"flag_id": stable_id("ob", p.request["id"], cmd["by"]), "kind": "objection",
                           "chat_id": p.chat_id, "user_id": p.user_id, "request_id": p.request["id"],
                           "by": cmd["by"], "objections": len(p.request["objections"]),
                           "closes_at": p.request["closes"], "at": iso(now)}])


def _pardon(p: Participant, cmd: dict, now: datetime, policy: Policy, kind: str) -> Effects:
    """A finding dozor acted on was false: its strike no longer counts, a block resting on it is
    lifted, and the sender hears that the deletion was a mistake."""
    mid = cmd.get("message_id")
    recorded = p.recorded(mid) if isinstance(mid, str) else None
    if recorded is None:
        waiting = next((rid for rid, item in p.reviews.items() if item.get("message_id") == mid), None)
        if waiting:
            return refuse(cmd, f"{mid} is waiting for review, nothing was counted: dismiss it "
                               f"(kind \"dismiss\", review_id {waiting})")
        return refuse(cmd, f"{mid!r} is not a recorded violation of {p.user_id} in {p.chat_id}")
    p.strikes = [s for s in p.strikes if s["message_id"] != mid]
    fx = Effects(flags=[{"flag_id": stable_id("pd", p.chat_id, mid), "kind": "pardoned", "chat_id": p.chat_id,
                         "user_id": p.user_id, "message_id": mid, "by": cmd["by"], "at": cmd["at"],
                         "categories": recorded["categories"], "entries": recorded.get("entries", [])}])
    if recorded.get("deleted"):
        fx.decisions.append(reviews.mistaken_deletion(p, recorded, now, cmd["by"]))
    recorded["counted"] = False
    if p.blocked_at(now) and mid in p.block["grounds"]:
        # a block needs more than three grounds: an automatic one had exactly its four, a moderator's
        # may have cited more; with too few left it no longer stands
        p.block["grounds"] = [g for g in p.block["grounds"] if g != mid]
        if not p.block["manual"] or len(p.block["grounds"]) < policy.block_after:
            fx.decisions.append(unblock(p, now, "a ground of the block was pardoned as a false flag"))
    return fx
