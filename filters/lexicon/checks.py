"""What a lexicon maintainer runs: lint the files, run their examples, explain a word.

Each returns plain data (problems, results) so the CLI and the tests share it.
"""
from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import regex

from .. import homonyms, morph, speech
from ..detectors.lexicon import CATEGORIES
from ..matcher import Matcher
from ..model import Message, surest
from ..normalise import fold, readings
from ..paths import lexicon_root
from ..tokens import tokenize
from . import safety
from .format import AIMS, CLASSES, SPEECH, Entry, LexiconError
from .index import Index, build


@dataclass(frozen=True)
class Problem:
    level: str       # error | warning
    where: str       # file:line
    text: str

    def __str__(self) -> str:
        return f"{self.where}: {self.level}: {self.text}"

    @classmethod
    def of(cls, err: LexiconError) -> "Problem":
        """A LexiconError («file:line: what») as an error problem."""
        where, _, text = str(err).partition(": ")
        return cls("error", where, text)


KNOWN_CATEGORIES = CATEGORIES + ("safe",)


def lint(category: str, index: Index | None = None, folder: Path | None = None) -> list[Problem]:
    """Every mistake lint can see in one category's files, in file and line order.

    `folder` defaults to the category's folder under lexicons/; with an index built
    elsewhere it is only read to point at the line of a file's header."""
    if index is None:
        folder = folder or lexicon_root() / category
        try:
            index = build(category, folder)
        except LexiconError as err:
            return [Problem.of(err)]
    problems = (_entry_problems(index) + _unknown_categories(index, folder) + _unsafe_patterns(index)
                + _shadowed(index) + _innocent_words(index))
    return sorted(problems, key=_position)


def lint_tree(root: Path | None = None) -> list[Problem]:
    """Folders under lexicons/ that no category reads: the words in them would never count."""
    root = root or lexicon_root()
    return [Problem("error", f"{p.name}/", f"folder {p.name!r} is not a category, so nothing in it is ever "
                    f"read; rename it to one of {', '.join(CATEGORIES)} (safe words go in a category's "
                    f"folder, in a file with 'категория: safe'), or start its name with '_' if it holds "
                    f"no word list")
            for p in sorted(root.iterdir())
            if p.is_dir() and not p.name.startswith(("_", ".")) and p.name not in CATEGORIES]


def _position(problem: Problem) -> tuple[str, int]:
    file, _, line = problem.where.rpartition(":")
    return (file, int(line)) if line.isdigit() else (problem.where, 0)


def _key(e: Entry) -> tuple:
    return (e.category, e.word_class, e.kind, e.value, e.forms, e.near)


def _entry_problems(index: Index) -> list[Problem]:
    problems = []
    seen = Counter(_key(e) for e in index.entries)
    for e in index.entries:
        if e.category == "safe":
            continue
        if not any(x.kind in ("hit", "review") for x in e.examples):
            problems.append(Problem("error", e.source, f"entry {e.label!r} has no '+' example: "
                                    f"add a line '  + …' with a message it must catch"
                                    + (" (in a speech file: a text the word is found in)"
                                       if e.category == SPEECH else "")))
        if e.category == SPEECH:
            problems += [Problem("error", f"{e.file}:{x.line}", f"'~ {x.text}': a speech class decides nothing "
                                 f"by itself, so nothing is left to a moderator; write '+' (the word is found "
                                 f"in this text) or '-' (it is not), and put whole messages under the threat or "
                                 f"insult entry they concern") for x in e.examples if x.kind == "review"]
        if seen[_key(e)] > 1:
            problems.append(Problem("warning", e.source, f"entry {e.label!r} appears more than once"))
        if e.kind == "lemma" and not morph.is_known(e.value):
            problems.append(Problem("warning", e.source, f"pymorphy3 does not know {e.value!r}: "
                                    f"it matches this exact form only, not its inflections"))
    return problems


# ------------------------------------------------------------ categories
def _unknown_categories(index: Index, folder: Path | None) -> list[Problem]:
    return [Problem("error", f"{f.path}:{_header_line(folder, f.path)}",
                    f"'категория: {f.headers.get('category')}' is not a category, so no detector ever reads "
                    f"the words of this file; write one of {', '.join(CATEGORIES)}, or safe for words "
                    f"never to flag")
            for f in index.files if f.headers.get("category") not in KNOWN_CATEGORIES]


def _header_line(folder: Path | None, path: str) -> int:
    file = Path(folder) / Path(path).name if folder else None
    if file is not None and file.exists():
        for n, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
            if line.partition(":")[0].strip().lower() == "категория":
                return n
    return 1


