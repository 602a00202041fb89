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
        seen: set[str] = set()       # `out` in order, `seen` to ask: a list scan per reading was 32²
        for reading in readings:
            for new in unit(reading):
                if new not in seen:
                    seen.add(new)
                    out.append(new)
                if len(out) >= MAX_READINGS:
                    break
            if len(out) >= MAX_READINGS:
                break        # the cap holds for the unit's whole output, not per reading («00BCC» gave 34)
        readings = out or readings
    return readings


def combinations(options: list[list[str]], limit: int = MAX_READINGS) -> list[str]:
    """All strings taking one option per position, first options first, at most `limit`."""
    if len(options) > 64 and all(options):
        return _first_combinations(options, limit)
    out = [""]
    for opts in options:
        out = [head + o for head in out for o in opts][:limit]
    return out


def _first_combinations(options: list[list[str]], limit: int) -> list[str]:
    """What `combinations` gives, for a long word: the first `limit` strings of the product in
    its order (the first position varies slowest) are the first `limit` numbers counted in the
    positions' mixed radix, so only the last few positions with a choice ever change. Each
    string is built once, in one pass (growing every prefix at every position was quadratic
    in the word: 10,000 letters took seconds)."""
    choices = [k for k, o in enumerate(options) if len(o) > 1]
    first = [o[0] for o in options]
    out = []
    for n in range(limit):
        word, left = list(first), n
        for k in reversed(choices):
            if not left:
                break
            left, pick = divmod(left, len(options[k]))
            word[k] = options[k][pick]
        if left:
            break             # fewer strings than `limit` in all
        out.append("".join(word))
    return out
