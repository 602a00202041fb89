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
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
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
        if env.get("DOZOR_DATA_DIR"):
            s.data_dir = Path(env["DOZOR_DATA_DIR"])
        for k, v in overrides.items():
            setattr(s, k, v)
        if not s.web_port:
            s.web_port = free_port()
        return s
