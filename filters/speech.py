"""Reading the speech around a lexicon word: who speaks, and of what.

A threat or an insult is the sender's only when the sender says it, of someone, meaning it.
For each lexicon hit that counts, `read` decides one of three:
- not a finding at all: self-directed («пристрелите меня, я опять всё проспала»), festive or
  sporting hyperbole («на выпускном мы взорвём танцпол»), a thing as the object («спалю эти
  прописи»; but «сожгу школу»: a school is a target), a term of a subject («какой тупой угол»,
  «Мцыри»), a warning about the world («гололёд, шею сверну»), a negated threat («не пожалеешь»);
- someone else's words, reported or quoted («сына на перемене обозвали тупицей», «Петя написал:
  «урою»»): kept, `reported`, only possible (profanity: at most likely); urgent for a threat,
  and for an insult of a child;
- the sender's own words: None, the hit stands as it is.
`reports` finds a report with no threat in a threatening form: of a threat or bullying against a
child («сыну угрожают», «над дочкой издеваются»; a threat against the sender too: «мне угрожают»),
or of a threat verb in someone's words («дочке пообещали «закопать»», «сказал, что убьёт его»).

The word classes are data (lexicons/speech/, `класс:` in each file; filters/lexicon/index.py
compiles them); pronouns, negation and the bounds of a sentence are grammar, and live here.
Nothing here runs for a message without a hit or a cue, so the clean message stays one pass.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from itertools import accumulate
from weakref import WeakKeyDictionary

import regex

from . import budget, morph, shapes
from .homonyms import PROPER
from .lexicon.format import SPEECH, Entry
from .lexicon.index import HARM, Index
from .matcher import Hit, Matcher, _phrase_end
from .model import less_sure
from .normalise import fold
from .tokens import tokenize

SELF = frozenset("меня мне мной мною нас нам нами".split())
REFLEXIVE = frozenset("себя себе собой собою".split())      # the sender's self only with «убью себя»
YOU_ONE = frozenset("ты тебя тебе тобой тобою".split())
# someone other than the sender, as an object or an owner: «убью тебя», «сожгу твой дом», «всех»
OTHERS = (shapes.SECOND_PERSON - {"сам", "сама", "сами"}) | frozenset(
    "его её ее их него неё нее них ему ей им нему ней ним всех таких этих".split())
ONE = YOU_ONE | frozenset("его её ее него неё нее ему ей нему ней".split())   # one person, not a team
SKIPPED = frozenset("все всё весь вся эти этот эта это эту этого те тот та то ту свой свою свои своё "
                    "свое своего сейчас завтра сегодня потом просто вообще опять прямо".split())
PERSONAL = frozenset("он она они ты вы".split())
OURS = frozenset("мой моя мое моё мои моего моей моих моему моим моими мою наш наша наше наши нашего нашей "
                 "наших нашему нашим нашими нашу".split())      # «наши дети», «мою дочь»: the sender's child
SELF_OR_OURS = SELF | OURS
VICTIMS = frozenset("его её ее их него неё нее них ему ей им нему ней ним".split())
NEGATION = frozenset({"не"})
PROHIBITION = frozenset("нельзя запрещено недопустимо".split())    # «дети, обижать друг друга нельзя»
COMPLEMENT = frozenset("что чтобы чтоб будто мол якобы дескать типа".split())   # «сказал, что …»
REPORTERS = ("report", "naming", "threat", "bullying")   # classes whose words introduce another's words
REPORTED = {"threat": "threat", HARM: "threat", "bullying": "insult"}   # cue class → finding category
QUOTED_ALONE = ("threat", "hate")      # a quote is someone else's words; an insult in quotes is a title
RESCUED = ("insult", "hate", "profanity")   # a word that is not aimed counts when someone was called it

_NONE: frozenset[str] = frozenset()
_SENTENCE = regex.compile(r"[.!?…;\n]")
_CLAUSE = regex.compile(r"[.!?…;\n,:()«»\"“”„]|\s[-–—]\s|[–—]")
_OPENS = regex.compile(r"[:«\"„]|[-–—]")      # what may stand before words a verb of saying introduces


def _run(numbers: list[int], i: int) -> range:
    """The tokens that share token `i`'s sentence (or clause) number."""
    return range(bisect_left(numbers, numbers[i]), bisect_right(numbers, numbers[i]))


