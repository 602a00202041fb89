"""The one entry point: a message in, a verdict out, every detector run (no early exit)."""
from __future__ import annotations

from .detectors.base import Detector, Doc
from .model import Message, Verdict


def detectors() -> tuple[Detector, ...]:
    """The detectors of the lexicons in force (see filters/ruleset.py)."""
    from .ruleset import default

    return default().detectors


def check(message: Message) -> Verdict:
    """The verdict of the lexicons in force."""
    from .ruleset import default

    return default().check(message)


def run(message: Message, dets: tuple[Detector, ...], lexicon_version: str = "") -> Verdict:
    doc = Doc(message)
    for detector in dets:
        violation = detector(doc)
        if violation is not None:
            doc.found.append(violation)
    return Verdict(message.message_id, tuple(doc.found), lexicon_version)
