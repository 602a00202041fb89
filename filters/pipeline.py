"""A message through a set of detectors, every one run (no early exit): a verdict out.
The detectors of the lexicons in force, and `check`, are filters/ruleset.py's.

What one message may cost is bounded twice (README «Checking messages»):
- **length**: the first MAX_CHARS characters of the text are judged (4,096: what VK, Telegram
  and «МАХ» let one message hold; a gateway that joins messages or a forged record can send
  more), cut at the last space before the limit so no word is judged by half; of the
  attachments the first MAX_ATTACHMENTS, each caption and file name to MAX_CHARS too. The
  verdict says what was left unread (`truncated`); evidence offsets still index the text as sent.
- **time**: BUDGET seconds of the thread's CPU time (filters/budget.py). Past it the pipeline
  stops and adds one finding, rule BUDGET_RULE, for a moderator: what the detectors that
  finished found stands; the rest was not looked at, and the finding says which.
"""
from __future__ import annotations

from dataclasses import replace
from time import perf_counter

from . import budget as budgets
from .detectors.base import Detector, Doc
from .model import Message, Verdict, Violation

MAX_CHARS = 4096             # characters of a text (and of a caption or file name) that are judged
MAX_ATTACHMENTS = 20         # attachments whose kind, caption and file name are read
BACKTRACK = 64               # how far back from MAX_CHARS a space may end the judged part
# seconds of CPU time one message may take. An ordinary one takes 40 µs, the slowest text
# benchmarks/pathological.py builds at the limit 0.13–0.2 s (the same work's CPU time varies by
# a third on a shared machine): a budget at that cost would cut judgeable messages short when
# the machine is busy, so it stands well above it, and still no message holds a partition long
BUDGET = 0.5
BUDGET_RULE = "review.budget"
# The contract fixes the categories, and none is «unchecked». personal_data is the one every kind
# of chat checks, whose unsure («possible») findings the policy shows a moderator (never acting
# alone, never as urgent), and whose confirmation deletes without a strike: a message too costly
# to read is no offence of its sender's, but it may hold anything, a phone number included.
BUDGET_CATEGORY = "personal_data"


def run(message: Message, dets: tuple[Detector, ...], lexicon_version: str = "",
        content_only: bool = False, budget: float | None = None,
        max_chars: int | None = None, max_attachments: int | None = None) -> Verdict:
    """`content_only`: judge the words and attachments, not when they were sent (a person
    checking a phrase has no send time; stamping the wall clock made quiet hours fire at night).
    `budget`, `max_chars`, `max_attachments`: BUDGET, MAX_CHARS, MAX_ATTACHMENTS unless given."""
    spend = budgets.Budget(BUDGET if budget is None else budget)
    max_chars = MAX_CHARS if max_chars is None else max_chars
    max_attachments = MAX_ATTACHMENTS if max_attachments is None else max_attachments
    if len(message.text) <= max_chars and not message.attachments:
        judged, truncated = message, None          # almost every message: nothing to bound
    else:
        judged, truncated = bounded(message, max_chars, max_attachments)
    doc = Doc(judged)
    timeless = _timeless(dets)
    # the budget is asked between detectors only once a moment has passed (the wall clock is
    # cheap; the CPU clock is not): an ordinary message is done before
    start, soon = spend.started, min(spend.seconds, budgets.GRACE)
    token = budgets.CURRENT.set(spend)        # what budget.check() asks inside the detectors
    try:
        for n, detector in enumerate(dets):
            if timeless[n]:
                if content_only:
                    continue
                violation = detector(doc)        # the send time alone: costs nothing, never timed
            else:
                try:
                    if perf_counter() - start >= soon and spend.spent():
                        raise budgets.OverBudget
                    violation = detector(doc)
                except budgets.OverBudget:
                    doc.found.append(over_budget(spend.seconds, [d for d, t in zip(dets[n:], timeless[n:]) if not t]))
                    # the send time is still read: it is a fact, and costs nothing
                    if not content_only:
                        doc.found += [v for d, t in zip(dets[n + 1:], timeless[n + 1:]) if t
                                      for v in [d(doc)] if v is not None]
                    break
            if violation is not None:
                doc.found.append(violation)
    finally:
        budgets.CURRENT.reset(token)
    return Verdict(message.message_id, tuple(doc.found), lexicon_version, truncated=truncated)


_TIMELESS: dict[int, tuple] = {}


def _timeless(dets: tuple) -> tuple[bool, ...]:
    """For each detector: does it read the send time alone (quiet hours)? Once per set of
    detectors (a lexicon version), not once per message."""
    got = _TIMELESS.get(id(dets))
    if got is None or got[0] is not dets:
        if len(_TIMELESS) > 16:
            _TIMELESS.clear()            # versions come and go; the ones in use refill it
        got = _TIMELESS[id(dets)] = (dets, tuple(bool(getattr(d, "reads_time", False)) for d in dets))
    return got[1]


def over_budget(seconds: float, left) -> Violation:
    """The finding for a message the detectors could not finish: a moderator reads it."""
    names = ", ".join(dict.fromkeys(getattr(d, "category", getattr(d, "name", "?")) for d in left))
    return Violation(BUDGET_CATEGORY, BUDGET_RULE, "medium", (),
                     f"слишком долго проверять (too long to check): dozor used its {seconds * 1000:g} ms "
                     f"of CPU time on this message before it was done; not checked: {names}. "
                     f"What was found before stands; a moderator reads the rest",
                     certainty="possible")


def bounded(message: Message, max_chars: int, max_attachments: int) -> tuple[Message, dict | None]:
    """The part of `message` that is judged, and what was left out (None: nothing)."""
    text, cut = message.text, {}
    if len(text) > max_chars:
        end = _cut(text, max_chars)
        text = text[:end]
        cut.update(judged=end, length=len(message.text))
    attachments = message.attachments
    if len(attachments) > max_attachments:
        attachments = attachments[:max_attachments]
        cut.update(attachments_judged=max_attachments, attachments=len(message.attachments))
    shortened = 0
    if any(_long(a, max_chars) for a in attachments):
        fixed = []
        for a in attachments:
            if _long(a, max_chars):
                shortened += 1
                a = {**a, **{k: a[k][:_cut(a[k], max_chars)] for k in ("caption", "file_name")
                             if isinstance(a.get(k), str) and len(a[k]) > max_chars}}
            fixed.append(a)
        attachments = tuple(fixed)
        cut.update(captions_cut=shortened)
    if not cut:
        return message, None
    return replace(message, text=text, attachments=attachments), cut


def _long(attachment: dict, max_chars: int) -> bool:
    return any(isinstance(attachment.get(k), str) and len(attachment[k]) > max_chars
               for k in ("caption", "file_name"))


def _cut(text: str, limit: int) -> int:
    """Where to end the judged part: at `limit`, or at the last space within BACKTRACK before it
    when the limit falls inside a word («…потреб|лять» judged as «потреб» could be a root)."""
    if limit < 1 or limit >= len(text) or text[limit - 1].isspace() or text[limit].isspace():
        return max(0, min(limit, len(text)))
    for k in range(limit - 1, max(0, limit - BACKTRACK), -1):
        if text[k - 1].isspace():
            return k
    return limit
