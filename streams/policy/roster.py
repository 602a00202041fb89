"""Membership: who is in which chat, and who leaves the school (000 §4.8, 002 §4.13.8).

Events on chat.roster, keyed by user_id:
    {"event_id": "r-1", "kind": "join" | "leave", "user_id": "u-42", "chat_id": "…", "at": "…"}
    {"event_id": "r-2", "kind": "left_school", "user_id": "u-7", "role": "teacher", "at": "…"}
    {"event_id": "r-3", "kind": "left_school", "user_id": "s-9", "role": "student",
     "parents": ["u-42", "u-43"], "at": "…"}
An employee who leaves, or a pupil who leaves with the parents linked to them, is
removed from every chat they are a member of; nothing is done to anyone else.
"""
from __future__ import annotations

from .records import Decision, Effects, require, stable_id

KINDS = ("join", "leave", "seen", "left_school")
EMPLOYEES = ("teacher", "admin", "employee")


class RosterError(ValueError):
    """A record on chat.roster that is not a roster event (goes to dead letters)."""


def parse(data) -> dict:
    require(data, "roster event", ("event_id", "kind", "user_id", "at"), KINDS, RosterError)
    if data["kind"] in ("join", "leave", "seen") and not data.get("chat_id"):
        raise RosterError(f"a {data['kind']!r} event needs chat_id")
    return data


def on_roster(member: dict | None, event: dict) -> tuple[dict, Effects, list[dict]]:
    """`member` = {"chats": [...], "handled": [...]} for event["user_id"].

    Returns the new record, the effects, and follow-up events for other users (a
    pupil's parents live under their own keys, maybe on another partition).
    """
    member = member or {"chats": [], "handled": []}
    if event["event_id"] + "|" + event["kind"] in member["handled"]:
        return member, Effects(), []
    member["handled"] = (member["handled"] + [event["event_id"] + "|" + event["kind"]])[-200:]
    kind, fx, follow = event["kind"], Effects(), []
    if kind in ("join", "seen"):
        if event["chat_id"] not in member["chats"]:
            member["chats"] = sorted(member["chats"] + [event["chat_id"]])
    elif kind == "leave":
        member["chats"] = [c for c in member["chats"] if c != event["chat_id"]]
    elif kind == "left_school":
        role = event.get("role")
        if role in EMPLOYEES or role == "student" or event.get("with_pupil"):
            why = ("an employee left the school" if role in EMPLOYEES else
                   "a pupil left the school" if role == "student" else
                   f"a parent of {event['with_pupil']}, who left the school")
            for chat in member["chats"]:
                fx.decisions.append(Decision(
                    stable_id("mr", event["event_id"], event["user_id"], chat), chat, event["user_id"],
                    "remove_member", event["at"], reason=f"{why} (000 §4.8, 002 §4.13.8)"))
            member["chats"] = []
            if role == "student":
                follow = [{"event_id": event["event_id"], "kind": "left_school", "user_id": parent,
                           "role": "parent", "with_pupil": event["user_id"], "at": event["at"]}
                          for parent in event.get("parents", [])]
    return member, fx, follow
