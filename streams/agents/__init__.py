"""The agents: each reads, calls the engine, sends; none decides anything itself."""
from __future__ import annotations

from filters.ruleset import default as default_lexicons

from .. import identity, wire
from ..dispatch import Clock
from ..lexicons import Lexicons
from ..policy import Engine
from ..policy.config import default as default_policy
from . import clock, lexicons, moderate, roster
from .publish import Publisher


def register(app, settings, held: Lexicons | None = None) -> None:
    t = app.dozor_tables
    # one engine per agent: each keeps its own pending writes between decide and commit
    policy = default_policy()
    producers = identity.load_producers(settings.producers)
    signer = identity.load_signer(settings.producer_key)
    out = Publisher(app, wire.load_cipher(settings.deadletter_key), signer, set(producers.topics))
    held = held or Lexicons(default_lexicons(), settings.data_dir / "lexicons")
    app.dozor_lexicons = held
    moderate.register(app, Engine(policy, t["participants"], t["due"], detect=held.detect, defer=True),
                      out, held, Clock(settings.clock_ahead, settings.clock_behind, settings.tick_ahead), producers)
    roster.register(app, Engine(policy, members=t["members"], defer=True), out, producers)
    clock.register(app, settings, out)
    lexicons.register(app, settings, held)
