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

A speech cue («угрожают», «закопать»: filters/lexicon/index.py) is a hit of category
`speech`: never a violation itself, it tells the lexicon detectors a report may be there.
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
from .tokens import MASK_CHARS, SEPARATOR_CHARS, TOKEN, Token

_SPLIT = regex.compile(rf"[{regex.escape(MASK_CHARS + SEPARATOR_CHARS)}]+")
_PIECE = regex.compile(rf"[^{regex.escape(MASK_CHARS + SEPARATOR_CHARS)}]+")
_REAL_MASKS = set(MASK_CHARS)
_GAP = regex.compile(r"[\s.\-_*]{1,3}")   # «х у й», «х. у. й»; a comma ends a word
MAX_JOIN = 8            # «п и з д е ц»: up to eight pieces joined
CYRILLIC_LETTERS = "абвгдежзийклмнопрстуфхцчшщъыьэюя"


def _phrase_end(words: list[str], i: int, forms: tuple[frozenset[str], ...]) -> int | None:
    """Index of the last word if the phrase starts at `i`; one extra word may stand between
    («ноги тебе переломаю»)."""
    if words[i] not in forms[0]:
        return None
    at = i
    for wanted in forms[1:]:
        for step in (1, 2):
            if at + step < len(words) and words[at + step] in wanted:
                at += step
                break
        else:
            return None
    return at


@dataclass(frozen=True, slots=True)
class Hit:
    start: int
    end: int
    text: str
    normalized: str
    entry: Entry


@dataclass(frozen=True, slots=True)
class _Judgement:
    entries: tuple[Entry, ...]   # one per category the word belongs to; () for a clean word
    normalized: str
    known: bool          # a plain dictionary word


_MISS_KNOWN = _Judgement((), "", True)
_MISS = _Judgement((), "", False)


