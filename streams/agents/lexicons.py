"""The lexicon feed (every worker) and, where asked, the file watch that publishes edits."""
from __future__ import annotations

import asyncio
import json
import logging

from .. import signing, topics
from ..lexicons import Lexicons, follow, watch

log = logging.getLogger("dozor.lexicons")


def register(app, settings, held: Lexicons) -> None:
    @app.task
    async def lexicon_feed():
        # a lost connection must not stop moderation: the version in force stays, and we retry
        while True:
            try:
                await follow(held, settings.bootstrap, settings.fetch_max_wait_ms)
            except asyncio.CancelledError:
                raise
            except Exception as err:
                log.error("reading %s failed (%r); lexicon %s stays in force, retrying in 5 s",
                          topics.LEXICONS, err, held.live.version)
                await asyncio.sleep(5)

    if settings.watch_lexicons is not None:
        try:
            key = signing.signing_key(settings.lexicon_signing_key, settings.data_dir)
        except signing.NoSigningKey as err:
            log.error("not watching %s: %s", settings.watch_lexicons, err)
            return

        async def publish(bundle: dict) -> None:
            value = json.dumps(bundle, ensure_ascii=False).encode()
            await app.producer.send_and_wait(topics.LEXICONS, b"lexicons", value, 0, None, None)

        @app.task
        async def lexicon_watch():
            await watch(settings.watch_lexicons, publish, key, limit=settings.lexicon_check_seconds)
