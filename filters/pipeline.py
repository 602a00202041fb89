"""A message through a set of detectors, every one run (no early exit): a verdict out.
The detectors of the lexicons in force, and `check`, are filters/ruleset.py's."""
from __future__ import annotations

from .detectors.base import Detector, Doc
from .model import Message, Verdict


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