@dataclass(frozen=True, slots=True)
class _Token:
    """All a text-level pass needs to know of one distinct token, computed once."""
    entries: tuple[Entry, ...]
    normalized: str
    folded: str
    disguised: bool      # holds a mask or separator: «х*й», «х.у.й»
    piece: bool          # could be a piece of a word typed with spaces: «дро», «чи», «х»
    ordinary: bool       # a dictionary word of two letters or more: «вам», «чи»
    hot: bool = False    # a hit, a disguise, a phrase's anchor or a cue: the message needs a closer look
    cues: tuple[Entry, ...] = ()     # speech cues (category speech): «угрожают», «закопать»


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
    def _words(self, text: str, infos: list[_Token], spaced: list) -> list[Hit]:
        """Word hits of a message `scan` found worth a closer look, with offsets as written."""
        spans = [m.span() for m in TOKEN.finditer(text)]
        hits: list[Hit] = []
        for (a, b), info in zip(spans, infos):
            if info.entries:
                hits += [Hit(a, b, text[a:b], info.normalized, e) for e in info.entries]
            elif info.disguised:
                hits.extend(self._parts(Token(text[a:b], a, b)))
            if info.cues:
                hits += [Hit(a, b, text[a:b], info.folded, e) for e in info.cues]
        if spaced:
            gaps = [_GAP.fullmatch(text[x[1]:y[0]]) is not None for x, y in zip(spans, spans[1:])]
            for i, k, j in self._spaced(infos, gaps):
                a, b = spans[i][0], spans[k][1]
                hits += [Hit(a, b, text[a:b], j.normalized, e) for e in j.entries]
        hits.sort(key=lambda h: h.start)
        return hits

    def scan(self, text: str) -> list[Hit]:
        """Every hit in `text`, words and phrases, minus what a safe phrase covers, in order."""
        get, token = self._tokens.get, self.token
        infos = [get(w) or token(w) for w in TOKEN.findall(text)]
        spaced = self._spaced(infos)
        if not spaced and not any(t.hot for t in infos):
            return []         # almost every message: one pass over cached tokens and done
        hits = self._words(text, infos, spaced)
        anchors = self.index.phrase_anchors
        if anchors and any(t.folded in anchors for t in infos):
            folded = [t.folded for t in infos]
            found = []
            for j, word in enumerate(folded):
                for k, forms, entry in anchors.get(word, ()):
                    # the phrase starts k words before its anchor, or up to k more (one word may
                    # stand between any two of its words)
                    for i in range(max(0, j - 2 * k), j - k + 1):
                        end = _phrase_end(folded, i, forms)
                        if end is not None and end >= j:
                            found.append((i, end, entry))
                            break
            if found:
                offsets = [m.span() for m in TOKEN.finditer(text)]    # only for what was found
                spans = [(offsets[i][0], offsets[end][1], entry, " ".join(folded[i:end + 1]))
                         for i, end, entry in found]
                hits += [Hit(a, b, text[a:b], norm, e) for a, b, e, norm in spans if e is not None]
                safe = [(a, b) for a, b, e, _ in spans if e is None]
                hits = [h for h in hits if not any(a <= h.start and h.end <= b for a, b in safe)]
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
            out += [Hit(token.start + m.start(), token.start + m.end(), m.group(), j.normalized, e)
                    for e in j.entries]
        return out

    def _spaced(self, infos: list[_Token], gaps: list[bool] | None = None) -> list[tuple[int, int, _Judgement]]:
        """«х у й», «дро чи», «п и з д е ц»: one word typed in pieces, as (first, last, judgement).

        Without `gaps` (the fast path) every gap counts as a space; with them, only real ones.
        """
        n = len(infos)
        starts = [i for i in range(n - 1) if infos[i].piece and infos[i + 1].piece and not infos[i].entries]
        if not starts:
            return []
        out, done = [], -1
        for i in starts:
            if i <= done:
                continue                  # inside a word already joined
            first = infos[i]
            # an ordinary word may start a spelled-out one («ид и от»), but counts as the one allowed
            words, ordinary, exact, loose = [first.folded], int(first.ordinary), None, None
            for k in range(i + 1, min(n, i + MAX_JOIN)):
                info = infos[k]
                if not info.piece or info.entries or (gaps is not None and not gaps[k - 1]):
                    break
                if info.ordinary:
                    ordinary += 1
                    if ordinary > 2:      # «вам удачи»: real words joined count only as a whole form
                        break
                words.append(info.folded)
                joined = "".join(words)
                j = self.judge_word(joined)
                if not j.entries:
                    continue
                if joined in self.index.forms:
                    exact = (k, j)        # the longest dictionary form wins: «п и з д е ц», not «пизд»
                elif not ordinary:
                    loose = (k, j)        # else the longest root match of letters only: «е б а т ь»
            hit_at = exact or loose
            if hit_at:
                out.append((i, *hit_at))
                done = hit_at[0]
        return out

    # ----------------------------------------------------------------- tokens
    def _judge_token(self, raw: str) -> _Token:
        word = fold(raw)
        disguised = _SPLIT.search(word) is not None
        j = self._judge_disguised(word) if disguised else self.judge_word(word)
        size = len(raw)
        known = j.known and not disguised
        if disguised and not j.entries and not any(self.judge_word(p).entries for p in _PIECE.findall(word)):
            disguised = False     # «кое-как», «т.е.»: no piece is a hit either, nothing left to look at
        cues = self.index.cues.get(word, ())
        return _Token(j.entries, j.normalized, word, disguised,
                      piece=not disguised and (size <= 3 or (size <= 4 and not known)),
                      ordinary=known and size > 1,
                      hot=bool(j.entries) or disguised or word in self.index.phrase_anchors or bool(cues),
                      cues=cues)

    def _judge_disguised(self, word: str) -> _Judgement:
        pieces = [p for p in _SPLIT.split(word) if p]
        whole = self.judge_word("".join(pieces))          # «х.у.й», «ПИЗ-ДЕЦ»
        if whole.entries:
            return whole
        masked = self._masked(word, pieces)               # «х*й», «С..ка», «зае%ал»
        if masked is not None:
            return masked
        return _MISS

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
        parts, masks, expected = [], 0, letters
        for m in regex.finditer(rf"([{regex.escape(MASK_CHARS + SEPARATOR_CHARS)}]+)|([^{regex.escape(MASK_CHARS + SEPARATOR_CHARS)}]+)", word):
            if m.group(1):
                n = len(m.group(1))
                masks += n
                # «пи**ец»: a star a letter; «С..ка», «е..ный»: a run of dots is a gap of any size
                expected += 1 if set(m.group(1)) <= set(".…") else n
                parts.append(f"[{CYRILLIC_LETTERS}]{{1,{n + 1}}}")
            else:
                parts.append(regex.escape("".join(self.letter_map.get(c, c) for c in m.group(2))))
        if masks > letters:
            return None
        pattern = regex.compile("".join(parts))
        first = self.letter_map.get(word[0], word[0])
        fits = [form for form in self.index.by_first.get(first, ()) if pattern.fullmatch(form)]
        if fits:      # the closest length wins: «С..ка» is «сука» before «сучка»
            form = min(fits, key=lambda f: (abs(len(f) - expected), f))
            return _Judgement(self.index.forms[form], form, False)
        if masks == 1 and has_real_mask:                  # «ох*еть»: a derivation, not in the table
            head, tail = _SPLIT.split(word, maxsplit=1)
            for letter in CYRILLIC_LETTERS:
                j = self.judge_word(head + letter + tail)
                if j.entries:
                    return j
        return None

    # ------------------------------------------------------------------ words
    def _judge_word(self, word: str) -> _Judgement:
        index = self.index
        if index.is_safe(word):
            return _MISS_KNOWN
        entries = index.forms.get(word)
        if entries:
            return _Judgement(entries, word, True)
        plain = ONLY_CYRILLIC.fullmatch(word) is not None
        if plain and morph.is_known(word):
            return _MISS_KNOWN
        latin = is_latin(word)
        if latin and word in self.latin_safe:
            return _MISS_KNOWN
        if not plain and not latin and not any(c.isalpha() for c in word):
            return _MISS
        for reading in readings(word):
            if index.is_safe(reading):
                continue
            entries = index.forms.get(reading)
            if entries:
                return _Judgement(entries, reading, False)
            if ONLY_CYRILLIC.fullmatch(reading) and (reading == word or not morph.is_known(reading)):
                entries = index.root_match(reading)
                if entries:
                    return _Judgement(entries, reading, False)
        return _MISS
