"""Flood that only shows over time: too fast, the same again, the whole chat echoing.

One message alone can be fine («С днём учителя!»); the tenth copy in a quarter of an hour is
the «пустое общение» the rules forbid (003 §5.3). It judges content, not kind: ten photos are
not «the same text» (a picture is the same only when its file name and size, hash or sticker id
say so), a teacher's album or worksheets are never flood (teachers and the administration are
not judged here at all), a file or photo does not count towards «too fast», and each participant's
short answer to a teacher's question («Кто идёт? Поставьте +» → «+», «Идём», «Придём»: a reply to
it, or words of a roll call from policies.toml) is a roll call, not flood.

The window is soft state, kept in memory per chat: cheap per message, and after a restart it
refills.
"""
from __future__ import annotations

import hashlib


import regex

from filters.model import STAFF, Evidence, Message, Violation
from filters.normalise import fold

from .config import Policy

_NOISE = regex.compile(r"[\p{P}\p{S}\s]+")
MEDIA = ("image", "video", "file", "audio", "voice", "link")     # content; stickers and GIFs are not
ROLL_CALL_WORDS = 4           # an answer to a roll call is short: «+», «Идём», «Придём вдвоём»
ROLL_CALL_LIMIT = 60          # characters
_LETTERS = regex.compile(r"\p{L}+")
# what a teacher writes when asking for answers: a question, or a request to answer
ASKING = regex.compile(r"\?|\b(?:поставьте|ставьте|отметьтесь|отпишитесь|напишите|ответьте|подтвердите|"
                       r"кто\s+(?:идёт|идет|придёт|придет|будет|поедет|сможет))\b", regex.I)
# the attachment fields that say which file or sticker it is, best first
IDENTITY = ("sha256", "hash", "md5", "file_id", "sticker_id", "id", "url")


def attachment_key(a: dict) -> str | None:
    """What makes two attachments the same one; None when the gateway gives nothing to tell."""
    for field in IDENTITY:
        if a.get(field):
            return f"{a.get('kind')}:{field}:{a[field]}"
    if a.get("file_name") and a.get("size") is not None:
        return f"{a.get('kind')}:{a['file_name']}:{a['size']}"
    if a.get("kind") in ("sticker", "gif") and a.get("file_name"):
        return f"{a['kind']}:{a['file_name']}"
    return None


def _digest(key: str) -> bytes:
    """What the window keeps of a text: 16 bytes, whatever its length (a 4,096-character text
    repeated is the same key as itself, and memory does not grow with what people write)."""
    return hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def text_key(msg: Message) -> str:
    """The content of a message, for «the same again»: '' when it cannot be told apart."""
    key = _NOISE.sub(" ", fold(msg.text)).strip()
    parts = [attachment_key(a) for a in msg.attachments]
    if msg.attachments and None in parts and not key:
        return ""                 # a photo with nothing that identifies it: not «the same» as any other
    return " ".join([key] + [p for p in parts if p]).strip()


# A worker keeps every active chat's window in memory: the caps make the worst case (an attacker
# writing distinct texts into thousands of chats) ~250 KB a chat and ~500 MB a worker; a school's
# chats use a few KB each. The soak (2,000 chats at 1,000 msgs/s) grew a worker to 1.2 GB in 15
# minutes when windows kept 3 hours (the roll call's span) of ids and whole texts as keys.
MAX_IDS = 500            # message ids a chat's window remembers (redeliveries come soon after)
MAX_KEYS = 300           # distinct texts it compares (by digest, not the text)
MAX_SAME = 50            # copies of one text it keeps (the cascade counts senders, a few suffice)
SWEEP_SECONDS = 60       # how often a window's per-sender and per-text lists are pruned
MAX_CHATS = 2_000        # chats whose windows a worker keeps; the quietest go first (and lose nothing
                         # but a flood in progress: soft state, see streams/policy/__init__.py)


