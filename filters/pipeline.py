"""The one entry point: a message in, a verdict out, every detector run (no early exit)."""
from __future__ import annotations

from functools import lru_cache

from .detectors.base import Detector, Doc
from .detectors.lexicon import profanity
from .detectors.quiet_hours import quiet_hours
from .model import Message, Verdict


@lru_cache(maxsize=1)
def detectors() -> tuple[Detector, ...]:
    return (profanity(), quiet_hours())


def check(message: Message, dets: tuple[Detector, ...] | None = None) -> Verdict:
    doc = Doc(message)
    found = []
    for detector in dets or detectors():
        violation = detector(doc)
        if violation is not None:
            found.append(violation)
    return Verdict(message.message_id, tuple(found))
