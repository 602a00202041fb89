"""Personal data in the common chat (003 §5.3, 001 §5.1): phones, e-mail, documents, cards,
addresses, credentials. Numbers that carry a check digit (cards, SNILS, INN) count only
when the check digit is right, so page numbers and sums stay clean. Evidence is masked:
the data itself never leaves the verdict.

What is public is no finding at all: the regulations' and state services' addresses and
hotlines (lexicons/personal_data/public.tsv), the school's own address, INN, phones and
e-mail (the chat registry), an organisation's 10-digit INN and bank details, and a venue's
address in a trip or event notice (lexicons/personal_data/addresses.tsv).
"""
from __future__ import annotations

import re

import regex

from .. import registry
from ..checkdigits import inn_ok, luhn, snils_ok
from ..model import Evidence, Violation, surest
from ..morph import analyzer
from ..privacy import mask          # the one masking function (filters/privacy.py), re-exported here
from ..public import STREET, Public, address_key, mobile, phone_key
from .. import shapes
from ..tables import AddressWords, read_address_words, read_public, words_of
from ..tokens import token_at
from .base import Doc
from .lexicon import scan

__all__ = ["PersonalData", "personal_data", "mask", "luhn", "snils_ok", "inn_ok"]

_SEP = r"[\s\-\u2010-\u2015.()]*"
# a pattern's `v` group, when it has one, is the datum itself; otherwise the whole match is.
# Order matters: a span is taken by the first pattern, so a number labelled «ИНН» or «паспорт»
# is read as that before the unlabelled shapes (a Moscow INN 97… looks like a mobile).
PATTERNS: list[tuple[str, regex.Pattern]] = [
    ("personal_data.email", regex.compile(r"(?<![\w.])[\w.+\-]{1,64}@[\w\-]+(?:\.[\w\-]+)*\.[a-zа-я]{2,}\b", regex.I)),
    ("personal_data.inn", regex.compile(r"(?i)инн\D{0,5}(?P<v>\d{10}|\d{12})(?!\d)")),
    ("personal_data.passport", regex.compile(r"(?i)паспорт\D{0,25}(?P<v>\d{2}\s?\d{2}\s?(?:№|n|номер)?\s?\d{6})(?!\d)")),
    ("personal_data.card", regex.compile(r"(?<!\d)(?:\d[ \-]?){12,18}\d(?!\d)")),
    ("personal_data.phone", regex.compile(rf"(?<![\d\w])(?:\+7|8|7){_SEP}\(?\d{{3}}\)?{_SEP}\d{{3}}{_SEP}\d{{2}}{_SEP}\d{{2}}(?!\d)")),
    ("personal_data.phone", regex.compile(rf"(?<![\d\w+])9\d{{2}}{_SEP}\d{{3}}{_SEP}\d{{2}}{_SEP}\d{{2}}(?!\d)")),
    ("personal_data.snils", regex.compile(r"(?<!\d)\d{3}[\- ]?\d{3}[\- ]?\d{3}[\- ]?\d{2}(?!\d)")),
    ("personal_data.address", regex.compile(
        rf"(?i)\b(?P<kind>{STREET})\s+(?P<name>[\w\- ]{{2,40}}?),?\s*"
        r"(?:д\.?|дом)\s*(?P<house>\d+[а-я]?)(?P<flat>\s*,?\s*(?:кв\.?|квартира)\s*\d+)?")),
    ("personal_data.credentials", regex.compile(
        r"(?i)\b(?:пароль|password|логин|login|пин-?код)(?:[^:=\n]{0,25}?[:=]\s*|\s+)(?!от\b|для\b|к\b)(?P<v>\S{3,})")),
]

# How sure each kind is at best, and why. The policy deletes a certain finding at once, hides a
# likely one until a moderator looks and only shows a possible one (streams/policy/), so
# «certain» is kept for what cannot be anything but a person's datum.
SURE = {
    # 13–19 digits passing Luhn: one random number in ten passes too (an order number, a personal
    # account for school meals), so only a card's shape is certain: 16–19 digits starting as cards do
    # (Мир 2, Visa 4, Mastercard 5, UnionPay 6) or the word «карта» before it; the rest is likely.
    # An organisation's bank details after their labels (р/с, КБК, ОГРН) are set aside first.
    "personal_data.card": "certain",
    # a check over nine digits, but about one random 11-digit number in a hundred passes: certain
    # when written as a SNILS is (123-456-789 01) or named, likely otherwise
    "personal_data.snils": "certain",
    "personal_data.inn": "certain",          # 12 digits, two check digits: a person's (10 are skipped)
    "personal_data.email": "certain",        # a person's box; an organisation's («info@…») is possible
    # a mobile (+7 9xx) is a person's; a landline in a school chat is far more often an office's, a
    # clinic's or a hotline's, so it is only possible: shown to a moderator, never hidden
    "personal_data.phone": "certain",
    "personal_data.passport": "likely",      # «паспорт» and ten digits: no check digit, a form's number
    "personal_data.address": "likely",       # found by the street words: a shop's address looks the same
    "personal_data.credentials": "likely",   # «пароль: спросите у учителя» is no password
    "personal_data.health": "possible",      # a diagnosis word near a name: a book, a film, a cartoon
    # prison, guardianship, a police register, near whom it is about: hidden until a moderator
    # looks (it protects the family), never deleted alone: «папа сидит в тюрьме» may be a joke
    "personal_data.family": "likely",
    "personal_data.hardship": "possible",    # «у Ивановых нет денег»: a moderator judges
}
# which file's words are which kind of private matter, and whose name makes them someone's
_RULE = {"personal_data/health.txt": "personal_data.health", "personal_data/family.txt": "personal_data.family",
         "personal_data/hardship.txt": "personal_data.hardship"}