@dataclass(frozen=True)
class Reading:
    permitted: bool     # True: not a finding at all; False: someone else's words, reported
    why: str
    urgent: bool = False


def read(doc, hit: Hit, category: str, matcher: Matcher, counted: bool) -> Reading | None:
    """How `hit` (a word of `category`) is meant; None: the sender's own words, as the shape says.
    `counted`: whether its shape made it count («обозвали коровой» counts only as a report)."""
    v = view(doc, matcher)
    i, j = v.span(hit)
    if not counted:
        if category not in RESCUED or hit.entry.aim not in ("any", "person"):
            return None
        said = v.called(hit, i, j) or v.said_of(hit, i, j)
    else:
        why = v.permitted(hit, i, j, category)
        if why:
            return Reading(True, why)
        said = v.reported(hit, i, j, category)
    if not said:
        return None
    # swearing quoted is swearing, about whomever; an insult or a threat against a child is urgent
    child = v.child(i) if category != "profanity" else None
    about = f"; about a child («{child}»)" if child else ""
    return Reading(False, f"reported: {said}{about}", urgent=category == "threat" or child is not None)


def reports(doc, hits: list[Hit], category: str, matcher: Matcher,
            taken: frozenset = frozenset()) -> list[tuple[Hit, Reading]]:
    """Reports about a child carried by a cue alone: «сыну угрожают старшеклассники» (threat),
    «над дочкой издеваются» (insult), «пообещали «закопать»» (a threat verb in someone's words)."""
    cues = [h for h in hits if h.entry.category == SPEECH and REPORTED.get(h.entry.word_class) == category]
    if not cues:
        return []
    v = view(doc, matcher)
    out, seen = [], set(taken)      # `taken`: (start, end) of the words already found, not twice
    harms = frozenset((h.start, h.end) for h in hits if h.entry.word_class == HARM)
    for h in cues:
        budget.check()
        i, _ = v.span(h)
        if (h.start, h.end) in seen or v.negated(i) or v.prohibited(i) or v.subject(i, i):
            continue
        child = v.child(i)
        if h.entry.word_class == HARM:
            # a threat verb in someone's words is a threat reported, against whomever
            who = v.reporter(i) or ("quoted" if shapes.quoted(v.text, h.start) else None)
            if who is None or v.permitted(h, i, i, "threat"):
                continue          # «мороз убьёт любого без шапки»: nobody said it;
                                  # «сын сказал, что порвёт эту тетрадь»: a thing
            about = f"against a child («{child}»; " if child else "("
            why = f"reported: a threat {about}{_said(who)})"
        else:
            # «угрожают», «издеваются» tell of a threat or bullying only with its victim: a child,
            # or for a threat the sender («мне угрожают»)
            victim = child or (v.sender_victim(i) if category == "threat" else None)
            if victim is None or (v.own_voice(i) and not v.begun(i)):
                continue          # «не обижаю я вашу дочку», «там принято бить детей»: nobody's report
            if category == "insult" and v.threatened(h, harms, i):
                continue          # «пообещал, что изобьёт»: a threat, reported as one
            what = "a threat" if category == "threat" else "bullying"
            why = f"reported: {what} against {'a child' if child else 'the sender'} («{victim}»)"
        seen.add((h.start, h.end))      # «избили»: a word of two cue classes is one report
        out.append((h, Reading(False, why, urgent=True)))
    return out


