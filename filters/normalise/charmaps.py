"""Character tables from lexicons/_charmaps/*.tsv (data, editable without code)."""
from __future__ import annotations

from functools import lru_cache

from ..paths import lexicon_root


@lru_cache(maxsize=None)
def load(name: str) -> dict[str, tuple[str, ...]]:
    """`sign<TAB>letter[,letter…]` lines → {sign: (letter, …)}; '#' starts a comment."""
    path = lexicon_root() / "_charmaps" / f"{name}.tsv"
    table: dict[str, tuple[str, ...]] = {}
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 2 or not parts[0] or not parts[1].strip():
            raise ValueError(f"{path}:{lineno}: expected 'sign<TAB>letter[,letter…]', got {line!r}")
        table[parts[0]] = tuple(x.strip() for x in parts[1].split(",") if x.strip())
    return table


@lru_cache(maxsize=None)
def load_words(name: str) -> frozenset[str]:
    path = lexicon_root() / "_charmaps" / f"{name}.txt"
    return frozenset(w.strip().lower() for w in path.read_text(encoding="utf-8").splitlines()
                     if w.strip() and not w.lstrip().startswith("#"))
