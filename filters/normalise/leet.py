"""Digits and symbols standing for letters inside a word: «6ля» → «бля», «п0рн0» → «порно»."""
from __future__ import annotations

from .base import combinations
from .charmaps import load
from .scripts import has_cyrillic


class Leet:
    name = "leet"

    def __init__(self, table: dict[str, tuple[str, ...]] | None = None):
        self.table = table if table is not None else load("leet")
        self.signs = frozenset(self.table)

    def __call__(self, word: str) -> list[str]:
        if self.signs.isdisjoint(word) or sum(c.isalpha() for c in word) < 2:
            # «2020» stays a number; «x3», «е6» (a chess square), «6б» (a class) are no words:
            # a sign reads as a letter only beside two letters at least («6ля», «е6ать»)
            return [word]
        # «@берем»: an @ that starts a word is a mention (@name), not a letter; in a word of Latin
        # letters it is an e-mail address («olga@bk.ru»): only among Cyrillic ones is it a vowel
        email = "@" in word and not has_cyrillic(word)
        return combinations([[c] if c == "@" and (k == 0 or email) else list(self.table.get(c, (c,)))
                             for k, c in enumerate(word)])
