"""A lexicon category as a detector: profanity, insult, hate, threat.

Words come from the matcher (every form, every disguise); what stands around them
decides whether they count (filters/shapes.py), as each lexicon file's headers say, and
who says them of whom decides what a counted word is (filters/speech.py): the sender's
own, someone else's words reported, or nothing at all.
"""
from __future__ import annotations

from bisect import bisect_left

import regex

from .. import budget, homonyms, morph, shapes, speech
from ..matcher import Hit, Matcher
from ..normalise import fold
from ..model import SEVERITY_RANK, Evidence, Violation, less_sure, surest
from .base import Doc

URGENT = ("hate", "threat")
MENTIONABLE = ("insult",)      # «роман «Идиот»», «Иван-дурак»: a title or a name is not an insult
NAMEABLE = ("insult", "hate")  # «Козлов», «Хохлов»: a surname is not the plural of an insult or slur
CORRECTABLE = ("profanity", "insult")   # «задание*», «в пятницу*»: a star after a word is a correction
# every lexicon folder a version must have; speech holds word classes, never violations
CATEGORIES = ("profanity", "insult", "threat", "hate", "flood", "offtopic", "personal_data", "speech")
READ = ("profanity", "insult", "threat", "hate")      # categories whose words filters/speech.py reads


def scan(doc: Doc, matcher: Matcher) -> list[Hit]:
    """All hits of `matcher` in `doc` (words and phrases, safe phrases removed), once per doc."""
    key = id(matcher)
    if key not in doc.scans:
        doc.scans[key] = matcher.scan(doc.text)
    return doc.scans[key]


def by_category(doc: Doc, matcher: Matcher) -> dict[str, list[Hit]]:
    """The hits of `scan`, by their entry's category, sorted once per doc for every detector."""
    key = (id(matcher), "by category")
    if key not in doc.scans:
        groups: dict[str, list[Hit]] = {}
        for h in scan(doc, matcher):
            groups.setdefault(h.entry.category, []).append(h)
        doc.scans[key] = groups
    return doc.scans[key]


