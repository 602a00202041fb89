"""Finds a lexicon's words in a text, through inflection, derivation and disguise.

A word is judged in this order, and the first answer stands:
1. a safe word («ебург», «сук») is never flagged;
2. a form of a lexicon lemma («хуя» of «хуй») is flagged;
3. a word the pymorphy3 dictionary knows («страхуй», «команда», «хлеба») is not:
   no substring can make a dictionary word obscene;
4. other readings of the word (homoglyphs, digits, transliteration, stretched
   letters) are looked up the same way, and a reading the dictionary does not know
   is matched against the roots («охуеть», «распиздяй»).
Disguises that span characters are handled around that: masks («х*й», «пи**ец»)
are matched as wildcards against the form table, separators («х.у.й», «ПИЗ-ДЕЦ»)
are joined, and spaced letters («х у й», «дро чи») are joined across words when the
pieces are not ordinary words themselves («вам удачи» stays two words).
Every answer is cached per distinct token, which is what makes this fast.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import regex

from . import morph
from .lexicon.format import Entry
from .lexicon.index import Index
from .normalise import fold, readings
from .normalise.charmaps import load as load_charmap, load_words
from .normalise.scripts import ONLY_CYRILLIC, is_latin
from .tokens import MASK_CHARS, SEPARATOR_CHARS, TOKEN, Token, tokenize

_SPLIT = regex.compile(rf"[{regex.escape(MASK_CHARS + SEPARATOR_CHARS)}]+")
_PIECE = regex.compile(rf"[^{regex.escape(MASK_CHARS + SEPARATOR_CHARS)}]+")
_MASK_RUN = regex.compile(rf"[{regex.escape(MASK_CHARS + SEPARATOR_CHARS)}]+")
_REAL_MASKS = set(MASK_CHARS)
_GAP = regex.compile(r"[\s.\-_*]{1,3}")   # «х у й», «х. у. й»; a comma ends a word
MAX_JOIN = 8            # «п и з д е ц»: up to eight pieces joined
CYRILLIC_LETTERS = "абвгдежзийклмнопрстуфхцчшщъыьэюя"


@dataclass(frozen=True, slots=True)
class Hit:
    start: int
    end: int
    text: str
    normalized: str
    entry: Entry


@dataclass(frozen=True, slots=True)
class _Judgement:
    entry: Entry | None
    normalized: str
    known: bool          # a plain dictionary word


_MISS_KNOWN = _Judgement(None, "", True)


@dataclass(frozen=True, slots=True)
class _Token:
    """All a text-level pass needs to know of one distinct token, computed once."""
    entry: Entry | None
    normalized: str
    folded: str
    disguised: bool      # holds a mask or separator: «х*й», «х.у.й»
    piece: bool          # could be a piece of a word typed with spaces: «дро», «чи», «х»
    ordinary: bool       # a dictionary word of two letters or more: «вам», «чи»


class Matcher:
    def __init__(self, index: Index, cache_size: int = 200_000):
        self.index = index
        self.latin_safe = load_words("latin_safe")
        self.letter_map = {**{k: v[0] for k, v in load_charmap("leet").items()},
                           **{k: v[0] for k, v in load_charmap("homoglyphs").items()}}
        self.cache_size = cache_size
        self._tokens: dict[str, _Token] = {}
        self.judge_word = lru_cache(maxsize=cache_size)(self._judge_word)

    # ------------------------------------------------------------------ text
    def find(self, text: str) -> list[Hit]:
        """Every hit in `text`, in order, with offsets into `text` as written."""
        words = TOKEN.findall(text)
        infos = [self.token(w) for w in words]
        # the fast path, taken by almost every message: no hit, nothing to join
        if not any(t.entry is not None or t.disguised for t in infos) and not self._spaced(infos):
            return []
        tokens = tokenize(text)
        gaps = [_GAP.fullmatch(text[a.end:b.start]) is not None for a, b in zip(tokens, tokens[1:])]
        hits: list[Hit] = []
        for token, info in zip(tokens, infos):
            if info.entry is not None:
                hits.append(Hit(token.start, token.end, token.text, info.normalized, info.entry))
            elif info.disguised:
                hits.extend(self._parts(token))
        for i, k, j in self._spaced(infos, gaps):
            a, b = tokens[i], tokens[k]
            hits.append(Hit(a.start, b.end, text[a.start:b.end], j.normalized, j.entry))
        hits.sort(key=lambda h: h.start)
        return hits

    def token(self, raw: str) -> _Token:
        info = self._tokens.get(raw)
        if info is None:
            if len(self._tokens) >= self.cache_size:
                self._tokens.clear()      # a bounded cache; a chat's vocabulary refills it fast
            info = self._tokens[raw] = self._judge_token(raw)
        return info

    def _parts(self, token: Token) -> list[Hit]:
        """«суки.приезжие»: a separator that was not a disguise; judge each side alone."""
        out = []
        for m in _PIECE.finditer(token.text):
            j = self.judge_word(fold(m.group()))
            if j.entry is not None:
                out.append(Hit(token.start + m.start(), token.start + m.end(), m.group(),
                               j.normalized, j.entry))
        return out

    def _spaced(self, infos: list[_Token], gaps: list[bool] | None = None) -> list[tuple[int, int, _Judgement]]:
        """«х у й», «дро чи», «п и з д е ц»: one word typed in pieces, as (first, last, judgement).

        Without `gaps` (the fast path) every gap counts as a space; with them, only real ones.
        """
        out, i, n = [], 0, len(infos)
        while i < n - 1:
            first = infos[i]
            if not first.piece or first.ordinary or first.entry is not None or not infos[i + 1].piece:
                i += 1
                continue
            words, ordinary, exact, loose = [first.folded], 0, None, None
            for k in range(i + 1, min(n, i + MAX_JOIN)):
                info = infos[k]
                if not info.piece or info.entry is not None or (gaps is not None and not gaps[k - 1]):
                    break
                if info.ordinary:
                    ordinary += 1
                    if ordinary > 1:      # «вам удачи»: two real words are two words
                        break
                words.append(info.folded)
                joined = "".join(words)
                j = self.judge_word(joined)
                if j.entry is None:
                    continue
                if joined in self.index.forms:
                    exact = (k, j)        # the longest dictionary form wins: «п и з д е ц», not «пизд»
                elif not ordinary:
                    loose = (k, j)        # else the longest root match of letters only: «е б а т ь»
            hit_at = exact or loose
            if hit_at:
                out.append((i, *hit_at))
                i = hit_at[0] + 1
            else:
                i += 1
        return out

    # ----------------------------------------------------------------- tokens
    def _judge_token(self, raw: str) -> _Token:
        word = fold(raw)
        disguised = _SPLIT.search(word) is not None
        j = self._judge_disguised(word) if disguised else self.judge_word(word)
        size = len(raw)
        known = j.known and not disguised
        return _Token(j.entry, j.normalized, word, disguised,
                      piece=not disguised and (size <= 3 or (size <= 4 and not known)),
                      ordinary=known and size > 1)

    def _judge_disguised(self, word: str) -> _Judgement:
        pieces = [p for p in _SPLIT.split(word) if p]
        whole = self.judge_word("".join(pieces))          # «х.у.й», «ПИЗ-ДЕЦ»
        if whole.entry is not None:
            return whole
        masked = self._masked(word, pieces)               # «х*й», «С..ка», «зае%ал»
        if masked is not None:
            return masked
        return _Judgement(None, "", False)

    def _masked(self, word: str, pieces: list[str]) -> _Judgement | None:
        letters = sum(len(p) for p in pieces)
        has_real_mask = any(c in _REAL_MASKS for c in word)
        if letters < 2:
            return None
        if not has_real_mask and all(len(p) > 2 and morph.is_known(p) for p in pieces):
            return None       # «т.е.» yes, «суки.приезжие» no: ordinary words around a dot
        stripped = word.strip("".join(_REAL_MASKS) + SEPARATOR_CHARS)
        if word.startswith(tuple(_REAL_MASKS)) or not stripped:
            return None       # «*важно*»: stars around a word are emphasis, not a mask
        parts, masks = [], 0
        for m in regex.finditer(rf"([{regex.escape(MASK_CHARS + SEPARATOR_CHARS)}]+)|([^{regex.escape(MASK_CHARS + SEPARATOR_CHARS)}]+)", word):
            if m.group(1):
                n = len(m.group(1))
                masks += n
                parts.append(f"[{CYRILLIC_LETTERS}]{{1,{n + 1}}}")
            else:
                parts.append(regex.escape("".join(self.letter_map.get(c, c) for c in m.group(2))))
        if masks > letters:
            return None
        pattern = regex.compile("".join(parts))
        first = self.letter_map.get(word[0], word[0])
        for form in self.index.by_first.get(first, ()):
            if pattern.fullmatch(form):
                return _Judgement(self.index.forms[form], form, False)
        if masks == 1 and has_real_mask:                  # «ох*еть»: a derivation, not in the table
            head, tail = _MASK_RUN.split(word, maxsplit=1)
            for letter in CYRILLIC_LETTERS:
                j = self.judge_word(head + letter + tail)
                if j.entry is not None:
                    return j
        return None

    # ------------------------------------------------------------------ words
    def _judge_word(self, word: str) -> _Judgement:
        index = self.index
        if index.is_safe(word):
            return _MISS_KNOWN
        entry = index.forms.get(word)
        if entry is not None:
            return _Judgement(entry, word, True)
        plain = ONLY_CYRILLIC.fullmatch(word) is not None
        if plain and morph.is_known(word):
            return _MISS_KNOWN
        latin = is_latin(word)
        if latin and word in self.latin_safe:
            return _MISS_KNOWN
        if not plain and not latin and not any(c.isalpha() for c in word):
            return _Judgement(None, "", False)
        for reading in readings(word):
            if index.is_safe(reading):
                continue
            entry = index.forms.get(reading)
            if entry is not None:
                return _Judgement(entry, reading, False)
            if ONLY_CYRILLIC.fullmatch(reading) and (reading == word or not morph.is_known(reading)):
                entry = index.root_match(reading)
                if entry is not None:
                    return _Judgement(entry, reading, False)
        return _Judgement(None, "", False)
