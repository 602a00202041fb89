"""Words with their place in the original text, disguises kept inside the word.

«х*й», «С..ка», «ПИЗ-ДЕЦ», «зае%ал» are one token each: a mask or a separator
between letters belongs to the word, and the detector decides what it stands for.
Offsets are into the text as the sender wrote it, so evidence points there.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import Iterable

import regex

_W = r"\p{L}\p{M}\p{Cf}\p{Nd}@$€"
MASK_CHARS = "*%#\"'`…№!"      # «пиз№ец», «х!й»: a sign no word holds, typed for a letter
SEPARATOR_CHARS = ".-_"
_INNER = regex.escape(MASK_CHARS.replace("!", "") + SEPARATOR_CHARS)
# a «!» for a letter only in a short word («х!й», «бл!ть»): «восторге!Удачи» is two sentences typed
# without a space; else letters, then (masks/separators + letters)*, then trailing stars («бл*», «х**»)
_BANG = rf"!(?<=(?<![{_W}])[{_W}]{{1,4}}!)(?=[{_W}]{{1,5}}(?![{_W}]))"
TOKEN = regex.compile(rf"[{_W}]+(?:(?:[{_INNER}]+|{_BANG})[{_W}]+)*\**")


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    start: int
    end: int


def tokenize(text: str) -> list[Token]:
    return [Token(m.group(), m.start(), m.end()) for m in TOKEN.finditer(text)]


def _start(token: Token) -> int:
    return token.start


def token_at(tokens: list[Token], offset: int) -> int:
    """The index of the token that holds `offset`, 0 when none does: by bisection (tokens are in
    order and never overlap), since it is asked for every hit of a message."""
    i = bisect_right(tokens, offset, key=_start) - 1
    return i if i >= 0 and offset < tokens[i].end else 0


class Spans:
    """Spans of a text (start, end), asked whether one of them covers a given span: in
    O(log n) per question, where a scan of every span per hit made a message of many hits
    quadratic («привет привет …» ×10,000: 15 s)."""

    def __init__(self, spans: Iterable[tuple[int, int]]):
        pairs = sorted(spans)
        self.starts = [a for a, _ in pairs]
        self.reach, far = [], None          # the furthest end among the spans that start so far
        for _, b in pairs:
            far = b if far is None or b > far else far
            self.reach.append(far)

    def __bool__(self) -> bool:
        return bool(self.starts)

    def covers(self, start: int, end: int) -> bool:
        """Is there a span (a, b) with a <= start and end <= b?"""
        i = bisect_right(self.starts, start) - 1
        return i >= 0 and self.reach[i] >= end
