"""A text as the model reads it: hashed character n-grams and words, each with its place.

The same function serves training and inference, so a feature means the same thing in both.
The text is folded (case, ё, compatibility forms), disguises inside Cyrillic words are read as the
lexicons' character tables say («6ля», «xyй» with Latin x and y), stretched letters are cut to
two, a number outside a word becomes 0 and a link one token: the model learns «пиши в лс 0 руб»,
not one phone number. Hashing is vectorised (numpy), so a message costs a few microseconds more
than its length in characters, whatever it holds.
"""
from __future__ import annotations

import re
import zlib
from functools import lru_cache

import numpy as np
import regex

from ..morph import parses
from ..normalise.charmaps import load
from ..normalise.unicode import fold

NGRAMS = (2, 3, 4, 5)            # character n-grams, over " word word " (spaces mark the edges)
MAX_CHARS = 1024                 # what the model reads of a text: its opinion needs no more
PART_WORDS = 24                  # what it reads at once (parts())
_P = np.uint64(0x100000001B3)    # FNV prime: a polynomial hash over code points
_MIX = np.uint64(0xFF51AFD7ED558CCD)
_WORDS = np.uint64(0x9E3779B97F4A7C15)   # a word's hash is set apart from the n-grams' (code points are small)
_LEMMAS = np.uint64(0xC2B2AE3D27D4EB4F)  # and a lemma's from a word's
_URL = regex.compile(r"(?:https?://|www\.)\S+|\b[\w.-]+\.(?:ru|com|org|net|me|io|su|рф|ly|cc|link|site|online|top|xyz)(?:/\S*)?\b",
                     regex.I)
_SENTENCE = re.compile(r"(?<=[.!?…])\s+|\n+")
_LINKISH = ("://", "www.", ".ru", ".com", ".org", ".net", ".me", ".io", ".su", ".рф", ".ly", ".cc",
            ".link", ".site", ".online", ".top", ".xyz")
# the standard library's re where a pattern is plain: it is twice as fast as regex at these
_WORD = re.compile(r"[\w@$€*]+")
_DIGITS = re.compile(r"\d+")
_STRETCH = re.compile(r"(\w)\1\1+")
_CYR = re.compile(r"[а-я]")
_PLAIN = re.compile(r"[а-я]+")
_LETTER = re.compile(r"[^\W\d_]")


def disguises() -> dict[str, str]:
    """Latin look-alikes and digits read as the Cyrillic letters they stand for, from the
    lexicons' _charmaps/ at training time. A model keeps the table it was trained with (its
    model.json): an edit of the tables later must not change what its features mean."""
    return {sign: letters[0] for name in ("homoglyphs", "leet")
            for sign, letters in load(name).items() if len(sign) == 1}


def translation(disguised: dict[str, str]) -> dict[int, str]:
    return {ord(sign): letter for sign, letter in disguised.items()}


def parts(text: str) -> list[str]:
    """A long text as the model reads it: sentences, joined up to PART_WORDS words, a longer
    sentence cut into pieces of PART_WORDS. A linear score grows with the length of what it reads,
    and the training sentences are short: a recipe or a news story of 200 words would otherwise
    add up to «abuse» from words that each say next to nothing. A message is as abusive as its
    worst part."""
    text = text[:MAX_CHARS]
    if text.count(" ") < PART_WORDS:
        return [text]
    out, words = [], []
    for sentence in _SENTENCE.split(text):
        w = sentence.split()
        if words and len(words) + len(w) > PART_WORDS:
            out.append(" ".join(words))
            words = []
        words += w
        while len(words) > PART_WORDS:
            out.append(" ".join(words[:PART_WORDS]))
            words = words[PART_WORDS:]
    if words:
        out.append(" ".join(words))
    return out or [text]


def normalised(text: str, table: dict[int, str]) -> tuple[str, list[str]]:
    """The folded text the n-grams are taken from, and its words in order."""
    text = fold(text[:MAX_CHARS])
    if any(sign in text for sign in _LINKISH):
        text = _URL.sub(" ссылка ", text)
    words = _WORD.findall(_STRETCH.sub(r"\1\1", text))
    for i, w in enumerate(words):
        if not _PLAIN.fullmatch(w):             # almost every word is plain Cyrillic: nothing to read
            if _CYR.search(w):
                words[i] = w.translate(table)
            elif not _LETTER.search(w):
                words[i] = _DIGITS.sub("0", w)
    return " " + " ".join(words) + " ", words


def featurize(text: str, bits: int, table: dict[int, str]) -> tuple[np.ndarray, str, list]:
    """Feature ids of `text` (with repeats: a linear model counts them), the normalised text and
    its words. The ids come in blocks: the n-grams of each n in NGRAMS, starting at each place of
    the normalised text in turn, then the words (spans() says where each one is).
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
    if words:
        blocks.append(np.fromiter((zlib.crc32(w.encode()) for w in words),
                                  dtype=np.uint64, count=len(words)) + _WORDS)
        blocks.append(np.fromiter((_lemma(w) for w in words), dtype=np.uint64, count=len(words)) + _LEMMAS)
    if not blocks:
        return np.zeros(0, np.intp), norm, words
    # Fibonacci hashing: the top bits of the product are the bucket
    return (np.concatenate(blocks) * _MIX >> np.uint64(64 - bits)).astype(np.intp), norm, words


@lru_cache(maxsize=100_000)
def _lemma(word: str) -> int:
    """The hash of the word's dictionary form («безмозглую» → «безмозглый»): what generalises
    from one form seen in training to the others; the word itself when the dictionary lacks it."""
    if _PLAIN.fullmatch(word):
        readings = parses(word)
        if readings:
            word = readings[0].normal_form
    return zlib.crc32(word.encode())


def spans(norm: str, words: list[str]) -> list[tuple[int, int]]:
    """Where in the normalised text each of featurize()'s ids comes from, in the same order."""
    out = [(i, i + n) for n in NGRAMS for i in range(len(norm) - n + 1)]
    places, at = [], 1
    for w in words:
        places.append((at, at + len(w)))
        at += len(w) + 1
    return out + places + places          # the words, then their lemmas
