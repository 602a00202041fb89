"""The one entry point: a message in, a verdict out, every detector run (no early exit)."""
from __future__ import annotations

from functools import lru_cache

from .detectors.base import Detector, Doc
from .detectors.flood import flood
from .detectors.lexicon import hate, insult, profanity, threat
from .detectors.offtopic import offtopic
from .detectors.personal_data import personal_data
from .detectors.quiet_hours import quiet_hours
from .model import Message, Verdict


@lru_cache(maxsize=1)
def detectors() -> tuple[Detector, ...]:
    # order matters once: hate reads what profanity and insult found («все они … дебилы»)
    return (profanity(), insult(), threat(), hate(), flood(), offtopic(), personal_data(), quiet_hours())


def check(message: Message, dets: tuple[Detector, ...] | None = None) -> Verdict:
    doc = Doc(message)
    for detector in dets or detectors():
        violation = detector(doc)
        if violation is not None:
            doc.found.append(violation)
    return Verdict(message.message_id, tuple(doc.found))
