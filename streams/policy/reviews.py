"""Review items: what dozor is not sure of waits for a moderator of the chat.

An item is opened for a finding that is not certain (policies.toml says `review` or `hold`), for
a block proposal (a chat with `block = "propose"`) and for a removal dozor cannot decide (a
parent who may have another child at the school). It lives in the participant's record under
a stable `review_id`, is announced on moderation.flags (kind `review`), and ends one of three
ways, each announced as a flag of kind `review_closed`: `confirmed` or `dismissed` by a
moderator, or `expired` when nobody handled it in time (never a strike). The closing flag
names the lexicon entries and rules that fired, so maintainers can see which entries cost
innocent people (`dozor lexicon reviews`).
"""
from __future__ import annotations

from datetime import datetime

from .records import Decision, Effects, Participant, iso, stable_id

SUGGESTED = {"strike": "strike", "delete": "delete_message", "remind": "remind"}


def review_id(*cause: str) -> str:
    return stable_id("rv", *cause)


def entries(found) -> list[dict]:
    """What fired, one line per lexicon entry or rule: what a dismissal is counted against."""
    out = []
    for v in found:
        sources = [(e.entry, e.source) for e in v.evidence if e.source] or [(v.rule, "")]
        for entry, source in dict.fromkeys(sources):
            out.append({"category": v.category, "rule": v.rule, "entry": entry, "source": source})
    return out


def open_item(p: Participant, fx: Effects, rid: str, kind: str, at: datetime, expires: datetime,
              flag: dict, **item) -> None:
    """Remember the item, set its expiry timer, announce it (flag: what the moderator is shown)."""
    if rid in p.reviews:
        return
    p.reviews[rid] = {"kind": kind, "opened": iso(at), "expires": iso(expires), **item}
    p.add_timer(expires, "review", rid)
    fx.flags.append({"flag_id": rid, "kind": "review", "review_id": rid, "review": kind,
                     "chat_id": p.chat_id, "user_id": p.user_id, "expires_at": iso(expires), **flag})


def close(p: Participant, rid: str, outcome: str, at: datetime, by: str | None = None,
          reason: str = "") -> tuple[dict, dict]:
    """Forget the item and its timer; returns it and the `review_closed` flag announcing the end."""
    item = p.reviews.pop(rid)
    p.timers = [t for t in p.timers if not (t[1] == "review" and t[2] == rid)]
    flag = {"flag_id": stable_id("rc", rid, outcome), "kind": "review_closed", "review_id": rid,
            "review": item["kind"], "outcome": outcome, "chat_id": p.chat_id, "user_id": p.user_id,
            "at": iso(at), "message_id": item.get("message_id"), "categories": item.get("categories", []),
            "entries": item.get("entries", []), "reason": reason}
    if by:
        flag["by"] = by
    return item, flag


def expire(p: Participant, rid: str, at: datetime) -> Effects:
    """Nobody handled it: no strike, ever; a message hidden pending review stays hidden."""
    if rid not in p.reviews:
        return Effects()
    item, flag = close(p, rid, "expired", at, reason="nobody reviewed it in time: no strike")
    if item.get("deleted"):
        flag["reason"] += "; the message stays deleted (it was hidden to protect someone's data)"
    return Effects(flags=[flag])


def mistaken_deletion(p: Participant, item: dict, at: datetime, by: str) -> Decision:
    """Never leave a sender thinking they broke a rule they did not: say the deletion was a mistake."""
    mid = item["message_id"]
    return Decision(stable_id("nt", p.chat_id, mid, "mistaken"), p.chat_id, p.user_id, "notice", iso(at),
                    message_id=mid, audience="sender",
                    reason=f"the deletion of {mid} was a mistake: a moderator ({by}) found no violation",
                    text="Ваше сообщение было удалено по ошибке: модератор проверил его и нарушения не "
                         "нашёл. Приносим извинения.")
