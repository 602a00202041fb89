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
from pathlib import Path

from filters import Message, Verdict
from filters import ruleset as rulesets
from filters.lexicon import bundle as bundles
from filters.ruleset import LexiconRefused, Ruleset
from filters.shadow import disagreement

from . import topics
from .broker import read_to_end

log = logging.getLogger("dozor.lexicons")
# versions must outlive Kafka's default 7-day retention: a worker added next month reads them
LEXICON_TOPIC_CONFIG = {"retention.ms": "-1", "retention.bytes": "-1"}
CATCH_UP_LIMIT = 30.0          # seconds a starting worker may take to read the lexicon topic


class Lexicons:
    """The live version (and a shadow candidate), read by the moderate agent per batch."""

    def __init__(self, live: Ruleset, cache: Path):
        self.live, self.shadow = live, None
        self.cache = cache
        self.offset = 0                 # the next record of the lexicon topic to read
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
            try:          # a candidate must never cost a message its live decision
                found = disagreement(msg, verdict, self._shadow.check(msg))
            except Exception:
                log.exception("shadow lexicon %s failed on %s; the live verdict stands",
                              self._shadow.version, msg.message_id)
                return verdict
            self.compared += 1
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
    def adopt(self, record) -> str:
        """Apply one bundle now (at start-up, before any message is judged)."""
        return self._swap(record, self._prepare(record))

    async def apply(self, record) -> str:
        """Apply one bundle while the stream runs: compiled and checked in a thread, swapped here,
        so the agent sees either version whole at its next batch."""
        return self._swap(record, await asyncio.to_thread(self._prepare, record))

    def _prepare(self, record) -> Ruleset | str:
        """The checked Ruleset the bundle holds, or why there is nothing to apply."""
        try:
            bundle = bundles.check(record)
        except bundles.BundleError as err:
            return f"lexicon bundle ignored: {err}"
        mode, version = bundle["mode"], bundle.get("version", "")
        if mode == "shadow-off":
            return "shadow mode off" if self.shadow is not None else "shadow mode already off"
        if mode == "shadow" and version == self.live.version:
            return f"lexicon {version} is already live: not run in shadow"
        current = self.live if mode == "live" else self.shadow
        if current is not None and current.version == version:
            return f"lexicon {version} already in force ({mode})"
        try:
            new = rulesets.load(bundles.unpack(bundle, self.cache), validate=True)
        except LexiconRefused as err:
            return f"REFUSED {mode} {err}"
        except Exception as err:            # a full disk, a file name the file system refuses…
            return f"REFUSED {mode} lexicon {version}: cannot unpack or load it: {err!r}"
        if new.version != version:          # what was checked must be what was published
            return f"REFUSED {mode} lexicon {version}: its unpacked files hash to {new.version}"
        return new

    def _swap(self, record: dict, new: Ruleset | str) -> str:
        if isinstance(new, str):
            if new == "shadow mode off":
                self.shadow, self.compared = None, 0
            return new
        if record["mode"] == "live":
            self.live = new
            if self.shadow is not None and self.shadow.version == new.version:
                self.shadow, self.compared = None, 0        # the candidate went live: shadow done
            return f"lexicon {new.version} live (published {record.get('published_at')} by {record.get('by')})"
        self.shadow, self.compared = new, 0
        return f"lexicon {new.version} running in shadow beside {self.live.version}"


def say(what: str) -> None:
    (log.error if what.startswith("REFUSED") else log.info)(what)


def latest(records: list[dict]) -> dict[str, dict]:
    """The newest live and shadow records of the topic, in order; promoting a candidate
    (publishing its version live) ends its shadow run."""
    out: dict[str, dict] = {}
    for record in records:
        if not isinstance(record, dict) or record.get("mode") not in bundles.MODES:
            continue
        out["shadow" if record["mode"] == "shadow-off" else record["mode"]] = record
        shadow = out.get("shadow")
        if record["mode"] == "live" and shadow and shadow.get("version") == record.get("version"):
            del out["shadow"]
    return out


