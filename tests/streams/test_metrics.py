"""/metrics on a real worker over a real broker: the counters move by what the worker answered,
and only once the broker acknowledged it (streams/metrics.py). No timing is asserted: each wait
is for a condition, with a timeout."""
import re
import time
import urllib.request
import uuid

import pytest
from prometheus_client.parser import text_string_to_metric_families

from streams import metrics, topics
from streams.settings import Settings
from tests.streams.harness import Cluster, Collector, Worker, now_iso

pytestmark = pytest.mark.timeout(300)

MODERATOR = "t-registry"      # named in the chat registry the worker reads: a moderator of every chat


@pytest.fixture(scope="module")
def stream(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("metrics")
    chats = tmp / "chats.toml"
    chats.write_text(f'[defaults]\nmoderators = ["{MODERATOR}"]\n', encoding="utf-8")
    cluster = Cluster()
    collector = Collector(cluster.bootstrap)
    worker = Worker(cluster.bootstrap, f"dozor-metrics-{uuid.uuid4().hex[:6]}", tmp, chats=chats,
                    env={"DOZOR_METRICS_PORT": "0"}).start()
    try:
        yield cluster, collector, Scraper(metrics_url(worker))
    finally:
        worker.stop()
        collector.close()
        cluster.close()


def metrics_url(worker: Worker, timeout: float = 60) -> str:
    """The address the worker printed at start (port 0: a free one it chose)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = re.search(r"metrics on (http://\S+/metrics)", worker.tail_log())
        if found:
            return found.group(1)
        if worker.proc.poll() is not None:
            raise AssertionError(f"the worker exited with {worker.proc.returncode}:\n{worker.tail_log()}")
        time.sleep(0.1)
    raise AssertionError(f"the worker printed no metrics address in {timeout}s:\n{worker.tail_log()}")


class Scraper:
    def __init__(self, url: str):
        self.url = url

    def scrape(self) -> dict:
        """{(sample name, ((label, value), …)): value} of one scrape."""
        with urllib.request.urlopen(self.url, timeout=10) as answer:
            text = answer.read().decode()
        return {(s.name, tuple(sorted(s.labels.items()))): s.value
                for family in text_string_to_metric_families(text) for s in family.samples}

    def wait(self, want: dict, timeout: float = 90) -> dict:
        """Scrape until every (name, labels) in `want` reaches its value, then require exactly it."""
        deadline = time.monotonic() + timeout
        got = {}
        while time.monotonic() < deadline:
            got = self.scrape()
            if all(got.get(k, 0) >= v for k, v in want.items()):
                assert {k: got.get(k, 0) for k in want} == want
                return got
            time.sleep(0.2)
        raise AssertionError(f"waited {timeout}s for {want}; got { {k: got.get(k, 0) for k in want} }")


def key(name: str, **labels) -> tuple:
    return name, tuple(sorted(labels.items()))


def plus(base: dict, deltas: dict) -> dict:
    """The values to reach: `base` (a scrape) moved by `deltas`, {key(…): by how much}."""
    return {k: base.get(k, 0) + d for k, d in deltas.items()}


def message(chat_id: str, mid: str, text: str, user: str = "u1") -> dict:
    return {"message_id": mid, "chat_id": chat_id, "sender_id": user, "sent_at": now_iso(), "text": text,
            "chat": {"kind": "staff"}}


def test_counters_move_by_what_the_worker_answered(stream):
    cluster, out, scraper = stream
    base = scraper.wait({})           # /metrics answers before the worker has read anything
    c = f"c-{uuid.uuid4().hex[:8]}"
    cluster.send(topics.MESSAGES, c, message(c, f"{c}-1", "какого х*я"))     # certain: delete and remind
    cluster.send(topics.MESSAGES, c, message(c, f"{c}-2", "Завтра контрольная по математике?"))
    cluster.send(topics.MESSAGES, c, b"{this is not json")                      # a dead letter
    cluster.send(topics.MESSAGES, "not-the-chat", message(c, f"{c}-3", "Спасибо!"))  # sent again under c
    m = topics.MESSAGES
    got = scraper.wait(plus(base, {
        key("dozor_records_read_total", topic=m): 5,            # 4 sent + the one sent again under its chat
        key("dozor_record_latency_seconds_count", topic=m): 5,
        key("dozor_record_processing_seconds_count", topic=m): 5,
        key("dozor_findings_total", category="profanity", certainty="certain"): 1,
        key("dozor_decisions_total", action="delete_message"): 1,
        key("dozor_decisions_total", action="remind"): 1,
        key("dozor_flags_total", kind="finding"): 1,
        key("dozor_deadletters_total", topic=m, reason="malformed"): 1,
        key("dozor_rekeyed_total", topic=m): 1,
    }))
    assert out.wait(topics.DECISIONS, 2, chat_id=c) and out.wait(topics.DEADLETTER, 1, key=c)
    assert got[key("dozor_metrics_errors_total")] == 0


def test_a_review_item_waits_until_a_moderator_closes_it(stream):
    cluster, out, scraper = stream
    base = scraper.scrape()
    c = f"c-{uuid.uuid4().hex[:8]}"
    cluster.send(topics.MESSAGES, c, message(c, f"{c}-1", "Корова, верни тетрадь"))   # likely: for a moderator
    waiting = key("dozor_review_items_waiting")
    scraper.wait(plus(base, {
        key("dozor_review_items_opened_total", review="finding"): 1,
        key("dozor_findings_total", category="insult", certainty="likely"): 1,
        key("dozor_flags_total", kind="review"): 1,
        waiting: 1,
    }))
    assert scraper.scrape()[key("dozor_review_oldest_waiting_seconds")] >= 0
    [item] = out.wait(topics.FLAGS, 1, chat_id=c, kind="review")
    cluster.send(topics.COMMANDS, c, {"command_id": f"{c}-d", "kind": "dismiss", "chat_id": c, "user_id": "u1",
                                      "by": MODERATOR, "at": now_iso(), "review_id": item["review_id"]})
    want = plus(base, {
        key("dozor_records_read_total", topic=topics.COMMANDS): 1,
        key("dozor_review_items_closed_total", review="finding", outcome="dismissed"): 1,
        key("dozor_flags_total", kind="review_closed"): 1,
    })
    got = scraper.wait(want)
    assert got[waiting] == base.get(waiting, 0)                  # the item is no longer waiting
    assert got[key("dozor_metrics_errors_total")] == 0


def test_consumer_lag_per_partition_falls_to_zero(stream):
    cluster, _, scraper = stream
    for i in range(20):
        c = f"c-{uuid.uuid4().hex[:8]}"
        cluster.send(topics.MESSAGES, c, message(c, f"{c}-{i}", f"Добрый день {i}"), flush=False)
    cluster.producer.flush()
    deadline = time.monotonic() + 90
    lags = {}
    while time.monotonic() < deadline:
        got = scraper.scrape()
        lags = {dict(labels)["partition"]: v for (name, labels), v in got.items()
                if name == "dozor_consumer_lag" and dict(labels)["topic"] == topics.MESSAGES}
        if len(lags) == 4 and not any(lags.values()):      # one worker holds every partition
            return
        time.sleep(0.2)
    raise AssertionError(f"the lag of {topics.MESSAGES} did not fall to 0 on 4 partitions: {lags}")


# ------------------------------------------------------------ in-process: no broker
def test_metrics_are_off_for_a_worker_unless_a_port_is_set(monkeypatch):
    monkeypatch.delenv("DOZOR_METRICS_PORT", raising=False)
    assert Settings.from_env().metrics_port is None
    monkeypatch.setenv("DOZOR_METRICS_PORT", "0")
    assert Settings.from_env().metrics_port == 0
    monkeypatch.setenv("DOZOR_METRICS_PORT", "nine")
    with pytest.raises(ValueError, match="DOZOR_METRICS_PORT"):
        Settings.from_env()


def test_counting_never_raises_into_the_agent_and_a_failed_send_is_not_counted():
    import asyncio

    errors = metrics.ERRORS._value.get()
    metrics.answered([object()], [0.1])                 # not an event: counted as an error, not raised
    metrics.when_acked(object(), metrics.decision, "x")  # not a future: the same
    assert metrics.ERRORS._value.get() == errors + 2

    async def sends():
        loop = asyncio.get_running_loop()
        ok, failed = loop.create_future(), loop.create_future()
        metrics.when_acked(ok, metrics.decision, "test-ok")
        metrics.when_acked(failed, metrics.decision, "test-failed")
        ok.set_result(None)
        failed.set_exception(OSError("the broker refused"))
        await asyncio.sleep(0)                           # the callbacks run
        failed.exception()

    asyncio.run(sends())
    assert metrics.DECISIONS.labels("test-ok")._value.get() == 1
    assert metrics.DECISIONS.labels("test-failed")._value.get() == 0


def test_the_gauges_served_are_the_ones_named():
    assert [family.name for family in metrics._Live().collect()] == list(metrics.GAUGES)
