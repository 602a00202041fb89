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
from ..model import SEVERITY_RANK, Evidence, Violation
from ..privacy import link
from ..tables import read_domains
from .base import Doc
from .lexicon import scan

# the top-level domains a link in a chat ends with: the common ones, and those spam comes from
# (.ltd, .in, .club, .pro, .icu, .vip: «accetgrowth.ltd», «infotecharmy.in»)
TLDS = ("ru|com|net|org|рф|su|io|me|info|biz|xyz|top|site|online|shop|ltd|in|pro|club|live|click|store|"
        "app|link|cc|icu|vip|fun|space|website|tech|bet|cash|money|co|ly|gl|kz|by|ua|uz|tv|ws|to|gg|cloud")
URL = regex.compile(rf"(?i)(?<![@\w.\-])(?:https?://)?(?:www\.)?((?:[a-z0-9\-]+\.)+(?:{TLDS}))(?![\w\-])(?P<path>/\S*)?")


# how many links a verdict quotes, and how many distinct words and links its explanation names:
# enough for a moderator to see what it is, bounded so that a spam wall stays a small record
QUOTED = 20

_TLD = re.compile(rf"\w\.(?:{TLDS})\b")

# Shapes no word list can hold (numbers, letters of two alphabets), each one sign of an ad:
# (label, severity, whether it may make dozor certain beside two other signs, pattern).
SHAPES = (
    # «заработок от 3000 в день», «от 50 000 ₽ в месяц», «$500 в день», «доход 30% в неделю»: a rate
    # of pay or of interest promised, beside another sign: alone it is a school price too («питание от
    # 150 рублей в день», «продлёнка от 200 руб в день»); «2 часа в день» has no sum
    ("earnings per day", "medium", True, regex.compile(
        r"(?i)(?:(?<!\w)от\s*\$?\d[\d\s.,]{0,9}(?:\s*(?:тыс\w*|т\.?|к|k))?\s*(?:руб\w*|р\.?|₽|\$|usd|долл\w*)?"
        r"|(?<![\d.,])\d{1,3}\s?%)\s*(?:в|за)\s+(?:день|сутки|неделю|месяц|час)(?!\w)")),
    # a chain letter's count of people to forward it to: «пяти друзьям», «10 людям», «всем контактам»
    ("chain letter", "high", False, regex.compile(
        r"(?i)(?<!\w)(?:\d{1,3}|пят\w*|десят\w*|тр[её]м|семи|двадцат\w*|всем)\s+(?:сво\w+\s+)?"
        r"(?:друзьям|людям|контактам|знакомым|подругам|чатам|группам|человекам)(?!\w)")),
    # «18+» beside an ad's word: adult content («18+ знакомства, переходи по ссылке»); alone it is a film's rating
    ("adult", "medium", False, regex.compile(r"(?<![\d\w])18\s?\+")),
    # a word spelt in two alphabets or with digits for letters, «Зaрaбoтoк», «3аработ0к»: spam that
    # hides from filters; alone it is a typo or «5А класс», so it only adds to another sign
    ("mixed letters", "low", False, regex.compile(
        r"(?<![\w])(?=[\w]*[а-яё])(?:[а-яё]*[a-z][a-zа-яё]*[а-яё]|[a-z]+[а-яё]|[а-яё]+\d+[а-яё]+|[03][а-яё]{3,})"
        r"[\wа-яё]*(?!\w)", regex.I)),
)
_SHAPED = re.compile(r"(?i)\d\s?(?:\+|%|[^\W\d_])|[a-z][а-яё]|[а-яё][a-z]|(?:друзьям|людям|контактам|знакомым)")


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
        if len(hits) > 1:
            # one sign per place: «пишите в лс» is the phrase «пиши в лс» too, and «подписывайтесь»
            # within «подписывайтесь на канал» is the same call, not two signs (the graver one stays,
            # then the longer)
            by_size = sorted(hits, key=lambda h: (-SEVERITY_RANK[h.entry.severity], h.start - h.end))
            kept: list = []
            for h in by_size:
                if not any(k.start < h.end and h.start < k.end for k in kept[:QUOTED]):
                    kept.append(h)
            hits = sorted(kept, key=lambda h: h.start)
        links = [m for m in URL.finditer(doc.text) if not allowed(m.group(1), self.domains)] if _TLD.search(doc.text.lower()) else []
        if links:
            school = registry.settings(doc.message.chat_id).school
            links = [m for m in links if not school.site(m.group(1), m["path"] or "")]
        if not hits and not links:
            return None
        shaped = _shapes(doc.text)
        if not links and all(h.entry.severity == "low" for h in hits):
            # «dаг» (a typo in two alphabets) beside «бонус»: weak beside weak is no ad
            shaped = [s for s in shaped if s[1] != "low"]
        evidence = [Evidence(h.start, h.end, h.text, h.normalized, h.entry.label, h.entry.source) for h in hits]
        evidence += [Evidence(m.start(), m.end(), m.group(), m.group().lower(), label)
                     for label, _, _, m in shaped]
        # a link is quoted without its query and with its path scrubbed: «?phone=…&mail=…» is a
        # parent's data the ad collected, and the quote goes to moderators and into the reason
        # (and at most QUOTED of them: a spam wall of 8,000 links made a record over Kafka's 1 MB)
        evidence += [Evidence(m.start(), m.end(), link(m.group()), m.group(1).lower(), "link")
                     for m in links[:QUOTED]]
        signals = len({h.entry.label for h in hits}) + (1 if links else 0) + len({s[0] for s in shaped})
        severities = [h.entry.severity for h in hits] + [sev for _, sev, _, _ in shaped]
        if signals < 2 and all(sev == "low" for sev in severities) and not links:
            return None           # «материалы по ссылке»: a weak sign alone means nothing
        confident = signals >= 2 or "high" in severities
        # certain, and so deleted with a strike: spam that says so three times, one of them a sign
        # that never belongs in a school chat (a file with «уверенность: точно»: earnings, a
        # casino, a loan) — «Заработок от 3000 в день, пиши в лс, t.me/…»; a school trip's
        # «скидка … по ссылке … пишите в личку» has three signs but none of that kind
        sure = signals >= 3 and (any(h.entry.certainty == "certain" for h in hits)
                                 or any(grade for _, _, grade, _ in shaped))
        quoted = list(dict.fromkeys(e.text for e in evidence))
        words = ", ".join(f"«{t}»" for t in quoted[:QUOTED])
        more = len(links) - len(links[:QUOTED]) + max(0, len(quoted) - QUOTED)
        if more:
            words += f" and {more:,} more"
        why = (f"offtopic: {words} — {signals} sign(s) of material unrelated to learning "
               f"(001 §3.2, §6.2)")
        return Violation("offtopic", "offtopic.ad" if confident else "offtopic.suspect",
                         "high" if confident else "medium", tuple(evidence), why,
                         certainty="certain" if sure else "likely" if confident else "possible")


def _shapes(text: str) -> list[tuple[str, str, bool, object]]:
    """The first match of each shape in SHAPES: (label, severity, may make certain, match)."""
    if not _SHAPED.search(text):
        return []         # most messages: no digit before a letter or «+», no two alphabets in a word
    out = []
    for label, severity, grade, pattern in SHAPES:
        m = pattern.search(text, timeout=0.02) if len(text) < 20_000 else None
        if m is not None:
            out.append((label, severity, grade, m))
    return out


def offtopic(matcher, domains: frozenset[str] | None = None) -> Offtopic:
    return Offtopic(matcher, domains)
