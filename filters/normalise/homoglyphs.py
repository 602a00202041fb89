"""Latin look-alikes inside a Cyrillic word: «xyй» → «хуй», «Пиcдyй» → «писдуй».

A Latin letter may be a look-alike («c» → «с») or a sound («b» → «б», «z» → «з»),
so each offers both readings; only words that already hold Cyrillic are touched.
"""
from __future__ import annotations

from .base import combinations
from .charmaps import load
from .scripts import LATIN, has_cyrillic


class Homoglyphs:
    name = "homoglyphs"

    def __init__(self, table=None, translit=None):
        self.table = table if table is not None else load("homoglyphs")
        self.translit = translit if translit is not None else load("translit")

    def __call__(self, word: str) -> list[str]:
        if not LATIN.search(word) or not has_cyrillic(word):
            return [word]
        options = []
        for c in word:
            if "a" <= c <= "z":
                opts = list(self.table.get(c, ())) + [o for o in self.translit.get(c, ())
                                                      if o not in self.table.get(c, ())]
                options.append(opts or [c])
            else:
                options.append([c])
        return combinations(options)
