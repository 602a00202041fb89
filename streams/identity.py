"""Whose record is this? Producers sign what they write; workers obey only producers trusted for
the topic.

Without it, anyone who can write to a topic is obeyed: a hand-made `left_school` removes a member,
a forged command blocks a parent (authority.py checks *who may*; this checks that a record really
comes from *where it claims*). A producer signs the topic, key and value of each record with its
Ed25519 key and says who it is, in two Kafka headers beside the record — the contract shapes stay
as they are, and producers that sign nothing keep working where no producers are configured.

The producers a worker trusts are a TOML file named by DOZOR_PRODUCERS:

    [producers.gateway]                        # the messaging gateway
    public_key = "ed25519:…"                   # as `dozor keygen` prints it
    topics = ["chat.messages", "chat.roster"]

    [producers.console]                        # the moderators' console and tools
    public_key = "ed25519:…"
    topics = ["moderation.commands"]

    [producers.workers]                        # dozor's own workers (their roster and membership
    public_key = "ed25519:…"                   # records, their clock)
    topics = ["chat.roster", "dozor.membership", "dozor.ticks"]

A topic named by any producer is closed: a record on it needs a valid signature by a producer
listed for it, or it is a dead letter with the reason. Topics no producer names stay open.
A producer signs with its private key (DOZOR_PRODUCER_KEY names the file; `dozor send` and the
workers use it).
"""
from __future__ import annotations

import base64
import binascii
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

SIGNER, SIGNATURE = "dozor-signer", "dozor-signature"      # the headers
CONTEXT = b"dozor record v1\0"          # a record's signature can never pass for a lexicon bundle's
PREFIX = "ed25519:"


class IdentityError(ValueError):
    """A record from a producer not trusted for its topic: the message says why."""


def _payload(topic: str, key: bytes | None, value: bytes | None) -> bytes:
    parts = [topic.encode(), key or b"", value or b""]
    return CONTEXT + b"".join(len(p).to_bytes(8, "big") + p for p in parts)


def public_text(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return PREFIX + base64.b64encode(raw).decode("ascii")


def read_public(text: str) -> Ed25519PublicKey:
    text = text.strip()
    if not text.startswith(PREFIX):
        raise ValueError(f"a public key looks like {PREFIX}… (as `dozor keygen` prints it), got {text[:20]!r}")
    try:
        return Ed25519PublicKey.from_public_bytes(base64.b64decode(text[len(PREFIX):], validate=True))
    except (ValueError, binascii.Error) as err:
        raise ValueError(f"not an Ed25519 public key: {err}") from None


@dataclass
class Signer:
    """A producer's private key: `headers(topic, key, value)` go beside the record."""
    name: str
    key: Ed25519PrivateKey

    def headers(self, topic: str, key: bytes | None, value: bytes | None) -> list[tuple[str, bytes]]:
        return [(SIGNER, self.name.encode()), (SIGNATURE, base64.b64encode(self.key.sign(_payload(topic, key, value))))]


def new_signer(name: str, path: Path) -> Signer:
    """A new key pair: the private key in `path` (mode 0600), its public half printed by the caller."""
    key = Ed25519PrivateKey.generate()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(f"{name}\n".encode() + key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    path.chmod(0o600)
    return Signer(name, key)


def load_signer(path: str | None = None) -> Signer | None:
    """The producer key named by DOZOR_PRODUCER_KEY (or `path`): its first line the producer's name."""
    path = path or os.environ.get("DOZOR_PRODUCER_KEY")
    if not path:
        return None
    try:
        name, _, pem = Path(path).read_bytes().partition(b"\n")
        key = serialization.load_pem_private_key(pem, password=None)
    except (OSError, ValueError) as err:
        raise ValueError(f"DOZOR_PRODUCER_KEY={path}: not a producer key ({err}); make one with "
                         f"`dozor producer-key NAME --out FILE`") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"DOZOR_PRODUCER_KEY={path}: not an Ed25519 key")
    return Signer(name.decode().strip(), key)


@dataclass
class Producers:
    """Who may write which topic. Empty: every topic open (no producers configured)."""
    keys: dict[str, Ed25519PublicKey] = field(default_factory=dict)
    topics: dict[str, set[str]] = field(default_factory=dict)      # topic → producer names

    def check(self, topic: str, key: bytes | None, value: bytes | None, headers) -> str | None:
        """The producer who wrote it (None: the topic is open); IdentityError when not trusted."""
        allowed = self.topics.get(topic)
        if not allowed:
            return None
        given = dict(_pairs(headers))
        name = given.get(SIGNER, b"").decode("utf-8", "replace")
        if not name:
            raise IdentityError(f"{topic} is written only by {', '.join(sorted(allowed))}, and this record is "
                                f"not signed (no {SIGNER} header): a producer signs with its DOZOR_PRODUCER_KEY")
        if name not in allowed:
            raise IdentityError(f"{name!r} may not write {topic} (only {', '.join(sorted(allowed))} may; "
                                f"see DOZOR_PRODUCERS)")
        try:
            self.keys[name].verify(base64.b64decode(given.get(SIGNATURE, b""), validate=True),
                                   _payload(topic, key, value))
        except (InvalidSignature, ValueError, binascii.Error):
            raise IdentityError(f"the signature of {name!r} on this {topic} record does not match: altered, "
                                f"or signed with another key") from None
        return name


def _pairs(headers):
    if not headers:
        return []
    items = headers.items() if isinstance(headers, dict) else headers
    return [(k, v if isinstance(v, bytes) else str(v).encode()) for k, v in items]


def load_producers(path: str | None = None) -> Producers:
    path = path or os.environ.get("DOZOR_PRODUCERS")
    if not path:
        return Producers()
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise ValueError(f"DOZOR_PRODUCERS={path}: cannot read it: {err}") from None
    out = Producers()
    for name, table in data.get("producers", {}).items():
        where = f"{path}: [producers.{name}]"
        try:
            out.keys[name] = read_public(str(table.get("public_key", "")))
        except ValueError as err:
            raise ValueError(f"{where} public_key: {err}") from None
        names = table.get("topics")
        if not isinstance(names, list) or not names or not all(isinstance(t, str) for t in names):
            raise ValueError(f'{where} topics must list the topics it writes, e.g. topics = ["moderation.commands"]')
        for topic in names:
            out.topics.setdefault(topic, set()).add(name)
    return out
