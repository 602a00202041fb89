"""The stream service's settings, from the environment, with defaults that work locally.

| variable | default | meaning |
|---|---|---|
| KAFKA_BOOTSTRAP | (unset: start the embedded broker) | host:port[,host:port] of the Kafka cluster |
| DOZOR_APP_ID | dozor | Faust app id = consumer group; workers with the same id share the work |
| DOZOR_PARTITIONS | 4 | partitions of every topic dozor creates (the most workers that can share the load) |
| DOZOR_DATA_DIR | ~/.local/share/dozor | Faust's data directory |
| DOZOR_WEB_PORT | 0 (a free port) | Faust's web port, bound on DOZOR_WEB_BIND |
| DOZOR_WEB_BIND | 127.0.0.1 | |
| DOZOR_POLICY | streams/policy/policies.toml | the moderation policy |
| DOZOR_FETCH_WAIT_MS | 1500 | how long a fetch may wait for data; the embedded broker always waits this long |
| DOZOR_LEXICONS | the shipped lexicons/ | the lexicon folder a worker starts with (and `dozor run` watches) |
| DOZOR_LEXICON_TOPIC | dozor.lexicons | where lexicon versions are published (`dozor lexicon publish`) and read |
| DOZOR_WATCH_LEXICONS | 1 under `dozor run` on its embedded broker, else 0 | publish every edit of that folder that passes the gate |
| DOZOR_LEXICON_PUBLIC_KEY | (unset: the data dir's `keys/lexicon-signing.pub`, if any) | the maintainers' Ed25519 public key(s) a worker accepts lexicon bundles from: the base64 line `dozor lexicon keygen` prints, or a file holding it; several separated by commas. A worker with none refuses every bundle (streams/signing.py) |
| DOZOR_LEXICON_SIGNING_KEY | (unset: the data dir's `keys/lexicon-signing.key`, which `dozor run` on its embedded broker makes on first start) | the private key file `dozor lexicon publish`/`promote` and `dozor run`'s file watch sign bundles with (mode 0600) |
| DOZOR_LEXICON_CHECK_SECONDS | 60 | how long checking one lexicon version may take (lint and every example, in a child process) before it is refused and the version in force stays |
| DOZOR_CLOCK_AHEAD_S | 300 | a message dated more than this ahead of when the broker took it is judged at the broker's time (the violation says so) |
| DOZOR_CLOCK_BEHIND_H | 168 | … or more than this many hours behind it (a gateway's backlog after an outage keeps its times within a week) |
| DOZOR_STOP_TIMEOUT_S | 15 | after SIGTERM/SIGINT, how long a worker may take to stop cleanly before it exits anyway (a broker gone away would hold it) |
| DOZOR_DEADLETTER_KEY | (unset: `dozor run` makes one in the data dir) | a Fernet key file; dead letters keep the original record encrypted with it (`dozor deadletters --decrypt`), never in clear |
| DOZOR_PRODUCERS | (unset: every topic open) | a TOML file naming the producers trusted for each topic and their public keys (streams/identity.py); a topic it names takes only records they signed |
| DOZOR_METRICS_PORT | unset: none for `dozor worker`, 9108 for `dozor run` (a free port if 9108 is taken) | Prometheus metrics on http://DOZOR_METRICS_HOST:PORT/metrics (streams/metrics.py); 0 picks a free port; the address is printed at start |
| DOZOR_METRICS_HOST | 127.0.0.1 | where /metrics listens (0.0.0.0 in a container Prometheus scrapes from outside) |
| DOZOR_PRODUCER_KEY | (unset) | this process's own producer key (`dozor keygen`): workers sign what they write on closed topics (roster, membership, ticks), `dozor send` signs what it sends |
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from filters.paths import lexicon_root

from .broker import free_port


@dataclass
class Settings:
    bootstrap: str | None = None
    app_id: str = "dozor"
    partitions: int = 4
    data_dir: Path = field(default_factory=lambda: Path.home() / ".local" / "share" / "dozor")
    web_port: int = 0
    web_bind: str = "127.0.0.1"
    session_timeout: float = 6.0        # seconds; short so a dead worker's partitions move fast
    heartbeat_interval: float = 1.0
    tick_interval: float = 1.0          # how often timers (unblocks, objection windows) are checked
    loglevel: str = "warning"
    fetch_max_wait_ms: int = 1500       # Faust's own value; lower trades throughput for latency on Tansu
    watch_lexicons: Path | None = None  # a folder whose edits this worker publishes (hot reload)
    lexicon_public_key: str | None = None   # trusted signers of lexicon bundles (streams/signing.py)
    lexicon_signing_key: Path | None = None  # the private key publishing signs with
    lexicon_check_seconds: float = 60.0     # the bound on checking one lexicon version
    clock_ahead: timedelta = timedelta(minutes=5)   # a message dated further ahead of the broker: broker time
    clock_behind: timedelta = timedelta(days=7)     # … further behind (a gateway's backlog may be old)
    tick_ahead: timedelta = timedelta(minutes=1)    # a tick further ahead is refused (not dozor's clock)
    stop_timeout: float = 15.0          # seconds a stop signal waits for a clean stop before exiting
    deadletter_key: str | None = None   # a Fernet key file: dead letters keep the original encrypted
    producers: str | None = None        # DOZOR_PRODUCERS: who may write which topic (streams/identity.py)
    producer_key: str | None = None     # DOZOR_PRODUCER_KEY: this worker's own key, for what it writes
    metrics_port: int | None = None     # DOZOR_METRICS_PORT: None serves no /metrics, 0 a free port
    metrics_host: str = "127.0.0.1"     # DOZOR_METRICS_HOST: loopback unless a deployment opens it
    metrics_default: bool = False       # the port is `dozor run`'s default: another may be taken if it is busy

    @classmethod
    def from_env(cls, **overrides) -> "Settings":
        env = os.environ
        s = cls(bootstrap=env.get("KAFKA_BOOTSTRAP") or None,
                app_id=env.get("DOZOR_APP_ID", "dozor"),
                partitions=int(env.get("DOZOR_PARTITIONS", "4")),
                web_port=int(env.get("DOZOR_WEB_PORT", "0")),
                web_bind=env.get("DOZOR_WEB_BIND", "127.0.0.1"),
                loglevel=env.get("DOZOR_LOGLEVEL", "warning"),
                fetch_max_wait_ms=int(env.get("DOZOR_FETCH_WAIT_MS", "1500")))
        if env.get("DOZOR_WATCH_LEXICONS", "0") not in ("", "0"):
            s.watch_lexicons = lexicon_root()
        if env.get("DOZOR_CLOCK_AHEAD_S"):
            s.clock_ahead = timedelta(seconds=float(env["DOZOR_CLOCK_AHEAD_S"]))
        if env.get("DOZOR_CLOCK_BEHIND_H"):
            s.clock_behind = timedelta(hours=float(env["DOZOR_CLOCK_BEHIND_H"]))
        if env.get("DOZOR_STOP_TIMEOUT_S"):
            s.stop_timeout = float(env["DOZOR_STOP_TIMEOUT_S"])
        s.deadletter_key = env.get("DOZOR_DEADLETTER_KEY") or None
        s.producers = env.get("DOZOR_PRODUCERS") or None
        s.producer_key = env.get("DOZOR_PRODUCER_KEY") or None
        if env.get("DOZOR_METRICS_PORT", "").strip():
            try:
                s.metrics_port = int(env["DOZOR_METRICS_PORT"])
            except ValueError:
                raise ValueError(f"DOZOR_METRICS_PORT={env['DOZOR_METRICS_PORT']!r}: give a port number "
                                 f"(0 picks a free one), or unset it to serve no metrics") from None
        s.metrics_host = env.get("DOZOR_METRICS_HOST") or "127.0.0.1"
        s.lexicon_public_key = env.get("DOZOR_LEXICON_PUBLIC_KEY") or None
        if env.get("DOZOR_LEXICON_SIGNING_KEY"):
            s.lexicon_signing_key = Path(env["DOZOR_LEXICON_SIGNING_KEY"]).expanduser()
        if env.get("DOZOR_LEXICON_CHECK_SECONDS"):
            s.lexicon_check_seconds = float(env["DOZOR_LEXICON_CHECK_SECONDS"])
        if env.get("DOZOR_DATA_DIR"):
            s.data_dir = Path(env["DOZOR_DATA_DIR"])
        for k, v in overrides.items():
            setattr(s, k, v)
        if not s.web_port:
            s.web_port = free_port()
        return s