# -------------------------------------------------------------- patterns
def _unsafe_patterns(index: Index) -> list[Problem]:
    """Roots and prefixes that some word can make run for ever (filters/lexicon/safety.py)."""
    problems = []
    for e in index.entries:
        if e.category != "safe" and e.kind in ("root", "prefix"):
            why = safety.unsafe(e.value if e.kind == "root" else "^" + regex.escape(e.value))
            if why:
                problems.append(Problem("error", e.source, f"pattern {e.label!r}: {why}"))
    return problems


# -------------------------------------------------------------- shadowed
def _shadowed(index: Index) -> list[Problem]:
    """Entries that can never be the one that fires: earlier entries of the category take
    every word they would flag, or every such word is declared safe.

    A form belongs to the first entry that lists it, and roots and prefixes are tried
    in file order, the first match winning: that is why «earlier» decides. Root against
    root is not compared: whether one regex matches all another does has no cheap
    sound answer, and a guess would have maintainers delete rules that still work."""
    safe = _SafeWords(index)
    repeated = Counter(_key(e) for e in index.entries)
    owners: dict[tuple, Entry] = {}
    patterns: list[Entry] = []
    problems = []
    for e in index.entries:
        if e.category == "safe" or e.aim == "filler" or e.kind == "phrase":
            continue
        if e.kind == "root":
            patterns.append(e)
            continue
        if e.kind == "prefix":
            problem = _dead_prefix(e, patterns, safe)
            patterns.append(e)
        else:
            problem = _dead_forms(e, owners, safe)
        # a repeat under the same rules is already reported as a repeat; under other rules,
        # which ones win is news
        if problem and (repeated[_key(e)] == 1 or " is shadowed by " not in problem.text):
            problems.append(problem)
    return problems


class _SafeWords:
    """The folder's safe entries, as build() reads them, able to say which one covers a word."""

    def __init__(self, index: Index):
        self.forms: dict[str, Entry] = {}
        self.prefixes: list[Entry] = []
        for e in index.entries:
            if e.category != "safe" or e.kind == "phrase":
                continue
            if e.kind == "prefix":
                self.prefixes.append(e)
            else:
                for form in [e.value] if e.kind == "form" else morph.lexeme(e.value):
                    self.forms.setdefault(form, e)

    def prefix_of(self, word: str) -> Entry | None:
        return next((e for e in self.prefixes if word.startswith(e.value)), None)

    def source(self, word: str) -> Entry | None:
        return self.forms.get(word) or self.prefix_of(word)


def _forms_of(e: Entry) -> list[str]:
    return morph.lexeme(e.value, e.forms) if e.kind == "lemma" else [e.value]


def _dead_forms(e: Entry, owners: dict[tuple, Entry], safe: _SafeWords) -> Problem | None:
    forms = _forms_of(e)
    live = [f for f in forms if safe.source(f) is None]
    owner = (e.category, e.word_class)      # speech: a word may be in two classes («дразнить»)
    taken = [owners[(owner, f)] for f in live if (owner, f) in owners]
    for form in live:
        owners.setdefault((owner, form), e)
    if not live:
        return Problem("warning", e.source, f"entry {e.label!r} never fires: every form of it is listed as "
                       f"safe in {_names(safe.source(f) for f in forms)}; delete the entry or the safe line")
    if len(taken) == len(live):
        return _shadow_problem(e, taken, "every form it would flag")
    return None


def _dead_prefix(e: Entry, patterns: list[Entry], safe: _SafeWords) -> Problem | None:
    if (s := safe.prefix_of(e.value)) is not None:
        return Problem("warning", e.source, f"entry {e.label!r} never fires: every word it would match "
                       f"starts with the safe prefix in {_names([s])}; delete one of them")
    for p in patterns:
        if p.category == e.category and _matches_all_starting_with(p, e.value):
            return _shadow_problem(e, [p], "every word it would match")
    return None


def _matches_all_starting_with(p: Entry, prefix: str) -> bool:
    if p.kind == "prefix":
        return prefix.startswith(p.value)
    # a match inside «мудак» that reads nothing past its end is a match in every word «мудак…»
    if safety.reads_past_match(p.value):
        return False
    try:
        return regex.search(p.value, prefix, timeout=0.05) is not None
    except TimeoutError:
        return False                    # an unsafe pattern: reported as such, not as shadowing


def _shadow_problem(e: Entry, owners: list[Entry], what: str) -> Problem:
    owners = list({id(o): o for o in owners}.values())
    differ = [o for o in owners if _behaviour(o) != _behaviour(e)]
    if not differ:
        return Problem("warning", e.source, f"entry {e.label!r} is shadowed by {_names(owners)}: {what} is "
                       f"already flagged there, so this line changes nothing; delete it")
    return Problem("warning", e.source, f"entry {e.label!r} never fires: {_names(owners)} comes first and "
                   f"takes {what}, with its rules ({_rules(differ[0])}) instead of this entry's "
                   f"({_rules(e)}); keep the word in one file, the one whose rules it needs")


