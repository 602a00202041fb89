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


def lexeme(lemma: str, only: tuple[frozenset[str], ...] = ()) -> list[str]:
    """Every form of `lemma` (ё folded to е); [lemma] when the dictionary does not know it.

    `only`: keep a form when its tag has every grammeme of one alternative:
    ({"1per", "futr"}, {"impr"}) keeps «убью», «убей» of «убить», not «убивает».
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
