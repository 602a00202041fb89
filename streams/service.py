"""Running the stream service: `dozor run` (zero setup) and `dozor worker` (one of many)."""
from __future__ import annotations

import json
import os
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from filters.paths import lexicon_root

from . import kafka_auth, topics
from .broker import BrokerError, EmbeddedBroker, create_topics
from .settings import Settings

SAMPLE = Path(__file__).resolve().parent.parent / "examples" / "parents-chat.jsonl"
RUN_METRICS_PORT = 9108          # `dozor run`'s /metrics unless DOZOR_METRICS_PORT says otherwise


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def worker(settings: Settings) -> int:
    """One worker in the consumer group `settings.app_id`, until SIGINT/SIGTERM."""
    import faust
    from filters.ruleset import LexiconRefused, default, gate

    from .app import build
    from .lexicons import LEXICON_TOPIC_CONFIG, Lexicons, catch_up

    _log_to_stderr()
    problems = gate(default())
    if problems:
        say(f"dozor: {LexiconRefused(default().version, problems, 'the worker does not start')}")
        return 1
    create_topics(settings.bootstrap, topics.ALL, settings.partitions)
    create_topics(settings.bootstrap, [topics.LEXICONS], 1, LEXICON_TOPIC_CONFIG)
    # the versions in force are applied before Faust starts: an agent that waited for them
    # while Faust fetched and recovered tables was seen to skip records (the SIGKILL test)
    held = Lexicons(default(), settings.data_dir / "lexicons", _trusted_signers(settings),
                    settings.lexicon_check_seconds)
    try:
        catch_up(held, settings.bootstrap)
    except TimeoutError as err:
        say(f"dozor: {err}; starting with lexicon {held.live.version}, later versions still apply")
    app = build(settings, held)
    if settings.metrics_port is not None and not _serve_metrics(app, settings):
        return 2
    try:
        _worker_class(faust, settings.stop_timeout)(
            app, loglevel=settings.loglevel, quiet=True, redirect_stdouts=False,
            override_logging=False).execute_from_commandline()
    except SystemExit as done:
        return int(done.code or 0)
    return 0


def _serve_metrics(app, settings: Settings) -> bool:
    """/metrics for Prometheus (streams/metrics.py), its address said at start; False: it cannot be served.
    `dozor run`'s own default port, when taken (another `dozor run`), gives way to a free one."""
    from . import metrics

    try:
        host, port = metrics.serve(app, settings.metrics_host, settings.metrics_port)
    except OSError as err:
        if not settings.metrics_default:
            say(f"dozor: {err}")
            return False
        host, port = metrics.serve(app, settings.metrics_host, 0)
        say(f"dozor: port {settings.metrics_port} is taken: metrics on a free port instead")
    say(f"dozor: metrics on http://{host}:{port}/metrics")
    return True


def _trusted_signers(settings: Settings) -> list:
    """The public keys whose lexicon bundles this worker applies (streams/signing.py), said at start."""
    from . import signing

    try:
        keys = signing.trusted_keys(settings.lexicon_public_key, settings.data_dir)
    except ValueError as err:
        say(f"dozor: {err}; no published lexicon version will be applied until it is fixed")
        return []
    if keys:
        say(f"dozor: lexicon versions are applied only when signed by {', '.join(map(signing.key_id, keys))}")
    else:
        say(f"dozor: WARNING no public key to check lexicon versions with ({signing.ENV_PUBLIC} is unset and "
            f"{signing.default_public(settings.data_dir)} does not exist): every published version will be "
            f"refused and the lexicons of this image stay in force; set {signing.ENV_PUBLIC} to the line "
            f"`dozor lexicon keygen` printed")
    return keys


def _worker_class(faust, stop_timeout: float):
    """Faust's worker, with a bound on how long a stop signal may take: a worker whose broker had
    gone away was seen to ignore SIGTERM for over an hour, retrying its last commit."""
    from .fatal import watchdog

    class Worker(faust.Worker):
        def _on_sigterm(self) -> None:
            watchdog(stop_timeout, "SIGTERM: the broker may be unreachable")
            super()._on_sigterm()

        def _on_sigint(self) -> None:
            watchdog(stop_timeout, "Ctrl-C: the broker may be unreachable")
            super()._on_sigint()

    return Worker


