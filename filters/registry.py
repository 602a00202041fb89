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

Who may act in a chat (messenger user ids; a chat's lists add to the defaults' lists):

    [defaults]
    moderators = ["t-admin-1"]          # moderate every chat (a deputy head, say)
    authorisers = ["d-director"]        # the director and the officials the director authorised (000 §4.5)

    [chats."sch31-5b-parents"]
    moderators = ["t-7"]                # the class teacher; anyone who joined as teacher or admin is one too
    block = "propose"                   # the 4th counted violation proposes a block for a moderator to
                                        # confirm, instead of blocking ("auto"); default: policies.toml
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
    moderators: frozenset[str] = frozenset()      # user ids who moderate the chat (plus who joined as staff)
    authorisers: frozenset[str] = frozenset()     # who may authorise a block beyond the rules' month
    block: str | None = None                      # "auto" | "propose"; None: policies.toml decides

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
    defaults = ChatSettings(d.get("kind", "parents"), d.get("timezone", "Europe/Moscow"),
                            moderators=_users(d, "moderators", path, "defaults"),
                            authorisers=_users(d, "authorisers", path, "defaults"),
                            block=_block(d, path, "defaults"))
    chats = {}
    for chat_id, c in data.get("chats", {}).items():
        try:
            exc = tuple((datetime.fromisoformat(e["from"]), datetime.fromisoformat(e["to"]), e.get("reason", ""))
                        for e in c.get("quiet_hours_exceptions", []))
        except (KeyError, ValueError) as err:
            raise RegistryError(f"{path}: chats.{chat_id}: an exception needs 'from' and 'to' as ISO times "
                                f"with offset ({err})") from None
        cats = frozenset(c["categories"]) if "categories" in c else None
        where = f'chats."{chat_id}"'
        chats[chat_id] = ChatSettings(
            c.get("kind", defaults.kind), c.get("timezone", defaults.timezone), exc, cats,
            moderators=defaults.moderators | _users(c, "moderators", path, where),
            authorisers=defaults.authorisers | _users(c, "authorisers", path, where),
            block=_block(c, path, where) or defaults.block)
    return {"defaults": defaults, "chats": chats}


def _users(table: dict, key: str, path: str, where: str) -> frozenset[str]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(u, str) and u.strip() for u in value):
        raise RegistryError(f"{path}: {where}.{key} must be a list of messenger user ids, "
                            f'e.g. {key} = ["u-42"] (got {value!r})')
    return frozenset(value)


def _block(table: dict, path: str, where: str) -> str | None:
    value = table.get("block")
    if value not in (None, "auto", "propose"):
        raise RegistryError(f'{path}: {where}.block must be "auto" (block on the 4th counted violation) or '
                            f'"propose" (a moderator confirms the block), got {value!r}')
    return value


def settings(chat_id: str) -> ChatSettings:
    reg = load()
    return reg["chats"].get(chat_id, reg["defaults"])
