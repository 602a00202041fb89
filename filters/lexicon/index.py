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


def _join(patterns: list[regex.Pattern]) -> regex.Pattern | None:
    plain = regex.compile("").flags
    if not patterns or any(p.flags != plain or _REFERS.search(p.pattern) for p in patterns):
        return None
    try:
        return regex.compile("|".join(f"(?:{p.pattern})" for p in patterns))
    except (regex.error, OverflowError, RecursionError):
        return None


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

    @property
    def entries(self) -> list[Entry]:
        return [e for f in self.files for e in f.entries]

    def is_safe(self, word: str) -> bool:
        return word in self.safe_forms or (bool(self.safe_prefixes) and word.startswith(self.safe_prefixes))

    def root_match(self, word: str) -> tuple[Entry, ...]:
        """The first root or prefix entry of each category matching `word` (for words the
        dictionary does not know).

        Every search runs under the regex module's timeout: lint refuses a root that can
        backtrack for long, but should one get past it, a word it cannot decide in time is
        judged as not matching that root (logged once per root) and the message goes on."""
        found: list[Entry] = []
        if (anyone := self._any_root()) is not None:
            try:                  # most words match no root: one search (and one timeout) says so
                if anyone.search(word, timeout=ROOT_TIMEOUT) is None:
                    return ()
            except TimeoutError:
                pass              # some root backtracks: each is asked alone below, under its own limit
        for pattern, entry in self.roots:
            if any(e.category == entry.category for e in found):
                continue
            try:
                hit = pattern.search(word, timeout=ROOT_TIMEOUT)
            except TimeoutError:
                _timed_out(entry, word)
                continue
            if hit:
                found.append(entry)
        return tuple(found)

    def _any_root(self) -> regex.Pattern | None:
        """Every root as one alternation, which matches exactly when one of them does (none refers
        to a group by number or name, none sets a flag for the whole pattern); None when they
        cannot be joined. A timeout costs microseconds a search: paid once a word, not once a root."""
        if self._joined[0] != len(self.roots):
            self._joined = (len(self.roots), _join([p for p, _ in self.roots]))
        return self._joined[1]

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

