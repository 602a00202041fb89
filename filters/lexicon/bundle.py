"""A lexicon version as one record: how an edit travels to every worker of a cluster.

    {"version": "1a3bf2e2696e", "mode": "live" | "shadow" | "shadow-off",
     "files": {"profanity/base.txt": "…", …}, "published_at": "…", "by": "…"}

The version is the hash of the files (filters/ruleset.py), so a bundle damaged or
edited on the way no longer matches its name and is refused on arrival.
"""
from __future__ import annotations

import getpass
import socket
from datetime import datetime, timezone
from pathlib import Path

from ..ruleset import fingerprint, files

MODES = ("live", "shadow", "shadow-off")


class BundleError(ValueError):
    """A record on the lexicon topic that is not a usable bundle."""


def pack(folder: Path, mode: str = "live", by: str | None = None) -> dict:
    if mode not in MODES:
        raise BundleError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
    contents = files(Path(folder)) if mode != "shadow-off" else {}
    return {"version": fingerprint(contents) if contents else "", "mode": mode,
            "files": {name: data.decode("utf-8") for name, data in contents.items()},
            "published_at": pack_time(), "by": by or publisher()}


def pack_time() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def publisher() -> str:
    return f"{getpass.getuser()}@{socket.gethostname()}"


def check(bundle) -> dict:
    """The bundle itself, if it is well-formed and its files hash to its version."""
    if not isinstance(bundle, dict) or bundle.get("mode") not in MODES:
        raise BundleError(f"a lexicon bundle is a JSON object with mode one of {', '.join(MODES)}")
    if bundle["mode"] == "shadow-off":
        return bundle
    got = bundle.get("files")
    if not isinstance(got, dict) or not got or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in got.items()):
        raise BundleError("bundle field 'files' must map 'category/file.txt' to the file's text")
    for name in got:
        parts = name.split("/")
        if len(parts) != 2 or parts[0] in ("", ".", "..") or parts[1] in ("", ".", "..") \
                or not parts[1].endswith((".txt", ".tsv")):
            raise BundleError(f"bundle file name {name!r} must be 'category/name.txt' or '.tsv'")
    actual = fingerprint({k: v.encode("utf-8") for k, v in got.items()})
    if actual != bundle.get("version"):
        raise BundleError(f"bundle says version {bundle.get('version')!r} but its files hash to {actual}: "
                          f"damaged or edited after publishing; publish again with `dozor lexicon publish`")
    return bundle


def unpack(bundle: dict, into: Path) -> Path:
    """Write the bundle's files under `into/<version>/` (once) and return that folder."""
    check(bundle)
    folder = Path(into) / bundle["version"]
    if not (folder / ".complete").exists():
        tmp = Path(into) / f".{bundle['version']}.tmp"
        for name, text in bundle["files"].items():
            (tmp / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp / name).write_text(text, encoding="utf-8")
        (tmp / ".complete").touch()
        if folder.exists():
            import shutil
            shutil.rmtree(folder)
        tmp.rename(folder)
    return folder
