"""Material unrelated to learning (001 §3.2, §6.2): ads, earnings schemes, betting, chain
letters, calls to vote, links to unknown sites. What is related to learning is a judgement,
so dozor is never certain here: two signs or more, or one strong one, make a likely ad
(severity high), one sign a possible one (severity medium); a moderator decides either
(streams/policy/policies.toml). A weak sign («по ссылке») counts only beside another.
Links to school and education services (lexicons/offtopic/domains.tsv) and to the school's
own sites and channels (the chat registry, `[defaults.school] sites`) are fine.
"""
from __future__ import annotations

import re

import regex

from .. import registry
from ..model import Evidence, Violation
from ..privacy import link
from ..tables import read_domains
from .base import Doc
from .lexicon import scan

URL = regex.compile(r"(?i)(?<![@\w.\-])(?:https?://)?(?:www\.)?((?:[a-z0-9\-]+\.)+(?:ru|com|net|org|рф|su|io|me|info|biz|xyz|top|site|online|shop))(?P<path>/\S*)?")


# how many links a verdict quotes, and how many distinct words and links its explanation names:
# enough for a moderator to see what it is, bounded so that a spam wall stays a small record
QUOTED = 20

_TLD = re.compile(r"\w\.(?:ru|com|net|org|рф|su|io|me|info|biz|xyz|top|site|online|shop)\b")


def allowed(domain: str, domains: frozenset[str]) -> bool:
    domain = domain.lower()
    return any(domain == d or domain.endswith("." + d) for d in domains)


class Offtopic:
    """«Покупайте косметику со скидкой по ссылке» → confident ad; «Сбор на подарок учителю» → clean."""
    name = category = "offtopic"

    def __init__(self, matcher, domains: frozenset[str] | None = None):
        self.matcher = matcher
        self.domains = read_domains() if domains is None else domains

    def __call__(self, doc: Doc) -> Violation | None:
        hits = [h for h in scan(doc, self.matcher) if h.entry.category == "offtopic"]
        links = [m for m in URL.finditer(doc.text) if not allowed(m.group(1), self.domains)] if _TLD.search(doc.text.lower()) else []
        if links:
            school = registry.settings(doc.message.chat_id).school
            links = [m for m in links if not school.site(m.group(1), m["path"] or "")]
        if not hits and not links:
            return None
        evidence = [Evidence(h.start, h.end, h.text, h.normalized, h.entry.label, h.entry.source) for h in hits]
        # a link is quoted without its query and with its path scrubbed: «?phone=…&mail=…» is a
        # parent's data the ad collected, and the quote goes to moderators and into the reason
        # (and at most QUOTED of them: a spam wall of 8,000 links made a record over Kafka's 1 MB)
        evidence += [Evidence(m.start(), m.end(), link(m.group()), m.group(1).lower(), "link")
                     for m in links[:QUOTED]]
        signals = len({h.entry.label for h in hits}) + (1 if links else 0)
        if signals < 2 and all(h.entry.severity == "low" for h in hits) and not links:
            return None           # «материалы по ссылке»: a weak sign alone means nothing
        confident = signals >= 2 or any(h.entry.severity == "high" for h in hits)
        quoted = list(dict.fromkeys(e.text for e in evidence))
        words = ", ".join(f"«{t}»" for t in quoted[:QUOTED])
        more = len(links) - len(links[:QUOTED]) + max(0, len(quoted) - QUOTED)
        if more:
            words += f" and {more:,} more"
        why = (f"offtopic: {words} — {signals} sign(s) of material unrelated to learning "
               f"(001 §3.2, §6.2)")
        return Violation("offtopic", "offtopic.ad" if confident else "offtopic.suspect",
                         "high" if confident else "medium", tuple(evidence), why,
                         certainty="likely" if confident else "possible")


def offtopic(matcher, domains: frozenset[str] | None = None) -> Offtopic:
    return Offtopic(matcher, domains)
