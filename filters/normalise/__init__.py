"""Readings of a word as a Russian reader would see it, one unit per disguise.

UNITS is the chain, in order; adding a disguise means one line here and one file.
"""
from __future__ import annotations

from functools import lru_cache

import regex

from .base import Unit, expand
from .homoglyphs import Homoglyphs
from .leet import Leet
from .repeats import Repeats
from .translit import Translit
from .unicode import FOLDED, Fold, fold

# folded Cyrillic (FOLDED) with no letter twice in a row
_PLAIN = regex.compile(r"(?:([а-я])(?!\1))+")


@lru_cache(maxsize=1)
def units() -> tuple[Unit, ...]:
    return (Fold(), Leet(), Homoglyphs(), Translit(), Repeats())


def readings(word: str) -> list[str]:
    """«6ЛЯЯЯ» → ['бляяя', 'бля', 'бляя'…]: the first is the plain folded word."""
    if unchanged(word):
        return [word]
    if FOLDED.fullmatch(word) and _signs().isdisjoint(word):
        # folded Cyrillic with no sign and no Latin letter, a letter twice in a row: only the
        # stretched letters are read, the other units give it back as it is
        return _repeats()(word)
    return expand(word, units())


def unchanged(word: str) -> bool:
    """Is `word` its only reading? Folded Cyrillic with no sign, no Latin letter and no letter
    twice in a row: every unit gives it back as it is (the matcher asks this of 32 letters for
    each masked word). A new unit that rewrites such words must say so here."""
    return _PLAIN.fullmatch(word) is not None and _signs().isdisjoint(word)


@lru_cache(maxsize=1)
def _signs() -> frozenset[str]:
    return next(u.signs for u in units() if u.name == "leet")


@lru_cache(maxsize=1)
def _repeats() -> Unit:
    last = units()[-1]
    assert last.name == "repeats", "readings(): the fast paths assume stretched letters are read last"
    return last


__all__ = ["readings", "unchanged", "fold", "units", "Unit"]