_WHO = {"personal_data.health": ("Name",), "personal_data.family": ("Name", "Surn"),
        "personal_data.hardship": ("Name", "Surn")}
VALID = {"personal_data.card": lambda d: 13 <= len(d) <= 19 and luhn(d),
         "personal_data.snils": lambda d: len(d) == 11 and snils_ok(d),
         "personal_data.inn": inn_ok}
WHAT = {"personal_data.email": "an e-mail address", "personal_data.card": "a bank card number",
        "personal_data.phone": "a phone number", "personal_data.snils": "a SNILS number",
        "personal_data.inn": "a person's INN", "personal_data.passport": "passport series and number",
        "personal_data.address": "a home address", "personal_data.credentials": "a login or password",
        "personal_data.health": "health information about a named child",
        "personal_data.family": "a family's private circumstances (prison, guardianship, a police register)",
        "personal_data.hardship": "a named family's money troubles"}


class PersonalData:
    """«Телефон для связи 8 (916) 123-45-67» → personal_data, evidence «8 (•••) •••-••-67»;
    «Горячая линия 8-800-100-12-34», «Сбор у театра, ул. Ленина, д. 5» → nothing."""
    name = category = "personal_data"

    def __init__(self, matcher, public: Public | None = None, addresses: AddressWords | None = None):
        self.matcher = matcher
        self.public = read_public() if public is None else public
        self.addresses = read_address_words() if addresses is None else addresses
        self.requisites = _requisites(self.public.requisites)

    def _health(self, doc: Doc) -> list[tuple]:
        """A diagnosis or a family's circumstances next to whom they are about: a child's name
        («у Пети ветрянка»; a surname too for a family, «у Ивановых долги»), or one of the words
        of the file's `рядом:` within three words («у сына ВИЧ», «мы под опекой»). What gets
        masked is the name, or the word that says what it is when no name is there."""
        hits = [h for h in scan(doc, self.matcher) if h.entry.category == "personal_data"]
        if not hits:
            return []
        out, named, tokens = [], set(), None
        for m in regex.finditer(r"\b[А-ЯЁ][а-яё]+", doc.text):
            close = [h for h in hits if abs(h.start - m.start()) < 60]
            if not close:
                continue
            tags = [p.tag for p in analyzer().parse(m.group())]
            for h in close:
                rule = _RULE.get(h.entry.file, "personal_data.health")
                if rule in named or not any(g in t for t in tags for g in _WHO[rule]):
                    continue
                if rule != "personal_data.health":
                    # a family's matters are about the name beside them, within four words («опека
                    # забрала детей у Сидоровых»), and not the one a message is addressed to: «Анна,
                    # вопрос про опеку» asks Anna
                    tokens = doc.tokens if tokens is None else tokens
                    k, i, j = token_at(tokens, m.start()), token_at(tokens, h.start), token_at(tokens, h.end - 1)
                    if not (i - 4 <= k <= j + 4) or _addressed(doc.text, m):
                        continue
                named.add(rule)
                out.append((rule, m.start(), m.end(), m.group(), SURE[rule]))
        for h in hits:
            rule = _RULE.get(h.entry.file, "personal_data.health")
            if rule in named or not h.entry.near:
                continue
            tokens = doc.tokens if tokens is None else tokens
            i, j = token_at(tokens, h.start), token_at(tokens, h.end - 1)
            if shapes.near(tokens, i, j, h.entry.near):
                named.add(rule)
                out.append((rule, h.start, h.end, h.text, SURE[rule]))
        return out

    def __call__(self, doc: Doc) -> Violation | None:
        health = self._health(doc)
        text = doc.text
        numbers, email, words = _NUMBER.search(text), "@" in text, _WORDS.search(text.lower())
        if not (health or numbers or email or words):
            return None           # the common case, decided by three cheap scans
        found, taken = list(health), [(s, e) for _, s, e, *_ in health]
        if numbers and self.requisites is not None:
            taken += [m.span("v") for m in self.requisites.finditer(text)]
        publics = None
        for rule, pattern in PATTERNS:
            if not (numbers or email or words):
                break
            if not (numbers if rule in _NUMERIC else email if rule == "personal_data.email" else words or numbers):
                continue
            group = "v" if "v" in pattern.groupindex else 0
            for m in pattern.finditer(text):
                start, end = m.span(group)
                if any(a < end and start < b for a, b in taken):
                    continue
                value = m.group(group)
                digits = "".join(c for c in value if c.isdigit())
                check = VALID.get(rule)
                if check and not check(digits):
                    continue
                # a public value is taken too: the digits of a hotline are not a card's either
                taken.append((start, end))
                if publics is None:
                    publics = (self.public, registry.settings(doc.message.chat_id).school)
                sure = self._sure(rule, m, value, digits, publics, text)
                if sure is not None:
                    found.append((rule, start, end, value, sure))
        if not found:
            return None
        evidence = tuple(Evidence(s, e, mask(v), mask(v), rule) for rule, s, e, v, _ in found)
        what = ", ".join(dict.fromkeys(f"{WHAT[r]} ({sure})" for r, _, _, _, sure in found))
        certainty = surest(sure for *_, sure in found)
        return Violation("personal_data", found[0][0], "high" if certainty == "certain" else "medium", evidence,
                         f"personal_data: {what} in the common chat (shown masked); "
                         f"send it privately (003 §5.3, 001 §5.1)", certainty=certainty)

    def _sure(self, rule: str, m, value: str, digits: str, publics: tuple[Public, ...], text: str) -> str | None:
        """How sure this match is (SURE, less when its shape says so), or None: not a person's."""
        if rule == "personal_data.phone":
            if any(p.phone(value) for p in publics):
                return None                    # a hotline, the school's office
            return SURE[rule] if mobile(phone_key(value)) else "possible"
        if rule == "personal_data.email":
            if any(p.email(value) for p in publics):
                return None
            return "possible" if any(p.mailbox(value) for p in publics) else SURE[rule]
        if rule == "personal_data.card":
            named = regex.search(r"(?i)карт\w*\W{1,3}(?:\w+\W{1,3}){0,3}$", text[max(0, m.start() - 40):m.start()])
            shaped = 16 <= len(digits) <= 19 and digits[0] in "2456"
            return SURE[rule] if shaped or named else "likely"
        if rule == "personal_data.snils":
            named = regex.search(r"(?i)снилс", text[max(0, m.start() - 40):m.start()])
            shaped = regex.fullmatch(r"\d{3}-\d{3}-\d{3}[ -]\d{2}", value)
            return SURE[rule] if shaped or named else "likely"
        if rule == "personal_data.inn":
            if len(digits) == 10 or any(p.inn(digits) for p in publics):
                return None                    # 10 digits are an organisation's: public by law
            return SURE[rule]
        if rule == "personal_data.address":
            if m["flat"]:
                return SURE[rule]              # a flat is a home, whatever stands around it
            if any(p.address(address_key(m["kind"], m["name"], m["house"])) for p in publics):
                return None
            # the words around it, not its own («ул. Театральная» is no theatre)
            if self.addresses.venue(words_of(text[:m.start()] + " " + text[m.end():])):
                return None
        return SURE[rule]


