"""Flood that only shows over time: too fast, the same again, the whole chat echoing.

One message alone can be fine («С днём учителя!»); the tenth copy in a quarter of
an hour is the «пустое общение» the rules forbid (003 §5.3).
"""
from __future__ import annotations

from datetime import timedelta

import regex

from filters.model import Evidence, Message, Violation
from filters.normalise import fold

from .config import Policy
from .records import ChatWindow, iso, parse_time

_NOISE = regex.compile(r"[\p{P}\p{S}\s]+")
MAX_RECENT = 300


def text_key(msg: Message) -> str:
    key = _NOISE.sub(" ", fold(msg.text)).strip()
    if not key and msg.attachments:
        key = "[" + msg.attachments[0].get("kind", "") + "]"
    return key


def on_message(window: ChatWindow | None, msg: Message, policy: Policy) -> tuple[ChatWindow, list[Violation]]:
    window = window or ChatWindow(msg.chat_id)
    if any(r[0] == msg.message_id for r in window.recent):
        return window, []                     # a redelivery is not a repeat
    f = policy.flood
    at, key = msg.sent_at, text_key(msg)
    horizon = at - timedelta(seconds=max(f["rate_seconds"], f["repeat_seconds"], f["cascade_seconds"]))
    window.recent = [r for r in window.recent if parse_time(r[2]) > horizon][-MAX_RECENT:]
    window.recent.append([msg.message_id, msg.sender_id, iso(at), key])

    def within(seconds):
        since = at - timedelta(seconds=seconds)
        return [r for r in window.recent if parse_time(r[2]) > since]

    found = []
    mine = [r for r in within(f["rate_seconds"]) if r[1] == msg.sender_id]
    if len(mine) > f["rate_messages"]:
        found.append(("flood.rate", f"{len(mine)} messages in {f['rate_seconds']} s"))
    if key:
        same = [r for r in within(f["repeat_seconds"]) if r[1] == msg.sender_id and r[3] == key]
        if len(same) >= f["repeat_count"]:
            found.append(("flood.repeat", f"the same text {len(same)} times in {f['repeat_seconds']} s"))
        senders = {r[1] for r in within(f["cascade_seconds"]) if r[3] == key}
        if len(senders) >= f["cascade_count"] and len(key) < 80:
            found.append(("flood.cascade", f"{len(senders)} participants posted the same text"))
    violations = [Violation("flood", rule, "low",
                            (Evidence(0, len(msg.text), msg.text, key, rule),), f"flood: {why}")
                  for rule, why in found[:1]]
    return window, violations