def _log_to_stderr() -> None:
    """dozor's own events (lexicon versions, dead letters) on stderr, whatever Faust logs."""
    import logging

    log = logging.getLogger("dozor")
    if not log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("dozor: %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False
    root = logging.getLogger()
    if not root.handlers:
        # Faust reports a crashed agent through logging; without a handler nobody would see it
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
        root.setLevel(logging.WARNING)


def run(settings: Settings, demo: bool = False, on_ready=None) -> int:
    """`on_ready(settings)`: called once the broker and topics are up, before the worker starts
    (`dozor run` starts the moderators' console there); what it returns, if callable, is called when
    the worker has stopped, before the broker stops (so nothing is left calling a broker gone away)."""
    broker, cleanup = None, None
    if settings.metrics_port is None:            # DOZOR_METRICS_PORT unset: zero setup serves /metrics too
        settings.metrics_port, settings.metrics_default = RUN_METRICS_PORT, True
    if settings.deadletter_key is None:
        # zero setup keeps dead letters' originals too, encrypted with a key beside the data, not in Kafka
        key = settings.data_dir / "deadletter.key"
        if not key.exists():
            from . import wire
            wire.new_key(key)
        settings.deadletter_key = str(key)
    if not settings.bootstrap and settings.lexicon_signing_key is None:
        # zero setup signs its own lexicon edits: a key pair in the data dir, made on the first start,
        # which this worker trusts and `dozor lexicon publish` (same DOZOR_DATA_DIR) signs with
        from . import signing

        private, made = signing.ensure_pair(settings.data_dir)
        say(f"dozor: {'made a new' if made else 'using the'} lexicon signing key {private} (public key in "
            f"{signing.default_public(settings.data_dir)}); `dozor lexicon publish` signs with it")
    if not settings.bootstrap:
        try:
            broker = EmbeddedBroker().start()
        except BrokerError as err:
            say(f"dozor run: {err}")
            return 1
        settings.bootstrap = broker.bootstrap
        if "DOZOR_FETCH_WAIT_MS" not in os.environ:
            settings.fetch_max_wait_ms = 100      # Tansu holds a fetch for the whole wait: keep it short
        say(f"dozor: started the embedded broker (Tansu, memory only: everything is gone when it stops) "
            f"on {broker.bootstrap}")
    else:
        say(f"dozor: using the Kafka cluster at {settings.bootstrap}")
    try:
        create_topics(settings.bootstrap, topics.ALL, settings.partitions)
        # locally an edit should just work; on a shared cluster publishing is a deliberate act
        # (`dozor lexicon publish`), so a developer's `dozor run` never overrides it by accident
        if settings.watch_lexicons is None and broker and os.environ.get("DOZOR_WATCH_LEXICONS", "1") != "0":
            settings.watch_lexicons = lexicon_root()
        if settings.watch_lexicons is not None:
            say(f"dozor: watching {settings.watch_lexicons}: an edit that passes `dozor lexicon lint` "
                f"and `test` goes live within seconds; a failing one is refused and shown here")
        say(f"dozor: topics ready ({settings.partitions} partitions each). In another terminal:\n"
            f"  KAFKA_BOOTSTRAP={settings.bootstrap} dozor send --chat 5b-parents --user u-1 'какого х*я'\n"
            f"  KAFKA_BOOTSTRAP={settings.bootstrap} dozor tail\n"
            f"Ctrl-C stops dozor{' and the broker' if broker else ''}.")
        if on_ready is not None:
            cleanup = on_ready(settings)
        if demo:
            threading.Thread(target=play_demo, args=(settings.bootstrap,), daemon=True).start()
        return worker(settings)
    finally:
        if callable(cleanup):
            cleanup()
        if broker:
            broker.stop()
            say("dozor: embedded broker stopped")


def producer(bootstrap: str):
    from kafka import KafkaProducer
    return KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5, **kafka_auth.client_options(),
                         max_in_flight_requests_per_connection=1,     # keep each chat's order on retries
                         key_serializer=str.encode,
                         value_serializer=lambda v: json.dumps(v, ensure_ascii=False).encode())


