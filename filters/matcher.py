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

from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate

import regex

from . import budget, morph
from .lexicon.format import Entry
from .lexicon.index import Index
from .normalise import fold, readings, unchanged
from .normalise.charmaps import load as load_charmap, load_words
from .normalise.scripts import ONLY_CYRILLIC, is_latin
from .tokens import MASK_CHARS, SEPARATOR_CHARS, TOKEN, Spans, Token

_SPLIT = regex.compile(rf"[{regex.escape(MASK_CHARS + SEPARATOR_CHARS)}]+")
_PIECE = regex.compile(rf"[^{regex.escape(MASK_CHARS + SEPARATOR_CHARS)}]+")
_REAL_MASKS = set(MASK_CHARS)
_SPLIT_CHARS = frozenset(MASK_CHARS + SEPARATOR_CHARS)
_RUNS = regex.compile(rf"([{regex.escape(MASK_CHARS + SEPARATOR_CHARS)}]+)|([^{regex.escape(MASK_CHARS + SEPARATOR_CHARS)}]+)")
_GAP = regex.compile(r"[\s.\-_*]{1,3}")   # «х у й», «х. у. й»; a comma ends a word
MAX_JOIN = 8            # «п и з д е ц»: up to eight pieces joined
CYRILLIC_LETTERS = "абвгдежзийклмнопрстуфхцчшщъыьэюя"
_LETTERS = frozenset(CYRILLIC_LETTERS)


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


ROOTS_AT_ONCE_TIMEOUT = 0.05      # s; past it, every root is asked alone (and timed alone)
HEAD = 8          # a mask this close to a word's start is searched for by the length of its head
def _lines_alike(source: str) -> bool:
    """Does the root `source` match a word standing alone exactly when it matches that word as
    a line of a text (under MULTILINE, lines apart by "\\n")? True only for what is read the
    same at a line's edges as at a string's: letters, classes, groups, alternation, counted
    and plain repeats (not possessive), ^ and $, and lookarounds that cannot read a "\\n";
    anything else (an escape, a dot, a flag, an atomic group) says no, and costs nothing but
    the speed this buys."""
    if "\\" in source or "\n" in source or any(q in source for q in ("*+", "++", "?+", "}+", "(*")):
        return False
    looks: list[bool] = []          # for each open group: is it (or one around it) a lookaround
    k, n = 0, len(source)
    while k < n:
        c = source[k]
        if c == "[":
            end = source.find("]", k + 2)        # «[]…]» and «[^]…]» are not written in roots
            if end < 0 or "[" in source[k + 1:end]:
                return False      # a nested set (regex's V1 syntax)
            if any(looks) and not all(ch.isalnum() or ch == "-" for ch in source[k + 1:end]):
                return False      # inside a lookaround a class must not take a "\n" («[^а]», «[ -я]»)
            k = end + 1
            continue
        if c == "(":
            if source.startswith("(?", k):
                kind = next((t for t in ("(?:", "(?=", "(?!", "(?<=", "(?<!") if source.startswith(t, k)), None)
                if kind is None:
                    return False
                looks.append(kind != "(?:" or any(looks))
                k += len(kind)
                continue
            looks.append(any(looks))
        elif c == ")":
            if not looks:
                return False
            looks.pop()
        elif c == "." or not (c.isalnum() or c in "^$|?*+{},"):
            return False
        k += 1
    return not looks


def _spans(text: str, tokens: list[str]) -> list[tuple[int, int]]:
    """Where each of `tokens` (TOKEN.findall(text)) stands in `text`, by str.find from the end of
    the one before: what TOKEN.finditer's spans say (between two tokens stands no character a token
    is made of, since any one of them starts a match, so the first occurrence is the token), without
    tokenising the message a second time (5 µs of the 64% of messages a phrase's word or a hit
    makes worth a closer look)."""
    out, at = [], 0
    find = text.find
    for t in tokens:
        a = find(t, at)
        at = a + len(t)
        out.append((a, at))
    return out


