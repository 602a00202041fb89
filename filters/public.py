"""What is public and so never a person's data: the regulations' own addresses, state and
education services, the school's own sites, addresses, INN, phones and e-mail.

Values come from two places, and meet here in one shape (`Public`): the lexicon version
(`personal_data/public.tsv`, read by filters/tables.py) and the chat registry (the school's
own, filters/registry.py). Both are compared by keys, not by spelling, so «8 (800) 100-12-34»
and «+7 800 1001234», «ул. Ленина, д. 10» and «улица Ленина дом 10» are the same thing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, fields

import regex

# Street kinds as the address pattern reads them; one table so the detector and the registry agree
STREET = r"ул\.?|улица|пр-т|проспект|пер\.?|переулок|бульвар|б-р|шоссе"
_KIND = (("ул", "ул"), ("пр", "пр"), ("пер", "пер"), ("б", "б-р"), ("ш", "ш"))

EMAIL = re.compile(r"[\w.+\-]{1,64}@[\w\-]+(?:\.[\w\-]+)*\.[a-zа-я]{2,}", re.I)
_DOMAIN = re.compile(r"[a-z0-9а-яё](?:[a-z0-9а-яё\-]*[a-z0-9а-яё])?(?:\.[a-z0-9а-яё](?:[a-z0-9а-яё\-]*[a-z0-9а-яё])?)+")
_LOOSE_ADDRESS = regex.compile(
    rf"(?i)(?<!\w)(?P<kind>{STREET})(?:(?<=\.)\s*|\s+)(?P<name>[\w\- .]{{2,40}}?),?\s*(?:(?:д\.?|дом)\s*)?"
    r"(?P<house>\d+[а-я]?)(?!\w)")
_FLAT = regex.compile(r"(?i)(?<!\w)(?:кв\.?|квартира)\s*\d")


def phone_key(value: str) -> str:
    """«8 (916) 123-45-67», «+7 916 1234567», «9161234567» → «79161234567»; a prefix likewise."""
    digits = "".join(c for c in value if c.isdigit())
    if len(digits) == 10:                      # written without the country code
        return "7" + digits
    if digits[:1] == "8":
        return "7" + digits[1:]
    return digits


def mobile(key: str) -> bool:
    """A Russian mobile number (+7 9xx): a person's, not an office's."""
    return len(key) == 11 and key.startswith("79")


def email_key(value: str) -> str:
    return value.strip().lower()


def site_key(value: str) -> tuple[str, str] | None:
    """«https://www.school31.ru/» → («school31.ru», ""); «t.me/School31» → («t.me», "/school31»).
    None when `value` names no domain."""
    text = value.strip().lower()
    text = re.sub(r"^[a-z]+://", "", text)
    text = text.removeprefix("www.")
    domain, slash, path = text.partition("/")
    if not _DOMAIN.fullmatch(domain):
        return None
    path = ("/" + path).rstrip("/") if slash else ""
    return domain, path.split("?")[0].split("#")[0]


def domain_ok(value: str) -> bool:
    return bool(_DOMAIN.fullmatch(value))


def address_key(kind: str, name: str, house: str) -> tuple[str, str, str]:
    """The street kind, name and house of an address, spelled one way."""
    k = kind.lower().rstrip(".")
    kind = next((canon for start, canon in _KIND if k.startswith(start)), k)
    name = " ".join(regex.sub(r"[^\w]+", " ", name.lower().replace("ё", "е")).split())
    return kind, name, house.lower()


def parse_address(value: str) -> tuple[str, str, str] | None:
    """The key of a written address («620000, г. Екатеринбург, ул. Ленина, д. 10»), or None."""
    m = _LOOSE_ADDRESS.search(value)
    return address_key(m["kind"], m["name"], m["house"]) if m else None


def has_flat(value: str) -> bool:
    return bool(_FLAT.search(value))


@dataclass(frozen=True)
class Public:
    """Values that are never a finding. Prefixes and mailbox names come only from the lexicon."""
    emails: frozenset[str] = frozenset()                       # email_key
    phones: frozenset[str] = frozenset()                       # phone_key, whole numbers
    phone_prefixes: tuple[str, ...] = ()                       # phone_key of «8 800*»
    inns: frozenset[str] = frozenset()                         # digits
    addresses: frozenset[tuple[str, str, str]] = frozenset()   # address_key
    sites: frozenset[tuple[str, str]] = frozenset()            # site_key
    mailboxes: tuple[str, ...] = ()                            # «info», «school*»: an organisation's box
    requisites: tuple[str, ...] = ()                           # «КПП», «р/с»: a number after one is an
                                                               # organisation's bank details

    def __or__(self, other: "Public") -> "Public":
        """Both sets of values: the lexicon's and a chat's, the defaults' and a chat's own."""
        return Public(*(_join(getattr(self, f.name), getattr(other, f.name)) for f in fields(self)))

    def phone(self, value: str) -> bool:
        key = phone_key(value)
        return key in self.phones or any(key.startswith(p) for p in self.phone_prefixes)

    def email(self, value: str) -> bool:
        return email_key(value) in self.emails

    def mailbox(self, value: str) -> bool:
        """An address whose box is an organisation's («info@museum.ru»), not a person's."""
        box = email_key(value).partition("@")[0]
        return any(box.startswith(m[:-1]) if m.endswith("*") else box == m for m in self.mailboxes)

    def inn(self, digits: str) -> bool:
        return digits in self.inns

    def address(self, key: tuple[str, str, str]) -> bool:
        return key in self.addresses

    def site(self, domain: str, path: str) -> bool:
        """A link to one of the school's own sites or channels: «t.me/school31/45» is under
        «t.me/school31», «t.me/school31fake» is not."""
        domain, path = domain.lower().removeprefix("www."), path.lower().rstrip(".,;:!?)»\"'")
        for d, p in self.sites:
            if (domain == d or domain.endswith("." + d)) and (
                    not p or path == p or path.startswith((p + "/", p + "?", p + "#"))):
                return True
        return False


def _join(a, b):
    return a | b if isinstance(a, frozenset) else a + tuple(x for x in b if x not in a)


NOBODY = Public()
