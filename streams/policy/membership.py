"""Who someone is in a chat, as the chat's own partition learns it (topic dozor.membership).

The gateway's roster events are keyed by user (a person leaves a school, not a chat); the
roster agent forwards what a chat needs to know, keyed by chat, so that the participant record
the moderation decisions read says who joined as teacher or admin (a moderator), who left, and
which parent is there for which children:

    {"event_id": "r-1", "kind": "join", "chat_id": "…", "user_id": "u-42", "at": "…",
     "role": "parent", "pupils": ["s-9"]}
    {"event_id": "r-2", "kind": "leave", "chat_id": "…", "user_id": "u-42", "at": "…"}
    {"event_id": "r-3", "kind": "removal_review", "chat_id": "…", "user_id": "u-42", "at": "…",
     "reason": "…"}        # a removal dozor cannot decide: the moderators review it
"""
from __future__ import annotations

from . import reviews
from .config import Policy
from .records import Effects, Participant, parse_time, require

KINDS = ("join", "leave", "removal_review")


class MembershipError(ValueError):
    """A record on dozor.membership that is not a membership event."""


def parse(data) -> dict:
    require(data, "membership event", ("event_id", "kind", "chat_id", "user_id", "at"), KINDS, MembershipError)
    for key in ("role", "reason"):
        if data.get(key) is not None and not isinstance(data[key], str):
            raise MembershipError(f"membership field {key!r} must be a string (got {data[key]!r})")
    if data.get("pupils") is not None and not (isinstance(data["pupils"], list)
                                                and all(isinstance(u, str) for u in data["pupils"])):
        raise MembershipError("membership field 'pupils' must be a list of user ids")
    return data


def on_membership(p: Participant | None, event: dict, policy: Policy) -> tuple[Participant, Effects]:
    p = p or Participant(event["chat_id"], event["user_id"])
    key = f"{event['event_id']}|{event['kind']}"
    if p.seen(key):
        return p, Effects()
    p.remember(key, policy.handled_memory)
    fx, kind = Effects(touched=True), event["kind"]
    if kind == "join":
        p.member = "joined"
        p.role = event.get("role") or p.role
        p.pupils = list(dict.fromkeys(p.pupils + list(event.get("pupils") or [])))
    elif kind == "leave":
        p.member = "left"
        at = parse_time(event["at"])
        for rid in [r for r, item in p.reviews.items() if item["kind"] == "removal"]:
            fx.flags.append(reviews.close(p, rid, "withdrawn", at, reason="the participant left the chat")[1])
    elif kind == "removal_review" and p.member != "left":
        at = parse_time(event["at"])
        rid = reviews.review_id(p.chat_id, p.user_id, event["event_id"])
        reviews.open_item(p, fx, rid, "removal", at, at + policy.review_window,
                          {"suggested": ["remove_member"], "urgent": False, "explanation": event.get("reason", "")},
                          event_id=event["event_id"], reason=event.get("reason", ""))
    return p, fx
