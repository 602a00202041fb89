"""`dozor lexicon publish | promote | shadow-report | status | keygen`: lexicon versions on the topic.

The checks a worker makes before applying a bundle run here first, so a maintainer
sees a refusal at once, on their own screen; the worker checks again all the same.
Every bundle sent is signed with the maintainers' key (streams/signing.py): workers
apply nothing else.
"""
from __future__ import annotations

import json
import tempfile
from pathlib import Path

from filters import ruleset as rulesets
from filters.lexicon import bundle as bundles
from filters.paths import lexicon_root
from filters.ruleset import LexiconRefused
from filters.shadow import report

from . import signing, topics
from .broker import create_topics
from .lexicons import LEXICON_TOPIC_CONFIG, checked_bundle, gated, latest, read_topic
from .service import say
from .settings import Settings


def main(args, bootstrap: str) -> int:
    from kafka.errors import KafkaError

    settings = Settings.from_env()
    key = None
    try:
        key = signing.signing_key(settings.lexicon_signing_key, settings.data_dir)
    except signing.NoSigningKey as err:
        if args.action in ("publish", "promote"):
            say(f"dozor lexicon {args.action}: {err}")
            return 1
    try:
        # what the workers trust (and this tool's own key): records signed otherwise are not counted
        trusted = signing.trusted_keys(settings.lexicon_public_key, settings.data_dir)
    except ValueError as err:
        say(f"dozor lexicon {args.action}: {err}")
        return 1
    trusted += [key.public_key()] if key is not None else []
    try:
        if args.action == "publish":
            mode = "shadow" if args.shadow else "shadow-off" if args.shadow_off else "live"
            return publish(bootstrap, args.dir or lexicon_root(), mode, key, args.allow_shrink,
                           settings.lexicon_check_seconds, trusted)
        if args.action == "promote":
            return promote(bootstrap, key, trusted, settings.lexicon_check_seconds)
        if args.action == "status":
            return status(bootstrap, trusted)
        return shadow_report(bootstrap, args.limit, trusted)
    except (KafkaError, TimeoutError, OSError) as err:
        say(f"dozor lexicon {args.action}: cannot reach Kafka at {bootstrap}: {err!r}; is KAFKA_BOOTSTRAP "
            f"right and the broker up (`dozor run` prints its address)?")
        return 1


def publish(bootstrap: str, folder: Path, mode: str, key, allow_shrink: bool = False,
            limit: float = 60.0, trusted: list | None = None) -> int:
    if mode != "shadow-off":
        if not folder.is_dir():
            say(f"dozor lexicon publish: {folder} is not a folder; --dir takes the lexicons folder "
                f"(the one holding profanity/, insult/, …)")
            return 2
        try:
            record = checked_bundle(folder, mode, key=key, allow_shrink=allow_shrink, limit=limit)
            if not allow_shrink:
                shrunk = rulesets.shrinkage(rulesets.load(folder), in_force(bootstrap, trusted))
                if shrunk:
                    raise LexiconRefused(record["version"], shrunk, "not published")
        except LexiconRefused as err:
            say(f"dozor lexicon publish: {err}")
            return 1
        say(f"lexicon {record['version']} from {folder}: lint and examples pass")
    else:
        record = signing.sign(bundles.pack(folder, mode), key)
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


def published(bootstrap: str, trusted: list | None = None) -> dict[str, dict]:
    """The newest live and shadow records on the lexicon topic (as the workers read it); given the
    keys the workers trust, only records signed by one of them (the workers ignore the others)."""
    records = read_topic(bootstrap)[0]
    if trusted is not None:
        records = [r for r in records if _signed_by(r, trusted)]
    return latest(records)


def _signed_by(record, trusted: list) -> bool:
    try:
        signing.verify(record, trusted)
        return True
    except signing.SignatureError:
        return False


def in_force(bootstrap: str, trusted: list | None = None) -> rulesets.Ruleset:
    """What the workers judge with, as far as this tool can tell: the newest live version on the
    topic that it can read, else the lexicons of this installation (which the image ships too)."""
    live = published(bootstrap, trusted).get("live")
    if live is not None:
        with tempfile.TemporaryDirectory(prefix="dozor-in-force-") as tmp:
            try:
                return rulesets.load(bundles.unpack(live, Path(tmp)))
            except Exception:               # a damaged or foreign record: the workers refuse it too
                pass
    return rulesets.default()


def promote(bootstrap: str, key, trusted: list | None = None, limit: float = 60.0) -> int:
    trusted = list(trusted or []) + [key.public_key()]
    candidate = published(bootstrap, trusted).get("shadow")
    if candidate is None or candidate["mode"] != "shadow":
        say("dozor lexicon promote: no candidate is in shadow mode; publish one with "
            "`dozor lexicon publish --shadow --dir DIR`")
        return 1
    try:            # promoting re-signs it: never sign what someone else put on the topic
        signing.verify(candidate, trusted)
    except signing.SignatureError as err:
        say(f"dozor lexicon promote: the candidate {candidate.get('version')} on the topic is not one this key "
            f"published ({err}); publish the folder you mean with `dozor lexicon publish`")
        return 1
    try:
        gated(candidate, limit=limit)
    except LexiconRefused as err:
        say(f"dozor lexicon promote: the candidate {candidate.get('version')} cannot go live: {err}")
        return 1
    send(bootstrap, signing.sign(candidate | {"mode": "live", "published_at": bundles.pack_time(),
                                              "by": f"promoted by {bundles.publisher()}"}, key))
    say(f"promoted {candidate['version']} (shadow since {candidate['published_at']}) to live")
    return 0


def status(bootstrap: str, trusted: list | None = None) -> int:
    latest = published(bootstrap, trusted)
    live, shadow = latest.get("live"), latest.get("shadow")
    print(f"live:   {live['version']} (published {live['published_at']} by {live['by']}, signed by "
          f"{(live.get('signature') or {}).get('key', 'nobody')})" if live
          else "live:   nothing published: workers use the lexicons they started with")
    print(f"shadow: {shadow['version']} (published {shadow['published_at']} by {shadow['by']})"
          if shadow and shadow["mode"] == "shadow" else "shadow: off")
    if trusted is not None:
        ignored = sum(not _signed_by(r, trusted) for r in read_topic(bootstrap)[0])
        if ignored:
            print(f"ignored: {ignored} record(s) on {topics.LEXICONS} not signed by a trusted key "
                  f"(the workers refuse them too)")
    return 0


def shadow_report(bootstrap: str, limit: int, trusted: list | None = None) -> int:
    from .service import consumer

    shadow = published(bootstrap, trusted).get("shadow")
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


def keygen(out: Path | None) -> int:
    """`dozor lexicon keygen`: a new signing key pair, and what to do with each half."""
    settings = Settings.from_env()
    private = Path(out) if out else settings.lexicon_signing_key or signing.default_private(settings.data_dir)
    public = private.with_suffix(".pub")
    if private.exists():
        say(f"dozor lexicon keygen: {private} already exists; it is kept (delete it first to make a new "
            f"pair: workers then need the new public key)")
        return 1
    key = signing.generate(private, public)
    say(f"dozor lexicon keygen: private key {private} (mode 0600: keep it with the maintainers, never in the "
        f"image or in Kafka; `dozor lexicon publish` finds it there or through {signing.ENV_PRIVATE}); public "
        f"key in {public}. Give the workers:")
    print(f"{signing.ENV_PUBLIC}={signing.public_text(key.public_key())}")
    return 0