def _fits(form: str, parts: list[tuple[str, int]]) -> bool:
    """Does `form` read as the masked word `parts` (literals, and gaps of 1..n Cyrillic letters)?
    What `regex.fullmatch` of the wildcard would say, by the set of places each part can end at:
    at most len(form) places, so a long mask is linear in the form, never a backtracking search."""
    at = {0}
    size = len(form)
    for literal, gap in parts:
        if gap:
            nxt = set()
            for p in at:
                for k in range(p, min(size, p + gap)):
                    if form[k] not in _LETTERS:
                        break
                    nxt.add(k + 1)
            at = nxt
        else:
            at = {p + len(literal) for p in at if form.startswith(literal, p)}
        if not at:
            return False
    return size in at


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


@dataclass(slots=True)
class _Token:
    """All a text-level pass needs to know of one distinct token, computed once; shared by every
    message that holds the token, so never changed once made. Not frozen: a frozen dataclass sets
    each field through object.__setattr__, 0.8 µs of every new word's cost (now 0.3)."""
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
        self._any_root = index.any_root()
        self._roots: dict[str, tuple[Entry, ...]] = {}
        # every root at once, for many words at once, one a line (see _maybe_rooted); None when a root
        # could read a line's edge otherwise than a word's
        self._roots_by_line = (regex.compile("(?m)" + self._any_root.pattern)
                               if self._any_root is not None and all(_lines_alike(p.pattern) for p, _ in index.roots)
                               else None)
        # no root looks behind: a match that starts after a word's mask reads nothing of it
        self._looks_ahead_only = self._roots_by_line is not None and not any(
            "(?<" in p.pattern for p, _ in index.roots)
        self._by_head: regex.Pattern | None = None      # compiled when a masked word first asks
        # the forms by first letter and length: a masked word's length range picks a few of them
        self._by_size: dict[tuple[str, int], list[str]] = {}
        for first, group in index.by_first.items():
            for form in group:
                self._by_size.setdefault((first, len(form)), []).append(form)
        self._longest = max((len(f) for f in index.forms), default=0)
        # signs no reading changes or drops (ASCII digits and marks that stand for no letter) and no
        # form holds: a word with one is no form, and no root reads it (roots read Cyrillic only)
        signs = set(load_charmap("leet")) | set(load_charmap("homoglyphs")) | set(load_charmap("translit"))
        held = {c for form in index.forms for c in form}
        # («<», «=», «>» left out: a combining overlay would compose them into another sign)
        self._sticky = frozenset(chr(c) for c in range(128) if not chr(c).isalpha() and chr(c) not in "<=>"
                                 and chr(c) not in signs and chr(c) not in held)

    def _maybe_rooted(self, words: list[str], at: int) -> Iterator[int]:
        """The indices of `words`, in order, that a root may match; no other one matches any.
        `words` differ in the letter at `at` only (a mask's 32 readings).

        All of them are searched at once, one a line: the leftmost match tells the first word a
        root may match (a word before it would have had a match further left), and the search
        goes on from the line after it. When no root looks behind, only matches that start at
        or before `at` can tell the words apart (one that starts later reads none of the
        letter, so the first word says for all), and only those starts are tried: a fraction
        of the work. Every index when it cannot say."""
        if self._roots_by_line is None or any("\n" in w for w in words):
            yield from range(len(words))
            return
        pattern = self._roots_by_line
        if self._looks_ahead_only and at <= HEAD:
            try:
                later = pattern.search(words[0], at + 1, timeout=ROOTS_AT_ONCE_TIMEOUT)
            except TimeoutError:
                later = True
            if later:
                yield from range(len(words))
                return
            if self._by_head is None:
                # a match starting within the first HEAD + 1 letters of a line, nowhere else; the
                # line's "\n" first, which the engine finds fast (every line has one before it).
                # The head is lazy, so the match found has the shortest head its line allows, and
                # a line whose shortest is longer than `at` has none within `at`: one pattern for
                # every `at` (compiling one for each cost 7 ms apiece, 50 ms a process)
                self._by_head = regex.compile(f"(?m)\n([^\n]{{0,{HEAD}}}?)(?:{self._any_root.pattern})")
            pattern = self._by_head
        lead = "\n" if pattern is not self._roots_by_line else ""
        text = lead + "\n".join(words)
        # where each line starts (for the pattern that reads the "\n" before it: that "\n")
        starts = list(accumulate((len(w) + 1 for w in words[:-1]), initial=0))
        n = 0
        while n < len(words):
            try:
                m = pattern.search(text, starts[n], timeout=ROOTS_AT_ONCE_TIMEOUT)
            except TimeoutError:
                yield from range(n, len(words))
                return
            if m is None:
                return
            # a match starting at a line's "\n" may be an empty one at the end of that line's word
            # (with `lead`, the match starts at the "\n" before its line, which is the line's start)
            n = bisect_right(starts, m.start()) - 1
            if not lead or len(m.group(1)) <= at:
                yield n
            n += 1

    def _root_match(self, word: str, prefilter: bool = True) -> tuple[Entry, ...]:
        """`index.root_match`, asked only when one search of every root at once finds something:
        a masked word tries 32 letters, and 30 searches each (under a timeout) cost about 80 µs.
        `prefilter=False`: that search was made already (_maybe_rooted). Kept per word: the
        readings of a masked word's letters come back to the same words («хх*й» → «хй»)."""
        got = self._roots.get(word)
        if got is None:
            if len(self._roots) >= self.cache_size:
                self._roots.clear()
            got = self._roots[word] = self._search_roots(word, prefilter)
        return got

    def _search_roots(self, word: str, prefilter: bool) -> tuple[Entry, ...]:
        if prefilter and self._any_root is not None:
            try:
                if self._any_root.search(word, timeout=ROOTS_AT_ONCE_TIMEOUT) is None:
                    return ()
            except TimeoutError:
                pass              # a root that backtracks: root_match judges each one under its own limit
        return self.index.root_match(word, prefiltered=True)

    # ------------------------------------------------------------------ text
    def _words(self, text: str, infos: list[_Token], spaced: list, spans: list[tuple[int, int]]) -> list[Hit]:
        """Word hits of a message `scan` found worth a closer look, with offsets as written."""
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
        raw = TOKEN.findall(text)
        infos = [get(w) or token(w) for w in raw]
        spaced = self._spaced(infos)
        if not spaced and not any(t.hot for t in infos):
            return []         # almost every message: one pass over cached tokens and done
        spans = _spans(text, raw)
        hits = self._words(text, infos, spaced, spans)
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
                phrases = [(spans[i][0], spans[end][1], entry, " ".join(folded[i:end + 1]))
                           for i, end, entry in found]
                hits += [Hit(a, b, text[a:b], norm, e) for a, b, e, norm in phrases if e is not None]
                safe = Spans((a, b) for a, b, e, _ in phrases if e is None)
                if safe:
                    hits = [h for h in hits if not safe.covers(h.start, h.end)]
        return hits

    def token(self, raw: str) -> _Token:
        info = self._tokens.get(raw)
        if info is None:
            budget.check()        # a new word costs µs to ms; a message of thousands is timed
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
        # what _SPLIT.search says, by a set: 0.1 µs, not 0.3, of every new word
        disguised = not _SPLIT_CHARS.isdisjoint(word)
        j = self._judge_disguised(word) if disguised else self.judge_word(word)
        size = len(raw)
        known = j.known and not disguised
        if disguised and not j.entries and not any(self.judge_word(p).entries for p in _PIECE.findall(word)):
            disguised = False     # «кое-как», «т.е.»: no piece is a hit either, nothing left to look at
        cues = self.index.cues.get(word, ())
        return _Token(j.entries, j.normalized, word, disguised,
                      not disguised and (size <= 3 or (size <= 4 and not known)),       # piece
                      known and size > 1,                                                # ordinary
                      bool(j.entries) or disguised or word in self.index.phrase_anchors or bool(cues),   # hot
                      cues)

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
        # the word as a wildcard: literal pieces (look-alikes read as letters) and gaps of 1..n+1
        # letters; matched by hand, not by a regex compiled per token (a message of distinct
        # masked words compiled one each: 0.4 s for 4,096 characters)
        parts: list[tuple[str, int]] = []       # (literal, 0) or ("", the gap's longest size)
        masks, expected, short, long = 0, letters, 0, 0
        for m in _RUNS.finditer(word):
            if m.group(1):
                n = len(m.group(1))
                dots = set(m.group(1)) <= set(".…")
                masks += 1 if dots else n       # «п...ц»: three dots are one gap, not three letters
                # «пи**ец»: a star a letter; «С..ка», «е..ный»: a run of dots is a gap of any size
                expected += 1 if dots else n
                parts.append(("", n + 1))
                short, long = short + 1, long + n + 1
            else:
                literal = "".join(self.letter_map.get(c, c) for c in m.group(2))
                parts.append((literal, 0))
                short, long = short + len(literal), long + len(literal)
        if masks > letters:
            return None
        if len(pieces) > 1 and len(set(pieces)) == 1 and not has_real_mask:
            return None       # «и...и», «у...у меня»: a stutter, not a word with letters hidden
        first = self.letter_map.get(word[0], word[0])
        head, tail = parts[0][0], parts[-1][0]      # every form that fits starts (and ends) so
        fits = [form for size in range(short, min(long, self._longest) + 1)
                for form in self._by_size.get((first, size), ())
                if form.startswith(head) and form.endswith(tail) and _fits(form, parts)]
        if fits:      # the closest length wins: «С..ка» is «сука» before «сучка»
            form = min(fits, key=lambda f: (abs(len(f) - expected), f))
            return _Judgement(self.index.forms[form], form, False)
        if masks == 1 and has_real_mask:                  # «ох*еть»: a derivation, not in the table
            head, tail = _SPLIT.split(word, maxsplit=1)
            if self._sticky.intersection(head + tail):
                return None   # «х*й123»: no reading of any letter there can be a word of the lexicon
            words = [head + letter + tail for letter in CYRILLIC_LETTERS]
            maybe = self._maybe_rooted(words, len(head))     # the others no root matches: not asked again
            forms, is_safe, rooted = self.index.forms, self.index.is_safe, next(maybe, len(words))
            # unchanged(head + letter + tail), asked of the head and tail once: each letter only
            # adds a letter twice in a row when it is the one beside it
            plain = all(not part or unchanged(part) for part in (head, tail))
            beside = (head[-1:], tail[:1])
            for n, candidate in enumerate(words):
                if n == rooted:
                    j = self._judge_word(candidate, rooted=True)
                    if j.entries:
                        return j
                    rooted = next(maybe, len(words))
                elif plain and CYRILLIC_LETTERS[n] not in beside and unchanged(CYRILLIC_LETTERS[n]):
                    # its only reading is itself and no root matches it: only a form can be it
                    # (what _judge_word would say, without asking the dictionary and the readings)
                    entries = forms.get(candidate)
                    if entries and not is_safe(candidate):
                        return _Judgement(entries, candidate, True)
                else:
                    j = self._judge_word(candidate, rootless=True)
                    if j.entries:
                        return j
        return None

    # ------------------------------------------------------------------ words
    def _judge_word(self, word: str, rootless: bool = False, rooted: bool = False) -> _Judgement:
        """`rootless`: known to match no root itself (its other readings are still asked);
        `rooted`: known to be worth asking the roots (no search of all of them first)."""
        index = self.index
        if index.is_safe(word):
            return _MISS_KNOWN
        entries = index.forms.get(word)
        if entries:
            return _Judgement(entries, word, True)
        plain = ONLY_CYRILLIC.fullmatch(word) is not None
        if plain and morph.is_known(word):
            return _MISS_KNOWN
        latin = not plain and is_latin(word)
        if latin and word in self.latin_safe:
            return _MISS_KNOWN
        if not plain and not latin and not any(c.isalpha() for c in word):
            return _MISS
        for reading in readings(word):
            budget.check()        # each reading asks every root: a long word's dozens are timed
            if reading == word:
                # not safe, not a form: asked above; only the roots are left to ask (a masked word
                # asks this of 32 letters, so the questions asked twice showed)
                if plain and not rootless:
                    entries = self._root_match(reading, prefilter=not rooted)
                    if entries:
                        return _Judgement(entries, reading, False)
                continue
            if index.is_safe(reading):
                continue
            entries = index.forms.get(reading)
            if entries:
                return _Judgement(entries, reading, False)
            if ONLY_CYRILLIC.fullmatch(reading) and (reading == word or not morph.is_known(reading)):
                entries = self._root_match(reading)
                if entries:
                    return _Judgement(entries, reading, False)
        return _MISS