class ChatWindow:
    """Recent messages of one chat: ids (to ignore redeliveries), per sender, per text, and the
    last time a teacher asked the chat something. Bounded by time and by size: one message dated
    in the future must not stop the pruning, nor a flood of distinct texts fill the memory."""

    def __init__(self, policy: Policy | None = None):
        self.rate = (policy.flood["rate_messages"] + 1) if policy else 64
        self.ids: dict[str, float] = {}                              # insertion order ≈ time order
        # plain lists, not deques: most hold one or two entries, and a deque's block is ~600 bytes
        # (2,000 busy chats kept ~500 MB of them in the soak)
        self.by_user: dict[str, list[float]] = {}
        self.by_key: dict[bytes, list[tuple[float, str]]] = {}
        self.swept = float("-inf")                                   # when by_user/by_key were last pruned
        self.asked_at: float | None = None                           # a teacher's last question
        self.asked: set[str] = set()                                 # its message ids (for reply_to)
        self.answered: set[str] = set()                              # who has answered it: once each

    def forget_before(self, horizon: float) -> None:
        # oldest first, stopping at the first one still needed: no copy of the chat's ids per message
        while self.ids:
            mid = next(iter(self.ids))
            if self.ids[mid] >= horizon and len(self.ids) <= MAX_IDS:
                break
            del self.ids[mid]
        while len(self.by_key) > MAX_KEYS:
            del self.by_key[next(iter(self.by_key))]
        # the per-sender and per-text lists are swept once a minute of the chat's time, not at every
        # message (a sweep walks them all; what is older is ignored by the counts in between)
        if horizon - self.swept < SWEEP_SECONDS:
            return
        self.swept = horizon
        for table in (self.by_user, self.by_key):
            for k in list(table):
                q = table[k]
                kept = [x for x in q if (x if isinstance(x, float) else x[0]) >= horizon]
                if kept:
                    table[k] = kept
                else:
                    del table[k]

    def add(self, table: dict, key, entry, cap: int) -> list:
        q = table.get(key)
        if q is None:
            q = table[key] = []
        q.append(entry)
        if len(q) > cap:
            del q[0]
        return q


def roll_call(window: ChatWindow, msg: Message, at: float, policy: Policy) -> bool:
    """A participant's one short answer to a teacher's question: a reply to it, or, soon after it,
    «+», an emoji, or words a roll call is answered with («Идём», «Придём вдвоём», «Да»)."""
    if window.asked_at is None or msg.sender_id in window.answered:
        return False
    if len(msg.text.split()) > ROLL_CALL_WORDS or len(msg.text) > ROLL_CALL_LIMIT \
            or any(a.get("kind") in MEDIA for a in msg.attachments):
        return False
    reply = msg.raw.get("reply_to") or msg.raw.get("reply_to_message_id")
    if isinstance(reply, str) and reply in window.asked:
        return True
    if at - window.asked_at > policy.flood.get("roll_call_minutes", 180) * 60:
        return False
    words = _LETTERS.findall(fold(msg.text))
    return not words or any(words[0] == w or (w.endswith("*") and words[0].startswith(w[:-1]))
                            for w in policy.roll_call_answers)


def on_message(window: ChatWindow | None, msg: Message, policy: Policy,
               staff: bool = False) -> tuple[ChatWindow, list[Violation], bool]:
    """(window, flood found, whether the message answers a teacher's roll call). `staff`: the
    sender joined the chat as teacher or admin (the message's sender_role counts too)."""
    window = window or ChatWindow(policy)
    if msg.message_id in window.ids:
        return window, [], False              # a redelivery is not a repeat
    f = policy.flood
    at, user = msg.sent_at.timestamp(), msg.sender_id
    # the roll call's hours live in asked_at/answered; ids and texts are needed only as long as the
    # longest flood rule looks back
    longest = max(f["rate_seconds"], f["repeat_seconds"], f["cascade_seconds"])
    if window.ids and (next(iter(window.ids.values())) < at - longest or len(window.ids) >= MAX_IDS
                       or len(window.by_key) > MAX_KEYS):
        window.forget_before(at - longest)
    window.ids[msg.message_id] = at
    if staff or msg.sender_role in STAFF:
        if ASKING.search(msg.text):
            window.asked_at, window.answered = at, set()
            window.asked = (window.asked | {msg.message_id}) if len(window.asked) < 50 else {msg.message_id}
        return window, [], False              # a teacher's album or worksheets are never flood
    answering = roll_call(window, msg, at, policy)
    if answering:
        window.answered.add(user)
    key = text_key(msg)
    found = []
    if not any(a.get("kind") in MEDIA for a in msg.attachments):
        mine = window.add(window.by_user, user, at, window.rate)
        rate = sum(1 for ts in mine if ts > at - f["rate_seconds"])
        if rate > f["rate_messages"]:
            # a parent typing one thought in six short lines is not sure flood: a person looks
            found.append(("flood.rate", f"{rate} messages in {f['rate_seconds']} s", "likely"))
    if key:
        same = window.add(window.by_key, _digest(key), (at, user), MAX_SAME)
        repeats = sum(1 for ts, u in same if u == user and ts > at - f["repeat_seconds"])
        if repeats >= f["repeat_count"] and not answering:
            found.append(("flood.repeat", f"the same content {repeats} times in {f['repeat_seconds']} s", "certain"))
        senders = {u for ts, u in same if ts > at - f["cascade_seconds"]}
        if len(senders) >= f["cascade_count"] and len(key) < 80 and not answering:
            found.append(("flood.cascade", f"{len(senders)} participants posted the same content", "certain"))
    found.sort(key=lambda f: f[2] != "certain")      # the surest reason speaks for the message
    # evidence names the rule, never the text: the repeated text may hold anything, personal data too
    violations = [Violation("flood", rule, "low", (Evidence(0, len(msg.text), "", "", rule),),
                            f"flood: {why}", certainty=sure)
                  for rule, why, sure in found[:1]]
    return window, violations, answering