def certainty(category: str, sure: str) -> str:
    """How sure a reported hit is: someone else's words are for a moderator to weigh; swearing
    quoted is still swearing in the chat, so it keeps a likelier reading."""
    return less_sure(sure, "likely") if category == "profanity" else "possible"


def finds(index: Index, entry: Entry, text: str) -> bool:
    """Is a word (or the phrase) of speech `entry` in `text`, as its class reads it? (examples)"""
    words = [fold(t.text) for t in tokenize(text)]
    if entry.kind == "phrase":
        forms = next(f for f, e in index.speech_phrases.get(entry.word_class, ()) if e is entry)
        return any(_phrase_end(words, k, forms) is not None for k in range(len(words)))
    table = index.speech.get(entry.word_class, {})
    return any(table.get(w) is entry for w in words)


_STARTS: WeakKeyDictionary = WeakKeyDictionary()


def _phrase_starts(matcher: Matcher) -> dict[str, list[tuple[str, int, tuple]]]:
    """First word form → (class, number, forms) of every speech phrase it can start, once per
    lexicon version: the message is read once for all phrases, not once per phrase."""
    got = _STARTS.get(matcher)
    if got is None:
        got = {}
        for cls, phrases in matcher.index.speech_phrases.items():
            for number, (forms, _) in enumerate(phrases):
                for form in forms[0]:
                    got.setdefault(form, []).append((cls, number, forms))
        _STARTS[matcher] = got
    return got


def view(doc, matcher: Matcher) -> "View":
    key = id(matcher)
    if key not in doc.speech:
        doc.speech[key] = View(doc.text, doc.tokens, matcher)
    return doc.speech[key]


def _said(who: str) -> str:
    return "in quotes" if who == "quoted" else f"after «{who}»"


