"""What a lexicon maintainer runs: lint the files, run their examples, explain a word.

Each returns plain data (problems, results) so the CLI and the tests share it.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone

from .. import morph
from ..detectors.lexicon import LexiconDetector
from ..model import Message
from ..tokens import tokenize
from .format import Entry, LexiconError
from .index import Index, build


@dataclass(frozen=True)
class Problem:
    level: str       # error | warning
    where: str       # file:line
    text: str

    def __str__(self) -> str:
        return f"{self.where}: {self.level}: {self.text}"


def lint(category: str, index: Index | None = None) -> list[Problem]:
    try:
        index = index or build(category)
    except LexiconError as err:
        where, _, text = str(err).partition(": ")
        return [Problem("error", where, text)]
    problems = []
    seen = Counter((e.category, e.kind, e.value, e.forms, e.near) for e in index.entries)
    for e in index.entries:
        if e.category == "safe":
            continue
        if not any(x.kind == "hit" for x in e.examples):
            problems.append(Problem("error", e.source, f"entry {e.label!r} has no '+' example: "
                                    f"add a line '  + …' with a message it must catch"))
        if seen[(e.category, e.kind, e.value, e.forms, e.near)] > 1:
            problems.append(Problem("warning", e.source, f"entry {e.label!r} appears more than once"))
        if e.kind == "lemma" and not morph.is_known(e.value):
            problems.append(Problem("warning", e.source, f"pymorphy3 does not know {e.value!r}: "
                                    f"it matches this exact form only, not its inflections"))
    return problems


@dataclass(frozen=True)
class ExampleResult:
    entry: Entry
    kind: str          # hit | miss | known_miss
    text: str
    line: int
    flagged: bool

    @property
    def ok(self) -> bool:
        # a known miss that is now caught fails too (strict xfail): promote it to '+'
        return self.flagged if self.kind == "hit" else not self.flagged

    @property
    def id(self) -> str:
        sign = {"hit": "+", "miss": "-", "known_miss": "?"}[self.kind]
        return f"{self.entry.file}:{self.line} {sign} {self.text}"


_T0 = datetime(2026, 1, 1, 12, tzinfo=timezone.utc)


def run_examples(category: str, index: Index | None = None) -> list[ExampleResult]:
    from ..pipeline import check, detectors

    if index is None:
        index, dets = build(category), None        # the shipped lexicons: the pipeline as it runs
    else:
        # a lexicon under test takes its category's place; hate still reads what insult found
        dets = tuple(d for d in detectors() if d.category != category) + (LexiconDetector(category, index),)
        dets = tuple(sorted(dets, key=lambda d: ORDER.index(d.category) if d.category in ORDER else len(ORDER)))
    results = []
    for entry in index.entries:
        for ex in entry.examples:
            msg = Message("example", "lexicon", "maintainer", _T0, ex.text)
            flagged = any(v.category == category for v in check(msg, dets).violations)
            results.append(ExampleResult(entry, ex.kind, ex.text, ex.line, flagged))
    return results


ORDER = ("profanity", "insult", "threat", "hate")


def explain(text: str, category: str = "profanity", index: Index | None = None) -> list[str]:
    """Why each word of `text` is or is not flagged, one line per word, for maintainers."""
    from ..matcher import Matcher
    from ..normalise import fold, readings

    index = index or build(category)
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
