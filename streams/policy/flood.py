"""Flood that only shows over time: too fast, the same again, the whole chat echoing.

One message alone can be fine («С днём учителя!»); the tenth copy in a quarter of
an hour is the «пустое общение» the rules forbid (003 §5.3). The window is soft
state, kept in memory per chat: cheap per message, and after a restart it refills.
"""
from __future__ import annotations

from collections import defaultdict, deque

import regex

from filters.model import Evidence, Message, Violation
from filters.normalise import fold

from .config import Policy

_NOISE = regex.compile(r"[\p{P}\p{S}\s]+")


def text_key(msg: Message) -> str:
    key = _NOISE.sub(" ", fold(msg.text)).strip()
    if not key and msg.attachments:
        key = "[" + msg.attachments[0].get("kind", "") + "]"
    return key


class ChatWindow:
    """Recent messages of one chat: ids (to ignore redeliveries), per sender, per text."""

    def __init__(self):
        self.ids: dict[str, float] = {}                              # insertion order ≈ time order
        self.by_user: dict[str, deque[float]] = defaultdict(deque)
        self.by_key: dict[str, deque[tuple[float, str]]] = defaultdict(deque)

    def forget_before(self, horizon: float) -> None:
        for mid, ts in list(self.ids.items()):
            if ts >= horizon:
                break
            del self.ids[mid]
        for table in (self.by_user, self.by_key):
            for k in list(table):
                q = table[k]
                while q and (q[0] if isinstance(q[0], float) else q[0][0]) < horizon:
                    q.popleft()
                if not q:
                    del table[k]


def on_message(window: ChatWindow | None, msg: Message, policy: Policy) -> tuple[ChatWindow, list[Violation]]:
    window = window or ChatWindow()
    if msg.message_id in window.ids:
        return window, []                     # a redelivery is not a repeat
    f = policy.flood
    at, key, user = msg.sent_at.timestamp(), text_key(msg), msg.sender_id
    longest = max(f["rate_seconds"], f["repeat_seconds"], f["cascade_seconds"])
    if window.ids and next(iter(window.ids.values())) < at - longest:
        window.forget_before(at - longest)
    window.ids[msg.message_id] = at
    window.by_user[user].append(at)
    found = []
    rate = sum(1 for ts in window.by_user[user] if ts > at - f["rate_seconds"])
    if rate > f["rate_messages"]:
        found.append(("flood.rate", f"{rate} messages in {f['rate_seconds']} s"))
    if key:
        same = window.by_key[key]
        same.append((at, user))
        repeats = sum(1 for ts, u in same if u == user and ts > at - f["repeat_seconds"])
        if repeats >= f["repeat_count"]:
            found.append(("flood.repeat", f"the same text {repeats} times in {f['repeat_seconds']} s"))
        senders = {u for ts, u in same if ts > at - f["cascade_seconds"]}
        if len(senders) >= f["cascade_count"] and len(key) < 80:
            found.append(("flood.cascade", f"{len(senders)} participants posted the same text"))
    violations = [Violation("flood", rule, "low",
                            (Evidence(0, len(msg.text), msg.text, key, rule),), f"flood: {why}")
                  for rule, why in found[:1]]
    return window, violations