def _addressed(text: str, m) -> bool:
    """«Анна, …», «[id1|Антон], …»: the name a message opens with, before a comma, is whom it is
    addressed to, not whom it is about."""
    before = text[:m.start()].rstrip()
    return text[m.end():m.end() + 3].lstrip(" ]").startswith(",") and (not before or before[-1] in "|]")


def _requisites(labels: tuple[str, ...]) -> regex.Pattern | None:
    """A number right after an organisation's requisite («КПП 665801001», «р/с 4070…»)."""
    if not labels:
        return None
    alts = "|".join(r"\s*".join(regex.escape(w).replace("е", "[её]") for w in label.split())
                    for label in sorted(labels, key=len, reverse=True))
    return regex.compile(rf"(?i)(?<!\w)(?:{alts})\W{{0,5}}(?P<v>\d(?:[ \-]?\d){{7,24}})(?!\d)")


# matched on the lower-cased text: a case-insensitive alternation costs five times more in `re`
_WORDS = re.compile(r"ул\.|улиц|проспект|пр-т|переул|бульвар|шоссе|парол|password|логин|login|пин-?код")
_NUMBER = re.compile(r"\d(?:[\s\-()]*\d){5,}")       # six digits or more, however spaced
_NUMERIC = ("personal_data.card", "personal_data.phone", "personal_data.snils", "personal_data.inn",
            "personal_data.passport")


def personal_data(matcher, public: Public | None = None,
                  addresses: AddressWords | None = None) -> PersonalData:
    return PersonalData(matcher, public, addresses)
