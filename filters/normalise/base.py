"""A normaliser unit turns one reading of a word into one or more readings.

Readings, not one rewrite: «b» inside «еbaлом» is a Latin «б» by sound but looks
like «ь», so the unit offers both and the detector keeps the first that matches.
The first reading a unit returns is its best guess.
"""
from __future__ import annotations

from typing import Iterable, Protocol

MAX_READINGS = 32   # caps the product of ambiguous letters; real disguises need few


class Unit(Protocol):
    name: str

    def __call__(self, word: str) -> Iterable[str]: ...


def expand(word: str, units: Iterable[Unit]) -> list[str]:
    """Run `word` through `units` in order; every unit sees every reading so far."""
    readings = [word]
    for unit in units:
        out: list[str] = []
        for reading in readings:
            for new in unit(reading):
                if new not in out:
                    out.append(new)
                if len(out) >= MAX_READINGS:
                    break
            if len(out) >= MAX_READINGS:
                break        # the cap holds for the unit's whole output, not per reading («00BCC» gave 34)
        readings = out or readings
    return readings


def combinations(options: list[list[str]], limit: int = MAX_READINGS) -> list[str]:
    """All strings taking one option per position, first options first, at most `limit`."""
    out = [""]
    for opts in options:
        out = [head + o for head in out for o in opts][:limit]
    return out
