"""Russian written in Latin letters: «pizdec» → «пиздец», «nahuy» → «нахуй»."""
from __future__ import annotations

from .base import combinations
from .charmaps import load
from .scripts import is_latin


class Translit:
    name = "translit"

    def __init__(self, table=None):
        self.table = table if table is not None else load("translit")
        self.longest = max(len(k) for k in self.table)

    def __call__(self, word: str) -> list[str]:
        if not is_latin(word):
            return [word]
        options, i = [], 0
        while i < len(word):
            for size in range(min(self.longest, len(word) - i), 0, -1):
                chunk = word[i:i + size]
                if chunk in self.table:
                    options.append(list(self.table[chunk]))
                    i += size
                    break
            else:
                options.append([word[i]])
                i += 1
        return combinations(options)
