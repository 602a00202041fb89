"""A text as the model reads it: its words, each a bag of hashed character n-grams.

The same functions serve training and inference, so a feature means the same thing in both.
The text is folded (case, ё, compatibility forms), disguises inside Cyrillic words are read as the
lexicons' character tables say («6ля», «xyй» with Latin x and y), stretched letters are cut to
two, a number outside a word becomes 0 (the model learns «пиши в лс 0 руб», not one phone
number), and a link is not read: which sites are the school's is the off-topic lists' to say, and
a model that learned «a link is spam» from its few spam examples flagged every lesson link. A word's n-grams are hashed for all the new words of a message at once
(numpy), and are the word's own, so the model keeps what it made of a word it has seen.
"""
from __future__ import annotations

import re
import numpy as np
import regex

from ..normalise.charmaps import load
from ..normalise.unicode import fold

NGRAMS = (3, 4, 5)               # character n-grams of each word, its edges marked: with bigrams, or
#                                  6-grams, or whole words and lemmas besides, no better on a held-back 15%
MAX_CHARS = 1024                 # what the model reads of a text: its opinion needs no more
PART_WORDS = 24                  # what it reads at once (parts())
_P = np.uint64(0x100000001B3)    # FNV prime: a polynomial hash over code points
_MIX = np.uint64(0xFF51AFD7ED558CCD)
_URL = regex.compile(r"(?:https?://|www\.)\S+|\b[\w.-]+\.(?:ru|com|org|net|me|io|su|рф|ly|cc|link|site|online|top|xyz)(?:/\S*)?\b",
                     regex.I)
_LINKISH = ("://", "www.", ".ru", ".com", ".org", ".net", ".me", ".io", ".su", ".рф", ".ly", ".cc",
            ".link", ".site", ".online", ".top", ".xyz")
# the standard library's re where a pattern is plain: it is twice as fast as regex at these
_WORD = re.compile(r"[\w@$€*]+")
_DIGITS = re.compile(r"\d+")
_STRETCH = re.compile(r"(\w)\1\1+")
_CYR = re.compile(r"[а-я]")
# a word character that is not plain Cyrillic, or a sign that stands for a letter; and a word with one
_ODD = re.compile(r"[^\W а-я]|[@$€*]")
_ODD_WORD = re.compile(r"[\w@$€*]*(?:[^\W а-я]|[@$€*])[\w@$€*]*")
_LETTER = re.compile(r"[^\W\d_]")


def disguises() -> dict[str, str]:
    """Latin look-alikes and digits read as the Cyrillic letters they stand for, from the
    lexicons' _charmaps/ at training time. A model keeps the table it was trained with (its
    model.json): an edit of the tables later must not change what its features mean."""
    return {sign: letters[0] for name in ("homoglyphs", "leet")
            for sign, letters in load(name).items() if len(sign) == 1}


def translation(disguised: dict[str, str]) -> dict[int, str]:
    return {ord(sign): letter for sign, letter in disguised.items()}


def words_of(text: str, table: dict[int, str]) -> list[str]:
    """The words the model reads in `text`, normalised (folded, disguises read, numbers as 0)."""
    text = fold(text[:MAX_CHARS])
    if any(sign in text for sign in _LINKISH):
        text = _URL.sub(" ", text)
    text = _STRETCH.sub(r"\1\1", text)
    if _ODD.search(text):            # almost no word but plain Cyrillic: only the others are read again
        text = _ODD_WORD.sub(lambda m: _read(m.group(), table), text)
    return _WORD.findall(text)


def _read(word: str, table: dict[int, str]) -> str:
    if _CYR.search(word):
        return word.translate(table)             # «6ля», «xyй»: a disguised Cyrillic word
    if not _LETTER.search(word):
        return _DIGITS.sub("0", word)            # a number, a time, a phone: its shape, not its digits
    return word


def word_ngrams(words: list[str], bits: int) -> tuple[np.ndarray, np.ndarray]:
    """The feature ids of each of `words`: its character n-grams, n in NGRAMS, with its edges
    marked by a space (« ты », « тупа», «упая »), and for each id the index of its word. A word's
    features are its own, whatever stands beside it, so what the model makes of a word can be
    kept (weights.Model keeps it per word): a message costs its new words, not its length."""
    norm = " " + " ".join(words) + " "
    codes = np.frombuffer(norm.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    space = codes == 32
    word = np.cumsum(space) - 1          # the word each place belongs to (a space: the one after it)
    ids, owner = [], []
    h = codes            # array arithmetic wraps round silently: a hash wants that
    inside = None        # the n-grams with no space but at their edges, one n after another
    for n in range(2, NGRAMS[-1] + 1):          # the n-gram at i is the (n-1)-gram at i, one more letter
        if len(codes) < n:
            break
        h = h[:-1] * _P + codes[n - 1:]
        if n >= 3:
            letter = ~space[n - 2:len(codes) - 1]          # its last place but one is no space
            inside = letter if inside is None else inside[:-1] & letter
        if n in NGRAMS:
            ids.append(h[inside])
            owner.append(word[:len(h)][inside])
    if not ids:
        return np.zeros(0, np.intp), np.zeros(0, np.intp)
    # Fibonacci hashing: the top bits of the product are the bucket
    return ((np.concatenate(ids) * _MIX >> np.uint64(64 - bits)).astype(np.intp),
            np.concatenate(owner).astype(np.intp))


def parts(words: list) -> list[tuple[int, int]]:
    """Where each part of a text begins and ends, in words. A text of more than PART_WORDS words is
    read in parts of PART_WORDS: a linear score grows with the length of what it reads and the
    training sentences are short, so a recipe or a news story of 200 words would otherwise add
    up to «abuse» from words that each say next to nothing. A message is as abusive as its worst
    part."""
    return [(k, min(k + PART_WORDS, len(words))) for k in range(0, max(1, len(words)), PART_WORDS)]
