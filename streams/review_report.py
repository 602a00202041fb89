"""Which lexicon entries and rules cost innocent people: findings by what moderators made of them.

Reads the flags dozor publishes (moderation.flags, a file of them, or a replay run in-process):
`finding` and `review` flags say what fired; `review_closed` (confirmed, dismissed, expired) and
`pardoned` say what a moderator — or nobody — made of it. Each row is one entry or rule, with
its file:line, so a maintainer can open the line that dismissals point at.
"""
from __future__ import annotations

from dataclasses import dataclass, field

OUTCOMES = ("confirmed", "dismissed", "expired", "pardoned")


@dataclass
class Row:
    category: str
    entry: str
    source: str
    fired: set = field(default_factory=set)        # messages it fired on
    alone: set = field(default_factory=set)        # … and dozor acted on by itself (certain)
    outcomes: dict = field(default_factory=lambda: {o: 0 for o in OUTCOMES})

    @property
    def false_share(self) -> float | None:
        """Of the findings a moderator judged, the share they called false."""
        judged = self.outcomes["confirmed"] + self.outcomes["dismissed"] + self.outcomes["pardoned"]
        return (self.outcomes["dismissed"] + self.outcomes["pardoned"]) / judged if judged else None


def summarise(flags) -> list[Row]:
    rows: dict[tuple, Row] = {}

    def row(category: str, entry: str, source: str) -> Row:
        key = (category, source or entry)
        if key not in rows:
            rows[key] = Row(category, entry, source)
        return rows[key]

    for f in flags:
        kind, mid = f.get("kind"), (f.get("chat_id"), f.get("message_id"))
        if kind in ("finding", "review") and f.get("review", "finding") == "finding":
            for e in f.get("evidence", []):
                r = row(e.get("category", "?"), e.get("entry", "?"), e.get("source", ""))
                r.fired.add(mid)
                if kind == "finding":
                    r.alone.add(mid)
        elif kind in ("review_closed", "pardoned") and f.get("review", "finding") == "finding":
            outcome = f.get("outcome", "pardoned") if kind == "review_closed" else "pardoned"
            for e in f.get("entries", []):
                counts = row(e.get("category", "?"), e.get("entry", "?"), e.get("source", "")).outcomes
                counts[outcome] = counts.get(outcome, 0) + 1
    return sorted(rows.values(), key=lambda r: (-(r.outcomes["dismissed"] + r.outcomes["pardoned"]),
                                                -len(r.fired), r.source or r.entry))


def render(rows: list[Row], limit: int | None = None) -> list[str]:
    if not rows:
        return ["no findings in these flags yet"]
    judged = sum(r.outcomes["confirmed"] + r.outcomes["dismissed"] + r.outcomes["pardoned"] for r in rows)
    false = sum(r.outcomes["dismissed"] + r.outcomes["pardoned"] for r in rows)
    lines = [f"{len(rows)} entries and rules fired; moderators judged {judged} finding(s), {false} of them false "
             f"(dismissed or pardoned). Worst first:",
             f"{'entry':<24} {'where':<28} {'fired':>5} {'alone':>5} {'confirmed':>9} {'dismissed':>9} "
             f"{'pardoned':>8} {'expired':>7}  false"]
    for r in rows[:limit]:
        share = f"{r.false_share:.0%}" if r.false_share is not None else "–"
        name = f"«{r.entry}» {r.category}"
        lines.append(f"{name[:24]:<24} {(r.source or '(rule)')[:28]:<28} {len(r.fired):>5} {len(r.alone):>5} "
                     f"{r.outcomes['confirmed']:>9} {r.outcomes['dismissed']:>9} {r.outcomes['pardoned']:>8} "
                     f"{r.outcomes['expired']:>7}  {share}")
    if limit is not None and len(rows) > limit:
        lines.append(f"… and {len(rows) - limit} more (--limit 0 shows all)")
    return lines
