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

The school's own public data, never a violation (a chat's lists add to the defaults' lists,
like the lists above; every field is optional):

    [defaults.school]
    sites = ["school31.ru", "t.me/school31", "vk.com/school31"]
                                        # links to them are not off-topic: a domain counts with its
                                        # subdomains, a link with a path («t.me/school31») only below it
    addresses = ["620000, г. Екатеринбург, ул. Ленина, д. 10"]
                                        # the buildings: the street and the house are compared, so
                                        # «улица Ленина дом 10» is the same; never an address with a flat
    inns = ["6658012341"]               # the school's INN, in quotes (a leading 0 matters), check digit
                                        # right: a payment notice is not personal data
    phones = ["+7 343 123-45-67"]       # the office, the canteen: with the area code
    emails = ["school31@mail.ru"]

    [chats."sch31-5b-parents".school]
    addresses = ["ул. Мира, д. 3"]      # the primary school's building, for this chat only

Public addresses that are the same for every school (the regulations' info@sferum.ru, 8-800
hotlines, state services) are lexicon data, not registry data: lexicons/personal_data/public.tsv
and lexicons/offtopic/domains.tsv.
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from .checkdigits import inn_ok
from .public import EMAIL, NOBODY, Public, has_flat, parse_address, phone_key, site_key


@dataclass(frozen=True)
class ChatSettings:
    kind: str = "parents"
    timezone: str = "Europe/Moscow"
    exceptions: tuple[tuple[datetime, datetime, str], ...] = ()
    categories: frozenset[str] | None = None      # None: what policies.toml says for the kind
    moderators: frozenset[str] = frozenset()      # user ids who moderate the chat (plus who joined as staff)
    authorisers: frozenset[str] = frozenset()     # who may authorise a block beyond the rules' month
    block: str | None = None                      # "auto" | "propose"; None: policies.toml decides
    school: Public = NOBODY                       # the school's own sites, addresses, INN, phones, e-mail

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
                            block=_block(d, path, "defaults"), school=_school(d, path, "defaults"))
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
            block=_block(c, path, where) or defaults.block,
            school=defaults.school | _school(c, path, where))
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


def _site(value: str):
    key = site_key(value)
    if key is None:
        raise ValueError(f"{value!r} is not a site or a channel: write a domain or a link, "
                         f'e.g. "school31.ru", "t.me/school31", "vk.com/school31"')
    return key


def _address(value: str):
    if has_flat(value):
        raise ValueError(f"{value!r} has a flat number: a school's address is its building, "
                         f'e.g. "ул. Ленина, д. 10"; an address with a flat is always a home')
    key = parse_address(value)
    if key is None:
        raise ValueError(f"{value!r} is not an address dozor can read: write the street and the house, "
                         f'e.g. "ул. Ленина, д. 10" or "проспект Мира, дом 5"')
    return key


def _inn(value: str):
    if not (value.isdigit() and len(value) in (10, 12)):
        raise ValueError(f"{value!r} is not an INN: 10 digits (an organisation) or 12, digits only")
    if not inn_ok(value):
        raise ValueError(f"{value!r} fails the INN check digit: copy it again from the school's requisites")
    return value


def _phone(value: str):
    key = phone_key(value)
    if len(key) != 11 or not key.startswith("7"):
        raise ValueError(f"{value!r} is not a whole phone number: write it with the area code, "
                         f'e.g. "+7 343 123-45-67"')
    return key


def _email(value: str):
    if not EMAIL.fullmatch(value.strip()):
        raise ValueError(f'{value!r} is not an e-mail address: write it whole, e.g. "school31@mail.ru"')
    return value.strip().lower()


_SCHOOL = {"sites": _site, "addresses": _address, "inns": _inn, "phones": _phone, "emails": _email}


def _school(table: dict, path: str, where: str) -> Public:
    school = table.get("school", {})
    if not isinstance(school, dict):
        raise RegistryError(f"{path}: {where}.school must be a table: write [{where}.school] on a line of "
                            f"its own and the lists below it ({', '.join(_SCHOOL)})")
    for key in school:
        if key not in _SCHOOL:
            raise RegistryError(f"{path}: {where}.school.{key} is not a field of the school's data; "
                                f"write one of {', '.join(_SCHOOL)}")
    found = {}
    for key, parse in _SCHOOL.items():
        values = school.get(key, [])
        if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
            raise RegistryError(f"{path}: {where}.school.{key} must be a list of strings in quotes, "
                                f'e.g. {key} = ["…"] (got {values!r})')
        try:
            found[key] = frozenset(parse(v) for v in values)
        except ValueError as err:
            raise RegistryError(f"{path}: {where}.school.{key}: {err}") from None
    return Public(emails=found["emails"], phones=found["phones"], inns=found["inns"],
                  addresses=found["addresses"], sites=found["sites"])


def settings(chat_id: str) -> ChatSettings:
    reg = load()
    return reg["chats"].get(chat_id, reg["defaults"])