class LexiconDetector:
    """Flags words of one lexicon category; evidence names the entry, its file:line and the shape."""

    def __init__(self, category: str, matcher: Matcher):
        self.name = self.category = category
        self.matcher = matcher        # one per lexicon version, shared: a message is read once for all
        # every lemma of this category, swept ones too: a homonym is another word than all of them
        self.lemmas = frozenset(e.value for es in self.matcher.index.forms.values() for e in es
                                if e.category == category and e.kind == "lemma") | frozenset(
            e.value for e in self.matcher.index.entries if e.category == category and e.kind == "lemma")
        self._vouch: dict[int, frozenset[str]] = {}      # entry → words its examples use

    def __call__(self, doc: Doc) -> Violation | None:
        every = scan(doc, self.matcher)
        if not every:
            return None       # almost every message
        groups = by_category(doc, self.matcher)
        hits = groups.get(self.category, [])
        # speech is read where there is some: a word of saying, naming, a subject, a report's cue;
        # and around every threat word, whose person and object are grammar
        cued = self.category in READ and speech.SPEECH in groups
        if not hits and not cued:
            return None
        reads = cued or self.category == "threat"
        kept = []         # (hit, why, certainty, reading or None)
        markers = [h for h in hits if h.entry.aim == "marker"]     # once, not once per hit
        for h in hits:
            budget.check()        # each hit is read in its sentence: a long message of hits is timed
            why = self._counts(doc, h, markers)
            reading = speech.read(doc, h, self.category, self.matcher, why is not None) if reads else None
            if reading is None:
                if why is not None:
                    kept.append((h, why, self._certainty(doc, h, why), None))
            elif not reading.permitted:
                sure = speech.certainty(self.category, self._certainty(doc, h, why or ""))
                kept.append((h, "; ".join(r for r in (why, reading.why) if r), sure, reading))
        if cued:
            taken = frozenset((h.start, h.end) for h, _, _, _ in kept)
            kept += [(h, r.why, "possible", r)
                     for h, r in speech.reports(doc, every, self.category, self.matcher, taken)]
        if not kept:
            return None
        evidence = tuple(Evidence(h.start, h.end, h.text, h.normalized, h.entry.label, h.entry.source)
                         for h, _, _, _ in kept)
        severity = max((h.entry.severity for h, _, _, _ in kept), key=SEVERITY_RANK.__getitem__)
        words = ", ".join(f"«{h.text}» ({_why(h, why)}; {sure})" for h, why, sure, _ in kept)
        readings = [r for _, _, _, r in kept]
        return Violation(self.category, f"{self.category}.lexicon", severity, evidence,
                         f"{self.category}: {words}",
                         urgent=self.category in URGENT or any(r is not None and r.urgent for r in readings),
                         certainty=surest(sure for _, _, sure, _ in kept),
                         reported=all(r is not None for r in readings))

    def _certainty(self, doc: Doc, hit: Hit, why: str) -> str:
        """How sure a counted hit is: its file's ceiling (`уверенность:`), less when the shape
        leaves room for another reading."""
        e, sure = hit.entry, hit.entry.certainty
        if self.category in MENTIONABLE and e.aim == "any" and "aimed at" not in why and "said " not in why:
            # «дебил» said to someone is an insult for certain; «там одни дебилы» a person should read
            sure = less_sure(sure, "likely")
        if e.kind in ("lemma", "form") and hit.normalized not in self._vouched(e) \
                and homonyms.ambiguous(hit.normalized, e.kind, e.value, self.lemmas):
            sure = less_sure(sure, "likely")        # «на суку»: the branch, perhaps (lint warns of it)
        return sure

    def _vouched(self, e) -> frozenset[str]:
        key = id(e)
        if key not in self._vouch:
            self._vouch[key] = homonyms.vouched(self.matcher.index, e)
        return self._vouch[key]

    def _counts(self, doc: Doc, hit: Hit, markers: list[Hit]) -> str | None:
        """'' or a reason when the hit counts here; None when its shape says it does not.
        `markers`: the hits of this category that mark a group as demeaned («понаехали»)."""
        e, text = hit.entry, doc.text
        if e.aim == "marker" or (self.category in MENTIONABLE and shapes.mention(text, hit.start, hit.end)):
            return None
        if self.category in NAMEABLE and shapes.surname(text, hit.start, hit.end):
            return None
        if self.category in CORRECTABLE and shapes.corrected(text, hit.start, hit.end, self.matcher.index.forms):
            return None       # «задание*»: a correction mark, not «заданиеб»
        if self.category == "insult" and e.aim in ("any", "person"):
            i = shapes.token_at(doc.tokens, hit.start)
            if shapes.self_described(doc.tokens, i):
                return None       # a parent calling herself a fool insults nobody
        form = (f"in a threatening form ({' or '.join(' '.join(sorted(a)) for a in e.forms)})"
                if e.forms else "")
        if self.category in MENTIONABLE and e.aim == "any":
            tokens = doc.tokens
            i, j = shapes.token_at(tokens, hit.start), shapes.token_at(tokens, hit.end - 1)
            return "; ".join(r for r in (form, shapes.aimed(text, tokens, i, j)) if r)
        if not (e.near or e.aim in ("person", "group")):
            return form
        tokens = doc.tokens
        i, j = shapes.token_at(tokens, hit.start), shapes.token_at(tokens, hit.end - 1)
        reasons = []
        if e.near:
            conditional = self.category == "threat" and CONDITION in e.near
            reasons.append(_condition(doc, i) if conditional else shapes.near(tokens, i, j, e.near))
        if e.aim == "person":
            # a word of high severity (obscene.txt) insults in any case: «вас, мудаков»
            reasons.append(shapes.aimed(text, tokens, i, j, any_case=e.severity == "high"))
        if e.aim == "group":
            # a marker counts in the group's own sentence: «Девочки, кто едет? … У нас вор в
            # раздевалке» demeans nobody
            marker = _marker_in_sentence(doc, hit, markers)
            said = None if marker is not None else _said_of_group(doc, self.matcher, hit)
            if marker is not None:
                reasons.append(f"demeaned («{marker.text}»)")
            elif said is not None:
                reasons.append(said)
            elif any(v.category in ("insult", "profanity") for v in doc.found):
                # «все цыгане воры и дебилы», «приезжие … суки»: the group insulted as a whole
                reasons.append(_generalised(doc) or shapes.plural(hit.normalized))
            else:
                reasons.append(None)
        return None if None in reasons else "; ".join(([form] if form else []) + reasons)


_SENTENCE_END = regex.compile(r"[.!?…\n]")
# «рядом: если» in a threat file: the consequence of a condition anywhere before it in its sentence
# («если ещё раз тронет мою дочь — пожалеет»), past the condition's own clause (a comma, a dash or «то»)
CONDITION = "если"
_CLAUSE_BREAK = regex.compile(r",|\s[-–—]\s|[–—]|(?<!\S)то(?!\S)", regex.IGNORECASE)
CONDITION_REACH = 40       # tokens back from the consequence: a sentence, not a whole post


def _condition(doc: Doc, i: int) -> str | None:
    """«если …, то / — X»: an «если» earlier in the sentence of token `i`, with the condition's
    clause closed before `i`. A word inside the condition («если пожалеет кошку…») is none."""
    tokens, text = doc.tokens, doc.text
    for k in range(i - 1, max(-1, i - 1 - CONDITION_REACH), -1):
        between = text[tokens[k].end:tokens[k + 1].start]
        if _SENTENCE_END.search(between):
            return None
        if fold(tokens[k].text) == CONDITION:
            return ("the consequence of a condition («если …»)"
                    if _CLAUSE_BREAK.search(text[tokens[k].end:tokens[i].start]) else None)
    return None


