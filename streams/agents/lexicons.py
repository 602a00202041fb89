"""The lexicon feed (every worker) and, where asked, the file watch that publishes edits."""
from __future__ import annotations

import json

from .. import topics
from ..lexicons import Lexicons, follow, watch


def register(app, settings, held: Lexicons) -> None:
    @app.task
    async def lexicon_feed():
        await follow(held, settings.bootstrap, settings.fetch_max_wait_ms)

    if settings.watch_lexicons is not None:
        async def publish(bundle: dict) -> None:
            value = json.dumps(bundle, ensure_ascii=False).encode()
            await app.producer.send_and_wait(topics.LEXICONS, b"lexicons", value, 0, None, None)

        @app.task
        async def lexicon_watch():
            await watch(settings.watch_lexicons, publish)
