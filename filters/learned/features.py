"""A text as the model reads it: hashed character n-grams, each with its place.

The same function serves training and inference, so a feature means the same thing in both.
The text is folded (case, ё, compatibility forms), disguises inside Cyrillic words are read as the
lexicons' character tables say («6ля», «xyй» with Latin x and y), stretched letters are cut to
two, a number outside a word becomes 0 and a link one token: the model learns «пиши в лс 0 руб»,
not one phone number. Hashing is vectorised (numpy), so a message costs a few microseconds more
than its length in characters, whatever it holds.
"""
from __future__ import annotations

import re
from typing import NamedTuple

import numpy as np
import regex

from ..normalise.charmaps import load
from ..normalise.unicode import fold

NGRAMS = (3, 4, 5)               # character n-grams, over " word word " (spaces mark the edges): with
#                                  bigrams, or 6-grams, or whole words besides, no better on the held-back part
MAX_CHARS = 1024                 # what the model reads of a text: its opinion needs no more
PART_WORDS = 24                  # what it reads at once (featurize())
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


def normalised(text: str, table: dict[int, str]) -> tuple[str, list[str]]:
    """The folded text the n-grams are taken from, and its words in order."""
    text = fold(text[:MAX_CHARS])
    if any(sign in text for sign in _LINKISH):
        text = _URL.sub(" ссылка ", text)
    text = _STRETCH.sub(r"\1\1", text)
    if _ODD.search(text):            # almost no word but plain Cyrillic: only the others are read again
        text = _ODD_WORD.sub(lambda m: _read(m.group(), table), text)
    words = _WORD.findall(text)
    return " " + " ".join(words) + " ", words


def _read(word: str, table: dict[int, str]) -> str:
    if _CYR.search(word):
        return word.translate(table)             # «6ля», «xyй»: a disguised Cyrillic word
    if not _LETTER.search(word):
        return _DIGITS.sub("0", word)            # a number, a time, a phone: its shape, not its digits
    return word


class Read(NamedTuple):
    """A text as the model read it: feature ids, the part of the text each belongs to, the
    normalised text and its words."""
    ids: np.ndarray
    part: np.ndarray | None      # None: one part, the whole text
    parts: int
    norm: str
    words: list[str]

    def of_part(self, k: int) -> np.ndarray:
        return self.ids if self.part is None else self.ids[self.part == k]


def featurize(text: str, bits: int, table: dict[int, str]) -> Read:
    """The feature ids of `text` (with repeats: a linear model counts them), in blocks: the
    n-grams of each n in NGRAMS, starting at each place of the normalised text in turn (spans()
    says where each one is). A text of more than PART_WORDS words is read in parts of PART_WORDS
    words: a linear score grows with the length of what it reads, and the training sentences are
    short, so a recipe or a news story of 200 words would otherwise add up to «abuse» from words
    that each say next to nothing. A message is as abusive as its worst part.
    `table`: translation(disguises()) as the model was trained with."""
    norm, words = normalised(text, table)
    codes = np.frombuffer(norm.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    blocks = []
    h = codes            # array arithmetic wraps round silently: a hash wants that
    for n in range(2, NGRAMS[-1] + 1):          # the n-gram at i is the (n-1)-gram at i, one more letter
        if len(codes) < n:
            break
        h = h[:-1] * _P + codes[n - 1:]
        if n in NGRAMS:
            blocks.append(h)
    if not blocks:
        return Read(np.zeros(0, np.intp), None, 1, norm, words)
    # Fibonacci hashing: the top bits of the product are the bucket
    ids = (np.concatenate(blocks) * _MIX >> np.uint64(64 - bits)).astype(np.intp)
    if len(words) <= PART_WORDS:
        return Read(ids, None, 1, norm, words)
    # the part of each n-gram: of the word it starts in (a space belongs to the word before it)
    starts = np.concatenate([np.arange(len(b)) for b in blocks])
    lengths = np.fromiter(map(len, words), dtype=np.intp, count=len(words))
    word_starts = np.cumsum(lengths + 1) - lengths          # the first word starts at 1
    word = np.maximum(np.searchsorted(word_starts, starts, side="right") - 1, 0)
    n_parts = (len(words) + PART_WORDS - 1) // PART_WORDS
    return Read(ids, word // PART_WORDS, n_parts, norm, words)


def spans(norm: str) -> list[tuple[int, int]]:
    """Where in the normalised text each of featurize()'s ids comes from, in the same order."""
    return [(i, i + n) for n in NGRAMS for i in range(len(norm) - n + 1)]
