"""Which alphabet a word is written in, after folding."""
from __future__ import annotations

import regex

CYRILLIC = regex.compile(r"\p{Cyrillic}")
LATIN = regex.compile(r"[a-z]")
ONLY_CYRILLIC = regex.compile(r"[а-яё]+")
ONLY_LATIN = regex.compile(r"[a-z']+")


def has_cyrillic(word: str) -> bool:
    return CYRILLIC.search(word) is not None


def is_latin(word: str) -> bool:
    return ONLY_LATIN.fullmatch(word) is not None
