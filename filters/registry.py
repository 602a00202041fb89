"""The chat registry: a chat's kind, time zone and quiet-hours exceptions, for messages that
do not carry them (contract §1 `chat` is optional). A TOML file named by DOZOR_CHATS:

    [defaults]
    kind = "parents"
    timezone = "Europe/Moscow"

    [chats."sch31-5b-parents"]
    timezone = "Asia/Yekaterinburg"
    categories = ["profanity", "insult", "hate", "threat", "personal_data"]   # overrides the kind's list
    quiet_hours_exceptions = [
      {from = "2026-12-01T00:00:00+05:00", to = "2026-12-03T23:59:00+05:00", reason = "поездка в Казань"},
    ]
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path


@dataclass(frozen=True)
class ChatSettings:
    kind: str = "parents"
    timezone: str = "Europe/Moscow"
    exceptions: tuple[tuple[datetime, datetime, str], ...] = ()
    categories: frozenset[str] | None = None      # None: what policies.toml says for the kind

    def excepted(self, moment: datetime) -> str | None:
        for start, end, reason in self.exceptions:
            if start <= moment <= end:
                return reason
        return None


class RegistryError(ValueError):
    pass


@lru_cache(maxsize=4)
def load(path: str | None = None) -> dict:
    path = path or os.environ.get("DOZOR_CHATS")
    if not path:
        return {"defaults": ChatSettings(), "chats": {}}
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise RegistryError(f"DOZOR_CHATS={path}: cannot read the chat registry: {err}") from None
    d = data.get("defaults", {})
    defaults = ChatSettings(d.get("kind", "parents"), d.get("timezone", "Europe/Moscow"))
    chats = {}
    for chat_id, c in data.get("chats", {}).items():
        try:
            exc = tuple((datetime.fromisoformat(e["from"]), datetime.fromisoformat(e["to"]), e.get("reason", ""))
                        for e in c.get("quiet_hours_exceptions", []))
        except (KeyError, ValueError) as err:
            raise RegistryError(f"{path}: chats.{chat_id}: an exception needs 'from' and 'to' as ISO times "
                                f"with offset ({err})") from None
        cats = frozenset(c["categories"]) if "categories" in c else None
        chats[chat_id] = ChatSettings(c.get("kind", defaults.kind), c.get("timezone", defaults.timezone), exc, cats)
    return {"defaults": defaults, "chats": chats}


def settings(chat_id: str) -> ChatSettings:
    reg = load()
    return reg["chats"].get(chat_id, reg["defaults"])
