"""Personal data in the common chat (003 §5.3, 001 §5.1): phones, e-mail, documents, cards,
addresses, credentials. Numbers that carry a check digit (cards, SNILS, INN) count only
when the check digit is right, so page numbers and sums stay clean. Evidence is masked:
the data itself never leaves the verdict.
"""
from __future__ import annotations

import re

import regex

from ..model import Evidence, Violation
from ..morph import analyzer
from .base import Doc
from .lexicon import scan, shared_matcher

_SEP = r"[\s\-\u2010-\u2015.()]*"
PATTERNS: list[tuple[str, regex.Pattern]] = [
    ("personal_data.email", regex.compile(r"(?<![\w.])[\w.+\-]{1,64}@[\w\-]+(?:\.[\w\-]+)*\.[a-zа-я]{2,}\b", regex.I)),
    ("personal_data.card", regex.compile(r"(?<!\d)(?:\d[ \-]?){12,18}\d(?!\d)")),
    ("personal_data.phone", regex.compile(rf"(?<![\d\w])(?:\+7|8|7){_SEP}\(?\d{{3}}\)?{_SEP}\d{{3}}{_SEP}\d{{2}}{_SEP}\d{{2}}(?!\d)")),
    ("personal_data.phone", regex.compile(rf"(?<![\d\w+])9\d{{2}}{_SEP}\d{{3}}{_SEP}\d{{2}}{_SEP}\d{{2}}(?!\d)")),
    ("personal_data.snils", regex.compile(r"(?<!\d)\d{3}[\- ]?\d{3}[\- ]?\d{3}[\- ]?\d{2}(?!\d)")),
    ("personal_data.inn", regex.compile(r"(?i)инн\D{0,5}(\d{10}|\d{12})(?!\d)")),
    ("personal_data.passport", regex.compile(r"(?i)паспорт\D{0,25}(\d{2}\s?\d{2}\s?(?:№|n|номер)?\s?\d{6})(?!\d)")),
    ("personal_data.address", regex.compile(
        r"(?i)\b(?:ул\.?|улица|пр-т|проспект|пер\.?|переулок|бульвар|б-р|шоссе)\s+[\w\- ]{2,40}?,?\s*"
        r"(?:д\.?|дом)\s*\d+[а-я]?(?:\s*,?\s*(?:кв\.?|квартира)\s*\d+)?")),
    ("personal_data.credentials", regex.compile(
        r"(?i)\b(?:пароль|password|логин|login|пин-?код)(?:[^:=\n]{0,25}?[:=]\s*|\s+)(?!от\b|для\b|к\b)(\S{3,})")),
]


def luhn(digits: str) -> bool:
    total, alt = 0, False
    for d in reversed(digits):
        n = int(d)
        if alt:
            n = n * 2 - 9 if n > 4 else n * 2
        total, alt = total + n, not alt
    return total % 10 == 0


def snils_ok(digits: str) -> bool:
    number, check = digits[:9], int(digits[9:])
    if int(number) <= 1001998:
        return False
    total = sum(int(d) * (9 - i) for i, d in enumerate(number))
    total = total % 101 if total > 101 else total
    return (0 if total in (100, 101) else total) == check


def inn_ok(digits: str) -> bool:
    def check(ds, weights):
        return sum(int(d) * w for d, w in zip(ds, weights)) % 11 % 10
    if len(digits) == 10:
        return check(digits, (2, 4, 10, 3, 5, 9, 4, 6, 8)) == int(digits[9])
    return (check(digits, (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)) == int(digits[10])
            and check(digits, (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)) == int(digits[11]))


VALID = {"personal_data.card": lambda d: 13 <= len(d) <= 19 and luhn(d),
         "personal_data.snils": lambda d: len(d) == 11 and snils_ok(d),
         "personal_data.inn": inn_ok}
WHAT = {"personal_data.email": "an e-mail address", "personal_data.card": "a bank card number",
        "personal_data.phone": "a phone number", "personal_data.snils": "a SNILS number",
        "personal_data.inn": "an INN", "personal_data.passport": "passport series and number",
        "personal_data.address": "a home address", "personal_data.credentials": "a login or password",
        "personal_data.health": "health information about a named child"}


