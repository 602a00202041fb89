"""The door: what any record must be before dozor reads it, whatever bytes arrived.

A gateway may send anything — other encodings, NUL bytes, lone surrogates (`"u\\ud800"`), ten
thousand levels of nesting, a number of a million digits. Each of these used to surface as an
exception deep inside dozor (an encoder, the time zone loader, the JSON scanner) and lose the
records around it. Here each becomes a ValueError whose sentence says what to send instead
(Message.from_dict turns it into a MessageError), or, for a text, a repair that is said aloud.

Rules (the fields themselves are filters/model.py's):
  - a record is UTF-8 JSON of at most MAX_RECORD_BYTES, nested at most MAX_DEPTH levels;
  - an id is at most MAX_ID characters with no control character, NUL or lone surrogate:
    refused (an id is a key for state and decisions; a repaired id would be another id);
  - a text (message text, attachment captions and names) is repaired, never refused: a lone
    surrogate becomes U+FFFD (one for one: offsets do not move), NUL and other control
    characters except tab and line breaks are dropped (they are invisible in a messenger, and
    «х\\x00уй» must still read «хуй»), and the message says so in `repairs`.
Nothing here imports the rest of filters/ except the masking (no circles).
"""
from __future__ import annotations

import json
import re
from typing import Any

from .privacy import scrub

MAX_RECORD_BYTES = 1 << 20      # 1 MiB: what Kafka takes by default; no chat message comes near it
MAX_DEPTH = 32                  # a message is 3 levels deep; recursive code downstream must not overflow
MAX_ID = 256                    # characters of message_id, chat_id, sender_id

_SURROGATE = re.compile(r"[\ud800-\udfff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")      # tab, LF and CR are text
_BAD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_ID_BAD = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def decode_json(raw: bytes | str) -> Any:
    """A record's JSON value, or ValueError saying why there is none: too big, not UTF-8 (where,
    and whether it looks like Windows-1251), not JSON (where), nested too deep, a number too long."""
    if len(raw) > MAX_RECORD_BYTES:
        unit = "characters" if isinstance(raw, str) else "bytes"
        raise ValueError(f"the record is {len(raw):,} {unit}, over the {MAX_RECORD_BYTES:,} dozor reads: "
                         f"a chat message is a few kilobytes; send files by reference, not inline")
    if isinstance(raw, (bytes, bytearray)):
        raw = utf8(raw)
    if raw.startswith("\ufeff"):
        raw = raw[1:]                   # a byte order mark from a Windows editor: not the record's
    try:
        return json.loads(raw)
    except json.JSONDecodeError as err:
        raise ValueError(f"not JSON: {err.msg} at line {err.lineno} column {err.colno}") from None
    except RecursionError:
        raise ValueError(f"nested too deep to read: a message is a few levels deep, dozor reads "
                         f"at most {MAX_DEPTH}") from None
    except ValueError as err:          # an integer of more than 4,300 digits, and the like
        what = "a number of more than 4,300 digits" if "digits" in str(err) else str(err)[:120]
        raise ValueError(f"not JSON dozor can read: {what}") from None


def utf8(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        hint = ""
        try:
            if re.search("[а-яА-ЯёЁ]{3}", raw.decode("cp1251")):
                hint = " (it reads as Windows-1251: re-encode it to UTF-8)"
        except UnicodeDecodeError:
            pass
        raise ValueError(f"not UTF-8: byte 0x{raw[err.start]:02x} at position {err.start} cannot start "
                         f"or continue a character{hint}; send UTF-8") from None


def depth(value: Any, limit: int = MAX_DEPTH) -> int:
    """How deeply `value` nests (a scalar is 0), counted without recursion and no further than
    `limit` + 1: enough to refuse, and bounded in cost by the record's size."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            item = item.values()
        elif not isinstance(item, list):
            continue
        level += 1
        deepest = max(deepest, level)
        if deepest > limit:
            return deepest
        stack.extend((x, level) for x in item if isinstance(x, (dict, list)))
    return deepest


def id_problem(value: Any) -> str | None:
    """Why `value` cannot be an id, or None."""
    if not isinstance(value, str) or not value.strip():
        return f"is required and must be a non-empty string (got {shown(value)})"
    if len(value) > MAX_ID:
        return f"must be at most {MAX_ID} characters (got {len(value):,})"
    bad = _ID_BAD.search(value)
    if bad:
        what = "a lone surrogate" if "\ud800" <= bad.group() <= "\udfff" else f"control character U+{ord(bad.group()):04X}"
        return (f"holds {what} at position {bad.start()} (got {shown(value)}): an id must be printable "
                f"text, as the messenger gives it; check the gateway's encoding")
    return None


def clean_text(value: str) -> tuple[str, str | None]:
    """(the text repaired, what was repaired or None): lone surrogates → U+FFFD, NUL and other
    control characters dropped. Untouched — and cheap — when there is nothing to repair."""
    if not _BAD.search(value):
        return value, None
    notes = []
    surrogates = len(_SURROGATE.findall(value))
    if surrogates:
        value = _SURROGATE.sub("\ufffd", value)
        notes.append(f"{surrogates} lone surrogate(s) replaced with U+FFFD")
    controls = len(_CONTROL.findall(value))
    if controls:
        value = _CONTROL.sub("", value)
        notes.append(f"{controls} NUL or control character(s) dropped, so evidence offsets are into "
                     f"the repaired text")
    return value, "; ".join(notes)


def shown(value: Any, limit: int = 60) -> str:
    """`value` as an error may quote it: short, printable (repr escapes surrogates and controls),
    and with anything like personal data masked — errors go to dead letters and logs."""
    if isinstance(value, str):
        text = repr(value[:limit + 1])          # not repr of a megabyte only to cut it
    elif isinstance(value, (dict, list)):
        text = f"a JSON {'object' if isinstance(value, dict) else 'array'}"
    elif value is None or isinstance(value, (bool, int, float)):
        text = repr(value)
    else:
        text = type(value).__name__
    if len(text) > limit:
        text = text[:limit - 1] + "…"
    return scrub(text)
