"""What every detector sees and returns.

A detector is a plain object with one method: `__call__(doc) -> Violation | None`.
The pipeline hands the same Doc to every detector, so shared work is done once.
"""
from __future__ import annotations

from functools import cached_property
from typing import Protocol

from ..model import Message, Violation
from ..tokens import Token, tokenize


class Doc:
    """A message as detectors see it; tokens are made once, on first use."""

    def __init__(self, message: Message):
        self.message = message
        self.text = message.text
        self.found: list[Violation] = []     # what earlier detectors found (hate reads insults)
        self.scans: dict = {}                # a lexicon matcher's hits, shared by its detectors
        self.speech: dict = {}               # filters/speech.py's reading of it, per matcher

    @cached_property
    def tokens(self) -> list[Token]:
        return tokenize(self.text)


class Detector(Protocol):
    name: str
    category: str
    # reads_time = True: judges when a message was sent, not what it says (quiet hours)

    def __call__(self, doc: Doc) -> Violation | None: ...
