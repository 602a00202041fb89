"""A lexicon category as a detector: profanity today, insults and hate next."""
from __future__ import annotations

from ..lexicon.index import Index, load
from ..matcher import Matcher
from ..model import Evidence, Violation
from .base import Doc

_RANK = {"low": 0, "medium": 1, "high": 2}


class LexiconDetector:
    """Flags words of one lexicon category; evidence names the entry and its file:line."""

    def __init__(self, category: str, index: Index | None = None):
        self.name = self.category = category
        self.matcher = Matcher(index or load(category))

    def __call__(self, doc: Doc) -> Violation | None:
        hits = self.matcher.find(doc.text)
        if not hits:
            return None
        evidence = tuple(Evidence(h.start, h.end, h.text, h.normalized, h.entry.label, h.entry.source)
                         for h in hits)
        severity = max((h.entry.severity for h in hits), key=_RANK.__getitem__)
        words = ", ".join(f"«{h.text}» ({_why(h)})" for h in hits)
        return Violation(self.category, f"{self.category}.lexicon", severity, evidence,
                         f"{self.category}: {words}")


def _why(hit) -> str:
    e = hit.entry
    how = {"lemma": "a form of", "form": "the word", "prefix": "starts with",
           "root": "the root"}[e.kind]
    read = "" if hit.normalized == hit.text.lower() else f"read as «{hit.normalized}», "
    return f"{read}{how} «{e.label}», {e.source}"


def profanity() -> LexiconDetector:
    """Swearing by meaning: «х*й», «охуеть», «pizdec» yes; «страхуй», «команда» no."""
    return LexiconDetector("profanity")
