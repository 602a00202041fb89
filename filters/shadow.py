"""Shadow mode's comparison: where a candidate lexicon's verdict differs from the live one's.

Only what would change what happens counts: a category flagged or not, or flagged at
another certainty (certainty picks the action in policies.toml: a certain finding is acted
on, the others wait for a moderator) or severity. The same function serves
`dozor replay --shadow` and the stream workers.

A record quotes the message for the reviewer, always masked (filters/privacy.py): what either
verdict found as personal data, and whatever looks like it though neither did — a record that
kept the text raw whenever the detector missed a format leaked exactly what it missed.
"""
from __future__ import annotations

from collections import Counter

from .model import Message, Verdict
from .privacy import masked

QUOTE = 300          # characters of the message a record quotes


def _judged(verdict: Verdict) -> dict[str, tuple[str, str]]:
    return {v.category: (v.certainty, v.severity) for v in verdict.violations}


def disagreement(msg: Message, live: Verdict, candidate: Verdict) -> dict | None:
    a, b = _judged(live), _judged(candidate)
    if a == b:
        return None
    record = {"kind": "disagreement", "message_id": msg.message_id, "chat_id": msg.chat_id,
              "sent_at": msg.sent_at.isoformat(),
              "live_version": live.lexicon_version, "candidate_version": candidate.lexicon_version,
              "added": sorted(set(b) - set(a)), "removed": sorted(set(a) - set(b)),
              "changed": sorted(c for c in set(a) & set(b) if a[c] != b[c]),
              "live": [v.to_dict() for v in live.violations],
              "candidate": [v.to_dict() for v in candidate.violations]}
    shown = masked(msg.text, live, candidate)          # masked whole: the offsets are into the whole text
    record["text"] = shown if len(shown) <= QUOTE else shown[:QUOTE - 1] + "…"
    return record


def report(records: list[dict], compared: int, limit: int = 5,
           versions: tuple[str, str] | None = None) -> list[str]:
    """A reviewer's summary: how often the candidate disagrees, by category, with examples.
    `versions`: (live, candidate), when no disagreement names them."""
    if not records and not compared:
        return ["no shadow traffic yet: is a candidate published with `dozor lexicon publish --shadow`?"]
    live, cand = versions or (records[-1]["live_version"], records[-1]["candidate_version"])
    share = f" ({len(records) / compared:.1%})" if compared else ""
    lines = [f"candidate {cand} beside live {live}: {compared:,} messages compared, "
             f"{len(records)} disagree{share}"]
    for field, title in (("added", "newly flagged"), ("removed", "no longer flagged"),
                         ("changed", "other certainty or severity")):
        hits = [r for r in records if r[field]]
        if not hits:
            continue
        counts = Counter(c for r in hits for c in r[field])
        lines.append(f"  {title}: {len(hits)} — " + ", ".join(f"{c} ×{n}" for c, n in counts.most_common()))
        for r in hits[:limit]:
            side = r["live"] if field == "removed" else r["candidate"]
            words = ", ".join(f"«{e['text']}» ({e.get('source') or e.get('entry')})"
                              for v in side if v["category"] in r[field] for e in v["evidence"][:3])
            shown = f"«{r['text']}»" if "text" in r else "(text withheld: personal data)"
            lines.append(f"    [{r['chat_id']}] {shown}: {', '.join(r[field])} — {words}")
    return lines
