"""Who may do what in a chat: a moderator's power is checked, never assumed.

A **moderator of a chat** is someone the chat registry names (`moderators`, in `[defaults]` or
the chat's table) or who joined that chat with role `teacher` or `admin` (roster `join`) and
has not left. Only moderators block, pardon, confirm, dismiss or ask for an early unblock, and
never for themselves. A block beyond the rules' month rests on an authorisation by one of the
registry's `authorisers` (the director and the officials the director authorised, 000 §4.5).
An objection counts only from a current member of the chat: joined, or seen writing there.
"""
from __future__ import annotations

from filters import registry
from filters.model import STAFF

MODERATORS_ONLY = ("block", "pardon", "confirm", "dismiss", "unblock_request")


def moderator(chat_id: str, who: dict | None, user_id: str) -> str | None:
    """Why `user_id` moderates `chat_id` (None: they do not). `who`: their participant record there."""
    if user_id in registry.settings(chat_id).moderators:
        return "named a moderator in the chat registry"
    if who and who.get("role") in STAFF and who.get("member") == "joined":
        return f"joined the chat as {who['role']}"
    return None


def member(who: dict | None) -> bool:
    """Joined or seen writing there, and not gone since."""
    return bool(who) and who.get("member", "seen") in ("joined", "seen")


def authoriser(chat_id: str, user_id: str) -> bool:
    return user_id in registry.settings(chat_id).authorisers


def refusal(cmd: dict, who: dict | None) -> str | None:
    """Why this command may not come from its sender at all (None: it may; the rules of the
    command itself are checked after)."""
    kind, by, chat = cmd["kind"], cmd["by"], cmd["chat_id"]
    if kind in MODERATORS_ONLY:
        if by == cmd["user_id"]:
            return f"{by} cannot {kind.replace('_', ' ')} for themselves: a participant never pardons, " \
                   f"unblocks or judges their own case (000 §4.6, §4.7)"
        if moderator(chat, who, by) is None:
            return (f"{by} is not a moderator of {chat}: only its moderators (named in the chat registry, "
                    f"or who joined it as teacher or admin) may {kind.replace('_', ' ')}")
    if kind == "objection":
        if by == cmd["user_id"]:
            return "the blocked participant cannot object to their own unblocking"
        if not member(who):
            return f"{by} is not a member of {chat} (never joined or wrote there, or left): only the " \
                   f"chat's participants may object (000 §4.6)"
    return None
