"""What dozor puts on a topic: JSON that always encodes and always fits.

A record that cannot be sent as it is must not crash the agent (Faust then acks the whole
fetched batch and moves past it: hundreds of records lost for one bad one). So every value is
encoded here, never failing: a lone surrogate that UTF-8 refuses is written as a JSON escape;
a record over the producer's limit (1 MB) is trimmed — long lists of evidence cut to their
first entries, long texts shortened — and says so. A dead letter keeps the reason, where the
record came from, its size and its SHA-256, never its raw bytes (they may hold anyone's phone
number): the original only encrypted, when an operator key is configured.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

MAX_RECORD = 900_000          # bytes: under Kafka's and aiokafka's 1 MB default, with room for headers
KEEP_EVIDENCE = 20            # evidence entries kept of a list trimmed to fit
KEEP_TEXT = 2_000             # characters kept of a text trimmed to fit
ENCRYPTED_LIMIT = 600_000     # bytes of an original kept encrypted; past it, only its hash


def key(text: str) -> bytes:
    """A record key: UTF-8, and never a crash on a string the door let through unrepaired."""
    return text.encode("utf-8", "replace")


def encode(value: dict) -> bytes:
    """UTF-8 JSON of `value`, never failing on text and never over MAX_RECORD."""
    data = _dumps(value)
    if len(data) <= MAX_RECORD:
        return data
    trimmed = _trim(value)
    data = _dumps(trimmed)
    if len(data) <= MAX_RECORD:
        return data
    # nothing left to trim sensibly: keep what identifies the record and say what happened
    keep = {k: v for k, v in value.items() if isinstance(v, (str, int, float, bool)) and len(str(v)) < 200}
    return _dumps(keep | {"trimmed": f"the record was {len(data):,} bytes, over the {MAX_RECORD:,} a topic "
                                     f"takes: only its short fields are kept"})


def _dumps(value) -> bytes:
    text = json.dumps(value, ensure_ascii=False)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:          # a lone surrogate: \ud800 as an escape is valid JSON, and ASCII
        return json.dumps(value, ensure_ascii=True).encode("ascii")


def _trim(value, depth: int = 0):
    """A copy with every long list cut to KEEP_EVIDENCE entries and every long text to KEEP_TEXT."""
    if depth > 20:
        return "…"
    if isinstance(value, dict):
        out = {k: _trim(v, depth + 1) for k, v in value.items()}
        for k, v in value.items():
            if isinstance(v, list) and len(v) > KEEP_EVIDENCE:
                out[k] = [_trim(x, depth + 1) for x in v[:KEEP_EVIDENCE]]
                out[f"{k}_trimmed"] = len(v)            # how many there were
        return out
    if isinstance(value, list):
        return [_trim(x, depth + 1) for x in value[:KEEP_EVIDENCE]]
    if isinstance(value, str) and len(value) > KEEP_TEXT:
        return value[:KEEP_TEXT] + "…"
    return value


def dead_letter(topic: str, partition: int, offset: int, key: bytes | None, raw: bytes | None, reason: str,
                at: str, cipher=None) -> dict:
    """What is kept of a record dozor cannot use: enough to find it and to tell it was this one
    (`reason` comes from the door, which masks what it quotes); `cipher`: an operator's Fernet, or None."""
    raw = raw or b""
    record = {"topic": topic, "partition": partition, "offset": offset,
              "key": (key or b"")[:200].decode("utf-8", "replace"), "reason": reason[:2_000],
              "size": len(raw), "sha256": hashlib.sha256(raw).hexdigest(), "at": at}
    if cipher is not None:
        if len(raw) <= ENCRYPTED_LIMIT:
            record["original_encrypted"] = cipher.encrypt(raw).decode("ascii")
        else:
            record["original_encrypted"] = None
            record["original_note"] = f"{len(raw):,} bytes: too large to keep; only its hash is kept"
    return record


def load_cipher(path: str | None):
    """The operators' key for dead letters' originals (a Fernet key file, kept outside Kafka)."""
    if not path:
        return None
    from cryptography.fernet import Fernet

    try:
        return Fernet(Path(path).read_bytes().strip())
    except (OSError, ValueError) as err:
        raise ValueError(f"DOZOR_DEADLETTER_KEY={path}: not a readable Fernet key ({err}); make one with "
                         f"`dozor deadletters --new-key FILE`") from None


def new_key(path: Path) -> None:
    from cryptography.fernet import Fernet

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(Fernet.generate_key())
    path.chmod(0o600)


def decrypt(record: dict, cipher) -> bytes | None:
    token = record.get("original_encrypted")
    return cipher.decrypt(token.encode("ascii")) if token else None


