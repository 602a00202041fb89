"""The agents: each reads, calls the engine, sends; none decides anything itself."""
from __future__ import annotations

from ..policy import Engine
from ..policy.config import default as default_policy
from . import clock, moderate, roster
from .publish import Publisher


def register(app, settings) -> None:
    t = app.dozor_tables
    # one engine per agent: each keeps its own pending writes between decide and commit
    policy = default_policy()
    out = Publisher(app)
    moderate.register(app, Engine(policy, t["participants"], t["due"], defer=True), out)
    roster.register(app, Engine(policy, members=t["members"], defer=True), out)
    clock.register(app, settings)
