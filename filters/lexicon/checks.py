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

    @property
    def why(self) -> str:
        return {"hit": f"«{self.text}» must be caught and is not",
                "miss": f"«{self.text}» must not be caught and is",
                "known_miss": f"«{self.text}» is now caught: turn its '?' into '+'"}[self.kind]


_T0 = datetime(2026, 1, 1, 12, tzinfo=timezone.utc)


def run_examples(category: str | None = None, ruleset=None) -> list[ExampleResult]:
    """Every example of `category` (None: all), judged by `ruleset` (default: the shipped
    lexicons) exactly as a worker would judge it. An example counts as flagged when the
    category of its file's folder is among the verdict's violations."""
    from ..ruleset import default

    ruleset = ruleset or default()
    results = []
    for entry in ruleset.index.entries:
        folder = entry.file.split("/")[0]
        if category is not None and folder != category:
            continue
        for ex in entry.examples:
            msg = Message("example", "lexicon", "maintainer", _T0, ex.text)
            flagged = any(v.category == folder for v in ruleset.check(msg).violations)
            results.append(ExampleResult(entry, ex.kind, ex.text, ex.line, flagged))
    return results


def lint_folder(folder) -> list[Problem]:
    """lint() for every category folder of a lexicons folder (a version about to go live)."""
    from pathlib import Path

    from ..detectors.lexicon import CATEGORIES

    problems = []
    for category in CATEGORIES:
        sub = Path(folder) / category
        if not sub.is_dir():
            continue
        try:
            index = build(category, sub)
        except LexiconError as err:
            where, _, text = str(err).partition(": ")
            problems.append(Problem("error", where, text))
            continue
        problems += lint(category, index)
    return problems


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
