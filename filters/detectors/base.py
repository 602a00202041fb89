"""What every detector sees and returns.

A detector is a plain object with one method: `__call__(doc) -> Violation | None`.
The pipeline tokenises once and hands the same Doc to every detector.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from ..model import Message, Violation
from ..tokens import Token


@dataclass(frozen=True)
class Doc:
    message: Message
    tokens: list[Token]

    @property
    def text(self) -> str:
        return self.message.text


class Detector(Protocol):
    name: str
    category: str

    def __call__(self, doc: Doc) -> Violation | None: ...
