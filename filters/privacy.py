"""Personal data never leaves dozor raw: one place that masks it, for every output.

Three layers, each for what the one before may miss:
  mask(value)        — one datum the personal-data detector found, shown the way a bank statement
                       shows a card: «8 (916) 123-45-67» → «• (•••) •••-••-67»;
  masked(text, *vs)  — a text with every datum the verdicts found masked in place, then scrubbed:
                       what may be quoted to a moderator, a chat or a shadow report;
  scrub(text)        — a conservative pass for formats no detector vouched for: six digits or more
                       however spaced, anything shaped like an e-mail, a URL's query and fragment
                       (`?phone=…&mail=…`). It masks too much rather than too little: a quoted
                       order number costs a moderator nothing, a leaked phone costs a parent.
  link(url)          — a URL as evidence: host and path kept (the path scrubbed), query dropped.

Model objects call scrub on everything a detector quotes (filters/model.py: Evidence, Violation),
so a detector that forgets cannot leak. Nothing here imports the rest of filters/ (no circles).
"""
from __future__ import annotations

import re

__all__ = ["mask", "masked", "scrub", "link", "DOT"]

DOT = "•"

# Every pattern is linear in the text (a message may be 100k characters of anything): classes that
# cannot overlap, bounded repeats, and a look-behind so that each token is tried once.
# Six digits or more, spaced as people write numbers (not by dots or slashes: «18.11.2026» and
# «5/6» stay readable); at most three separators between two digits.
_DIGITS = re.compile(r"\d(?:[ \t\u00a0\-\u2010-\u2015()]{0,3}\d){5,}")
# anything@anything.tld, whatever the alphabet: a detector may reject a domain, this does not
_EMAIL = re.compile(r"(?<![\w.+\-])[\w.+\-]{1,64}@[\w\-]{1,63}(?:\.[\w\-]{1,63}){0,8}\.\w{2,24}")
# a token with a query or fragment, and the host (name.tld, scheme, port, path) before it
_QUERIED = re.compile(r"(?<!\S)[^\s?#]*[?#]\S*")
_HOST = re.compile(r"(?:[a-z][a-z0-9+.\-]{0,15}://)?(?:[\w\-]+\.)+\w{2,}(?::\d{1,5})?(?:/\S*)?", re.I)
_WORD = re.compile(r"\w")
_OPENING, _CLOSING = "«(\"'[<“„", "»)\"'].,;:!>”"
_SUSPECT = re.compile(r"[\d@?#]")       # the cheap gate: many texts have none of these
# a date written with dashes (ISO, or day first) is no one's number: kept, the rest of the run masked
_DATE = re.compile(r"(?:19|20)\d\d-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])"
                   r"|(?:0[1-9]|[12]\d|3[01])-(?:0[1-9]|1[0-2])-(?:19|20)\d\d")


def mask(value: str) -> str:
    """«petrov1980@yandex.ru» → «p•••••••••@yandex.ru»; «8 (916) 123-45-67» → «• (•••) •••-••-67»;
    anything else (a name, a password) → its first letter and dots. Length is kept where it can be."""
    if "@" in value:
        user, _, domain = value.partition("@")
        return user[:1] + DOT * (len(user) - 1) + "@" + domain
    digits = sum(c.isdigit() for c in value)
    if digits >= 6:
        keep = 4 if digits >= 13 else 2          # a card keeps four, like a bank statement
        out, seen = [], 0
        for c in value:
            seen += c.isdigit()
            out.append(DOT if c.isdigit() and seen <= digits - keep else c)
        return "".join(out)
    return value[:1] + DOT * max(len(value) - 1, 3)


def scrub(text: str) -> str:
    """`text` with every digit run of six or more, every e-mail-like token and every URL query masked.
    Idempotent: masked output has no six digits in a row, no user name before an @."""
    if not text or not _SUSPECT.search(text):
        return text
    if "?" in text or "#" in text:
        text = _QUERIED.sub(_drop_query, text)
    text = _EMAIL.sub(lambda m: mask(m.group()), text)
    return _DIGITS.sub(_mask_run, text)


def _mask_run(m: re.Match) -> str:
    run = m.group()
    date = _DATE.match(run)
    if date is None:
        return mask(run)
    return run[:date.end()] + _DIGITS.sub(_mask_run, run[date.end():])


def _drop_query(m: re.Match) -> str:
    """«shop.ru/buy?phone=…» → «shop.ru/buy?…»; «#ДЗ» or «Почему?» stay: no host before the mark."""
    token = m.group()
    cut = min(i for i in (token.find("?"), token.find("#")) if i >= 0)
    head, tail = token[:cut], token[cut:]
    opening = len(head) - len(head.lstrip(_OPENING))        # «(site.ru/a?…)», quoted as people do
    closing = len(tail) - len(tail.rstrip(_CLOSING))
    if not _HOST.fullmatch(head, opening) or not _WORD.search(tail, 0, len(tail) - closing):
        return token
    return head + "?…" + tail[len(tail) - closing:]


def link(url: str) -> str:
    """A link as it may be quoted: «shop.ru/buy?phone=79161234567#x» → «shop.ru/buy?…»; digits and
    e-mails in the path masked too («wa.me/79161234567» → «wa.me/•••••••••67»)."""
    cut = min((i for i in (url.find("?"), url.find("#")) if i >= 0), default=-1)
    if cut >= 0:
        url = url[:cut] + "?…"
    return scrub(url)


def masked(text: str, *verdicts) -> str:
    """`text` with every personal datum the verdicts found (their masked evidence, put back at its
    offsets) and then whatever scrub catches. Several verdicts of one text may be given (a shadow
    record has the live and the candidate one); where their spans overlap the earlier, longer one wins."""
    spans = sorted({(e.start, e.end, e.text) for v in verdicts for f in v.violations
                    if f.category == "personal_data" for e in f.evidence},
                   key=lambda s: (s[0], -s[1]))
    kept, end = [], -1
    for start, stop, shown in spans:
        if start >= end and 0 <= start <= stop <= len(text):
            kept.append((start, stop, shown))
            end = stop
    for start, stop, shown in reversed(kept):
        text = text[:start] + shown + text[stop:]
    return scrub(text)
