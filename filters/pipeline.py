"""The one entry point: a message in, a verdict out, every detector run (no early exit)."""
from __future__ import annotations

from .detectors.base import Detector, Doc
from .model import Message, Verdict


def detectors() -> tuple[Detector, ...]:
    """The detectors of the lexicons in force (see filters/ruleset.py)."""
    from .ruleset import default

    return default().detectors


def check(message: Message, content_only: bool = False) -> Verdict:
    """The verdict of the lexicons in force."""
    from .ruleset import default

    return default().check(message, content_only)


def run(message: Message, dets: tuple[Detector, ...], lexicon_version: str = "",
        content_only: bool = False) -> Verdict:
    """`content_only`: judge the words and attachments, not when they were sent (a person
    checking a phrase has no send time; stamping the wall clock made quiet hours fire at night)."""
    doc = Doc(message)
    for detector in dets:
        if content_only and getattr(detector, "reads_time", False):
            continue
        violation = detector(doc)
        if violation is not None:
            doc.found.append(violation)
    return Verdict(message.message_id, tuple(doc.found), lexicon_version)
