"""The moderation policy's settings, read once from policies.toml and checked then."""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache
from pathlib import Path

from filters.model import CATEGORIES, CHAT_KINDS

DEFAULT_FILE = Path(__file__).with_name("policies.toml")
ACTIONS = ("delete", "remind", "flag")


class PolicyError(ValueError):
    """policies.toml says something dozor cannot act on."""


@dataclass(frozen=True)
class Category:
    name: str
    action: str
    strike: bool
    urgent: bool
    rule: str
    reminder: str
    confident_action: str | None = None   # what a high-severity (confident) finding gets instead
    confident_strike: bool | None = None

    def for_violation(self, severity: str) -> "Category":
        if severity == "high" and self.confident_action:
            return Category(self.name, self.confident_action, bool(self.confident_strike), self.urgent,
                            self.rule, self.reminder)
        return self


@dataclass(frozen=True)
class Policy:
    block_after: int
    block_days: tuple[float, ...]
    max_block_days: int
    strike_window: timedelta
    objection_window: timedelta
    handled_memory: int
    flood: dict[str, int]
    categories: dict[str, Category]
    chats: dict[str, frozenset[str]] = field(default_factory=dict)

    def block_length(self, previous_blocks: int) -> timedelta:
        days = self.block_days[min(previous_blocks, len(self.block_days) - 1)]
        return timedelta(days=min(days, self.max_block_days))

    def applies(self, chat_kind: str, category: str) -> bool:
        return category in self.chats.get(chat_kind, self.chats["parents"])


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
        if c.get("action") not in ACTIONS:
            raise PolicyError(f"{path}: [categories.{name}] action must be one of {', '.join(ACTIONS)}")
        if c.get("confident_action") not in (None, *ACTIONS):
            raise PolicyError(f"{path}: [categories.{name}] confident_action must be one of {', '.join(ACTIONS)}")
        cats[name] = Category(name, c["action"], bool(c.get("strike")), bool(c.get("urgent")),
                              c.get("rule", ""), c.get("reminder", ""), c.get("confident_action"),
                              c.get("confident_strike"))
    missing = set(CATEGORIES) - set(cats)
    if missing:
        raise PolicyError(f"{path}: no [categories.X] table for {', '.join(sorted(missing))}")
    chats = {k: frozenset(v.get("categories", ())) for k, v in data.get("chats", {}).items()}
    if "parents" not in chats or set(chats) - set(CHAT_KINDS):
        raise PolicyError(f"{path}: [chats.*] must name kinds among {', '.join(CHAT_KINDS)}, parents included")
    settings = dict(
        block_after=int(limits.get("block_after", 4)),
        block_days=tuple(float(d) for d in limits.get("block_days", [7, 14, 30])),
        max_block_days=int(limits.get("max_block_days", 30)),
        strike_window=timedelta(days=float(limits.get("strike_window_days", 70))),
        objection_window=timedelta(hours=float(limits.get("objection_window_hours", 24))),
        handled_memory=int(limits.get("handled_memory", 500)),
        flood={k: int(v) for k, v in data.get("flood", {}).items()},
        categories=cats, chats=chats)
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
