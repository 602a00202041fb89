"""Empty talk in one message (003 §5.3): stickers, GIFs, emoji, laughter, greetings and
congratulations to everyone, greeting cards. A message with anything of substance
beside the greeting stays clean. Flood over time (rate, repeats, cascades) needs
state and lives in the stream policy (streams/policy/flood.py).
"""
from __future__ import annotations

import re
from functools import lru_cache

import regex

from .. import budget
from ..model import Evidence, Violation
from ..tokens import Spans
from .base import Doc
from .lexicon import scan

_WORDY = re.compile(r"[^\W_]")          # a letter or a digit (`re`: faster for a gate)
_WORD = regex.compile(r"[\p{L}\p{N}]+")
EMPTY_KINDS = ("sticker", "gif")
CARD_KINDS = ("image", "gif", "video")


class Flood:
    """«🙏🙏🙏», «ахахаха», «Доброе утро всем!!! 🌸», a sticker → flood; «Спасибо, справку принесём» → clean."""
    name = category = "flood"

    def __init__(self, matcher):
        self.matcher = matcher

    def __call__(self, doc: Doc) -> Violation | None:
        msg, text = doc.message, doc.text
        kinds = [a.get("kind") for a in msg.attachments]
        if not text.strip() and kinds and all(k in EMPTY_KINDS for k in kinds):
            return self._flag("flood.sticker", f"only a {kinds[0]}", (), "medium", "certain")
        if text.strip() and not _WORDY.search(text):
            return self._flag("flood.emoji", "only emoji or punctuation", (Evidence(0, len(text), text, "", "emoji"),),
                              "medium", "certain")
        if text.strip():
            empty = self._empty(doc, text)
            if empty:
                # every word is a greeting, a wish, laughter, filler or a name: nothing else to read;
                # as sure as the least sure of its words («супер» is a reaction only perhaps)
                what, sure = empty
                return self._flag("flood.empty_talk", f"nothing but {what}", self._evidence(doc), "low", sure)
            return None
        for a in msg.attachments:
            kind, caption = a.get("kind"), str(a.get("caption") or "").strip()
            if kind in CARD_KINDS and caption and not _WORDY.search(caption):
                # a funny video or picture captioned «😂»: nothing to read but the laughter; a photo
                # with «👍» may still be the homework, so a picture is left to a moderator
                return self._flag("flood.emoji_caption", f"a {kind} captioned only «{caption[:20]}»", (), "low",
                                  "likely" if kind == "image" else "certain")
        for a in msg.attachments:       # a picture whose caption or file name is a greeting: a card
            if a.get("kind") not in CARD_KINDS:
                continue
            caption = str(a.get("caption") or "")
            readings = [caption] if caption else _from_file_name(str(a.get("file_name") or ""))
            if any(_WORDY.search(r) and self._empty(Doc(msg), r) for r in readings):
                # a picture says more than its caption: a class photo «С праздником!» is not a card
                return self._flag("flood.card", f"a greeting card («{a.get('caption') or a.get('file_name')}»)",
                                  (), "low", "likely")
        return None

    def _empty(self, doc: Doc, text: str) -> tuple[str, str] | None:
        """What the text consists of when it is only greetings, wishes, laughter and filler, and
        how sure that is (the least sure of its words' files, `уверенность:`)."""
        hits = [h for h in (scan(doc, self.matcher) if text == doc.text else self.matcher.scan(text))
                if h.entry.category == "flood"]
        if not hits:
            return None
        covered = Spans((h.start, h.end) for h in hits)      # asked per word: never words × hits
        filler = self.matcher.index.filler
        for m in _WORD.finditer(text):
            if not covered.covers(m.start(), m.end()) \
                    and m.group().lower().replace("ё", "е") not in filler and not _name(m.group()):
                return None          # a word that is not greeting, filler or a name: there is substance
        return (", ".join(dict.fromkeys(f"«{h.text}»" for h in hits)),
                min((h.entry.certainty for h in hits), key=_SURE.index))

    def _evidence(self, doc: Doc) -> tuple[Evidence, ...]:
        return tuple(Evidence(h.start, h.end, h.text, h.normalized, h.entry.label, h.entry.source)
                     for h in scan(doc, self.matcher) if h.entry.category == "flood")

    def _flag(self, rule: str, why: str, evidence, severity: str, certainty: str) -> Violation:
        return Violation("flood", rule, severity, evidence,
                         f"flood: {why} — empty talk litters the chat (003 §5.3)", certainty=certainty)


_SURE = ("possible", "likely", "certain")
# spellings of card file names the letter table does not read: «nastupajushhim» (shh for щ)
_FILE_SPELLINGS = (("shh", "shch"),)


def _from_file_name(name: str) -> list[str]:
    """«s_dnem_rozhdeniya.jpg» → [«с днем рождения»]: card file names are transliterated greetings,
    in any transliteration («s_dnyom_znaniy» → «с днем знаний»: of a word's readings, the first the
    dictionary knows). A second reading without the numbers, when it has some: «(1)», «_2026»
    count copies and years, not substance («s_8_marta» keeps its 8 in the first)."""
    from ..morph import parses
    from ..normalise.translit import Translit
    translit = Translit()
    stem = regex.sub(r"\.\w{2,4}$", "", name).lower()
    words = regex.findall(r"[^\W_]+", stem[:200])
    if len(words) > 12 or len(stem) > 200:
        return []           # a card's name is short: a longer one says more than a greeting
    out = []
    for w in words:
        if w in ("c", "s"):
            out.append("с")         # «c_днём_рождения»: a Latin «c» standing for «с»
            continue
        for old, new in _FILE_SPELLINGS:
            w = w.replace(old, new)
        readings = translit(w) or [w]
        out.append(next((r for r in readings if parses(r)), readings[0]))
    first = " ".join(out)
    bare = " ".join(w for w in out if not w.isdigit())
    return [first, bare] if bare != first and bare else [first]


def _name(word: str) -> bool:
    """«Машенька», «Ивановна»: whom a greeting is addressed to adds nothing to it."""
    if not word[:1].isupper():
        return False
    budget.check()            # the dictionary is asked per new name: a long greeting is timed
    return _named(word)


@lru_cache(maxsize=20_000)
def _named(word: str) -> bool:
    # cached: «Доброе утро, Машенька!» ×1,000 asked the analyser a thousand times
    from ..morph import analyzer
    return bool({"Name", "Surn", "Patr"} & analyzer().parse(word)[0].tag.grammemes)


def flood(matcher) -> Flood:
    return Flood(matcher)
