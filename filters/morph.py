"""One pymorphy3 analyser per process, and the questions dozor asks it, cached."""
from __future__ import annotations

from functools import lru_cache

import pymorphy3


_VERBAL = {"INFN", "VERB", "PRTF", "PRTS", "GRND"}


@lru_cache(maxsize=1)
def analyzer() -> pymorphy3.MorphAnalyzer:
    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=200_000)
def is_known(word: str) -> bool:
    """Is `word` a form the dictionary lists (ё-insensitive)? «страхуй» yes, «охуеть» no."""
    return analyzer().word_is_known(word)


def lexeme(lemma: str, only: tuple[frozenset[str], ...] = (), exclude: frozenset[str] = frozenset()) -> list[str]:
    """Every form of `lemma` (ё folded to е); [lemma] when the dictionary does not know it.

    `only`: keep a form when its tag has every grammeme of one alternative:
    ({"1per", "futr"}, {"impr"}) keeps «убью», «убей» of «убить», not «убивает».
    `exclude`: leave out a form with any of these grammemes («PRTF»: «так называемый»).
    """
    parses = [p for p in analyzer().parse(lemma) if p.is_known and
              p.normal_form.replace("ё", "е") == lemma.replace("ё", "е")]
    if not parses:
        return [lemma]
    if any(p.tag.POS == "NOUN" for p in parses):
        # «сволочь» is also a verb («сволочь мешки»): a noun entry means the noun
        parses = [p for p in parses if p.tag.POS not in _VERBAL]
    forms: list[str] = []
    for parse in parses:
        for form in parse.lexeme:
            if only and not any(alt <= form.tag.grammemes for alt in only):
                continue
            if exclude & form.tag.grammemes:
                continue
            word = form.word.replace("ё", "е")
            if word not in forms:
                forms.append(word)
    return forms


def all_forms(word: str) -> set[str]:
    """Every form of every lemma `word` can be: «переломаю» → {переломать, переломаешь, …}."""
    out = {word.replace("ё", "е")}
    for parse in analyzer().parse(word):
        if parse.is_known:
            out.update(f.word.replace("ё", "е") for f in parse.lexeme)
    return out


def phrase_forms(word: str) -> set[str]:
    """The forms a word of a phrase matches: a verb only in the person, tense and mood it is
    written in («шею сверну» is a threat, «можно шею свернуть» a warning; «сверну», «свернём»
    yes, «свернуть», «свернёшь» no), every other word in every form («шею», «шеи»)."""
    out = {word.replace("ё", "е")}
    for parse in analyzer().parse(word):
        if not parse.is_known:
            continue
        tag = parse.tag
        verbal = tag.POS in ("VERB", "INFN")
        for form in parse.lexeme:
            t = form.tag
            if verbal and (t.POS, t.person, t.tense, t.mood) != (tag.POS, tag.person, tag.tense, tag.mood):
                continue
            out.add(form.word.replace("ё", "е"))
    return out


@lru_cache(maxsize=50_000)
def parses(word: str) -> tuple:
    """The dictionary's readings of a (folded) word, most likely first; () when it does not know it."""
    return tuple(p for p in analyzer().parse(word) if p.is_known)