def read_topic(bootstrap: str, timeout: float = CATCH_UP_LIMIT) -> tuple[list[dict], int]:
    """Every record of the lexicon topic, and the offset after the last one; TimeoutError
    if it cannot be read to its end in `timeout` seconds."""
    values, ends = read_to_end(bootstrap, topics.LEXICONS, timeout)
    return [r for r in map(_decode, values) if r is not None], ends.get(0, 0)


def catch_up(holder: Lexicons, bootstrap: str) -> None:
    """Before the worker judges anything: apply the versions in force on the topic, so a
    restarted or added worker never judges with a stale one. If the newest live version
    is refused here (a newer dozor wrote it, say), the newest one that passes is used."""
    records, holder.offset = read_topic(bootstrap)
    for record in reversed([r for r in records if isinstance(r, dict) and r.get("mode") == "live"]):
        what = holder.adopt(record)
        say(what)
        if not what.startswith("REFUSED"):
            break
    shadow = latest(records).get("shadow")
    if shadow is not None:
        say(holder.adopt(shadow))
    log.info("lexicon %s in force%s", holder.live.version,
             f", {holder.shadow.version} in shadow" if holder.shadow else "")


async def follow(holder: Lexicons, bootstrap: str, fetch_wait_ms: int) -> None:
    """Apply every bundle published after `holder.offset`, as it comes."""
    from aiokafka import AIOKafkaConsumer, TopicPartition

    tp = TopicPartition(topics.LEXICONS, 0)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False,
                                fetch_max_wait_ms=min(fetch_wait_ms, 500))
    await consumer.start()
    try:
        consumer.assign([tp])
        consumer.seek(tp, holder.offset)
        while True:
            for rec in (await consumer.getmany(tp, timeout_ms=1000)).get(tp, []):
                record = _decode(rec.value)
                if record is not None:
                    say(await holder.apply(record))
                holder.offset = rec.offset + 1
    finally:
        await consumer.stop()


def _decode(raw: bytes | None) -> dict | None:
    try:
        return json.loads(raw or b"")
    except (ValueError, RecursionError):
        log.error("%s: a record that is not JSON was ignored", topics.LEXICONS)
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
                bundle = await asyncio.to_thread(checked_bundle, folder, "live", f"file watch on {folder}")
            except LexiconRefused as err:
                log.error("edit in %s REFUSED, not published: %s", folder, err)
            except Exception:                  # never let a bad edit stop the service
                log.exception("edit in %s REFUSED, not published: cannot read it", folder)
            else:
                try:
                    await publish(bundle)
                except Exception as err:           # the broker away: try again on the next round
                    log.error("lexicon %s not published (%r); retrying", version, err)
                    await asyncio.sleep(interval)
                    continue
                log.info("lexicon %s published from %s", bundle["version"], folder)
            seen = version
        await asyncio.sleep(interval)


def checked_bundle(folder: Path, mode: str, by: str | None = None) -> dict:
    """Pack `folder` and put the bundle through exactly what a worker does with it, so
    what was checked is what gets published."""
    from filters.lexicon.checks import Problem

    try:
        bundle = bundles.pack(folder, mode, by)
    except (OSError, UnicodeDecodeError) as err:
        raise LexiconRefused("(unreadable)", [Problem("error", str(folder), str(err))]) from None
    return gated(bundle, str(folder))


def gated(bundle: dict, where: str = "bundle") -> dict:
    """`bundle`, if a worker would take it: unpacked, compiled and gated as a worker does."""
    import tempfile

    from filters.lexicon.checks import Problem

    with tempfile.TemporaryDirectory() as tmp:
        try:
            rulesets.load(bundles.unpack(bundle, Path(tmp)), validate=True)
        except bundles.BundleError as err:       # e.g. a folder with no category in it
            raise LexiconRefused(bundle.get("version") or "(empty)",
                                 [Problem("error", where, str(err))]) from None
    return bundle