def consumer(bootstrap: str, *names: str, from_beginning: bool = False, group: str | None = None):
    from kafka import KafkaConsumer
    return KafkaConsumer(*names, bootstrap_servers=bootstrap, group_id=group, **kafka_auth.client_options(),
                         auto_offset_reset="earliest" if from_beginning else "latest",
                         enable_auto_commit=group is not None, session_timeout_ms=6000,
                         heartbeat_interval_ms=1000, consumer_timeout_ms=1000)


def play_demo(bootstrap: str, path: Path = SAMPLE) -> None:
    """Wait for the worker, play the sample chat (timestamps moved to now), show decisions."""
    lines = [json.loads(l) for l in path.read_text(encoding="utf-8").splitlines() if l.strip()]
    tail = consumer(bootstrap, topics.DECISIONS, topics.FLAGS, from_beginning=True)
    prod = producer(bootstrap)
    probe = {"message_id": "demo-ready", "chat_id": "dozor-demo-probe", "sender_id": "dozor",
             "sent_at": datetime.now(timezone.utc).isoformat(), "text": "х*й"}
    say("demo: waiting for the worker to join…")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:                    # a probe's decision means the worker runs
        prod.send(topics.MESSAGES, key=probe["chat_id"], value=probe).get(10)
        if any(r.topic == topics.DECISIONS and json.loads(r.value).get("chat_id") == probe["chat_id"]
               for batch in tail.poll(3000).values() for r in batch):
            break
    shift = demo_shift([datetime.fromisoformat(m["sent_at"]) for m in lines], datetime.now(timezone.utc))
    say(f"demo: playing {len(lines)} messages of {path.name} (a parents' chat)…")
    for m in lines:
        m = m | {"sent_at": (datetime.fromisoformat(m["sent_at"]) + shift).isoformat()}
        prod.send(topics.MESSAGES, key=m["chat_id"], value=m)
        say(f"  {m['sender_id']}: {m['text']}")
    prod.flush()
    shown, idle = 0, 0
    while idle < 10:
        got = [(r.topic, json.loads(r.value)) for batch in tail.poll(1000).values() for r in batch]
        got = [(t, d) for t, d in got if d["chat_id"] != probe["chat_id"]]
        for t, d in got:
            line = describe(d) if t == topics.DECISIONS else describe_flag(d)
            if line:
                print(line, flush=True)
        shown += len(got)
        idle = 0 if got else idle + 1
    say(f"demo: {shown} decisions. The service keeps running: Ctrl-C to stop.")
    tail.close()
    prod.close()


def demo_shift(times: list[datetime], now: datetime) -> timedelta:
    """Whole days that bring the sample chat to the most recent past: its messages keep their time
    of day (a morning chat stays a morning chat, with no quiet-hours reminders because the demo runs
    in the evening), and none is dated in the future."""
    days = (now - max(times)).days
    return timedelta(days=days)


def describe_flag(f: dict) -> str | None:
    """A flag a moderator must act on, in one line; None for the ones that only record."""
    if f.get("kind") == "review":
        what = {"finding": f"{', '.join(f.get('categories', []))} ({f.get('certainty')})",
                "block": "a block proposal", "removal": "a removal"}.get(f.get("review"), f.get("review"))
        urgent = "URGENT " if f.get("urgent") else ""
        text = f" «{f['text'][:80]}»" if f.get("text") else ""
        return (f"? [{f['chat_id']}] {urgent}for a moderator: {what} of {f['user_id']}{text} — suggested "
                f"{'/'.join(f.get('suggested', []))}, review_id {f['review_id']}")
    if f.get("kind") == "command_refused":
        return f"✗ [{f['chat_id']}] {f['command']} by {f['by']} refused: {f['reason']}"
    return None


def describe(d: dict) -> str:
    what = {"delete_message": f"delete {d.get('message_id')}", "remind": f"remind {d['user_id']}",
            "block": f"BLOCK {d['user_id']} until {d.get('until')}", "unblock": f"unblock {d['user_id']}",
            "remove_member": f"remove {d['user_id']}", "notice": "notice to the chat"}.get(d["action"], d["action"])
    why = d.get("text") or d.get("reason", "")
    return f"→ [{d['chat_id']}] {what} (strikes {d.get('strikes', '–')}): {why}"
