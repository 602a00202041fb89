"""A worker killed with SIGKILL mid-stream resumes: no decision lost, no strike counted twice.

Thousands of messages (a third of them swearing, so strikes and blocks pile up) go
through a worker that is killed once a third of the decisions are out, then
restarted in the same consumer group. The decisions must be exactly what
`dozor replay` computes from the same input: same ids, same strikes, same blocks.
Records may be redelivered after the crash (at-least-once, as Kafka without
transactions is), but only as the same decision with the same id.
"""
import json
import time
import uuid
from collections import defaultdict

import pytest

from streams import topics
from streams.policy import Engine
from streams.replay import replay
from tests.streams.harness import Cluster, Collector, Worker, now_iso, wait_ready

pytestmark = pytest.mark.timeout(600)
N, USERS, CHATS = 3000, 100, 40
SWEARS = ["х*й", "пи**ец", "бля", "сука", "заебали", "охуеть", "мудак", "говно"]


def stream_of(n: int, tag: str) -> list[dict]:
    out = []
    for i in range(n):
        user = i % USERS
        chat = f"{tag}-chat-{(user + (i * 2 // N) * 7) % CHATS}"
        text = f"{SWEARS[i % len(SWEARS)]} {i}" if i % 7 in (0, 3, 5) else f"Сообщение номер {i} про уроки"
        out.append({"message_id": f"{tag}-m{i}", "chat_id": chat, "sender_id": f"{tag}-u{user}",
                    "sent_at": now_iso(-3600 + i * 0.5), "text": text,
                    "chat": {"kind": "staff", "timezone": "Europe/Moscow"}})
    return out


def expected(messages: list[dict]) -> dict[str, dict]:
    lines = [json.dumps(m, ensure_ascii=False) for m in messages]
    return {d.decision_id: d.to_dict() for fx in replay(lines, Engine()) for d in fx.decisions}


@pytest.fixture(scope="module")
def cluster():
    c = Cluster()
    yield c
    c.close()


def run_worker(cluster, tmp_path, app_id):
    return Worker(cluster.bootstrap, app_id, tmp_path).start()


def test_replay_and_the_stream_decide_the_same(cluster, tmp_path):
    tag = f"par{uuid.uuid4().hex[:4]}"
    messages = stream_of(600, tag)
    messages += messages[::50]                                  # some delivered twice
    want = expected(messages)
    out = Collector(cluster.bootstrap)
    worker = run_worker(cluster, tmp_path, f"dozor-parity-{tag}")
    try:
        wait_ready(cluster, out, worker)
        for m in messages:
            cluster.send(topics.MESSAGES, m["chat_id"], m, flush=False)
        cluster.producer.flush()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and len(ours(out, tag)) < len(want):
            time.sleep(0.2)
        time.sleep(1)
        got = ours(out, tag)
        assert {d["decision_id"]: d for d in got} == want
        assert len(got) == len(want), "no decision is issued twice when nothing crashed"
    finally:
        worker.stop()
        out.close()


def committed(cluster, group: str) -> bool:
    """Has `group` committed an offset on chat.messages yet?"""
    from kafka import KafkaConsumer, TopicPartition

    probe = KafkaConsumer(bootstrap_servers=cluster.bootstrap, group_id=group, enable_auto_commit=False)
    try:
        return any(probe.committed(TopicPartition(topics.MESSAGES, p)) for p in range(4))
    finally:
        probe.close()


def ours(out: Collector, tag: str) -> list[dict]:
    return [d for d in out.get(topics.DECISIONS) if d["chat_id"].startswith(tag)]


def same_as_replay(out: Collector, tag: str, want: dict, killed_at: int, logs: str) -> int:
    """Every decision replay makes, none it does not, each copy identical: how many were redelivered."""
    got = ours(out, tag)
    by_id = defaultdict(list)
    for d in got:
        by_id[d["decision_id"]].append(d)
    missing, extra = set(want) - set(by_id), set(by_id) - set(want)
    assert not missing and not extra, (
        f"killed after {killed_at}: {len(missing)} decisions lost, {len(extra)} the policy never made\n"
        f"lost, e.g.: {[want[i] for i in sorted(missing, key=lambda i: want[i]['issued_at'])[:4]]}\n"
        f"never made, e.g.: {[by_id[i][0] for i in sorted(extra)[:4]]}\n{logs}")
    for decision_id, copies in by_id.items():
        for copy in copies:       # a redelivered record is the same decision, never a recount
            assert copy == want[decision_id]
    return len(got) - len(by_id)


