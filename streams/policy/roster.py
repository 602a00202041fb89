"""Membership: who is in which chat, as what, and who leaves the school (000 §4.8, 002 §4.13.8).

Events on chat.roster, keyed by user_id:
    {"event_id": "r-1", "kind": "join", "user_id": "u-42", "chat_id": "…", "at": "…",
     "role": "parent", "pupils": ["s-9"]}      # role: student | parent | teacher | admin; pupils: for a parent
    {"event_id": "r-2", "kind": "leave", "user_id": "u-42", "chat_id": "…", "at": "…"}
    {"event_id": "r-3", "kind": "left_school", "user_id": "u-7", "role": "teacher", "at": "…"}
    {"event_id": "r-4", "kind": "left_school", "user_id": "s-9", "role": "student",
     "parents": ["u-42", "u-43"], "at": "…"}
An employee who leaves is removed from every chat they are in; a pupil too, and their parents
from the chats they joined for that pupil. A parent who is in a chat for another child, still at
the school, stays there. Where dozor cannot tell (the parent joined without saying for whom, or
was only seen writing), the removal goes to the chat's moderators as a review item instead.
Nothing is done to anyone else.

Workers add their own events here: `seen` (someone wrote in a chat) and `link` (a parent joined
a chat for this pupil: what a pupil's record needs to find their parents when they leave).
"""
from __future__ import annotations

from filters.model import ROLES, STAFF

from .. import topics
from .records import Decision, Effects, require, stable_id

KINDS = ("join", "leave", "seen", "left_school", "link")
EMPLOYEES = STAFF + ("employee",)      # «employee»: what a gateway may say of other staff


class RosterError(ValueError):
    """A record on chat.roster that is not a roster event (goes to dead letters)."""


def parse(data) -> dict:
    require(data, "roster event", ("event_id", "kind", "user_id", "at"), KINDS, RosterError)
    for key in ("chat_id", "role", "with_pupil", "parent"):
        if data.get(key) is not None and not (isinstance(data[key], str) and data[key]):
            raise RosterError(f"roster field {key!r} must be a non-empty string (got {data[key]!r})")
    if data["kind"] in ("join", "leave", "seen", "link") and not data.get("chat_id"):
        raise RosterError(f"a {data['kind']!r} event needs chat_id")
    if data["kind"] == "join" and data.get("role") is not None and data["role"] not in ROLES:
        raise RosterError(f"a join's role must be one of {', '.join(ROLES)} (got {data['role']!r})")
    for key in ("pupils", "parents"):
        value = data.get(key)
        if value is not None and not (isinstance(value, list) and all(isinstance(u, str) and u for u in value)):
            raise RosterError(f"roster field {key!r} must be a list of user ids (got {value!r})")
    if data["kind"] == "link" and not isinstance(data.get("parent"), str):
        raise RosterError("a 'link' event needs parent: the user id of the pupil's parent")
    return data


def _chats(member: dict) -> dict:
    chats = member.get("chats", {})
    if isinstance(chats, list):            # records written before roles were kept
        chats = {c: {"via": "seen"} for c in chats}
    return {c: dict(info) for c, info in chats.items()}


