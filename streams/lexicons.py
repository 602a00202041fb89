"""Hot reload: the lexicon version in force in a worker, swapped whole between batches.

Versions travel as bundles (filters/lexicon/bundle.py) on `dozor.lexicons`, a topic of
one partition that every worker reads whole, outside the consumer group, so all
workers of a cluster apply the same versions in the same order. A worker applies a
bundle only if it passes the gate again (filters/ruleset.py: lint without errors,
every example as written); otherwise it logs why and the version in force stays.
`dozor run` also watches the lexicon folder and publishes each edit that passes.

A candidate published with mode "shadow" runs beside the live version: its verdicts
are compared, never acted on, and disagreements go to moderation.shadow.
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
import time
from pathlib import Path

from filters import Message, Verdict
from filters import ruleset as rulesets
from filters.lexicon import bundle as bundles
from filters.ruleset import LexiconRefused, Ruleset
from filters.shadow import disagreement

from . import topics

log = logging.getLogger("dozor.lexicons")
CATCH_UP_LIMIT = 30.0          # seconds a starting worker waits for the topic before going on


class Lexicons:
    """The live version (and a shadow candidate), read by the moderate agent per batch."""

    def __init__(self, live: Ruleset, cache: Path):
        self.live, self.shadow = live, None
        self.cache = cache
        self.ready = asyncio.Event()
        self.worker = f"{socket.gethostname()}:{os.getpid()}"
        self.compared = 0
        self.disagreements: list[dict] = []
        self._live, self._shadow = live, None

    # -- the agent's side: one version per batch
    def begin_batch(self) -> None:
        self._live, self._shadow = self.live, self.shadow

    def detect(self, msg: Message) -> Verdict:
        verdict = self._live.check(msg)
        if self._shadow is not None:
            self.compared += 1
            found = disagreement(msg, verdict, self._shadow.check(msg))
            if found is not None:
                self.disagreements.append(found | {"worker": self.worker, "compared": self.compared})
        return verdict

    def take_disagreements(self) -> list[dict]:
        out, self.disagreements = self.disagreements, []
        return out

    def progress(self) -> dict | None:
        if self._shadow is None:
            return None
        return {"kind": "progress", "worker": self.worker, "compared": self.compared,
                "live_version": self._live.version, "candidate_version": self._shadow.version}

    # -- the feed's side
    async def apply(self, record: dict) -> str:
        """Apply one bundle; returns what happened, for the log."""
        try:
            bundle = bundles.check(record)
        except bundles.BundleError as err:
            return f"lexicon bundle ignored: {err}"
        mode, version = bundle["mode"], bundle.get("version", "")
        if mode == "shadow-off":
            if self.shadow is None:
                return "shadow mode already off"
            self.shadow, self.compared = None, 0
            return "shadow mode off"
        if mode == "shadow" and version == self.live.version:
            return f"lexicon {version} is already live: not run in shadow"
        current = self.live if mode == "live" else self.shadow
        if current is not None and current.version == version:
            return f"lexicon {version} already in force ({mode})"
        try:
            folder = await asyncio.to_thread(bundles.unpack, bundle, self.cache)
            new = await asyncio.to_thread(rulesets.load, folder, True)
        except LexiconRefused as err:
            return f"REFUSED {mode} {err}"
        if mode == "live":
            self.live = new
            if self.shadow is not None and self.shadow.version == version:
                self.shadow, self.compared = None, 0        # the candidate went live: shadow done
            return f"lexicon {version} live (published {bundle.get('published_at')} by {bundle.get('by')})"
        self.shadow, self.compared = new, 0
        return f"lexicon {version} running in shadow beside {self.live.version}"


def _log(what: str) -> None:
    (log.error if what.startswith("REFUSED") else log.info)(what)


async def follow(holder: Lexicons, bootstrap: str, fetch_wait_ms: int) -> None:
    """Read dozor.lexicons from the start, apply the newest live and shadow versions, then
    every new bundle as it comes. The agent waits for `ready` before its first batch, so a
    restarted worker never judges with a stale version."""
    from aiokafka import AIOKafkaConsumer, TopicPartition

    tp = TopicPartition(topics.LEXICONS, 0)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False,
                                fetch_max_wait_ms=min(fetch_wait_ms, 500))
    await consumer.start()
    try:
        consumer.assign([tp])
        await consumer.seek_to_beginning(tp)
        end = (await consumer.end_offsets([tp]))[tp]
        deadline = time.monotonic() + CATCH_UP_LIMIT
        latest: dict[str, dict] = {}
        while await consumer.position(tp) < end and time.monotonic() < deadline:
            for rec in (await consumer.getmany(tp, timeout_ms=500)).get(tp, []):
                record = _decode(rec.value)
                if record is not None:
                    mode = "shadow" if record.get("mode") == "shadow-off" else record.get("mode")
                    latest[mode] = record
                    if mode == "live" and latest.get("shadow", {}).get("version") == record.get("version"):
                        del latest["shadow"]        # promoted: the shadow run is over
        for record in (latest.get("live"), latest.get("shadow")):
            if record is not None:
                _log(await holder.apply(record))
        if await consumer.position(tp) < end:
            log.error("dozor.lexicons not read to its end in %.0fs: judging with lexicon %s meanwhile",
                      CATCH_UP_LIMIT, holder.live.version)
        holder.ready.set()
        while True:
            for rec in (await consumer.getmany(tp, timeout_ms=1000)).get(tp, []):
                record = _decode(rec.value)
                if record is not None:
                    _log(await holder.apply(record))
    finally:
        holder.ready.set()
        await consumer.stop()


def _decode(raw: bytes | None) -> dict | None:
    try:
        return json.loads(raw or b"")
    except ValueError:
        log.error("dozor.lexicons: a record that is not JSON was ignored")
        return None


async def watch(folder: Path, publish, interval: float = 1.0) -> None:
    """Publish the folder whenever its files change and the new version passes the gate.

    `publish(bundle)` is awaited; a refused edit is reported and nothing is published."""
    seen = ""
    while True:
        try:
            version = rulesets.fingerprint(rulesets.files(folder))
        except OSError as err:                   # an editor replacing a file mid-save
            log.warning("cannot read %s: %s", folder, err)
            version = seen
        if version != seen:
            try:
                await asyncio.to_thread(rulesets.load, folder, True)
            except LexiconRefused as err:
                log.error("edit in %s REFUSED, not published: %s", folder, err)
            else:
                try:
                    await publish(bundles.pack(folder, "live", by=f"file watch on {folder}"))
                except Exception as err:           # the broker away: try again on the next round
                    log.error("lexicon %s not published (%r); retrying", version, err)
                    await asyncio.sleep(interval)
                    continue
                log.info("lexicon %s published from %s", version, folder)
            seen = version
        await asyncio.sleep(interval)