def test_sigkill_mid_stream_loses_nothing_and_doubles_no_strike(cluster, tmp_path):
    tag = f"flt{uuid.uuid4().hex[:4]}"
    messages = stream_of(N, tag)
    want = expected(messages)
    blocks = [d for d in want.values() if d["action"] == "block"]
    assert len(want) > 2000 and len(blocks) > 100       # the scenario is worth a crash
    out = Collector(cluster.bootstrap)
    app_id = f"dozor-fault-{tag}"
    first = run_worker(cluster, tmp_path, app_id)
    try:
        wait_ready(cluster, out, first)
        for m in messages:
            cluster.send(topics.MESSAGES, m["chat_id"], m, flush=False)
        cluster.producer.flush()
        # kill once a third is decided AND the worker has committed input offsets: a crash
        # then has committed state and offsets to resume from, not just a replay from zero
        while len(ours(out, tag)) < len(want) // 3 or not committed(cluster, app_id):
            assert first.proc.poll() is None, first.tail_log()
            time.sleep(0.05)
        first.kill()
        killed_at = len(ours(out, tag))
        assert killed_at < len(want), "the worker finished before it could be killed"
        second = run_worker(cluster, tmp_path, app_id)
        try:
            deadline = time.monotonic() + 240
            while time.monotonic() < deadline and len({d["decision_id"] for d in ours(out, tag)}) < len(want):
                assert second.proc.poll() is None, second.tail_log()
                time.sleep(0.2)
            time.sleep(2)
        finally:
            second.stop()
        redelivered = same_as_replay(out, tag, want, killed_at,
                                     f"first worker:\n{first.tail_log()}\nsecond worker:\n{second.tail_log()}")
        print(f"\nkilled after {killed_at} of {len(want)} decisions; "
              f"{redelivered} records redelivered with their original ids")
    finally:
        out.close()


def test_two_workers_sharing_the_partitions_one_killed_lose_nothing_and_double_nothing(cluster, tmp_path):
    tag = f"two{uuid.uuid4().hex[:4]}"
    messages = stream_of(N, tag)
    want = expected(messages)
    out = Collector(cluster.bootstrap)
    app_id = f"dozor-pair-{tag}"
    a, b = run_worker(cluster, tmp_path, app_id), run_worker(cluster, tmp_path, app_id)
    try:
        wait_ready(cluster, out, a)
        for m in messages:
            cluster.send(topics.MESSAGES, m["chat_id"], m, flush=False)
        cluster.producer.flush()
        while len(ours(out, tag)) < len(want) // 3 or not committed(cluster, app_id):
            assert a.proc.poll() is None and b.proc.poll() is None, a.tail_log() + b.tail_log()
            time.sleep(0.05)
        a.kill()                   # b takes over a's partitions mid-stream, from a's last commit
        killed_at = len(ours(out, tag))
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and len({d["decision_id"] for d in ours(out, tag)}) < len(want):
            assert b.proc.poll() is None, b.tail_log()
            time.sleep(0.2)
        time.sleep(2)
        redelivered = same_as_replay(out, tag, want, killed_at, f"surviving worker:\n{b.tail_log()}")
        print(f"\ntwo workers, one killed after {killed_at} of {len(want)} decisions; "
              f"{redelivered} records redelivered with their original ids")
    finally:
        a.stop()
        b.stop()
        out.close()


def test_a_worker_told_to_stop_stops_in_bounded_time_when_the_broker_is_gone(tmp_path):
    import signal

    own = Cluster()
    out = Collector(own.bootstrap)
    worker = Worker(own.bootstrap, f"dozor-stop-{uuid.uuid4().hex[:6]}", tmp_path,
                    env={"DOZOR_STOP_TIMEOUT_S": "5"}).start()
    try:
        wait_ready(own, out, worker)
        out.close()
        own.close()                          # the broker goes away under the running worker
        time.sleep(2)
        started = time.monotonic()
        worker.proc.send_signal(signal.SIGTERM)
        worker.proc.wait(60)                  # it would retry its commit for as long as it could
        took = time.monotonic() - started
        assert took < 30, f"took {took:.0f} s to stop"
        assert "did not stop within 5 s" in worker.tail_log() or worker.proc.returncode == 0
    finally:
        if worker.proc.poll() is None:
            worker.kill()
        worker.log.close()
