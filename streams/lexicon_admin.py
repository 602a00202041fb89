"""`dozor lexicon publish | promote | shadow-report | status`: lexicon versions on the topic.

The checks a worker makes before applying a bundle run here first, so a maintainer
sees a refusal at once, on their own screen; the worker checks again all the same.
"""
from __future__ import annotations

import json
from pathlib import Path

from filters.lexicon import bundle as bundles
from filters.paths import lexicon_root
from filters.ruleset import LexiconRefused
from filters.shadow import report

from . import topics
from .broker import create_topics
from .lexicons import LEXICON_TOPIC_CONFIG, checked_bundle, gated, latest, read_topic
from .service import say


def main(args, bootstrap: str) -> int:
    from kafka.errors import KafkaError

    try:
        if args.action == "publish":
            mode = "shadow" if args.shadow else "shadow-off" if args.shadow_off else "live"
            return publish(bootstrap, args.dir or lexicon_root(), mode)
        if args.action == "promote":
            return promote(bootstrap)
        if args.action == "status":
            return status(bootstrap)
        return shadow_report(bootstrap, args.limit)
    except (KafkaError, TimeoutError, OSError) as err:
        say(f"dozor lexicon {args.action}: cannot reach Kafka at {bootstrap}: {err!r}; is KAFKA_BOOTSTRAP "
            f"right and the broker up (`dozor run` prints its address)?")
        return 1


def publish(bootstrap: str, folder: Path, mode: str) -> int:
    if mode != "shadow-off":
        if not folder.is_dir():
            say(f"dozor lexicon publish: {folder} is not a folder; --dir takes the lexicons folder "
                f"(the one holding profanity/, insult/, …)")
            return 2
        try:
            record = checked_bundle(folder, mode)
        except LexiconRefused as err:
            say(f"dozor lexicon publish: {err}")
            return 1
        say(f"lexicon {record['version']} from {folder}: lint and examples pass")
    else:
        record = bundles.pack(folder, mode)
    create_topics(bootstrap, [topics.LEXICONS], 1, LEXICON_TOPIC_CONFIG)
    send(bootstrap, record)
    what = {"live": "workers switch to it within seconds; `dozor lexicon status` shows what is published",
            "shadow": "it now runs beside the live version; `dozor lexicon shadow-report` shows where "
                      "they disagree, `dozor lexicon promote` makes it live",
            "shadow-off": "shadow mode stops; the live version stays"}[mode]
    say(f"published {mode} {record['version']}: {what}")
    return 0


def send(bootstrap: str, record: dict) -> None:
    from .service import producer

    prod = producer(bootstrap)
    try:
        prod.send(topics.LEXICONS, key="lexicons", value=record, partition=0).get(30)
    finally:
        prod.close()


def published(bootstrap: str) -> dict[str, dict]:
    """The newest live and shadow records on the lexicon topic (as the workers read it)."""
    return latest(read_topic(bootstrap)[0])


def promote(bootstrap: str) -> int:
    candidate = published(bootstrap).get("shadow")
    if candidate is None or candidate["mode"] != "shadow":
        say("dozor lexicon promote: no candidate is in shadow mode; publish one with "
            "`dozor lexicon publish --shadow --dir DIR`")
        return 1
    try:                                    # the workers will check it again; say so now if they won't take it
        gated(candidate)
    except LexiconRefused as err:
        say(f"dozor lexicon promote: the candidate {candidate.get('version')} cannot go live: {err}")
        return 1
    send(bootstrap, candidate | {"mode": "live", "published_at": bundles.pack_time(),
                                 "by": f"promoted by {bundles.publisher()}"})
    say(f"promoted {candidate['version']} (shadow since {candidate['published_at']}) to live")
    return 0


def status(bootstrap: str) -> int:
    latest = published(bootstrap)
    live, shadow = latest.get("live"), latest.get("shadow")
    print(f"live:   {live['version']} (published {live['published_at']} by {live['by']})" if live
          else "live:   nothing published: workers use the lexicons they started with")
    print(f"shadow: {shadow['version']} (published {shadow['published_at']} by {shadow['by']})"
          if shadow and shadow["mode"] == "shadow" else "shadow: off")
    return 0


def shadow_report(bootstrap: str, limit: int) -> int:
    from .service import consumer

    shadow = published(bootstrap).get("shadow")
    if shadow is None or shadow["mode"] != "shadow":
        say("no candidate is in shadow mode now; the report below covers the last one recorded")
    records, compared = [], {}
    reader = consumer(bootstrap, topics.SHADOW, from_beginning=True)
    try:
        for rec in reader:
            try:
                r = json.loads(rec.value)
            except ValueError:
                continue
            if isinstance(r, dict) and r.get("kind") in ("disagreement", "progress"):
                records.append(r)
    finally:
        reader.close()
    if not records:
        for line in report([], 0):
            print(line)
        return 0
    version = shadow["version"] if shadow and shadow["mode"] == "shadow" else records[-1]["candidate_version"]
    mine = [r for r in records if r.get("candidate_version") == version]
    for r in mine:          # each worker counts on its own: the latest count of each, summed
        compared[r["worker"]] = max(compared.get(r["worker"], 0), r["compared"])
    for line in report([r for r in mine if r["kind"] == "disagreement"], sum(compared.values()), limit,
                       versions=(mine[-1]["live_version"], version) if mine else None):
        print(line)
    return 0
