"""The agents: each reads, calls the engine, sends; none decides anything itself."""
from __future__ import annotations

from filters.ruleset import default as default_lexicons

from ..lexicons import Lexicons
from ..policy import Engine
from ..policy.config import default as default_policy
from . import clock, lexicons, moderate, roster
from .publish import Publisher


def register(app, settings, held: Lexicons | None = None) -> None:
    t = app.dozor_tables
    # one engine per agent: each keeps its own pending writes between decide and commit
    policy = default_policy()
    out = Publisher(app)
    held = held or Lexicons(default_lexicons(), settings.data_dir / "lexicons")
    app.dozor_lexicons = held
    moderate.register(app, Engine(policy, t["participants"], t["due"], detect=held.detect, defer=True),
                      out, held)
    roster.register(app, Engine(policy, members=t["members"], defer=True), out)
    clock.register(app, settings)
    lexicons.register(app, settings, held)