def _marker_in_sentence(doc: Doc, hit: Hit, markers: list[Hit]) -> Hit | None:
    """The first of `markers` in the sentence of `hit` (sentences end at «.», «!», «?», «…» and
    line breaks); the message's sentences and the first marker of each are found once."""
    if not markers:
        return None
    key = ("markers by sentence", hit.entry.category)
    if key not in doc.scans:
        ends = [m.start() for m in _SENTENCE_END.finditer(doc.text)]
        first: dict[int, Hit] = {}
        tokens = doc.tokens
        for m in markers:
            # a marker with `рядом:` (hate/stereotypes.txt: «грязные», «жадные») counts only beside
            # one of its words («все цыгане грязные»), not in «девочки, уберите грязные кружки»
            if m.entry.near and shapes.near(tokens, shapes.token_at(tokens, m.start),
                                            shapes.token_at(tokens, m.end - 1), m.entry.near) is None:
                continue
            first.setdefault(bisect_left(ends, m.start), m)
        doc.scans[key] = (ends, first)
    ends, first = doc.scans[key]
    return first.get(bisect_left(ends, hit.start))


_PREDICATE_GAP = regex.compile(r"^(?:\s*[-–—]\s*|\s+)$")     # «таджики тупые», «мигранты — паразиты»
PREDICATE_WORDS = frozenset("все они такие вообще одни".split())       # «цыгане все воры», «они такие»


def _said_of_group(doc: Doc, matcher: Matcher, hit: Hit) -> str | None:
    """A group in the plural with an insult (or a marker: «грязные», «паразиты») as its predicate,
    right after it in its clause: «таджики тупые», «приезжие дети — дебилы», «цыгане все грязные»;
    not «девочки, найдите тупые углы» (a comma: the girls are addressed, the angles are obtuse)."""
    if not any("plur" in p.tag for p in morph.parses(hit.normalized)):
        return None       # «девочки» is a plural too, whatever its likeliest reading
    key = (id(matcher), "predicates")
    if key not in doc.scans:      # once per message: an insult or a marker by where it starts
        found = by_category(doc, matcher)
        doc.scans[key] = {h.start: h for c in ("hate", "profanity", "insult") for h in found.get(c, ())
                          if c != "hate" or h.entry.aim == "marker"}
    insults = doc.scans[key]
    if not insults:
        return None
    tokens, text = doc.tokens, doc.text
    k = shapes.token_at(tokens, hit.end - 1) + 1
    at, skipped = hit.end, 0
    while k < len(tokens) and skipped <= 2:
        t = tokens[k]
        if not _PREDICATE_GAP.match(text[at:t.start]):
            return None
        word = insults.get(t.start)
        if word is not None:
            if k + 1 < len(tokens) and text[t.end:tokens[k + 1].start].isspace() and _attribute(
                    word.normalized, fold(tokens[k + 1].text)):
                return None       # «девочки, тупые углы найдите»: the angles are obtuse
            return f"said of the whole group («{word.text}»)"
        if skipped == 0 or fold(t.text) in PREDICATE_WORDS:
            skipped += 1          # one noun of the group («приезжие дети»), or «все», «они»
        else:
            return None
        at, k = t.end, k + 1
    return None


def _attribute(adjective: str, after: str) -> bool:
    """Is `adjective` an attribute of the noun `after` («тупые углы»), not a predicate?"""
    adj = morph.parses(adjective)
    noun = morph.parses(after)
    return bool(adj and adj[0].tag.POS == "ADJF" and noun and noun[0].tag.POS == "NOUN")


def _generalised(doc: Doc) -> str | None:
    """shapes.generalised of the whole message, once per message (it reads every word)."""
    key = "generalised"
    if key not in doc.scans:
        doc.scans[key] = shapes.generalised(doc.tokens)
    return doc.scans[key]


def _why(hit: Hit, shape: str) -> str:
    e = hit.entry
    how = {"lemma": "a form of", "form": "the word", "prefix": "starts with",
           "root": "the root", "phrase": "the phrase"}[e.kind]
    read = "" if hit.normalized == hit.text.lower() else f"read as «{hit.normalized}», "
    return f"{read}{how} «{e.label}», {e.source}" + (f"; {shape}" if shape else "")


def profanity(matcher: Matcher) -> LexiconDetector:
    """Swearing by meaning: «х*й», «охуеть», «pizdec» yes; «страхуй», «команда» no."""
    return LexiconDetector("profanity", matcher=matcher)


def insult(matcher: Matcher) -> LexiconDetector:
    """Insults and nicknames: «ты дебил», «Корова, верни тетрадь»; not «корова даёт молоко»."""
    return LexiconDetector("insult", matcher=matcher)


def hate(matcher: Matcher) -> LexiconDetector:
    """Slurs, and groups demeaned as groups; not a social-studies lesson about peoples."""
    return LexiconDetector("hate", matcher=matcher)


def threat(matcher: Matcher) -> LexiconDetector:
    """Threats of harm: «убью», «ноги переломаю», «сожгу школу»; not «убить время»."""
    return LexiconDetector("threat", matcher=matcher)
