"""A real broker process and real worker processes for stream tests, over loopback.

The broker is the embedded Tansu unless KAFKA_BOOTSTRAP names a cluster (then the
same tests run against real Kafka; chat ids and app ids are unique per run).
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import defaultdict
from pathlib import Path

from kafka import KafkaConsumer, KafkaProducer

from streams import topics
from streams.broker import EmbeddedBroker, create_topics

REPO = Path(__file__).resolve().parents[2]
PARTITIONS = 4


class Cluster:
    def __init__(self):
        self.external = os.environ.get("KAFKA_BOOTSTRAP")
        self.broker = None if self.external else EmbeddedBroker().start()
        self.bootstrap = self.external or self.broker.bootstrap
        create_topics(self.bootstrap, topics.ALL, PARTITIONS)
        # one request in flight: a retried batch must not overtake the next one, or a chat's
        # messages reach the worker in another order than replay reads them (as a gateway must too)
        self.producer = KafkaProducer(bootstrap_servers=self.bootstrap, acks="all", linger_ms=2,
                                      max_in_flight_requests_per_connection=1)

    def send(self, topic: str, key: str, value, flush: bool = True) -> None:
        raw = value if isinstance(value, bytes) else json.dumps(value, ensure_ascii=False).encode()
        self.producer.send(topic, key=key.encode(), value=raw)
        if flush:
            self.producer.flush()

    def close(self) -> None:
        self.producer.close()
        if self.broker:
            self.broker.stop()


class Collector:
    """Reads the output topics from the beginning in a background thread."""

    def __init__(self, bootstrap: str, names=(topics.DECISIONS, topics.VIOLATIONS, topics.FLAGS,
                                               topics.DEADLETTER)):
        self.records: dict[str, list[dict]] = defaultdict(list)
        self.lock = threading.Lock()
        self.stop_flag = False
        self.consumer = KafkaConsumer(*names, bootstrap_servers=bootstrap, auto_offset_reset="earliest",
                                      enable_auto_commit=False, group_id=None, consumer_timeout_ms=200)
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.stop_flag:
            for batch in self.consumer.poll(200).values():
                with self.lock:
                    for r in batch:
                        self.records[r.topic].append(json.loads(r.value))

    def get(self, topic: str, **match) -> list[dict]:
        with self.lock:
            return [r for r in self.records[topic] if all(r.get(k) == v for k, v in match.items())]

    def wait(self, topic: str, count: int, timeout: float = 60, **match) -> list[dict]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got = self.get(topic, **match)
            if len(got) >= count:
                return got
            time.sleep(0.1)
        raise AssertionError(f"waited {timeout}s for {count} records on {topic} matching {match}; "
                             f"got {len(self.get(topic, **match))}")

    def wait_where(self, topic: str, count: int, where, timeout: float = 60) -> list[dict]:
        """Like `wait`, with a predicate: for fields named like wait's own arguments (a dead letter's «topic»)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got = [r for r in self.get(topic) if where(r)]
            if len(got) >= count:
                return got
            time.sleep(0.1)
        raise AssertionError(f"waited {timeout}s for {count} records on {topic}; got "
                             f"{len([r for r in self.get(topic) if where(r)])}")

    def close(self):
        self.stop_flag = True
        self.thread.join(5)
        self.consumer.close()


class Worker:
    """`dozor worker` as a child process (so a test can SIGKILL it)."""

    def __init__(self, bootstrap: str, app_id: str, data_dir: Path, policy: Path | None = None,
                 chats: Path | None = None, deadletter_key: Path | None = None, env: dict | None = None):
        self.env = {**os.environ, "KAFKA_BOOTSTRAP": bootstrap, "DOZOR_APP_ID": app_id,
                    "DOZOR_DATA_DIR": str(data_dir), "DOZOR_LOGLEVEL": "warning",
                    "PYTHONPATH": str(REPO)}
        self.env.pop("DOZOR_CHATS", None)
        if policy:
            self.env["DOZOR_POLICY"] = str(policy)
        if chats:
            self.env["DOZOR_CHATS"] = str(chats)      # the chat registry: moderators, authorisers
        if deadletter_key:
            self.env["DOZOR_DEADLETTER_KEY"] = str(deadletter_key)
        self.env.update(env or {})
        self.log = open(data_dir / f"worker-{uuid.uuid4().hex[:6]}.log", "wb")
        self.proc = None

    def start(self) -> "Worker":
        self.proc = subprocess.Popen([sys.executable, "-m", "streams.cli", "worker"], env=self.env,
                                     stdout=self.log, stderr=subprocess.STDOUT, cwd=REPO)
        return self

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()

    def tail_log(self) -> str:
        if not self.log.closed:
            self.log.flush()
        return Path(self.log.name).read_text(errors="replace")[-3000:]


def wait_ready(cluster: Cluster, collector: Collector, worker: Worker, timeout: float = 90) -> None:
    """The worker is ready when a probe message yields its decision."""
    chat = f"probe-{uuid.uuid4().hex[:6]}"
    deadline = time.monotonic() + timeout
    n = 0
    while time.monotonic() < deadline:
        if worker.proc.poll() is not None:
            raise AssertionError(f"the worker exited with {worker.proc.returncode}:\n{worker.tail_log()}")
        n += 1
        cluster.send(topics.MESSAGES, chat, {"message_id": f"{chat}-{n}", "chat_id": chat, "sender_id": "probe",
                                             "sent_at": now_iso(), "text": "х*й",
                                             "chat": {"kind": "staff"}})
        try:
            collector.wait(topics.DECISIONS, 1, timeout=3, chat_id=chat)
            return
        except AssertionError:
            continue
    raise AssertionError(f"the worker did not answer in {timeout}s:\n{worker.tail_log()}")


def now_iso(offset_s: float = 0) -> str:
    from datetime import datetime, timedelta, timezone
    return (datetime.now(timezone.utc) + timedelta(seconds=offset_s)).isoformat()
