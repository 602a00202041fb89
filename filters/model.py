"""The shapes dozor's core speaks (contracts §1–§2): a message in, a verdict out.

Parsing is strict about what the contract requires and lenient about the rest:
unknown fields are kept, a missing or wrong required field raises MessageError
with a sentence a gateway developer can act on.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

CATEGORIES = ("profanity", "insult", "hate", "threat", "offtopic", "flood",
              "quiet_hours", "personal_data")
ROLES = ("student", "parent", "teacher", "admin")
STAFF = ("teacher", "admin")     # the school's staff: moderators where they joined, never reminded at night
ATTACHMENT_KINDS = ("sticker", "image", "gif", "video", "audio", "voice", "file", "link")
CHAT_KINDS = ("parents", "students", "staff", "subject", "channel")
# How sure dozor is of a finding, most sure first. Only a `certain` finding is acted on by itself
# (a strike, a deletion); `likely` and `possible` ones wait for a moderator (streams/policy/).
#   certain  — the words leave no other reading: an obscene form, a card number that passes Luhn;
#   likely   — the usual reading is a violation, but a person should look: «Корова, верни тетрадь»;
#   possible — one weak sign, or words that are someone else's: a report, «тупой» next to nothing.
CERTAINTIES = ("certain", "likely", "possible")
SEVERITY_RANK = {"low": 0, "medium": 1, "high": 2}          # how bad, least first


def less_sure(a: str, b: str) -> str:
    """The less sure of two certainties: a finding is as sure as its weakest reason."""
    return max(a, b, key=CERTAINTIES.index)


def surest(levels) -> str:
    return min(levels, key=CERTAINTIES.index, default="possible")


class MessageError(ValueError):
    """A record that is not a chat message in the contract §1 shape."""


@dataclass(frozen=True)
class ChatContext:
    kind: str = "parents"
    timezone: str | None = None


@dataclass(frozen=True)
class Message:
    message_id: str
    chat_id: str
    sender_id: str
    sent_at: datetime
    text: str = ""
    sender_role: str | None = None
    attachments: tuple[dict, ...] = ()
    chat: ChatContext | None = None
    raw: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_dict(cls, data: Any) -> "Message":
        if not isinstance(data, dict):
            raise MessageError(f"a message must be a JSON object, got {type(data).__name__}")
        ids = {}
        for key in ("message_id", "chat_id", "sender_id"):
            value = data.get(key)
            if not isinstance(value, str) or not value.strip():
                raise MessageError(f"field {key!r} is required and must be a non-empty string"
                                   f" (got {value!r})")
            ids[key] = value
        sent_at = _parse_time(data.get("sent_at"))
        text = data.get("text", "")
        if text is None:
            text = ""
        if not isinstance(text, str):
            raise MessageError(f"field 'text' must be a string, got {type(text).__name__}")
        role = data.get("sender_role")
        if role is not None and role not in ROLES:
            raise MessageError(f"field 'sender_role' must be one of {', '.join(ROLES)} (got {role!r})")
        attachments = _parse_attachments(data.get("attachments"))
        if not text and not attachments:
            raise MessageError("a message needs a 'text' or at least one attachment")
        return cls(sent_at=sent_at, text=text, sender_role=role, attachments=attachments,
                   chat=_parse_chat(data.get("chat")), raw=data, **ids)


def parse_moment(value: Any) -> datetime:
    """An ISO 8601 time with its UTC offset (`Z` too); ValueError saying what to write otherwise:
    a time without an offset cannot be compared with the others (one place for every input)."""
    if not isinstance(value, str):
        raise ValueError(f"expected an ISO 8601 time with offset, e.g. 2026-11-18T21:30:00+05:00 (got {value!r})")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{value!r} is not an ISO 8601 time such as 2026-11-18T21:30:00+05:00") from None
    if moment.tzinfo is None:
        raise ValueError(f"{value!r} has no UTC offset: add +03:00 or Z")
    return moment


def _parse_time(value: Any) -> datetime:
    if value is None:
        raise MessageError("field 'sent_at' is required: an ISO 8601 time with offset, "
                           "e.g. 2026-11-18T21:30:00+05:00")
    try:
        return parse_moment(value)
    except ValueError as err:
        raise MessageError(f"field 'sent_at': {err}") from None


def _parse_attachments(value: Any) -> tuple[dict, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise MessageError("field 'attachments' must be a list of objects")
    for i, item in enumerate(value):
        if not isinstance(item, dict) or item.get("kind") not in ATTACHMENT_KINDS:
            raise MessageError(f"attachments[{i}] needs 'kind', one of {', '.join(ATTACHMENT_KINDS)}"
                               f" (got {item!r})")
    return tuple(value)


def _parse_chat(value: Any) -> ChatContext | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise MessageError("field 'chat' must be an object like {\"kind\": \"parents\"}")
    kind = value.get("kind", "parents")
    if kind not in CHAT_KINDS:
        raise MessageError(f"chat.kind must be one of {', '.join(CHAT_KINDS)} (got {kind!r})")
    tz = value.get("timezone")
    if tz is not None:
        try:
            ZoneInfo(tz)
        except (ValueError, ZoneInfoNotFoundError):
            raise MessageError(f"chat.timezone {tz!r} is not an IANA time zone such as "
                               f"'Asia/Yekaterinburg'") from None
    return ChatContext(kind=kind, timezone=tz)


@dataclass(frozen=True)
class Evidence:
    start: int
    end: int
    text: str
    normalized: str
    entry: str
    source: str = ""          # lexicon file:line that made the call

    def to_dict(self) -> dict:
        out = {"start": self.start, "end": self.end, "text": self.text,
               "normalized": self.normalized, "entry": self.entry}
        if self.source:
            out["source"] = self.source
        return out


@dataclass(frozen=True)
class Violation:
    category: str
    rule: str
    severity: str
    evidence: tuple[Evidence, ...]
    explanation: str
    urgent: bool = False        # hate, threats, a report of either: a moderator is alerted at once
    # how sure (CERTAINTIES); severity says how bad. A detector that forgets to say is not trusted.
    certainty: str = "possible"
    reported: bool = False      # someone else's words the sender reports or quotes: not the sender's own

    def to_dict(self) -> dict:
        out = {"category": self.category, "rule": self.rule, "severity": self.severity,
               "certainty": self.certainty, "evidence": [e.to_dict() for e in self.evidence],
               "explanation": self.explanation}
        if self.urgent:
            out["urgent"] = True
        if self.reported:
            out["reported"] = True
        return out


@dataclass(frozen=True)
class Verdict:
    message_id: str
    violations: tuple[Violation, ...] = ()
    lexicon_version: str = ""      # which word lists judged it: a decision can be traced to an edit

    def masked(self, text: str) -> str:
        """`text` with every personal datum this verdict found replaced by its masked evidence:
        what may be quoted to a moderator or a chat."""
        spans = sorted(((e.start, e.end, e.text) for v in self.violations if v.category == "personal_data"
                        for e in v.evidence), reverse=True)
        for start, end, shown in spans:
            text = text[:start] + shown + text[end:]
        return text

    def to_dict(self) -> dict:
        out = {"message_id": self.message_id,
               "violations": [v.to_dict() for v in self.violations]}
        if self.lexicon_version:
            out["lexicon_version"] = self.lexicon_version
        return out
