"""What the policy keeps and what it emits, as plain JSON-able records.

The same records live in Faust tables (as dicts) and in `dozor replay`'s memory,
so the two paths cannot drift apart in what they remember.
"""
from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from datetime import datetime

from filters.model import parse_moment


def stable_id(prefix: str, *parts: str) -> str:
    """A decision's id from its cause: the same cause always gives the same id."""
    return f"{prefix}-{hashlib.sha1('|'.join(parts).encode()).hexdigest()[:16]}"


def require(data, what: str, keys: tuple[str, ...], kinds: tuple[str, ...], error: type[ValueError]) -> dict:
    """Check an inbound record's shape: an object, required strings, a known kind, an ISO `at`."""
    if not isinstance(data, dict):
        raise error(f"a {what} must be a JSON object")
    for key in keys:
        if not isinstance(data.get(key), str) or not data[key]:
            raise error(f"{what} field {key!r} is required (a non-empty string)")
    if data["kind"] not in kinds:
        raise error(f"{what} kind must be one of {', '.join(kinds)} (got {data['kind']!r})")
    try:
        parse_time(data["at"])
    except ValueError as err:
        raise error(f"{what} field 'at': {err}") from None
    return data


def iso(moment: datetime) -> str:
    return moment.isoformat()


parse_time = parse_moment      # the engine reads every time the way a message's sent_at is read


@dataclass
class Participant:
    """One user in one chat: strikes, block, review items, pending early-unblock request, and who
    they are there (role, membership: what authority and objections are judged by)."""
    chat_id: str
    user_id: str
    # counted violations: {"message_id","categories","rules","at","certainty": certain|confirmed,
    # "confirmed_by"?, "entries"}: only these are grounds for a block
    strikes: list[dict] = field(default_factory=list)
    handled: list[str] = field(default_factory=list)      # recent message and command ids
    # recent violations, counted or not: {"message_id","categories","at","deleted","counted","entries"}
    record: list[dict] = field(default_factory=list)
    block: dict | None = None         # {"decision_id","since","until","grounds","manual","said": [messages since]}
    past_blocks: list[str] = field(default_factory=list)  # when earlier blocks began
    request: dict | None = None                           # {"id","opened","closes","objections","apology"}
    quiet_reminded: str = ""                              # local date of the last night reminder
    timers: list[list[str]] = field(default_factory=list) # [[due_iso, kind, ref]]
    reviews: dict = field(default_factory=dict)           # review_id → an open review item (streams/policy/reviews.py)
    role: str | None = None           # what they joined the chat as (roster `join`): student|parent|teacher|admin
    member: str | None = None         # "joined" | "seen" (writing there) | "left"
    pupils: list[str] = field(default_factory=list)       # a parent's children they are in the chat for
    chat_kind: str | None = None      # the chat's kind, as its messages say (parents, staff…)
    chat_zone: str | None = None      # the chat's time zone, as its messages say: what notices are dated in
    last_seen: str | None = None      # when they last wrote here (to the day): silent long enough, forgotten

    def to_dict(self) -> dict:
        return dict(self.__dict__)

    @classmethod
    def from_dict(cls, data: dict) -> "Participant":
        """A working copy: the stored record must not change before the commit (workers commit
        after the acks, and a batch cut short is replayed from the stored record).

        Every list and every dict the policy changes in place is copied here, one level down (a
        deep copy cost 37 µs a message, this 3 µs); anything deeper (a strike's `entries`, a
        timer) is only ever replaced, never changed. tests/streams/test_engine_state.py holds
        each path to that promise."""
        copy = dict(data)
        for key, value in data.items():
            if isinstance(value, list):
                copy[key] = [dict(x) if isinstance(x, dict) else x for x in value]
        copy["reviews"] = {k: dict(v) for k, v in data.get("reviews", {}).items()}
        for key, lists in (("block", ("said", "grounds")), ("request", ("objections",))):
            if data.get(key):
                copy[key] = dict(data[key]) | {f: list(data[key][f]) for f in lists if f in data[key]}
        return cls(**copy)

    def add_timer(self, due: datetime, kind: str, ref: str) -> None:
        self.timers.append([iso(due), kind, ref])
        self.timers.sort(key=lambda t: parse_time(t[0]))

    def blocked_at(self, moment: datetime) -> bool:
        """A block in force at `moment`: begun by then, not yet over (a message sent before the block
        but delivered after it is not «after the block»)."""
        return (self.block is not None and parse_time(self.block["since"]) <= moment
                and parse_time(self.block["until"]) > moment)

    def counted(self, message_id: str) -> dict | None:
        return next((s for s in self.strikes if s["message_id"] == message_id), None)

    def recorded(self, message_id: str) -> dict | None:
        return next((r for r in self.record if r["message_id"] == message_id), None)

    def seen(self, event_id: str) -> bool:
        return event_id in self.handled

    def remember(self, event_id: str, memory: int) -> None:
        self.handled.append(event_id)
        if len(self.handled) > memory:
            del self.handled[: len(self.handled) - memory]


@dataclass
class Decision:
    """Contract §3, extended with `reason` and `text` (what to tell people)."""
    decision_id: str
    chat_id: str
    user_id: str
    action: str                      # delete_message | remind | block | unblock | remove_member | notice | notify
    issued_at: str
    message_id: str | None = None
    until: str | None = None
    strikes: int | None = None
    grounds: list[dict] = field(default_factory=list)
    reason: str = ""
    text: str = ""
    audience: str | None = None      # remind/notice: "sender" (private) or "chat"; notify: "moderators"
    recipients: list[str] = field(default_factory=list)   # notify: the moderators' user ids dozor knows
    link: str | None = None          # notify: where the item is, in the moderators' console

    def to_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v not in (None, "", [])} | (
            {"grounds": self.grounds} if self.action in ("delete_message", "block") else {})


@dataclass
class Effects:
    """Everything one step asks the outside world to do."""
    decisions: list[Decision] = field(default_factory=list)
    violations: list[dict] = field(default_factory=list)   # moderation.violations
    flags: list[dict] = field(default_factory=list)        # moderation.flags
    members: list[tuple[str, str, str]] = field(default_factory=list)  # (user, chat, when) first seen writing
    # records for dozor's own topics, (topic, record): roster follow-ups keyed by user, membership
    # events keyed by chat (a roster event reaches the chat's partition that way)
    forward: list[tuple[str, dict]] = field(default_factory=list)
    writes: list[tuple] = field(default_factory=list)  # (mapping, key, value) to commit after acks
    touched: bool = False      # the participant's record changed though nothing was decided
    latest: dict = field(default_factory=dict, repr=False)   # (id(mapping), key) → the last value written

    def write(self, mapping, key: str, value) -> None:
        """A state change to commit after the acks (None deletes); the event reads its own writes."""
        self.writes.append((mapping, key, value))
        self.latest[(id(mapping), key)] = value

    def extend(self, other: "Effects") -> "Effects":
        self.decisions += other.decisions
        self.violations += other.violations
        self.flags += other.flags
        self.members += other.members
        self.forward += other.forward
        self.writes += other.writes
        self.latest.update(other.latest)
        self.touched = self.touched or other.touched
        return self
