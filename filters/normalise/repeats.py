"""Stretched letters: «хууууй» → «хуй», «бляяяя» → «бля», «сссука» → «сука»."""
from __future__ import annotations

import regex

_RUN3 = regex.compile(r"(\w)\1{2,}")
_RUN2 = regex.compile(r"(\w)\1+")


class Repeats:
    name = "repeats"

    def __call__(self, word: str) -> list[str]:
        if not _RUN2.search(word):
            return [word]        # no letter twice in a row: nothing stretched (most words)
        out = [word]
        if _RUN3.search(word):
            # a run of three or more is never Russian spelling: try one letter, then two («ссать»)
            out += [_RUN3.sub(r"\1", word), _RUN3.sub(r"\1\1", word)]
        single = _RUN2.sub(r"\1", word)
        if single not in out:
            out.append(single)   # «ебанный» → «ебаный»: doubled by mistake or on purpose
        return out
