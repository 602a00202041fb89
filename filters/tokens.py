"""Words with their place in the original text, disguises kept inside the word.

«х*й», «С..ка», «ПИЗ-ДЕЦ», «зае%ал» are one token each: a mask or a separator
between letters belongs to the word, and the detector decides what it stands for.
Offsets are into the text as the sender wrote it, so evidence points there.
"""
from __future__ import annotations

from dataclasses import dataclass

import regex

_W = r"\p{L}\p{M}\p{Cf}\p{Nd}@$€"
MASK_CHARS = "*%#\"'`…"
SEPARATOR_CHARS = ".-_"
_INNER = regex.escape(MASK_CHARS + SEPARATOR_CHARS)
# letters, then (masks/separators + letters)*, then trailing stars («бл*», «х**»)
TOKEN = regex.compile(rf"[{_W}]+(?:[{_INNER}]+[{_W}]+)*\**")


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    start: int
    end: int


def tokenize(text: str) -> list[Token]:
    return [Token(m.group(), m.start(), m.end()) for m in TOKEN.finditer(text)]
