"""A lexicon version as one record: how an edit travels to every worker of a cluster.

    {"version": "1a3bf2e2696e", "mode": "live" | "shadow" | "shadow-off",
     "files": {"profanity/base.txt": "…", …}, "published_at": "…", "by": "…",
     "allow_shrink": true,              (only when a maintainer means to cut a category by half or more)
     "signature": {"alg": "ed25519", "key": "…", "value": "…"}}

The version is the hash of the files (filters/ruleset.py), so a bundle damaged or
edited on the way no longer matches its name and is refused on arrival. Who may
publish one is the signature's business (streams/signing.py): workers apply only
bundles signed by the maintainers' key.
"""
from __future__ import annotations

import getpass
import shutil
import socket
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import regex

from ..ruleset import files, fingerprint

MODES = ("live", "shadow", "shadow-off")


class BundleError(ValueError):
    """A record on the lexicon topic that is not a usable bundle."""


def pack(folder: Path, mode: str = "live", by: str | None = None, allow_shrink: bool = False) -> dict:
    if mode not in MODES:
        raise BundleError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
    contents = files(Path(folder)) if mode != "shadow-off" else {}
    bundle = {"version": fingerprint(contents) if contents else "", "mode": mode,
              "files": {name: data.decode("utf-8") for name, data in contents.items()},
              "published_at": pack_time(), "by": by or publisher()}
    return bundle | ({"allow_shrink": True} if allow_shrink else {})


def pack_time() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def publisher() -> str:
    return f"{getpass.getuser()}@{socket.gethostname()}"


MAX_FILES, MAX_BYTES = 500, 4_000_000     # far above today's 31 files / 22 KB; Kafka caps a record anyway
_NAME = regex.compile(r"[a-z][a-z0-9_\-]*/[^/\x00\\]{1,120}\.(?:txt|tsv)")


def check(bundle) -> dict:
    """The bundle itself, if it is well-formed and its files hash to its version."""
    if not isinstance(bundle, dict) or bundle.get("mode") not in MODES:
        raise BundleError(f"a lexicon bundle is a JSON object with mode one of {', '.join(MODES)}")
    if not isinstance(bundle.get("allow_shrink", False), bool):
        raise BundleError("bundle field 'allow_shrink' must be true or false")
    if not isinstance(bundle.get("published_at", ""), str):
        raise BundleError("bundle field 'published_at' must be an ISO time")
    if bundle["mode"] == "shadow-off":
        return bundle
    got = bundle.get("files")
    if not isinstance(got, dict) or not got or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in got.items()):
        raise BundleError("bundle field 'files' must map 'category/file.txt' to the file's text")
    for name in got:
        # a category folder and a plain file name: nothing hidden (the version would not cover
        # it), nothing that climbs out of the cache, nothing a file system chokes on
        if not _NAME.fullmatch(name) or name.split("/")[1].startswith("."):
            raise BundleError(f"bundle file name {name!r} must be 'category/name.txt' or '.tsv'")
    try:
        encoded = {k: v.encode("utf-8") for k, v in got.items()}
    except UnicodeEncodeError as err:
        raise BundleError(f"bundle file text is not valid Unicode: {err}") from None
    if len(encoded) > MAX_FILES or sum(map(len, encoded.values())) > MAX_BYTES:
        raise BundleError(f"bundle too large: at most {MAX_FILES} files and {MAX_BYTES:,} bytes")
    actual = fingerprint(encoded)
    if actual != bundle.get("version"):
        raise BundleError(f"bundle says version {bundle.get('version')!r} but its files hash to {actual}: "
                          f"damaged or edited after publishing; publish again with `dozor lexicon publish`")
    return bundle


def unpack(bundle: dict, into: Path) -> Path:
    """Write the bundle's files under `into/<version>/` (once) and return that folder.

    Several workers on one host share the cache: each writes a folder of its own, checks
    that it holds exactly the version, and only then renames it into place; a folder
    already there (written the same way) is never deleted under another reader."""
    check(bundle)
    into = Path(into)
    into.mkdir(parents=True, exist_ok=True)
    folder = into / bundle["version"]
    if folder.is_dir() and fingerprint(files(folder)) == bundle["version"]:
        return folder
    tmp = Path(tempfile.mkdtemp(prefix=f".{bundle['version']}.", dir=into))
    try:
        for name, text in bundle["files"].items():
            (tmp / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp / name).write_text(text, encoding="utf-8")
        if fingerprint(files(tmp)) != bundle["version"]:
            raise BundleError(f"the files of {bundle['version']} did not survive writing to {into}")
        try:
            tmp.rename(folder)
        except OSError:               # another worker got there first, or a broken leftover
            if not (folder.is_dir() and fingerprint(files(folder)) == bundle["version"]):
                shutil.rmtree(folder, ignore_errors=True)     # nobody can use a broken one
                tmp.rename(folder)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return folder
