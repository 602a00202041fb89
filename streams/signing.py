"""Who may change the word lists of running workers: lexicon bundles signed with Ed25519.

Anyone who can write to the lexicon topic could otherwise make «контрольная» a swear
word in every worker. So the maintainers' publishing tool (`dozor lexicon publish`,
`promote`, and `dozor run`'s file watch) signs each bundle with a private key, and a
worker applies a bundle only if it carries a valid signature by a public key it was
told to trust (DOZOR_LEXICON_PUBLIC_KEY); anything else is refused and logged, and the
version in force stays. The signature covers the whole bundle — files, version,
mode, time, publisher — so a bundle altered after signing is refused too.

Where the keys are (streams/settings.py has the table):

- the private key: DOZOR_LEXICON_SIGNING_KEY names its file; otherwise
  `<DOZOR_DATA_DIR>/keys/lexicon-signing.key` (mode 0600), which `dozor run` on its
  embedded broker makes on its first start, and `dozor lexicon keygen` anywhere;
- the public key(s) a worker trusts: DOZOR_LEXICON_PUBLIC_KEY (the key itself, as
  printed by `dozor lexicon keygen`, or a file holding it; several separated by commas,
  to change keys without a gap); otherwise `<DOZOR_DATA_DIR>/keys/lexicon-signing.pub`.
  A worker that trusts no key refuses every bundle and says so at start.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import stat
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ALGORITHM = "ed25519"
FIELD = "signature"
# what is signed says what it is: a signature over a lexicon bundle can never pass for another record's
CONTEXT = b"dozor lexicon bundle v1\0"
KEY_DIR, PRIVATE, PUBLIC = "keys", "lexicon-signing.key", "lexicon-signing.pub"
ENV_PRIVATE, ENV_PUBLIC = "DOZOR_LEXICON_SIGNING_KEY", "DOZOR_LEXICON_PUBLIC_KEY"


class SignatureError(ValueError):
    """A bundle this worker must not apply: unsigned, signed by a key it does not trust, or altered."""


class NoSigningKey(RuntimeError):
    """No private key to sign with: the message says where dozor looked and what to do."""


# ------------------------------------------------------------ signing and checking
def payload(bundle: dict) -> bytes:
    """The bytes a signature covers: the bundle without its signature, as canonical JSON
    (sorted keys, ASCII escapes: the same bytes whatever JSON library carried it)."""
    body = {k: v for k, v in bundle.items() if k != FIELD}
    return CONTEXT + json.dumps(body, sort_keys=True, ensure_ascii=True, separators=(",", ":")).encode("ascii")


def sign(bundle: dict, key: Ed25519PrivateKey) -> dict:
    """`bundle` with a signature by `key` (any earlier signature replaced)."""
    body = {k: v for k, v in bundle.items() if k != FIELD}
    return body | {FIELD: {"alg": ALGORITHM, "key": key_id(key.public_key()),
                           "value": base64.b64encode(key.sign(payload(body))).decode("ascii")}}


def verify(bundle, trusted: list[Ed25519PublicKey]) -> str:
    """The id of the trusted key that signed `bundle`; SignatureError saying what is wrong otherwise."""
    if not trusted:
        raise SignatureError(f"this worker trusts no signing key, so it applies no published version; give "
                             f"it the maintainers' public key in {ENV_PUBLIC} (`dozor lexicon keygen` prints it)")
    if not isinstance(bundle, dict) or not isinstance(bundle.get(FIELD), dict):
        raise SignatureError("unsigned: only bundles signed by the maintainers' publishing tool "
                             "(`dozor lexicon publish`) are applied, and this one was written to the topic "
                             "some other way")
    sig = bundle[FIELD]
    if sig.get("alg") != ALGORITHM:
        raise SignatureError(f"signed with {sig.get('alg')!r}; only {ALGORITHM} signatures are accepted")
    try:
        value = base64.b64decode(str(sig.get("value", "")), validate=True)
        body = payload(bundle)
    except (binascii.Error, ValueError, TypeError, RecursionError) as err:
        raise SignatureError(f"the signature cannot be read ({err})") from None
    keys = {key_id(k): k for k in trusted}
    named = keys.get(str(sig.get("key")))
    for kid, key in ([(sig.get("key"), named)] if named else []) + list(keys.items()):
        try:
            key.verify(value, body)
            return str(kid)
        except InvalidSignature:
            continue
    if named is not None:
        raise SignatureError(f"the signature of key {sig.get('key')} does not match the bundle: it was altered "
                             f"after signing; publish it again with `dozor lexicon publish`")
    raise SignatureError(f"signed by key {sig.get('key')!r}, which this worker does not trust (it trusts "
                         f"{', '.join(keys)}); publish with the maintainers' key, or add its public key "
                         f"to {ENV_PUBLIC}")


def key_id(key: Ed25519PublicKey) -> str:
    """A short name for a public key, for logs: the start of the SHA-256 of its raw bytes."""
    return hashlib.sha256(raw_public(key)).hexdigest()[:16]


def raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_text(key: Ed25519PublicKey) -> str:
    """The public key as one line of base64: what goes into DOZOR_LEXICON_PUBLIC_KEY."""
    return base64.b64encode(raw_public(key)).decode("ascii")


# ------------------------------------------------------------------ key files
def default_private(data_dir: Path) -> Path:
    return Path(data_dir) / KEY_DIR / PRIVATE


def default_public(data_dir: Path) -> Path:
    return Path(data_dir) / KEY_DIR / PUBLIC


def generate(private: Path, public: Path | None = None) -> Ed25519PrivateKey:
    """A new key pair: the private key written to `private` readable by its owner only (0600, created
    so: never readable by others even for a moment), the public one beside it (or to `public`)."""
    private = Path(private)
    public = Path(public) if public else private.with_suffix(".pub")
    private.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    fd = os.open(private, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)   # never overwrites a key
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    public.write_text(public_text(key.public_key()) + "\n", encoding="ascii")
    return key


def ensure_pair(data_dir: Path) -> tuple[Path, bool]:
    """The data dir's key pair, made if it is not there yet: (private key file, made now)."""
    private = default_private(data_dir)
    if private.exists():
        if not default_public(data_dir).exists():         # the public half lost: it follows from the private
            default_public(data_dir).write_text(public_text(load_private(private).public_key()) + "\n",
                                                encoding="ascii")
        return private, False
    try:
        generate(private, default_public(data_dir))
    except FileExistsError:              # another `dozor run` on the same data dir made it just now
        return private, False
    return private, True