def _behaviour(e: Entry) -> tuple:
    return (e.aim, e.forms, e.near, e.severity)


_AIM_HEADER = {aim: word for word, aim in AIMS.items()}


def _rules(e: Entry) -> str:
    """An entry's behaviour as its file's headers say it."""
    parts = [f"серьёзность: {e.severity}", f"адресат: {_AIM_HEADER[e.aim]}"]
    if e.forms:
        parts.append("формы: " + " | ".join(" ".join(sorted(alt)) for alt in e.forms))
    if e.near:
        parts.append("рядом: " + ", ".join(sorted(e.near)))
    return "; ".join(parts)


def _names(entries) -> str:
    unique = {id(e): e for e in entries if e is not None}.values()
    return ", ".join(f"{e.label} ({e.source})" for e in unique)


# -------------------------------------------------------- innocent words
def _innocent_words(index: Index) -> list[Problem]:
    """Forms an entry puts in the form table that the dictionary also reads as a different
    word nobody meant to flag: «суку» of «сука» is also «сук», a branch (filters/homonyms.py);
    a word the entry's examples use counts as looked at."""
    lemmas = {e.value for e in index.entries if e.kind == "lemma" and e.category != "safe"}
    flagged: dict[int, tuple[Entry, list[str]]] = {}
    for form, entries in index.forms.items():
        for e in entries:
            flagged.setdefault(id(e), (e, []))[1].append(form)
    lemmas |= {e.value for e, _ in flagged.values() if e.kind == "lemma"}     # swept words too
    problems = []
    for e, forms in flagged.values():
        others = _homonyms(index, e, forms, frozenset(lemmas))
        if others:
            problems.append(_innocent_problem(index, e, others))
    return problems


def _homonyms(index: Index, e: Entry, forms: list[str], lemmas: frozenset[str]) -> dict[str, tuple]:
    """The other words among `forms`: their lemma → (a reading of it, the forms it shares)."""
    seen_in_examples = _example_words(index, e)
    own = frozenset(forms)
    found: dict[str, tuple] = {}
    for form in forms:
        if form in seen_in_examples:
            continue
        for p in homonyms.others(form, e.kind, e.value, lemmas, own):
            _, shared = found.setdefault(fold(p.normal_form), (p, []))
            if form not in shared:
                shared.append(form)
    return found


def _describe(p, shared: list[str]) -> str:
    return f"also {'forms' if len(shared) > 1 else 'a form'} of «{p.normal_form}», {p.tag.POS}"


def _rule_of(index: Index, e: Entry) -> Entry | None:
    return homonyms.rule_of(index, e)


def _example_words(index: Index, e: Entry) -> set[str]:
    return set(homonyms.vouched(index, e, ("hit", "miss", "review", "known_miss")))


def _innocent_problem(index: Index, e: Entry, others: dict[str, tuple]) -> Problem:
    rule = _rule_of(index, e)
    who = f"swept word «{e.value}» (found by the root at {rule.source})" if rule else f"entry {e.label!r}"
    words = "; ".join(f"{', '.join(f'«{w}»' for w in shared)} ({_describe(p, shared)})"
                      for p, shared in others.values())
    first = next(iter(others.values()))[1][0]
    return Problem("warning", e.source, f"{who} flags dictionary words that are also other words: {words}. "
                   f"Each is flagged wherever it stands: if that is meant, use the word in a '+' example of "
                   f"{'that root' if rule else 'this entry'}; if not, list it as safe (={first} in a "
                   f"'категория: safe' file) and show it in a '-' example")


@dataclass(frozen=True)
class ExampleResult:
    entry: Entry
    kind: str          # hit | miss | review | known_miss
    text: str
    line: int
    flagged: bool
    certainty: str | None = None     # how sure the verdict was, when flagged
    seconds: float = 0.0             # CPU time judging it took (the gate refuses a slow one)

    @property
    def ok(self) -> bool:
        if self.kind == "hit":
            return self.flagged
        if self.kind == "review":        # a speech class leaves nothing to a moderator: lint says so
            return self.flagged and self.certainty != "certain" and self.entry.category != SPEECH
        # a known miss that is now caught fails too (strict xfail): promote it to '+'
        return not self.flagged

    @property
    def id(self) -> str:
        sign = {"hit": "+", "miss": "-", "review": "~", "known_miss": "?"}[self.kind]
        return f"{self.entry.file}:{self.line} {sign} {self.text}"

    @property
    def why(self) -> str:
        if self.entry.category == SPEECH:
            cls = next(k for k, v in CLASSES.items() if v == self.entry.word_class)
            found = "is found" if self.flagged else "is not found"
            return f"«{self.text}»: the word of {self.entry.label!r} (класс: {cls}) {found} in it"
        if self.kind == "review":
            return (f"«{self.text}» must be caught and left to a moderator, and is "
                    + ("not caught" if not self.flagged else "acted on as certain"))
        return {"hit": f"«{self.text}» must be caught and is not",
                "miss": f"«{self.text}» must not be caught and is",
                "known_miss": f"«{self.text}» is now caught: turn its '?' into '+'"}[self.kind]