class View:
    """One message as the speech rules read it: words, sentences, clauses, word classes.

    Made once per message, and only for one with a hit: what a rule asks about a word (its
    classes, a phrase around it) is looked up when asked, so a long post costs little more.
    What a rule asks of a whole sentence or clause («is there a child in it?», «the first
    "ты"») is answered once per sentence or clause and kept (`_once`): asked afresh for every
    hit, a long message of many hits was quadratic in its length."""

    def __init__(self, text: str, tokens, matcher: Matcher):
        self.text, self.tokens, self.index = text, tokens, matcher.index
        self.matcher = matcher
        self.words = [matcher.token(t.text).folded for t in tokens]     # folded once, by the scan
        self.starts = [t.start for t in tokens]
        self.sentence = self._numbered(_SENTENCE)
        self.clause = self._numbered(_CLAUSE)
        self._classes: list[frozenset[str] | None] = [None] * len(tokens)
        self._phrases: dict[str, list[tuple[int, int]]] | None = None
        self._cover: dict[int, list[tuple[str, int]]] = {}     # word → (class, span number) over it
        self._memo: dict = {}
        self._reporters: list[int] | None = None
        self._unopened: list[int] | None = None

    def _once(self, key, compute):
        """`compute()` the first time `key` is asked, the kept answer after."""
        memo = self._memo
        if key not in memo:
            memo[key] = compute()
        return memo[key]

    def _numbered(self, bounds: regex.Pattern) -> list[int]:
        """The number of the sentence (or clause) of every token: bounds between tokens counted."""
        ends = [t.end for t in self.tokens]
        # the token each bound stands before, once per gap («?!», «...» are one bound); a mark
        # inside a token («т.е.», «х.у.й») bounds nothing
        gaps = sorted({k + 1 for m in bounds.finditer(self.text)
                       if (k := bisect_right(self.starts, m.start()) - 1) < 0 or m.start() >= ends[k]})
        return [bisect_right(gaps, k) for k in range(len(self.tokens))]

    def classes(self, k: int) -> frozenset[str]:
        """The speech classes of the word at `k`, its own or of a phrase it is part of."""
        got = self._classes[k]
        if got is None:
            got = self.index.speech_classes.get(self.words[k], _NONE)
            self.phrases()
            phrased = self._cover.get(k)
            if phrased:
                got = got | frozenset(cls for cls, _ in phrased)
            self._classes[k] = got
        return got

    def phrases(self) -> dict[str, list[tuple[int, int]]]:
        """Class → (first, last) word of every phrase of it in the message, each class's in the
        order of its phrases in the lexicon, then of the words."""
        if self._phrases is None:
            starts, found = _phrase_starts(self.matcher), []
            for k, w in enumerate(self.words):
                for cls, number, forms in starts.get(w, ()):
                    end = _phrase_end(self.words, k, forms)
                    if end is not None:
                        found.append((cls, number, k, end))
            order = {cls: n for n, cls in enumerate(self.index.speech_phrases)}
            found.sort(key=lambda f: (order[f[0]], f[1], f[2]))
            self._phrases = {}
            for cls, _, k, end in found:
                spans = self._phrases.setdefault(cls, [])
                for m in range(k, end + 1):       # a phrase is a few words: the cover stays linear
                    self._cover.setdefault(m, []).append((cls, len(spans)))
                spans.append((k, end))
        return self._phrases

    def opens(self, k: int) -> bool:
        """Does the word at `k` start words introduced as someone's («: …», «« …», «— …»)?"""
        return bool(_OPENS.search(self.text[self.tokens[k - 1].end if k else 0:self.tokens[k].start]))

    # ------------------------------------------------------------ places
    def span(self, hit: Hit) -> tuple[int, int]:
        return shapes.token_at(self.tokens, hit.start), shapes.token_at(self.tokens, hit.end - 1)

    def _in(self, cls: str, ks) -> str | None:
        return next((self.words[k] for k in ks if cls in self.classes(k)), None)

    def _in_sentence(self, cls: str, i: int) -> str | None:
        """The first word of class `cls` in the sentence of `i`, once per sentence."""
        return self._once((cls, "sentence", self.sentence[i]), lambda: self._in(cls, self._sentence_of(i)))

    def _in_clause(self, words: frozenset[str], i: int) -> str | None:
        """The first of `words` in the clause of `i`, once per clause."""
        return self._once((words, "clause", self.clause[i]),
                          lambda: next((self.words[k] for k in self._clause_of(i) if self.words[k] in words), None))

    def _sentence_of(self, i: int) -> range:
        return _run(self.sentence, i)

    def _clause_of(self, i: int) -> range:
        return _run(self.clause, i)

    def _near(self, i: int, j: int, before: int = 3, after: int = 3) -> list[int]:
        clause = self._clause_of(i)
        return [k for k in range(max(clause.start, i - before), min(clause.stop, j + after + 1))
                if not i <= k <= j]

    def child(self, i: int) -> str | None:
        """A child the report at `i` is about, in its sentence or the one before («Сын пришёл в
        слезах. Его травят.»): «сыну угрожают», «над дочкой», «дочь травят» (a case other than the
        subject), or a child who tells («сын говорит, что его бьют») or with «его/её/их» beside;
        not «школьники: взрывают дом» (children doing something).

        The first word, in order, that is either a child (A: depends on the sentence only) or a
        pupil's name in the clause (B: depends on the clause only); each kept per sentence and
        per clause, so every hit of a long sentence does not read it again."""
        a = self._once(("child", self.sentence[i]), lambda: self._child_word(i))
        b = self._once(("named", self.clause[i]), lambda: self._named_pupil(i))
        if a is None and b is None:
            return None
        if b is None or (a is not None and a < b):
            return self.words[a]
        return self.tokens[b].text

    def _child_word(self, i: int) -> int | None:
        """The first child word (outside quotes) of the sentence of `i` or the one before that
        reads as the object of the report: «сыну», «над дочкой», «мою дочь», a child who tells,
        or a child with «его/её/их» in the sentence of `i`."""
        near = range(bisect_left(self.sentence, self.sentence[i] - 1), _run(self.sentence, i).stop)
        victims = any(self.words[m] in VICTIMS for m in self._sentence_of(i))
        for k in near:
            if "child" not in self.classes(k) or shapes.quoted(self.text, self.tokens[k].start):
                continue          # «в «Капитанской дочке»»: a title, not a child
            w = self.words[k]
            parses = [p for p in morph.parses(w) if p.tag.POS == "NOUN"]
            if (any(p.tag.case not in ("nomn", None) for p in parses) or not parses
                    or (k and self.words[k - 1] in OURS)):
                return k
            tells = k + 1 < len(self.words) and bool(self.classes(k + 1) & {"report", "naming"})
            if tells or victims:
                return k
        return None

    def _named_pupil(self, i: int) -> int | None:
        """The first pupil's name (outside quotes, not a child word) in the clause of `i`:
        «Машу обозвали», «бьют Сашу»."""
        for k in self._clause_of(i):
            if "child" in self.classes(k) or shapes.quoted(self.text, self.tokens[k].start):
                continue
            if self._first_name(k):
                return k
        return None

    # -------------------------------------------------------- not a finding
    def permitted(self, hit: Hit, i: int, j: int, category: str) -> str | None:
        if category not in ("threat", "insult"):
            return None
        subject = self.subject(i, j)
        if subject:
            return f"a term of a school subject («{subject}»)"
        if category == "insult":
            return None
        if self.negated(i):
            return f"negated («не {self.words[i]}»)"
        me = self.self_directed(hit, i, j)
        if me:
            return f"self-directed («{me}»)"
        verb = hit.entry.kind != "phrase"
        # a call («таких расстреливать надо») has its object anywhere: only a verb of one's own is read
        call = hit.entry.category == "threat" and bool(hit.entry.forms) and all(
            "INFN" in alt for alt in hit.entry.forms)
        kind, word = self.object(i, j) if verb and not call else (None, None)
        if kind == "target":
            return None           # «сожгу школу», «на выпускном взорвём школу»: a target, a threat
        if kind == "thing":
            return f"a thing, not a person («{word}»)"
        festive = self._in_sentence("festive", i)
        # «на дискотеке мы всех разорвём», «порвём их в финале»: a team's we against a team;
        # not «на выпускном я тебя убью», nor one person («мы его убьём»)
        if (verb and festive and self._we(i) and not (kind == "person" and self._one(word))
                and self._in_clause(YOU_ONE, i) is None):
            return f"festive or sporting hyperbole («{festive}»)"
        hazard = self._in_sentence("hazard", i)
        if hazard and self._in_clause(OTHERS, i) is None:
            return f"a warning about the world («{hazard}»)"
        return None

    def subject(self, i: int, j: int) -> str | None:
        """A term of a school subject: a subject phrase the word is part of («тупой угол»), or a
        subject word in the same sentence («Мцыри убивает барса»), with nobody addressed («ты
        тупой, как угол»), unless the «ты» is the book's, quoted («Я тебя породил, я тебя и убью»)."""
        if (not shapes.quoted(self.text, self.tokens[i].start)
                and self._in_clause(shapes.SECOND_PERSON, i) is not None):
            return None
        spans = self.phrases().get("subject", ())
        # the first subject phrase (in the lexicon's order) that holds i..j: one of those over i
        if j < i:         # (never, from a hit; read the slow way rather than guess)
            over = [n for n, (a, b) in enumerate(spans) if a <= i and j <= b][:1]
        else:
            over = [n for cls, n in self._cover.get(i, ()) if cls == "subject" and j <= spans[n][1]]
        if over:
            a, b = spans[min(over)]
            return " ".join(self.words[a:b + 1])
        return self._in_sentence("subject", i)

    def sender_victim(self, i: int) -> str | None:
        """«мне угрожают», «нашей семье угрожают»: the sender, or the sender's own, in the clause."""
        return self._in_clause(SELF_OR_OURS, i)

    def _first_name(self, k: int) -> bool:
        """«Машу обозвали коровой», «Пете угрожают»: a pupil, named as pupils are (a first name,
        other than the subject, without a patronymic: «Марию Ивановну» is a teacher)."""
        t = self.tokens[k].text
        if not t[:1].isupper():
            return False
        if k + 1 < len(self.words) and self.clause[k + 1] == self.clause[k] and (
                self.tokens[k + 1].text[:1].isupper()
                or any("Patr" in p.tag for p in morph.parses(self.words[k + 1]))):
            return False          # «Хуана Гуайдо», «Марию Ивановну»: a grown-up's full name
        parses = morph.parses(self.words[k])
        names = [p for p in parses if "Name" in p.tag]
        # the likeliest reading a name («Машу»), not a pronoun that starts a sentence («Тем, кому…»)
        return bool(names) and "Name" in parses[0].tag and all(p.tag.case != "nomn" for p in names)

    def negated(self, i: int) -> bool:
        return i > 0 and self.words[i - 1] in NEGATION and self.clause[i - 1] == self.clause[i]

    def prohibited(self, i: int) -> bool:
        return self._once(("prohibited", self.sentence[i]),
                          lambda: any(self.words[k] in PROHIBITION for k in self._sentence_of(i)))

    def self_directed(self, hit: Hit, i: int, j: int) -> str | None:
        """«пристрелите меня», «меня надо расстрелять», «убью себя», «я себе шею сверну»; not
        «убей себя» (said to someone) nor «я тебя убью, а потом себя»."""
        near = [self.words[k] for k in self._near(i, j)]
        if any(w in OTHERS for w in near):
            return None
        me = next((w for w in near if w in SELF), None)
        if me:
            return me
        mine = next((w for w in near if w in REFLEXIVE), None)
        if mine and any("1per" in p.tag for k in range(i, j + 1) for p in morph.parses(self.words[k])
                        if p.tag.POS == "VERB"):
            return mine
        return None

    def object(self, i: int, j: int) -> tuple[str | None, str | None]:
        """What a threat verb is done to, nearest word first: a person («тебя», «Петю», «всех»),
        a target («школу», «твой телефон»), a thing («эти прописи»), or None when nothing says."""
        clause = self._clause_of(i)
        someone = self._in_clause(OTHERS, i)
        if someone:
            return "person", someone         # «ты первый сдохни», «убью тебя за эту тетрадь»
        after = self._object_side(range(j + 1, min(clause.stop, j + 4)), forward=True)
        before = self._object_side(range(i - 1, max(clause.start, i - 3) - 1, -1), forward=False)
        found = [f for f in (after, before) if f[0] is not None]
        return min(found, key=lambda f: f[2])[:2] if found else (None, None)

    def _object_side(self, ks: range, forward: bool) -> tuple[str | None, str | None, int]:
        preposition = False
        for step, k in enumerate(ks):
            w = self.words[k]
            if w in SELF or w in REFLEXIVE:
                break
            if w in OTHERS:
                return "person", w, step
            parses = morph.parses(w)
            first = parses[0].tag.POS if parses else None
            if first == "PREP":
                if not forward:
                    break          # «на красной площади» read backwards: the phrase is behind us
                preposition = True
                continue
            if "target" in self.classes(k) and not preposition:
                return "target", w, step
            if w in SKIPPED:
                continue
            if first in ("VERB", "INFN", "CONJ"):
                break              # another predicate: what follows is not this verb's object
            nouns = [p for p in parses if p.tag.POS == "NOUN"]
            if not nouns and forward and self._substantive(k, parses):
                nouns = [p for p in parses if p.tag.POS == "ADJF"]     # «эту контрольную», «рыжего»
            if not nouns:
                continue
            if preposition or (not forward and k and self._preposition(k - 1)):
                preposition = False
                continue           # «убью за эту тетрадь», «порву на куски»: not the object
            if any("anim" in p.tag or PROPER & p.tag.grammemes for p in nouns):
                return "person", w, step
            if any("accs" in p.tag for p in nouns):
                owner = k + 1 < len(self.words) and self.clause[k + 1] == self.clause[k] and any(
                    p.tag.POS == "NOUN" and "gent" in p.tag and "anim" in p.tag
                    for p in morph.parses(self.words[k + 1])[:1])
                return ("target", w, step) if owner else ("thing", w, step)   # «машину учителя»: his
        return None, None, 99

    def _substantive(self, k: int, parses) -> bool:
        """An adjective standing for a noun: no noun of its own follows in the clause."""
        if not any(p.tag.POS == "ADJF" and "accs" in p.tag for p in parses):
            return False
        nxt = k + 1
        return nxt >= len(self.words) or self.clause[nxt] != self.clause[k] or not any(
            p.tag.POS in ("NOUN", "ADJF") for p in morph.parses(self.words[nxt])[:1])

    def _preposition(self, k: int) -> bool:
        # «на красной площади»: a preposition up to two words before the noun
        return any(morph.parses(self.words[m])[:1] and morph.parses(self.words[m])[0].tag.POS == "PREP"
                   for m in range(max(0, k - 1), k + 1))

    def _one(self, word: str) -> bool:
        return word in ONE or any(p.tag.POS == "NOUN" and "sing" in p.tag for p in morph.parses(word))

    def _we(self, i: int) -> bool:
        """«взорвём», «порвём», «уничтожим»: the we of a team or a class."""
        return any({"1per", "plur"} <= p.tag.grammemes for p in morph.parses(self.words[i]) if p.tag.POS == "VERB")

    # ------------------------------------------------------ someone else's
    def reported(self, hit: Hit, i: int, j: int, category: str) -> str | None:
        if category in QUOTED_ALONE and shapes.quoted(self.text, hit.start):
            who = self.reporter(i)
            return f"quoted{f' after «{who}»' if who else ''}"
        called = self.called(hit, i, j)
        if called:
            return called
        who = self.reporter(i)
        return f"someone else's words (after «{who}»)" if who else None

    def called(self, hit: Hit, i: int, j: int) -> str | None:
        """«обозвали тупицей», «дразнят «коровой»», «кличка «тормоз»»: a name someone was called."""
        clause = self._clause_of(i)
        namer = self._namer(i, j, clause)
        if namer is None or self.own_voice(namer):
            return None
        # «обозвали тупицей», «назвали с*кой»: the word as dozor read it, disguise undone
        if shapes.quoted(self.text, hit.start) or any("ablt" in p.tag for p in morph.parses(hit.normalized)):
            return f"called so by someone («{self.words[namer]}»)"
        return None

    def _namer(self, i: int, j: int, clause: range) -> int | None:
        """The first word of naming in the sentence of `i` that is before it, or after `j` in
        its clause: by bisection in the sentence's naming words, kept per sentence."""
        sentence = self._sentence_of(i)
        namers = self._once(("naming", self.sentence[i]),
                            lambda: [k for k in sentence if "naming" in self.classes(k)])
        if j < i:         # (never, from a hit; read the slow way rather than guess)
            return next((k for k in namers if not i <= k <= j and (k in clause or k < i)), None)
        if namers and namers[0] < i:
            return namers[0]
        at = bisect_right(namers, j)
        return namers[at] if at < len(namers) and namers[at] < clause.stop else None

    def said_of(self, hit: Hit, i: int, j: int) -> str | None:
        """«мальчики сказали, что она жирная корова»: a word that insults only when aimed, in
        someone's words about a person («она», «он», «ты»), told of a child."""
        who = self.reporter(i)
        if who is None or self.child(i) is None:
            return None
        if not any(self.words[k] in PERSONAL for k in self._near(i, j)):
            return None           # «учитель сказал детям, что корова даёт молоко»
        return f"someone else's words (after «{who}»)"

    def reporter(self, i: int) -> str | None:
        """The verb of saying whose words the word at `i` is: «сказал, что убьёт», «пообещали
        закопать», «написал: «урою»»; not «он меня обозвал, я его убью» (a new clause of one's
        own), nor «это пишет сам хуесос» (the sender naming the writer)."""
        sentence = self._sentence_of(i)
        r = self._reporter_before(i)          # the nearest one before i, wherever it is
        if r < sentence.start:
            return None
        if self.own_voice(r):
            return None
        if self.clause[r] == self.clause[i]:
            # «пообещали закопать», «угрожал убить»: a verb is what was said; a noun is the sender's
            verbal = any(p.tag.POS in ("INFN", "VERB") for p in morph.parses(self.words[i])[:1])
            quoted = shapes.quoted(self.text, self.tokens[i].start)
            return self.words[r] if verbal or quoted else None
        # every clause between the verb and the word must be introduced as its words
        if self._unopened_between(r, i) == 0:
            return self.words[r]
        return None

    def _reporter_before(self, i: int) -> int:
        """The nearest word before `i` of a class that introduces someone's words (not a
        participle), -1 if none: one pass over the message, not one walk back per hit."""
        if self._reporters is None:
            last, out = -1, []
            for r in range(len(self.words)):
                out.append(last)          # out[r]: the nearest before r
                if any(c in self.classes(r) for c in REPORTERS) and not self._participle(r):
                    last = r
            self._reporters = out
        return self._reporters[i] if 0 <= i < len(self._reporters) else -1

    def _unopened_between(self, r: int, i: int) -> int:
        """How many clauses start after `r`, up to `i`, without being introduced as someone's
        words («: …», «что …»): by prefix counts, once per message."""
        if self._unopened is None:
            bad = [0] + [int(self.clause[k] != self.clause[k - 1]
                             and not (self.opens(k) or self.words[k] in COMPLEMENT))
                         for k in range(1, len(self.words))]
            self._unopened = list(accumulate(bad))
        return self._unopened[i] - self._unopened[r]

    def threatened(self, cue: Hit, harms: frozenset, i: int) -> bool:
        """Is the word at `i` also a threat verb in someone's words (reported as a threat)?
        `harms`: the (start, end) of the message's threat verbs in any form (HARM)."""
        return (cue.start, cue.end) in harms \
            and (self.reporter(i) is not None or shapes.quoted(self.text, cue.start))

    def begun(self, k: int) -> bool:
        """«начали травить», «стали обижать»: an infinitive after a verb of the 3rd person or the past."""
        first = morph.parses(self.words[k])[:1]
        if not (first and first[0].tag.POS == "INFN") or k == 0:
            return False
        before = morph.parses(self.words[k - 1])[:1]
        return bool(before) and before[0].tag.POS == "VERB" and "1per" not in before[0].tag \
            and "impr" not in before[0].tag

    def _participle(self, k: int) -> bool:
        # «так называемый популяризатор», «это написано …»: a participle reports nobody's words
        return any(p.tag.POS in ("PRTF", "PRTS") for p in morph.parses(self.words[k])[:1])

    def own_voice(self, k: int) -> bool:
        """«скажу», «скажи ему», «хочу сказать», «я ему сказал»: the sender speaking, not reporting."""
        first = morph.parses(self.words[k])[:1]
        if first and (first[0].tag.POS == "INFN" or "1per" in first[0].tag or "impr" in first[0].tag):
            return True
        # «я» or «мы» in the clause, before the word or right after it
        first = self._once(("я", self.clause[k]),
                           lambda: next((m for m in self._clause_of(k) if self.words[m] in ("я", "мы")), None))
        return first is not None and first < k + 2
