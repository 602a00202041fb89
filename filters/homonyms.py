"""Is a flagged form also another, innocent word? «суку» of «сука» is also «сук», a branch.

Lint warns maintainers about such forms; the lexicon detectors trust a hit on one less
(likely, not certain): a person decides whether «ворона сидит на суку» meant the branch.
pymorphy3's scores do not tell such words from noise («суки» as «сук» scores 0.17, the
made-up comparative «свиней» of «свиной» too), so readings are sorted out by kind.
"""
from __future__ import annotations

from functools import lru_cache

from . import morph
from .normalise import fold
from .tokens import tokenize

PROPER = {"Name", "Surn", "Patr", "Geox", "Orgn", "Trad"}     # names, places, brands


@lru_cache(maxsize=50_000)
def readings(word: str) -> tuple:
    return tuple(p for p in morph.analyzer().parse(word) if p.is_known)


def meant(kind: str, value: str) -> set[str]:
    """The lemma an entry stands for: its own, or for a bare form the likeliest reading."""
    found = readings(value)
    if kind == "lemma" and any(fold(p.normal_form) == value for p in found):
        return {value}
    return {fold(found[0].normal_form)} if found else {value}


def part_of_speech(value: str, lemmas: set[str]) -> str | None:
    return next((p.tag.POS for p in readings(value) if fold(p.normal_form) in lemmas), None)


def comparative_of(form: str, lemmas: set[str]) -> bool:
    # «тупей», «глупей» are comparatives of the entry and verbs of the same root («тупеть»)
    return any(p.tag.POS == "COMP" and fold(p.normal_form) in lemmas for p in readings(form))


def same_word(p, value: str, pos: str | None, own: set[str]) -> bool:
    """Readings that are the entry's own word again, or words a chat does not use as such."""
    tag = p.tag
    if tag.POS == "COMP" or PROPER & tag.grammemes:
        # comparatives made up for any adjective («свиней» of «свиной»), first names; and
        # surnames, which the detectors read as names when capitalised (filters/shapes.py: surname)
        return True
    if tag.POS == "ADVB" and pos in ("ADJF", "ADJS"):
        return True         # «тупо» of «тупой»
    if tag.POS in ("ADJF", "ADJS", "PRTF", "PRTS"):
        if pos == "NOUN" and value in {fold(f.word) for f in p.lexeme}:
            return True     # an adjective used as a noun: «животное», «приезжий»
        if pos == "INFN" and fold(p.normal_form) in own:
            return True     # a participle the dictionary also lists as an adjective: «депортированный»
    return False


def others(form: str, kind: str, value: str, lemmas: frozenset[str], own: frozenset[str] = frozenset()) -> list:
    """Readings of `form` that are another word than the entry (kind, value) means, and not a
    word of the lexicon (`lemmas`) either; `own`: the forms the entry itself flags."""
    wanted = meant(kind, value)
    if comparative_of(form, wanted):
        return []
    pos = part_of_speech(value, wanted)
    return [p for p in readings(form) if fold(p.normal_form) not in wanted
            and fold(p.normal_form) not in lemmas and not same_word(p, value, pos, own)]


def rule_of(index, e):
    """The root or prefix a swept word was found by; None for an entry of a file."""
    if not e.file.endswith("/swept.tsv"):
        return None
    return next((r for r in index.root_match(e.value) if r.category == e.category), None)


def vouched(index, e, kinds: tuple[str, ...] = ("hit",)) -> frozenset[str]:
    """The words the entry's examples of `kinds` use (for a swept word: its root's examples): a
    maintainer who wrote «+ вот суки» has looked at «суки» and meant it. Lint counts every example
    as looked at (a «-» one too: the maintainer checked that sense); certainty only a «+» one."""
    rule = rule_of(index, e)
    examples = [x for x in e.examples + (rule.examples if rule else []) if x.kind in kinds]
    return frozenset(fold(t.text) for x in examples for t in tokenize(x.text))


@lru_cache(maxsize=20_000)
def ambiguous(form: str, kind: str, value: str, lemmas: frozenset[str]) -> bool:
    """The runtime question, cached per hit form: is this hit maybe another word? (The detector
    asks it only for forms no example of the entry vouches for: what lint warns about.)"""
    return bool(others(form, kind, value, lemmas, frozenset((form,))))