_T0 = datetime(2026, 1, 1, 12, tzinfo=timezone.utc)


MODEL_RULES = "model."      # the rules of the learned second opinion's findings


def run_examples(category: str | None, ruleset, before=None) -> list[ExampleResult]:
    """Every example of `category` (None: all), judged by `ruleset` (a compiled lexicon version,
    filters/ruleset.py) exactly as a worker would judge it. An example counts as flagged when the
    word lists find the category of its file's folder (what the learned model adds is not the
    lists' doing: filters/detectors/learned.py); in a speech file, when
    the entry's word is found in it as a word of its class (filters/speech.py).

    `before(where)` is called with each example's file:line before it is judged, so a caller that
    has to give up on a version can say which example it was stuck on (filters/lexicon/isolated.py)."""
    results = []
    for entry in ruleset.index.entries:
        folder = entry.file.split("/")[0]
        if category is not None and folder != category:
            continue
        for ex in entry.examples:
            if before is not None:
                before(f"{entry.file}:{ex.line}")
            # CPU time, not wall time: a busy machine must not make an honest example «slow»
            started = time.thread_time()
            if entry.category == SPEECH:
                flagged, certainty = speech.finds(ruleset.index, entry, ex.text), None
            else:
                msg = Message("example", "lexicon", "maintainer", _T0, ex.text)
                # the word lists' promise: the learned second opinion is trained on these very
                # examples and measured on held-out data (benchmarks/detect.py), never gated here
                found = [v for v in ruleset.check(msg).violations
                         if v.category == folder and not v.rule.startswith(MODEL_RULES)]
                flagged, certainty = bool(found), surest(v.certainty for v in found) if found else None
            results.append(ExampleResult(entry, ex.kind, ex.text, ex.line, flagged, certainty,
                                         time.thread_time() - started))
    return results


def lint_folder(folder) -> list[Problem]:
    """lint() for every category folder of a lexicons folder (a version about to go live),
    and the folders no category reads."""
    folder = Path(folder)
    return lint_tree(folder) + [p for c in CATEGORIES if (folder / c).is_dir()
                                for p in lint(c, folder=folder / c)]


def explain(text: str, category: str = "profanity", index: Index | None = None) -> list[str]:
    """Why each word of `text` is or is not flagged, one line per word, for maintainers."""
    index = index or build(category)
    if category == SPEECH:
        return _explain_speech(text, index)
    matcher = Matcher(index)
    tokens = tokenize(text)
    hits = {h.start: h for h in matcher.scan(text)}
    lines, covered = [], 0
    for token in tokens:
        if token.start < covered:
            continue          # inside a word spelled out in pieces, reported at its start
        word = fold(token.text)
        hit = hits.get(token.start)
        if hit is not None:
            e = hit.entry
            spelled = " (one word typed in pieces)" if hit.end > token.end else ""
            lines.append(f"«{hit.text}» → flagged{spelled}: read as «{hit.normalized}», entry {e.label} "
                         f"({e.source}, {e.category}, {e.severity})")
            covered = hit.end
        elif index.is_safe(word):
            lines.append(f"«{token.text}» → clean: listed as safe")
        elif morph.is_known(word):
            lemma = morph.analyzer().parse(word)[0].normal_form
            lines.append(f"«{token.text}» → clean: a dictionary word (lemma «{lemma}»), "
                         f"not in the {category} lexicon")
        else:
            shown = ", ".join(readings(word)[:6])
            lines.append(f"«{token.text}» → clean: not in the dictionary; readings tried: {shown}; "
                         f"no entry or root matched")
    return lines


def _explain_speech(text: str, index: Index) -> list[str]:
    """Which speech class each word of `text` is a word of: a class is never flagged, it tells
    filters/speech.py who speaks and of what."""
    names = {v: k for k, v in CLASSES.items()}
    lines = []
    for token in tokenize(text):
        word = fold(token.text)
        found = [f"{names.get(cls, cls)} ({e.label}, {e.source})" for cls, table in index.speech.items()
                 if (e := table.get(word)) is not None]
        found += [f"{names.get(cls, cls)} (phrase {e.label}, {e.source})"
                  for cls, phrases in index.speech_phrases.items() for forms, e in phrases
                  if any(word in f for f in forms) and speech.finds(index, e, text)]
        lines.append(f"«{token.text}» → " + ("класс: " + "; ".join(found) if found else "no speech class"))
    return lines
