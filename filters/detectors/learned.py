"""The learned second opinion as a detector: what no word list caught, for a moderator to judge.

It runs after the lexicon detectors and reads what they found (Doc.found). It says only `likely`
or `possible` (never `certain`: the policy strikes on nothing it says), once a message, for one
category the lexicons did not already find:
- `threat` or `hate` (the surer) when that head is over its own threshold and the abuse head
  leans to abuse (KIND_FLOOR): the kind heads were held to their rate of false alarms on
  sentences of every other kind, toxic ones included; hate only where the message names a group
  the hate lists know. Nothing when the lists found that kind: the abuse is theirs;
- else `insult` when the abuse head is over its threshold and the lists found no insult, threat
  or hate. When they found swearing, the swearing words are taken out and the text scored
  again: «сука ты» is an insult as well as swearing, «бля, опять контрольная» is swearing alone;
- else `offtopic` over its `likely` threshold, in a message of SPAM_WORDS words or more:
  advertising, a job offer, a chain letter. Its spam is learned from few examples (47 of
  tg-spam's, in English, and the lexicons' own), so it fires only when sure and says `possible`;
  a phone number the lists found is blanked first (it is personal data, not an advertisement).
Its evidence is the words that pushed the score most, and the explanation says they are the
model's reading, with the probability: a moderator sees what it saw.
A message of fewer than MIN_WORDS words of two letters or more is left to the lexicons («Рофл»,
«ну ты», «К.В. Блянихов»): one word says too little for a linear model, and the lists know the
words that say everything alone.
"""
from __future__ import annotations

import re

import regex

from ..learned import features
from ..learned.weights import Model, Opinion
from ..model import Evidence, Violation, less_sure
from ..normalise.unicode import fold
from ..shapes import a_name
from ..matcher import Matcher
from .base import Doc
from .lexicon import by_category

MIN_WORDS = 3
# abuse needs one word that carries it: its share of the score at least this (logit units). Set so
# that no sentence of the five regulations is flagged (tests/filters/test_real_data.py); on the
# evaluation sets it keeps all but 2 of the 92 toxic comments the model alone flags as insults
STRONG_WORD = 1.2
# a capitalised word is looked up as a possible name only when it pushes abuse or hate up by this
# much (its n-grams' weights summed: «Козлов» 20, «Хохлов» 35 and 69, «Петя» 1, «Иванов» 5 for
# hate): the dictionary is asked for the few that could decide, not for every sentence's first word
NAME_LEAN = 5.0
KIND_FLOOR = 0.5         # the abuse head's probability under which no threat or hate is read
SPAM_WORDS = 6
KINDS = ("threat", "hate")               # abuse of a kind; the rest is insult
SEVERITY = {"insult": "medium", "threat": "high", "hate": "high", "offtopic": "low"}
SAID = {"insult": "оскорбление", "threat": "угроза", "hate": "вражда к группе", "offtopic": "не по теме"}


