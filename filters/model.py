"""The shapes dozor's core speaks (contracts §1–§2): a message in, a verdict out.

Parsing is strict about what the contract requires and lenient about the rest:
unknown fields are kept, a missing or wrong required field raises MessageError
with a sentence a gateway developer can act on — never another exception, whatever
the record holds. The door's rules (sizes, ids, texts repaired) are filters/door.py's;
what a field must be is here:
  - message_id, chat_id, sender_id: non-empty strings of at most 256 characters, printable
    (no NUL, control character or lone surrogate: refused, an id is a key);
  - sent_at: ISO 8601 with offset, years SENT_AT_YEARS (2000–2099): a year 0001 or 9999 is a
    broken clock, and times that far out overflow every conversion;
  - text: a string (null is empty); lone surrogates → U+FFFD, NUL and control characters
    dropped, and `Message.repairs` says so (`dozor check` prints it as `repaired`);
  - sender_role: one of ROLES or absent;
  - attachments: a list of objects, each with `kind` one of ATTACHMENT_KINDS; `caption` and
    `file_name` strings when given; their strings repaired as the text is. Their number is not
    capped here (the detectors look at a bounded number of them);
  - chat: an object; `kind` one of CHAT_KINDS, `timezone` an IANA name (a string: checked by
    its shape before any file is looked up);
  - the whole record nests at most 32 levels (door.MAX_DEPTH). Unknown fields are kept, unread.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from .door import MAX_DEPTH, clean_text, depth, id_problem, shown
from .privacy import masked as _masked
from .privacy import scrub

CATEGORIES = ("profanity", "insult", "hate", "threat", "offtopic", "flood",
              "quiet_hours", "personal_data")
ROLES = ("student", "parent", "teacher", "admin")
STAFF = ("teacher", "admin")     # the school's staff: moderators where they joined, never reminded at night
MAX_ATTACHMENTS = 100
ATTACHMENT_KINDS = ("sticker", "image", "gif", "video", "audio", "voice", "file", "link")
CHAT_KINDS = ("parents", "students", "staff", "subject", "channel")
# How sure dozor is of a finding, most sure first. Only a `certain` finding is acted on by itself
# (a strike, a deletion); `likely` and `possible` ones wait for a moderator (streams/policy/).
#   certain  — the words leave no other reading: an obscene form, a card number that passes Luhn;
#   likely   — the usual reading is a violation, but a person should look: «Корова, верни тетрадь»;
#   possible — one weak sign, or words that are someone else's: a report, «тупой» next to nothing.
CERTAINTIES = ("certain", "likely", "possible")
SENT_AT_YEARS = (2000, 2099)     # a message's time outside these years is a broken clock, not a message
ATTACHMENT_TEXTS = ("caption", "file_name")      # what the detectors read of an attachment, as text
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
    # what the door repaired («text: 1 lone surrogate(s) replaced with U+FFFD»): said in the verdict
    repairs: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, data: Any) -> "Message":
        if not isinstance(data, dict):
            raise MessageError(f"a message must be a JSON object, got {type(data).__name__}")
        _at_most_attachments(data.get("attachments"))     # before walking them all for their depth
        if depth(data) > MAX_DEPTH:
            raise MessageError(f"the message nests more than {MAX_DEPTH} levels deep: a chat message is "
                               f"three (message, attachments, attachment); flatten the extra fields")
        ids = {}
        for key in ("message_id", "chat_id", "sender_id"):
            problem = id_problem(data.get(key))
            if problem:
                raise MessageError(f"field {key!r} {problem}")
            ids[key] = data[key]
        sent_at = _parse_time(data.get("sent_at"))
        text = data.get("text", "")
        if text is None:
            text = ""
        if not isinstance(text, str):
            raise MessageError(f"field 'text' must be a string, got {type(text).__name__}")
        text, repaired = clean_text(text)
        repairs = [f"text: {repaired}"] if repaired else []
        role = data.get("sender_role")
        if role is not None and role not in ROLES:
            raise MessageError(f"field 'sender_role' must be one of {', '.join(ROLES)} (got {shown(role)})")
        attachments, repaired = _parse_attachments(data.get("attachments"))
        repairs += [repaired] if repaired else []
        if not text and not attachments:
            raise MessageError("a message needs a 'text' or at least one attachment")
        return cls(sent_at=sent_at, text=text, sender_role=role, attachments=attachments,
                   chat=_parse_chat(data.get("chat")), raw=data, repairs=tuple(repairs), **ids)


def parse_moment(value: Any) -> datetime:
    """An ISO 8601 time with its UTC offset (`Z` too); ValueError saying what to write otherwise:
    a time without an offset cannot be compared with the others (one place for every input)."""
    if not isinstance(value, str):
        raise ValueError(f"expected an ISO 8601 time with offset, e.g. 2026-11-18T21:30:00+05:00 (got {shown(value)})")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{shown(value)} is not an ISO 8601 time such as 2026-11-18T21:30:00+05:00") from None
    if moment.tzinfo is None:
        raise ValueError(f"{shown(value)} has no UTC offset: add +03:00 or Z")
    return moment


def _parse_time(value: Any) -> datetime:
    if value is None:
        raise MessageError("field 'sent_at' is required: an ISO 8601 time with offset, "
                           "e.g. 2026-11-18T21:30:00+05:00")
    try:
        moment = parse_moment(value)
    except ValueError as err:
        raise MessageError(f"field 'sent_at': {err}") from None
    first, last = SENT_AT_YEARS
    # the local year: within these bounds no conversion to UTC or another zone can overflow
    if not first <= moment.year <= last:
        raise MessageError(f"field 'sent_at' {shown(value)} is out of range (year {moment.year}): dozor takes years "
                           f"{first}–{last}; check the gateway's clock and how it writes the time")
    return moment


def _at_most_attachments(value) -> None:
    if isinstance(value, list) and len(value) > MAX_ATTACHMENTS:
        # the messengers send at most ten with one message (an album): thousands are not a message
        raise MessageError(f"field 'attachments' has {len(value):,} items; a message carries at most "
                           f"{MAX_ATTACHMENTS} (an album is ten in the messengers): split it")

def _parse_attachments(value: Any) -> tuple[tuple[dict, ...], str | None]:
    """(the attachments, what was repaired in their strings or None). Each is checked for its
    shape only; how many the detectors look at is theirs to bound."""
    if value is None:
        return (), None
    if not isinstance(value, list):
        raise MessageError(f"field 'attachments' must be a list of objects like [{{\"kind\": \"image\"}}]"
                           f" (got {shown(value)})")
    _at_most_attachments(value)
    out, repaired = [], 0
    for i, item in enumerate(value):
        if not isinstance(item, dict) or item.get("kind") not in ATTACHMENT_KINDS:
            got = shown(item.get("kind")) if isinstance(item, dict) else shown(item)
            raise MessageError(f"attachments[{i}] needs 'kind', one of {', '.join(ATTACHMENT_KINDS)}"
                               f" (got {got})")
        fixed = None
        for key, v in item.items():
            if key in ATTACHMENT_TEXTS and v is not None and not isinstance(v, str):
                raise MessageError(f"attachments[{i}].{key} must be a string (got {shown(v)})")
            if isinstance(v, str):
                clean, note = clean_text(v)
                if note:                  # a copy: `raw` keeps what arrived
                    fixed = fixed if fixed is not None else dict(item)
                    fixed[key] = clean
                    repaired += 1
        out.append(item if fixed is None else fixed)
    note = (f"attachments: {repaired} string(s) repaired (lone surrogates replaced with U+FFFD, "
            f"control characters dropped)") if repaired else None
    return tuple(out), note


def _parse_chat(value: Any) -> ChatContext | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise MessageError("field 'chat' must be an object like {\"kind\": \"parents\"}")
    kind = value.get("kind", "parents")
    if not isinstance(kind, str) or kind not in CHAT_KINDS:
        raise MessageError(f"chat.kind must be one of {', '.join(CHAT_KINDS)} (got {shown(kind)})")
    tz = value.get("timezone")
    if tz is not None:
        _check_zone(tz)
    return ChatContext(kind=kind, timezone=tz)


# an IANA name's shape («Asia/Yekaterinburg», «Etc/GMT+5», «UTC»): checked before ZoneInfo looks for a
# file of that name, which for «Europe» is a directory, for a long name an OSError, for 5 a TypeError
_ZONE = re.compile(r"[A-Za-z][A-Za-z0-9_+\-]{0,30}(?:/[A-Za-z0-9_+\-]{1,30}){0,3}")


def _check_zone(tz: Any) -> None:
    if not isinstance(tz, str):
        raise MessageError(f"chat.timezone must be a string naming an IANA time zone such as "
                           f"'Asia/Yekaterinburg' (got {shown(tz)})")
    known = bool(_ZONE.fullmatch(tz))
    if known:
        try:
            ZoneInfo(tz)
        except (ValueError, KeyError, OSError):      # ZoneInfoNotFoundError is a KeyError
            known = False
    if not known:
        raise MessageError(f"chat.timezone {shown(tz)} is not an IANA time zone such as "
                           f"'Asia/Yekaterinburg'")


@dataclass(frozen=True)
class Evidence:
    start: int
    end: int
    text: str
    normalized: str
    entry: str
    source: str = ""          # lexicon file:line that made the call

    def __post_init__(self):
        # the last guard: what a detector quotes goes to moderators, chats and topics, so digits,
        # e-mails and URL queries it did not take for personal data are masked all the same
        object.__setattr__(self, "text", scrub(self.text))
        object.__setattr__(self, "normalized", scrub(self.normalized))

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

    def __post_init__(self):
        # an explanation quotes the message (a link, a caption): it leaves dozor as a reason, masked
        object.__setattr__(self, "explanation", scrub(self.explanation))

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
    # what was left unread (filters/pipeline.py: MAX_CHARS, MAX_ATTACHMENTS), e.g. {"judged": 4096,
    # "length": 100000}; None when the whole message was judged
    truncated: dict | None = field(default=None, compare=False)

    def masked(self, text: str) -> str:
        """`text` with every personal datum this verdict found replaced by its masked evidence, and
        what the detector may have missed scrubbed (filters/privacy.py): what may be quoted to a
        moderator, a chat or any topic."""
        return _masked(text, self)

    def to_dict(self) -> dict:
        out = {"message_id": self.message_id,
               "violations": [v.to_dict() for v in self.violations]}
        if self.lexicon_version:
            out["lexicon_version"] = self.lexicon_version
        if self.truncated:
            out["truncated"] = dict(self.truncated)
        return out
