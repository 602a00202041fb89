"""A category's lexicon compiled for lookup: every word form, the roots, the safe words.

Built once at start-up and validated then (a bad line fails here, with file:line),
so the hot path is dictionary look-ups. Words the pymorphy3 dictionary knows are
decided by the form table alone; roots and prefixes only ever judge words the
dictionary does not know, and the dictionary sweep (swept.tsv) is how roots reach
dictionary words: reviewed, as a diff.

The speech classes (lexicons/speech/, filters/speech.py) are kept apart from the form
table: they are never violations. Only the cues — words of saying and naming, a reported
threat or bullying («угрожают», «издеваются»), the threat verbs in any form of intent
(«пообещали закопать»), subject terms — make a message worth a closer look; the common
classes (children, festive words, targets, hazards) are looked up only in a message that
already has a hit, so a parent writing «сын заболел» costs nothing more.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from pathlib import Path

import regex

from .. import morph
from ..paths import lexicon_root
from .format import SPEECH, Entry, LexiconError, LexiconFile, parse

SWEPT = "swept.tsv"
# speech classes whose words are cues: they make a finding of their own (a report about a child:
# threat, bullying), or change what a hit is (report, naming, subject); all of them rare words
CUES = ("threat", "bullying", "report", "naming", "subject")
# forms of a verb of saying or naming that are the sender's own voice («напишите», «скажу»,
# «хочу сказать»), so never introduce anyone else's words: not listed, and not cues either;
# a participle reports nobody («так называемый»)
_OWN_VOICE = {"report": frozenset({"PRTF", "INFN", "impr", "1per"}),
              "naming": frozenset({"PRTF", "INFN", "impr", "1per"})}
HARM = "harm"     # the class of the threat verbs in any form: «убьёт», «закопать» in a report
# a root is a few letters' work on any word (microseconds); this is a thousand times that, so a
# busy machine never cuts off an honest root, and a word costs at most this per root
ROOT_TIMEOUT = 0.02
_log = logging.getLogger("dozor.lexicons")
_slow_roots: set[tuple[str, int, str]] = set()


# what would make a root mean something else inside an alternation: a reference to a group by
# number or name, a conditional, a recursive call
_REFERS = regex.compile(r"\\[1-9]|\\g<|\(\?P=|\(\?\(|\(\?&|\(\?R|\(\?[0-9+-]")


def join_roots(patterns: list[regex.Pattern]) -> regex.Pattern | None:
    """`patterns` as one alternation that matches a word exactly when one of them does, and
    whose leftmost match starts where the leftmost of theirs does; None when they cannot be joined."""
    if not patterns:
        return None
    plain = regex.compile("").flags
    if any(p.flags != plain or _REFERS.search(p.pattern) for p in patterns):
        return None
    # Roots anchored at the word's start (90 of 102) are put under one «^»: the engine tries
    # every alternative at every letter, and this way a word's later letters try one «^» and
    # the dozen unanchored roots, not all of them (an 11-letter word: 10.4 µs a search, now
    # 5); the match starts where it did, since an anchored root can only match at the start
    anchored = [p.pattern for p in patterns if _anchored(p.pattern)]
    rest = [f"(?:{p.pattern})" for p in patterns if not _anchored(p.pattern)]
    head = ["^(?:" + "|".join(f"(?:{a})" for a in anchored) + ")"] if anchored else []
    try:
        return regex.compile("|".join(head + rest))
    except (regex.error, OverflowError, RecursionError):
        return None


def _anchored(source: str) -> bool:
    """Does every alternative of the root `source`, at its top level, start with «^» (so that it
    can match at a line's start only)? False whenever it is written in a way this does not read:
    an escape, a nested or an empty set (saying False costs only speed)."""
    if "\\" in source:
        return False
    depth, k, n, starts = 0, 0, len(source), [0]
    while k < n:
        c = source[k]
        if c == "[":
            first = k + 2 if source.startswith("[^", k) else k + 1
            end = source.find("]", first)
            if end <= first or "[" in source[k + 1:end]:
                return False
            k = end + 1
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth < 0:
                return False
        elif c == "|" and depth == 0:
            starts.append(k + 1)
        k += 1
    return depth == 0 and all(source.startswith("^", a) for a in starts)


def _timed_out(entry: Entry, word: str) -> None:
    """Say once per root (not once per word: an attacker's flood would drown the log) that a root
    took too long and was skipped."""
    key = (entry.file, entry.line, entry.value)
    if key not in _slow_roots:
        _slow_roots.add(key)
        _log.error("root %s (%s) took over %g s on a word of %d letters and was judged not to match it; "
                   "it can backtrack for ever: fix it (`dozor lexicon lint`) and publish again",
                   entry.label, entry.source, ROOT_TIMEOUT, len(word))


@dataclass
class Index:
    category: str
    files: list[LexiconFile]
    forms: dict[str, tuple[Entry, ...]] = field(default_factory=dict)   # form → one entry per category
    roots: list[tuple[regex.Pattern, Entry]] = field(default_factory=list)
    safe_forms: set[str] = field(default_factory=set)
    safe_prefixes: tuple[str, ...] = ()
    by_first: dict[str, list[str]] = field(default_factory=dict)
    phrases: list[tuple[tuple[frozenset[str], ...], Entry]] = field(default_factory=list)
    safe_phrases: list[tuple[frozenset[str], ...]] = field(default_factory=list)
    # a phrase is looked for only where its longest (rarest) word stands: «стенке» of «к стенке»
    phrase_anchors: dict[str, list] = field(default_factory=dict)  # form → [(anchor index, forms, entry|None)]
    filler: set[str] = field(default_factory=set)   # words with no substance («всем», «дорогие»), never hits
    # speech classes: class → form → entry, and class → phrases; never hits (filters/speech.py)
    speech: dict[str, dict[str, Entry]] = field(default_factory=dict)
    speech_phrases: dict[str, list[tuple[tuple[frozenset[str], ...], Entry]]] = field(default_factory=dict)
    cues: dict[str, tuple[Entry, ...]] = field(default_factory=dict)   # form → cue entries (CUES, HARM)
    speech_classes: dict[str, frozenset[str]] = field(default_factory=dict)   # form → its classes
    _joined: tuple = field(default=(-1, None), repr=False, compare=False)     # (roots joined, alternation)
    _grouped: tuple = field(default=(-1, None), repr=False, compare=False)    # (roots grouped, _by_category())

    @property
    def entries(self) -> list[Entry]:
        return [e for f in self.files for e in f.entries]

    def is_safe(self, word: str) -> bool:
        return word in self.safe_forms or (bool(self.safe_prefixes) and word.startswith(self.safe_prefixes))

    def root_match(self, word: str, prefiltered: bool = False) -> tuple[Entry, ...]:
        """The first root or prefix entry of each category matching `word` (for words the
        dictionary does not know), in the order of the roots. `prefiltered`: the caller has asked
        any_root() already and it did not say «none».

        Every search runs under the regex module's timeout: lint refuses a root that can
        backtrack for long, but should one get past it, a word it cannot decide in time is
        judged as not matching that root (logged once per root) and the message goes on."""
        if not prefiltered and (anyone := self.any_root()) is not None:
            try:                  # most words match no root: one search (and one timeout) says so
                if anyone.search(word, timeout=ROOT_TIMEOUT) is None:
                    return ()
            except TimeoutError:
                pass              # some root backtracks: each is asked alone below, under its own limit
        groups = self._by_category()
        if groups is None:
            groups = [(None, [(k, p, e)]) for k, (p, e) in enumerate(self.roots)]
        # a category at a time: one search of its roots at once, its roots one by one only when
        # that finds something (asking all 102 roots one by one of a word some root matches, a
        # laugh, a spam word, a slur, one unknown word in nine, took 340 µs; this ~15)
        found = []
        for joined, roots in groups:
            if joined is not None:
                try:
                    if joined.search(word, timeout=ROOT_TIMEOUT) is None:
                        continue
                except TimeoutError:
                    pass          # asked root by root below, each under its own limit
            for k, pattern, entry in roots:
                if joined is None and any(e.category == entry.category for _, e in found):
                    continue
                try:
                    hit = pattern.search(word, timeout=ROOT_TIMEOUT)
                except TimeoutError:
                    _timed_out(entry, word)
                    continue
                if hit:
                    found.append((k, entry))
                    break
        found.sort(key=lambda f: f[0])
        return tuple(e for _, e in found)

    def any_root(self) -> regex.Pattern | None:
        """Every root as one alternation, which matches exactly when one of them does (none refers
        to a group by number or name, none sets a flag for the whole pattern); None when they
        cannot be joined. A timeout costs microseconds a search: paid once a word, not once a root."""
        if self._joined[0] != len(self.roots):
            self._joined = (len(self.roots), join_roots([p for p, _ in self.roots]))
        return self._joined[1]

    def _by_category(self) -> list | None:
        """The roots by category (in the order of each category's first root), with each
        category's roots joined as one alternation; None when some category's cannot be joined."""
        if self._grouped[0] != len(self.roots):
            groups: dict[str, list] = {}
            for k, (pattern, entry) in enumerate(self.roots):
                groups.setdefault(entry.category, []).append((k, pattern, entry))
            joined = [(join_roots([p for _, p, _ in roots]), roots) for roots in groups.values()]
            self._grouped = (len(self.roots), joined if all(j is not None for j, _ in joined) else None)
        return self._grouped[1]

    def add_form(self, form: str, entry: Entry) -> None:
        have = self.forms.get(form, ())
        if all(e.category != entry.category for e in have):    # the first entry of a category wins
            self.forms[form] = have + (entry,)


def load_files(folder: Path) -> list[LexiconFile]:
    if not folder.is_dir():
        raise LexiconError(f"{folder}: no such lexicon folder")
    return [parse(p, f"{folder.name}/{p.name}") for p in sorted(folder.glob("*.txt"))]


def build(category: str, folder: Path | None = None, swept: bool = True) -> Index:
    return build_many([category], {category: folder} if folder else None, swept)


def build_many(categories: list[str], folders: dict[str, Path] | None = None, swept: bool = True) -> Index:
    """One index over several categories: a text is then read once for all of them."""
    folders = {c: (folders or {}).get(c) or lexicon_root() / c for c in categories}
    index = Index("+".join(categories), [f for c in categories for f in load_files(folders[c])])
    safe_prefixes = []
    for entry in index.entries:
        if entry.category == SPEECH:
            _add_speech(index, entry)
        elif entry.aim == "filler":
            index.filler.update(morph.lexeme(entry.value))
        elif entry.kind == "phrase":
            if entry.category == "safe":
                # «убить время», «убивал время»: a safe phrase is safe in any form
                index.safe_phrases.append(tuple(frozenset(morph.all_forms(w)) for w in entry.value.split()))
            else:
                index.phrases.append((tuple(frozenset(morph.phrase_forms(w)) for w in entry.value.split()), entry))
        elif entry.category == "safe":
            if entry.kind == "prefix":
                safe_prefixes.append(entry.value)
            elif entry.kind == "form":
                index.safe_forms.add(entry.value)
            else:
                index.safe_forms.update(morph.lexeme(entry.value))
        elif entry.kind == "root":
            index.roots.append((regex.compile(entry.value), entry))
        elif entry.kind == "prefix":
            index.roots.append((regex.compile("^" + regex.escape(entry.value)), entry))
        elif entry.kind == "form":
            index.add_form(entry.value, entry)
        else:
            for form in morph.lexeme(entry.value, entry.forms):
                index.add_form(form, entry)
    index.safe_prefixes = tuple(safe_prefixes)
    for words, entry in index.phrases + [(words, None) for words in index.safe_phrases]:
        anchor = max(range(len(words)), key=lambda k: (min(len(f) for f in words[k]), k))
        for form in words[anchor]:
            index.phrase_anchors.setdefault(form, []).append((anchor, words, entry))
    if swept:
        for category in categories:
            for entry in read_swept(folders[category], index):
                for form in morph.lexeme(entry.value, entry.forms):
                    index.add_form(form, entry)
    if SPEECH in categories:
        _add_harm(index)
    for table in (index.forms, index.cues):
        for form in list(table):
            if index.is_safe(form):
                del table[form]
    classes: dict[str, set[str]] = {}
    for cls, table in index.speech.items():
        for form in table:
            classes.setdefault(form, set()).add(cls)
    index.speech_classes = {form: frozenset(c) for form, c in classes.items()}
    for form in index.forms:
        index.by_first.setdefault(form[0], []).append(form)
    return index


def _add_speech(index: Index, entry: Entry) -> None:
    cls = entry.word_class
    if entry.kind == "phrase":
        words = tuple(frozenset(morph.all_forms(w)) for w in entry.value.split())
        index.speech_phrases.setdefault(cls, []).append((words, entry))
        cues = set().union(*words)
    else:
        table = index.speech.setdefault(cls, {})
        cues = [entry.value] if entry.kind == "form" else morph.lexeme(
            entry.value, exclude=_OWN_VOICE.get(cls, frozenset({"PRTF"})))
        for form in cues:
            table.setdefault(form, entry)      # the first entry of a class wins, as in the form table
    if cls in CUES:
        for form in cues:
            have = index.cues.get(form, ())
            if all(e.word_class != cls for e in have):
                index.cues[form] = have + (entry,)


# a threat is of what is to come: «убьёт», «закопать», «побей»; «сказал, что порвал куртку» is news
_INTENT = (frozenset({"INFN"}), frozenset({"futr"}), frozenset({"impr"}))


def _add_harm(index: Index) -> None:
    """The forms of intent of every threat verb that counts only in some forms («убью» of «убить»):
    in someone else's words («Петя сказал сыну, что убьёт его») the other persons are a threat too."""
    table = index.speech.setdefault(HARM, {})
    verbs = [e for e in index.entries if e.category == "threat" and e.kind == "lemma" and e.forms]
    # a threat verb before a call («убью» of verbs.txt, not «убить» of calls.txt): evidence names it
    for entry in sorted(verbs, key=lambda e: any("INFN" in alt for alt in e.forms)):
        harm = replace(entry, category=SPEECH, word_class=HARM, examples=[])
        for form in morph.lexeme(entry.value, _INTENT):
            if form in table:
                continue
            table[form] = harm
            index.cues[form] = index.cues.get(form, ()) + (harm,)


def read_swept(folder: Path, index: Index) -> list[Entry]:
    """swept.tsv: `lemma<TAB>entry<TAB>file` rows written by `dozor lexicon sweep`.

    Rows name their rule by its text, not its line, so editing elsewhere in a
    file does not stale the sweep; changing the rule itself does, on purpose."""
    path = folder / SWEPT
    if not path.exists():
        return []
    by_rule = {(e.file, e.label): e for e in index.entries}
    out = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        try:
            lemma, label, file = line.split("\t")
        except ValueError:
            raise LexiconError(f"{folder.name}/{SWEPT}:{lineno}: expected 'lemma<TAB>entry<TAB>file'; "
                               f"regenerate it with `dozor lexicon sweep`") from None
        rule = by_rule.get((file, label))
        if rule is None:
            raise LexiconError(f"{folder.name}/{SWEPT}:{lineno}: {label} is no longer an entry of {file}; "
                               f"the lexicon changed, rerun `dozor lexicon sweep` and review the diff")
        out.append(replace(rule, kind="lemma", value=lemma, examples=[],
                           comment=f"dictionary sweep of {rule.label} ({rule.source})",
                           file=f"{folder.name}/{SWEPT}", line=lineno))
    return out