def on_roster(member: dict | None, event: dict) -> tuple[dict, Effects]:
    """`member` = {"chats": {chat: {"via", "role", "pupils"}}, "parents": [...], "handled": [...]} for
    event["user_id"]. Follow-ups for other users and for the chats go in `fx.forward`."""
    member = member or {}
    member = {"chats": _chats(member), "parents": list(member.get("parents", [])),
              "handled": list(member.get("handled", []))}
    mark = event["event_id"] + "|" + event["kind"] + ("|" + event["chat_id"] if event.get("chat_id") else "")
    if mark in member["handled"]:
        return member, Effects()
    member["handled"] = (member["handled"] + [mark])[-200:]
    kind, user, fx = event["kind"], event["user_id"], Effects()
    if kind == "join":
        chat = event["chat_id"]
        before = member["chats"].get(chat, {})
        # a parent of two in one chat joins (or is re-announced) once per child: the children add up
        pupils = list(dict.fromkeys(list(before.get("pupils") or []) + list(event.get("pupils") or [])))
        member["chats"][chat] = {"via": "join", "role": event.get("role") or before.get("role"), "pupils": pupils}
        fx.forward.append((topics.MEMBERSHIP, _membership(event, "join", chat, role=event.get("role"),
                                                         pupils=pupils)))
        for pupil in pupils:
            fx.forward.append((topics.ROSTER, {"event_id": event["event_id"], "kind": "link", "user_id": pupil,
                                               "parent": user, "chat_id": chat, "at": event["at"]}))
    elif kind == "seen":
        member["chats"].setdefault(event["chat_id"], {"via": "seen"})
    elif kind == "leave":
        member["chats"].pop(event["chat_id"], None)
        fx.forward.append((topics.MEMBERSHIP, _membership(event, "leave", event["chat_id"])))
    elif kind == "link":
        if event["parent"] not in member["parents"]:
            member["parents"].append(event["parent"])
    elif kind == "left_school":
        _left_school(member, event, fx)
    return member, fx


def _left_school(member: dict, event: dict, fx: Effects) -> None:
    role, user = event.get("role"), event["user_id"]
    if role in EMPLOYEES or role == "student":
        why = "an employee left the school" if role in EMPLOYEES else "a pupil left the school"
        for chat, info in sorted(member["chats"].items()):
            if role in EMPLOYEES and info.get("role") == "parent":
                continue      # a teacher who is also a parent there: she stays for her child (000 §4.8)
            _remove(member, event, chat, why, fx)
        if role == "student":
            parents = list(dict.fromkeys(list(event.get("parents") or []) + member["parents"]))
            fx.forward += [(topics.ROSTER, {"event_id": event["event_id"], "kind": "left_school", "user_id": parent,
                                            "role": "parent", "with_pupil": user, "at": event["at"]})
                           for parent in parents]
    elif event.get("with_pupil"):
        pupil = event["with_pupil"]
        for chat, info in sorted(member["chats"].items()):
            if info.get("role") in STAFF:
                continue          # there as staff, not as anyone's parent
            pupils = info.get("pupils") or []
            if pupil in pupils:
                rest = [p for p in pupils if p != pupil]
                if rest:                   # here for another child still at the school: stays
                    info["pupils"] = rest
                else:
                    _remove(member, event, chat, f"a parent of {pupil}, who left the school", fx)
            elif not pupils:
                # joined without saying for whom, or only seen writing: a person must decide
                fx.forward.append((topics.MEMBERSHIP, _membership(
                    event, "removal_review", chat,
                    reason=f"{user} is a parent of {pupil}, who left the school; dozor cannot tell whether "
                           f"{user} is in this chat for that pupil or for another child (000 §4.8)")))


def _remove(member: dict, event: dict, chat: str, why: str, fx: Effects) -> None:
    user = event["user_id"]
    fx.decisions.append(Decision(stable_id("mr", event["event_id"], user, chat), chat, user, "remove_member",
                                 event["at"], reason=f"{why} (000 §4.8, 002 §4.13.8)"))
    fx.forward.append((topics.MEMBERSHIP, _membership(event, "leave", chat)))
    del member["chats"][chat]


def _membership(event: dict, kind: str, chat: str, **extra) -> dict:
    return {"event_id": event["event_id"], "kind": kind, "chat_id": chat, "user_id": event["user_id"],
            "at": event["at"], **{k: v for k, v in extra.items() if v is not None}}


def seen(user: str, chat: str, at: str) -> dict:
    """The roster event a worker sends when someone writes in a chat the roster does not know them in."""
    # one id per time seen: someone who left and writes again is announced again
    return {"event_id": f"seen:{chat}:{user}:{at}", "kind": "seen", "user_id": user, "chat_id": chat, "at": at}
