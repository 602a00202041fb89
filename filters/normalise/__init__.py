"""Readings of a word as a Russian reader would see it, one unit per disguise.

UNITS is the chain, in order; adding a disguise means one line here and one file.
"""
from __future__ import annotations

from functools import lru_cache

from .base import Unit, expand
from .homoglyphs import Homoglyphs
from .leet import Leet
from .repeats import Repeats
from .translit import Translit
from .unicode import Fold, fold


@lru_cache(maxsize=1)
def units() -> tuple[Unit, ...]:
    return (Fold(), Leet(), Homoglyphs(), Translit(), Repeats())


def readings(word: str) -> list[str]:
    """«6ЛЯЯЯ» → ['бляяя', 'бля', 'бляя'…]: the first is the plain folded word."""
    return expand(word, units())


__all__ = ["readings", "fold", "units", "Unit"]