class SecondOpinion:
    name = "model"
    category = "insult"

    def __init__(self, model: Model, matcher: Matcher):
        self.model = model
        self.matcher = matcher        # the lists' hits in the message: what they read and let pass

    def __call__(self, doc: Doc) -> Violation | None:
        m = self.model
        words = self._words(doc)
        if len([w for w in words if len(w) > 1]) < MIN_WORDS:      # initials («К.В.») are no words
            return None
        # what the lists found, and what they read and let pass: a word of theirs said of oneself
        # («я такой дебил»), in a warning («можно шею свернуть»), a title, a lesson's term
        found = {v.category for v in doc.found}
        hits = by_category(doc, self.matcher)         # read once a message, by the lexicon detectors
        passed = _weighed(hits) - found
        p = m.probabilities(words)
        abuse = m.opinion("abuse", p[m.index["abuse"]])
        if p[m.index["abuse"]] >= KIND_FLOOR:
            # a threat or hate: its own head over its threshold, in a text the abuse head leans to;
            # hate is against a group: without one named, what the hate head heard is an insult
            kinds = [o for o in (m.opinion(k, p[m.index[k]]) for k in KINDS)
                     if o.certainty and (o.head != "hate" or _names_a_group(hits))]
            if kinds:
                sure = max(kinds, key=lambda o: o.probability)
                if sure.head in found or sure.head in passed:
                    return None      # the lists found that abuse, or read it and let it pass
                gate = abuse if abuse.certainty else Opinion("abuse", abuse.probability, "possible")
                return self._finding(doc, words, sure.head, "abuse", gate, sure)
        if abuse.certainty and not (found | passed) & {"insult", *KINDS}:
            # the abuse a threat or hate the lists found is theirs; swearing is blanked and the
            # rest read again: «сука ты» is an insult too, «бля, опять контрольная» is not
            sure = self._without(doc, "profanity", "abuse") if "profanity" in found else abuse
            if sure.certainty:
                return self._finding(doc, words, "insult", "abuse", sure, sure)
        off = m.opinion("offtopic", p[m.index["offtopic"]])
        if off.certainty == "likely" and len(words) >= SPAM_WORDS and "offtopic" not in found:
            if "personal_data" in found:
                # a phone number is the personal-data finding's: is the rest an advertisement?
                off = self._without(doc, "personal_data", "offtopic")
            if off.certainty == "likely":
                # it learned spam from few examples: it speaks only when sure, and is taken as a doubt
                return self._finding(doc, words, "offtopic", "offtopic",
                                     Opinion("offtopic", off.probability, "possible"), off)
        return None

    def _words(self, doc: Doc, text: str | None = None) -> list[str]:
        """The words the model reads of the message (or of `text`, the message with some words
        blanked): not its short quotations, and not the words written as names that it would
        read as abuse («Козлов, верни тетрадь», «Хохлова Маша заболела»): the lists know a
        surname from a genitive plural, the model, which reads folded words, does not. Only a
        capitalised word the model leans on is looked up in the dictionary: that is rare."""
        text = _unquoted(doc.text if text is None else text)
        m = self.model
        words = features.words_of(text, m.table)
        capitals = _CAPITALISED.findall(text)
        if capitals:
            m.remember(words)        # every new word of the message at once, not one by one
            # a capitalised Cyrillic word folds by lower case and ё alone
            folded = {c: c.lower().replace("ё", "е") for c in capitals}
            names = {f for c, f in folded.items() if m.leans(f, ("abuse", "hate"), NAME_LEAN) and a_name(c)}
            if names:
                words = [w for w in words if w not in names]
        return words

    def _without(self, doc: Doc, category: str, head: str) -> Opinion:
        """`head`'s opinion of the text with the evidence of what the lists found as `category`
        blanked out."""
        spans = sorted((e.start, e.end) for v in doc.found if v.category == category for e in v.evidence)
        text, last, parts = doc.text, 0, []
        for s, e in spans:
            if s >= last:
                parts.append(text[last:s])
                parts.append(" " * (e - s))
                last = e
        parts.append(text[last:])
        m = self.model
        return m.opinion(head, m.probabilities(self._words(doc, "".join(parts)))[m.index[head]])

    def _finding(self, doc: Doc, read: list[str], category: str, head: str, gate, sure) -> Violation | None:
        m = self.model
        words = m.strongest(read, head)
        if head == "abuse" and (not words or words[0][1] < STRONG_WORD):
            return None      # many official words leaning a little («государственный стандарт») are no abuse
        evidence = tuple(_locate(doc, w) for w, _ in words)
        shown = ", ".join(f"«{w}»" for w, _ in words) or "—"
        why = (f"{SAID[category]}? так читает сообщение модель dozor (model {m.version}, not a word list): "
               f"{head} {gate.probability:.2f}" + (f", {category} {sure.probability:.2f}" if sure is not gate else "")
               + f"; сильнее всего повлияли слова {shown}. Решает модератор")
        return Violation(category, f"model.{category}", SEVERITY[category], tuple(e for e in evidence if e),
                         why, certainty=less_sure(gate.certainty, sure.certainty))


_CAPITALISED = re.compile(r"\b[А-ЯЁ][а-яё]+\b")      # a word written as a name could be
# a title, a name or a word quoted: «Идиот» Достоевского, повесть «Дебил», кличка «Рыжий»
_QUOTED = regex.compile(r"«[^«»\n]{1,60}»|\"[^\"\n]{1,60}\"|„[^„“\n]{1,60}“")


def _weighed(hits: dict) -> set[str]:
    """The categories whose words the lists met in the message and judged, found or not: an
    insult or a threat word they let pass was let pass for a reason. A group's name is no
    verdict of theirs (it takes a demeaning word beside it), so it does not count here."""
    met = {c for c in ("insult", "threat") if hits.get(c)}
    return met | ({"hate"} if any(h.entry.aim != "group" for h in hits.get("hate", ())) else set())


def _names_a_group(hits: dict) -> bool:
    """Does the message name a group the hate lists know (приезжие, верующие, многодетные…)?"""
    return any(h.entry.aim == "group" for h in hits.get("hate", ()))


def _unquoted(text: str) -> str:
    """The text without its short quotations: the word lists know a title from an insult
    (lexicons/README.md), the model reads only the words around it. What someone said, quoted,
    is the lists' to find and mark as reported."""
    return _QUOTED.sub(" ", text) if ("«" in text or '"' in text or "„" in text) else text


def _locate(doc: Doc, word: str) -> Evidence | None:
    """The token of the message the model's word came from (it read it folded, disguises undone)."""
    for t in doc.tokens:
        if fold(t.text) == word or word in fold(t.text):
            return Evidence(t.start, t.end, t.text, word, "model")
    return None
