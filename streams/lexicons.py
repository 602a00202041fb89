"""Hot reload: the lexicon version in force in a worker, swapped whole between batches.

Versions travel as bundles (filters/lexicon/bundle.py) on `dozor.lexicons`, a topic of
one partition that every worker reads whole, outside the consumer group, so all
workers of a cluster apply the same versions in the same order. A worker applies a
bundle only if it is signed by a key it trusts (streams/signing.py) and passes the gate
again (filters/ruleset.py: lint without errors, every example as written and in time,
no category cut by more than half), checked in a child process that is stopped after
DOZOR_LEXICON_CHECK_SECONDS (filters/lexicon/isolated.py): otherwise it logs why and the
version in force stays; it never hangs on a bundle, at start-up or later.
`dozor run` also watches the lexicon folder and publishes each edit that passes, signed.

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
from filters.lexicon.isolated import gate_in_child
from filters.ruleset import LexiconRefused, Ruleset
from filters.shadow import disagreement

from . import signing, topics
from .broker import read_to_end

log = logging.getLogger("dozor.lexicons")
# versions must outlive Kafka's default 7-day retention: a worker added next month reads them
LEXICON_TOPIC_CONFIG = {"retention.ms": "-1", "retention.bytes": "-1"}
CATCH_UP_LIMIT = 30.0          # seconds a starting worker may take to read the lexicon topic
# seconds checking one version may take (about 1 s is usual: a child process, lint, every example);
# past it the version is refused and the one in force stays
CHECK_LIMIT = 60.0


class Lexicons:
    """The live version (and a shadow candidate), read by the moderate agent per batch.

    `trusted`: the public keys whose signatures it accepts (none: every bundle is refused)."""

    def __init__(self, live: Ruleset, cache: Path, trusted: list | None = None, check_limit: float = CHECK_LIMIT):
        self.live, self.shadow = live, None
        self.live_published = ""        # when the live version was published ("": the image's own)
        self.cache = cache
        self.trusted = list(trusted or [])
        self.check_limit = check_limit
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
        mode, version = _describe(record)
        stays = f"lexicon {self.live.version} stays in force"
        try:                                 # first who sent it: nothing else is worth reading otherwise
            signing.verify(record, self.trusted)
        except signing.SignatureError as err:
            return f"REFUSED {mode} lexicon {version}: {err}; {stays}"
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
        published = bundle.get("published_at", "")
        if mode == "live" and published < self.live_published:
            # a signed bundle sent again later (a replay) must not roll the word lists back
            return (f"REFUSED live lexicon {version}: published {published}, before the version in force "
                    f"({self.live_published}): an old bundle sent again? To go back to an old version, "
                    f"publish it anew (`dozor lexicon publish --dir OLD`); {stays}")
        try:
            folder = bundles.unpack(bundle, self.cache)
            problems = gate_in_child(folder, self.check_limit)
            if problems:
                raise LexiconRefused(version, problems)
            new = rulesets.load(folder)
            if not bundle.get("allow_shrink"):
                problems = rulesets.shrinkage(new, self.live)
                if problems:
                    raise LexiconRefused(version, problems)
        except LexiconRefused as err:
            return f"REFUSED {mode} {err}"
        except Exception as err:            # a full disk, a file name the file system refuses…
            return f"REFUSED {mode} lexicon {version}: cannot unpack or load it: {err!r}; {stays}"
        if new.version != version:          # what was checked must be what was published
            return f"REFUSED {mode} lexicon {version}: its unpacked files hash to {new.version}; {stays}"
        return new

    def _swap(self, record: dict, new: Ruleset | str) -> str:
        if isinstance(new, str):
            if new == "shadow mode off":
                self.shadow, self.compared = None, 0
            return new
        if record["mode"] == "live":
            self.live, self.live_published = new, record.get("published_at", "")
            if self.shadow is not None and self.shadow.version == new.version:
                self.shadow, self.compared = None, 0        # the candidate went live: shadow done
            return f"lexicon {new.version} live (published {record.get('published_at')} by {record.get('by')})"
        self.shadow, self.compared = new, 0
        return f"lexicon {new.version} running in shadow beside {self.live.version}"


def _describe(record) -> tuple[str, str]:
    """(mode, version) of a record, whatever it holds, for saying what was refused."""
    if not isinstance(record, dict):
        return "?", "(not a bundle)"
    return str(record.get("mode"))[:20], str(record.get("version") or "(no version)")[:40]


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
    is refused here (unsigned, a newer dozor wrote it, too slow to check), the newest one
    that passes is used; and however many are refused, a worker starts: after twice the
    check limit it stops trying and starts with the version it has, saying so."""
    records, holder.offset = read_topic(bootstrap)
    deadline = time.monotonic() + 2 * holder.check_limit
    live = [r for r in records if isinstance(r, dict) and r.get("mode") == "live"]
    # newest first by the signed publication time (a bundle sent again later is not newer), then offset
    order = sorted(range(len(live)), key=lambda i: (str(live[i].get("published_at", "")), i), reverse=True)
    tried = 0
    for i in order:
        if time.monotonic() > deadline:
            log.error("gave up on the %d older lexicon version(s) on %s after %.0f s of checking; starting "
                      "with lexicon %s", len(order) - tried, topics.LEXICONS, 2 * holder.check_limit,
                      holder.live.version)
            break
        tried += 1
        what = holder.adopt(live[i])
        say(what)
        if not what.startswith("REFUSED"):
            break
    shadow = latest(records).get("shadow")
    if shadow is not None and time.monotonic() <= deadline:
        say(holder.adopt(shadow))
    log.info("lexicon %s in force%s%s", holder.live.version,
             "" if holder.live_published else " (the lexicons this worker started with)",
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


async def watch(folder: Path, publish, key, interval: float = 1.0, limit: float = CHECK_LIMIT) -> None:
    """Publish the folder whenever its files change and the new version passes the gate,
    signed with `key` (the workers apply nothing unsigned).

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
                bundle = await asyncio.to_thread(checked_bundle, folder, "live", f"file watch on {folder}",
                                                 key, False, limit)
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


def checked_bundle(folder: Path, mode: str, by: str | None = None, key=None, allow_shrink: bool = False,
                   limit: float = CHECK_LIMIT) -> dict:
    """Pack `folder` and put the bundle through exactly what a worker does with it, so
    what was checked is what gets published; signed with `key` when given."""
    from filters.lexicon.checks import Problem

    try:
        bundle = bundles.pack(folder, mode, by, allow_shrink)
    except (OSError, UnicodeDecodeError) as err:
        raise LexiconRefused("(unreadable)", [Problem("error", str(folder), str(err))]) from None
    bundle = gated(bundle, str(folder), limit)
    return signing.sign(bundle, key) if key is not None else bundle


def gated(bundle: dict, where: str = "bundle", limit: float = CHECK_LIMIT) -> dict:
    """`bundle`, if a worker would take it: unpacked and gated as a worker does, in a child
    process stopped after `limit` seconds."""
    import tempfile

    from filters.lexicon.checks import Problem

    with tempfile.TemporaryDirectory() as tmp:
        try:
            problems = gate_in_child(bundles.unpack(bundle, Path(tmp)), limit)
        except bundles.BundleError as err:       # e.g. a folder with no category in it
            raise LexiconRefused(bundle.get("version") or "(empty)",
                                 [Problem("error", where, str(err))]) from None
        if problems:
            raise LexiconRefused(bundle.get("version") or "(empty)", problems)
    return bundle
