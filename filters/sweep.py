"""The dictionary sweep: every lemma pymorphy3 knows, through the category's roots.

Roots are written for words the dictionary lacks («охуеть»); the sweep is how they
reach dictionary words («хуй», «пиздец», «мудак»). Its output, swept.tsv, is kept
in the repo and reviewed like code: a test fails when the rules and the file
disagree, so any change to a root shows up as a diff of the words it now flags.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable

from . import morph
from .lexicon.index import SWEPT, build
from .paths import lexicon_root

HEADER = ("# Dictionary words flagged by this category's roots: written by "
          "`dozor lexicon sweep`, reviewed as a diff.\n# lemma\tentry\tfile\n")


def dictionary_lemmas(progress: Callable[[int], None] | None = None) -> list[str]:
    lemmas: set[str] = set()
    for n, (_word, _tag, normal_form, _para, _idx) in enumerate(
            morph.analyzer().dictionary.iter_known_words()):
        lemmas.add(normal_form.replace("ё", "е"))
        if progress and n % 500_000 == 0:
            progress(n)
    return sorted(lemmas)


def sweep(category: str, lemmas: list[str] | None = None, folder: Path | None = None) -> list[tuple[str, str, str]]:
    folder = folder or lexicon_root() / category
    index = build(category, folder, swept=False)
    rows = []
    for lemma in lemmas if lemmas is not None else dictionary_lemmas():
        if index.is_safe(lemma) or lemma in index.forms:
            continue          # already a lexicon entry, or declared innocent
        entries = index.root_match(lemma)
        if entries:
            rows.append((lemma, entries[0].label, entries[0].file))
    return rows


def render(rows: list[tuple[str, str, str]]) -> str:
    return HEADER + "".join("\t".join(r) + "\n" for r in rows)


def write(category: str, lemmas: list[str] | None = None) -> Path:
    folder = lexicon_root() / category
    path = folder / SWEPT
    path.write_text(render(sweep(category, lemmas, folder)), encoding="utf-8")
    return path


if __name__ == "__main__":
    print(write(sys.argv[1] if len(sys.argv) > 1 else "profanity"))