def load_private(path: Path) -> Ed25519PrivateKey:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise NoSigningKey(f"cannot read the lexicon signing key {path}: {err.strerror}; {ENV_PRIVATE} must "
                           f"name the private key file (`dozor lexicon keygen --out FILE` makes one)") from None
    if path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise NoSigningKey(f"the lexicon signing key {path} can be read by others than its owner: whoever "
                           f"reads it can change every worker's word lists; `chmod 600 {path}`, and if others "
                           f"may have read it, make a new pair")
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as err:
        raise NoSigningKey(f"{path} is not an unencrypted PEM private key ({err})") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise NoSigningKey(f"{path} is a {type(key).__name__}, not an Ed25519 key; make one with "
                           f"`dozor lexicon keygen`")
    return key


def signing_key(configured: Path | None, data_dir: Path) -> Ed25519PrivateKey:
    """The key the publishing tool signs with: the file `configured` names (DOZOR_LEXICON_SIGNING_KEY),
    or the data dir's; NoSigningKey saying what to do when there is none."""
    if configured:
        return load_private(configured)
    path = default_private(data_dir)
    if path.exists():
        return load_private(path)
    raise NoSigningKey(f"no key to sign lexicon versions with: workers apply only signed ones. Set "
                       f"{ENV_PRIVATE} to the maintainers' private key file, or make a pair with `dozor lexicon "
                       f"keygen` (it is written to {path} and prints the public key for the workers' "
                       f"{ENV_PUBLIC}); beside a local `dozor run`, use the same DOZOR_DATA_DIR: it made "
                       f"one there on its first start")


def parse_public(text: str) -> list[Ed25519PublicKey]:
    """Public keys from DOZOR_LEXICON_PUBLIC_KEY: comma-separated, each base64 of the 32 raw bytes, a
    PEM block, or the name of a file holding either. ValueError saying which one is wrong."""
    keys = []
    for item in (i.strip() for i in text.replace("\n", ",").split(",")):
        if not item:
            continue
        raw = _base64(item)
        if raw is not None and len(raw) == 32:
            keys.append(Ed25519PublicKey.from_public_bytes(raw))
        elif "-----BEGIN" in item:
            keys.append(_pem_public(text if "-----END" not in item else item))
            break                          # a PEM block is the whole text
        else:
            path = Path(item).expanduser()
            try:
                content = path.read_text(encoding="ascii")
            except (OSError, UnicodeDecodeError) as err:
                raise ValueError(f"{ENV_PUBLIC}: {item[:60]!r} is neither an Ed25519 public key (44 characters "
                                 f"of base64, as `dozor lexicon keygen` prints it) nor a file that can be read "
                                 f"({err})") from None
            keys += parse_public(content) if "-----BEGIN" not in content else [_pem_public(content)]
    return keys


def _base64(item: str) -> bytes | None:
    try:
        return base64.b64decode(item, validate=True)
    except (binascii.Error, ValueError):
        return None


def _pem_public(text: str) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(text.encode("ascii"))
    except (ValueError, UnicodeEncodeError) as err:
        raise ValueError(f"{ENV_PUBLIC}: not a PEM public key ({err})") from None
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError(f"{ENV_PUBLIC}: a {type(key).__name__}, not an Ed25519 key")
    return key


def trusted_keys(configured: str | None, data_dir: Path) -> list[Ed25519PublicKey]:
    """The public keys a worker accepts bundles from: DOZOR_LEXICON_PUBLIC_KEY, else the data dir's."""
    if configured:
        return parse_public(configured)
    path = default_public(data_dir)
    if path.exists():
        return parse_public(path.read_text(encoding="ascii"))
    return []
