"""The moderation policy's settings, read once from policies.toml and checked then."""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache
from pathlib import Path

import regex

from filters.model import CATEGORIES, CERTAINTIES, CHAT_KINDS
from filters.normalise import fold as fold_text

DEFAULT_FILE = Path(__file__).with_name("policies.toml")
# what a finding leads to, by how sure dozor is of it (see policies.toml for each one's meaning)
ACTED = ("strike", "delete", "remind")       # dozor acts alone: only on a certain (or confirmed) finding
WAITING = ("hold", "review")                 # a moderator decides; "hold" deletes in the meantime
TREATMENTS = ACTED + WAITING + ("ignore",)
BLOCKS = ("auto", "propose")


class PolicyError(ValueError):
    """policies.toml says something dozor cannot act on."""


@dataclass(frozen=True)
class Category:
    name: str
    treatments: dict[str, str]     # certainty → treatment
    urgent: bool
    rule: str
    reminder: str

    def treatment(self, certainty: str) -> str:
        return self.treatments.get(certainty, "review")

    @property
    def confirmed(self) -> str:
        """What a moderator's confirmation makes of a finding: what a certain one gets."""
        return self.treatments["certain"]

    @property
    def strike(self) -> bool:
        return self.confirmed == "strike"


@dataclass(frozen=True)
class Policy:
    block_after: int
    block_days: tuple[float, ...]
    max_block_days: int
    strike_window: timedelta
    objection_window: timedelta
    review_window: timedelta
    forget_after: timedelta
    handled_memory: int
    flood: dict[str, int]
    categories: dict[str, Category]
    record_memory: int = 100
    chats: dict[str, frozenset[str]] = field(default_factory=dict)
    block: str = "auto"                                        # the default for every chat
    chat_blocks: dict[str, str] = field(default_factory=dict)  # per kind of chat
    apology_words: tuple[str, ...] = ()                        # what an apology cited for an unblock says
    roll_call_answers: tuple[str, ...] = ()                    # how a roll call is answered: «идём», «да»
    console_url: str = "http://127.0.0.1:8077"                 # where a moderator opens a review item

    def review_link(self, review_id: str) -> str:
        return f"{self.console_url.rstrip('/')}/item/{review_id}/"

    def apologises(self, text: str) -> bool:
        words = fold_text(text)
        return any(regex.search(rf"(?<!\w){regex.escape(w)}", words) for w in self.apology_words)

    def block_length(self, previous_blocks: int) -> timedelta:
        days = self.block_days[min(previous_blocks, len(self.block_days) - 1)]
        return timedelta(days=min(days, self.max_block_days))

    def applies(self, chat_kind: str, category: str) -> bool:
        return category in self.chats.get(chat_kind, self.chats["parents"])

    def block_mode(self, chat_kind: str, chat_setting: str | None = None) -> str:
        """"auto" or "propose" for a chat: the registry's word for it, then its kind's, then the default."""
        return chat_setting or self.chat_blocks.get(chat_kind) or self.block


def _category(name: str, c: dict, path: Path) -> Category:
    where = f"{path}: [categories.{name}]"
    if "action" in c or "confident_action" in c:
        raise PolicyError(f"{where}: 'action'/'strike' were replaced by one line per certainty, e.g. "
                          f'certain = "strike", likely = "review", possible = "review" (see the shipped '
                          f"streams/policy/policies.toml)")
    treatments = {}
    for certainty in CERTAINTIES:
        value = c.get(certainty, "review" if certainty != "certain" else None)
        if value not in TREATMENTS:
            raise PolicyError(f"{where}: {certainty} must be one of {', '.join(TREATMENTS)} (got {value!r})")
        treatments[certainty] = value
    if treatments["certain"] not in ACTED:
        # a moderator's confirmation makes a finding certain: it must then lead somewhere
        raise PolicyError(f"{where}: certain must be one of {', '.join(ACTED)}: it is also what a "
                          f"moderator's confirmation leads to (got {treatments['certain']!r})")
    for certainty in CERTAINTIES[1:]:
        if treatments[certainty] in ("strike", "delete"):
            # the rules: a strike or a deletion rests on a certain finding or a moderator's word
            raise PolicyError(f"{where}: {certainty} = {treatments[certainty]!r} would punish on a finding "
                              f"dozor is not sure of; use \"hold\" (delete until a moderator decides, no "
                              f"strike), \"review\" or \"ignore\"")
    return Category(name, treatments, bool(c.get("urgent")), c.get("rule", ""), c.get("reminder", ""))


def load(path: Path | None = None, **overrides) -> Policy:
    path = Path(path or os.environ.get("DOZOR_POLICY") or DEFAULT_FILE)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise PolicyError(f"{path}: cannot read the policy: {err}") from None
    limits = data.get("limits", {})
    cats = {}
    for name, c in data.get("categories", {}).items():
        if name not in CATEGORIES:
            raise PolicyError(f"{path}: [categories.{name}] is not a category; use one of {', '.join(CATEGORIES)}")
        cats[name] = _category(name, c, path)
    missing = set(CATEGORIES) - set(cats)
    if missing:
        raise PolicyError(f"{path}: no [categories.X] table for {', '.join(sorted(missing))}")
    chat_tables = data.get("chats", {})
    chats = {k: frozenset(v.get("categories", ())) for k, v in chat_tables.items()}
    if "parents" not in chats or set(chats) - set(CHAT_KINDS):
        raise PolicyError(f"{path}: [chats.*] must name kinds among {', '.join(CHAT_KINDS)}, parents included")
    blocks = {k: v["block"] for k, v in chat_tables.items() if "block" in v}
    for where, value in [("limits", limits.get("block", "auto"))] + [(f"chats.{k}", v) for k, v in blocks.items()]:
        if value not in BLOCKS:
            raise PolicyError(f'{path}: [{where}] block must be "auto" or "propose" (got {value!r})')
    settings = dict(
        block_after=int(limits.get("block_after", 4)),
        block_days=tuple(float(d) for d in limits.get("block_days", [7, 14, 30])),
        max_block_days=int(limits.get("max_block_days", 30)),
        strike_window=timedelta(days=float(limits.get("strike_window_days", 70))),
        objection_window=timedelta(hours=float(limits.get("objection_window_hours", 24))),
        review_window=timedelta(hours=float(limits.get("review_hours", 72))),
        forget_after=timedelta(days=float(limits.get("forget_days", 180))),
        handled_memory=int(limits.get("handled_memory", 500)),
        record_memory=int(limits.get("record_memory", 100)),
        flood={k: int(v) for k, v in data.get("flood", {}).items() if k != "roll_call_answers"},
        categories=cats, chats=chats, block=limits.get("block", "auto"), chat_blocks=blocks,
        apology_words=tuple(fold_text(w) for w in data.get("unblock", {}).get("apology_words", [])),
        roll_call_answers=tuple(fold_text(w) for w in data.get("flood", {}).get("roll_call_answers", [])),
        # the link in an urgent notification: the console as moderators reach it, not as it binds
        console_url=os.environ.get("DOZOR_CONSOLE_URL") or "http://127.0.0.1:8077")
    settings.update(overrides)
    policy = Policy(**settings)
    if policy.max_block_days > 30:
        raise PolicyError(f"{path}: max_block_days {policy.max_block_days} exceeds the rules' one month (30)")
    if policy.block_after < 1 or not policy.block_days:
        raise PolicyError(f"{path}: block_after must be ≥ 1 and block_days non-empty")
    return policy


@lru_cache(maxsize=1)
def default() -> Policy:
    return load()
