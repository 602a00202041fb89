"""Unicode folding: compatibility forms, case, invisible characters, ё."""
from __future__ import annotations

import unicodedata

import regex

# Zero-width and other format characters, and combining marks left after NFKC
# (an acute accent on «хУ́й», a strike-through overlay): they hide nothing a
# reader sees, so they must not hide a word from us either.
_INVISIBLE = regex.compile(r"[\p{Cf}\p{Mn}\p{Me}]+")
# lower-case Cyrillic without «ё»: NFKC, case folding and the rest leave it as it is, and it is
# what almost every word already is (the matcher folds a word once, then reads it many times)
FOLDED = regex.compile(r"[а-я]+")


class Fold:
    """NFKC, case folding, invisible marks dropped, ё → е: «Ｘу́Й» → «xуй»."""
    name = "fold"

    def __call__(self, word: str) -> list[str]:
        return [fold(word)]


def fold(word: str) -> str:
    if word.isascii():
        return word.lower()
    if FOLDED.fullmatch(word):
        return word
    if "№" in word:       # NFKC reads it as «No»; inside a word it stands for a letter: «пиз№ец»
        return "№".join(fold(part) for part in word.split("№"))
    word = unicodedata.normalize("NFKC", word).casefold()
    word = _INVISIBLE.sub("", word)
    return word.replace("ё", "е")
