"""The agents: each reads, calls the engine, sends; none decides anything itself."""
from __future__ import annotations

from ..policy import Engine
from ..policy.config import default as default_policy
from . import clock, moderate, roster
from .publish import Publisher


def register(app, settings) -> None:
    t = app.dozor_tables
    engine = Engine(default_policy(), t["participants"], t["due"], t["members"], defer=True)
    out = Publisher(app.dozor_topics)
    moderate.register(app, engine, out)
    roster.register(app, engine, out)
    clock.register(app, settings)