def mask(value: str) -> str:
    """«petrov1980@yandex.ru» → «p•••••••••@yandex.ru»; «8 (916) 123-45-67» → «• (•••) •••-••-67»."""
    if "@" in value:
        user, _, domain = value.partition("@")
        return user[:1] + "•" * (len(user) - 1) + "@" + domain
    digits = sum(c.isdigit() for c in value)
    if digits >= 6:
        keep = 4 if digits >= 13 else 2          # a card keeps four, like a bank statement
        out, seen = [], 0
        for c in value:
            seen += c.isdigit()
            out.append("•" if c.isdigit() and seen <= digits - keep else c)
        return "".join(out)
    return value[:1] + "•" * max(len(value) - 1, 3)


class PersonalData:
    """«Телефон для связи 8 (916) 123-45-67» → personal_data, evidence «8 (•••) •••-••-67»."""
    name = category = "personal_data"

    def __init__(self, matcher=None):
        self.matcher = matcher or shared_matcher()

    def _health(self, doc: Doc) -> list[tuple]:
        """A diagnosis next to a child's name: «у Пети ветрянка». The name is what gets masked."""
        hits = [h for h in scan(doc, self.matcher) if h.entry.category == "personal_data"]
        if not hits:
            return []
        out = []
        for m in regex.finditer(r"\b[А-ЯЁ][а-яё]+", doc.text):
            near = any(abs(h.start - m.start()) < 60 for h in hits)
            if near and any("Name" in p.tag for p in analyzer().parse(m.group())):
                out.append(("personal_data.health", m.start(), m.end(), m.group()))
        return out

    def __call__(self, doc: Doc) -> Violation | None:
        health = self._health(doc)
        text = doc.text
        numbers, email, words = _NUMBER.search(text), "@" in text, _WORDS.search(text.lower())
        if not (health or numbers or email or words):
            return None           # the common case, decided by three cheap scans
        found, taken = list(health), [(s, e) for _, s, e, _ in health]
        for rule, pattern in PATTERNS:
            if not (numbers or email or words):
                break
            if not (numbers if rule in _NUMERIC else email if rule == "personal_data.email" else words or numbers):
                continue
            for m in pattern.finditer(text):
                start, end = m.span(m.lastindex or 0)
                if any(a < end and start < b for a, b in taken):
                    continue
                value = m.group(m.lastindex or 0)
                check = VALID.get(rule)
                if check and not check("".join(c for c in value if c.isdigit())):
                    continue
                taken.append((start, end))
                found.append((rule, start, end, value))
        if not found:
            return None
        evidence = tuple(Evidence(s, e, mask(v), mask(v), rule) for rule, s, e, v in found)
        what = ", ".join(dict.fromkeys(WHAT[r] for r, *_ in found))
        # a number that passes its check digit, an e-mail or a phone is what it looks like; an
        # address, a passport or a password found by words around it is a heuristic sign
        sure = any(r in VALID or r in ("personal_data.email", "personal_data.phone") for r, *_ in found)
        certainty = "certain" if sure else "possible" if all(r == "personal_data.health" for r, *_ in found) \
            else "likely"
        return Violation("personal_data", found[0][0], "high" if sure else "medium", evidence,
                         f"personal_data: {what} in the common chat (shown masked); "
                         f"send it privately (003 §5.3, 001 §5.1)", certainty=certainty)


# matched on the lower-cased text: a case-insensitive alternation costs five times more in `re`
_WORDS = re.compile(r"ул\.|улиц|проспект|пр-т|переул|бульвар|шоссе|парол|password|логин|login|пин-?код")
_NUMBER = re.compile(r"\d(?:[\s\-()]*\d){5,}")       # six digits or more, however spaced
_NUMERIC = ("personal_data.card", "personal_data.phone", "personal_data.snils", "personal_data.inn",
            "personal_data.passport")


def personal_data(matcher=None) -> PersonalData:
    return PersonalData(matcher)
