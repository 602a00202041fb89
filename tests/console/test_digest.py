"""The daily digest on a real broker: one signed `notify` per moderator with items waiting in their
chats, the right counts, the same decision_id when run again the same day, nothing for a moderator
with nothing waiting; the daily thread runs it once, after the hour. Times are fixed, never the
wall clock (the console's zone is Europe/Moscow in these tests)."""
from __future__ import annotations

import argparse
import json
import uuid
from datetime import datetime, timezone

import pytest

from streams import identity, topics
from tests.console.conftest import closed_flag, put, review_flag
from tests.streams.harness import Cluster

MORNING = datetime(2026, 11, 18, 5, 30, tzinfo=timezone.utc)         # 08:30 in Moscow
NEXT_MORNING = datetime(2026, 11, 19, 5, 30, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def cluster():
    c = Cluster()
    yield c
    c.close()


def digests(bootstrap, chats) -> list:
    """The digest records on moderation.decisions for these chats, in order."""
    from kafka import KafkaConsumer, TopicPartition

    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False)
    try:
        tps = [TopicPartition(topics.DECISIONS, p) for p in consumer.partitions_for_topic(topics.DECISIONS)]
        consumer.assign(tps)
        consumer.seek_to_beginning(*tps)
        ends, out = consumer.end_offsets(tps), []
        while any(consumer.position(tp) < ends[tp] for tp in tps):
            for batch in consumer.poll(500).values():
                out += [r for r in batch if json.loads(r.value).get("chat_id") in chats]
        return sorted(out, key=lambda r: r.timestamp)
    finally:
        consumer.close()


@pytest.fixture
def school(db, moderator, cluster, tmp_path, monkeypatch):
    """Two moderators of different chats with items waiting, a third with none; a producer key."""
    from console import runtime

    key = tmp_path / "console.key"
    signer = identity.new_signer("console", key)
    monkeypatch.setenv("DOZOR_PRODUCER_KEY", str(key))
    monkeypatch.setenv("DOZOR_CONSOLE_URL", "https://console.school.example/")
    runtime.set_bootstrap(cluster.bootstrap)
    tag = uuid.uuid4().hex[:6]
    a, b, c, quiet = (f"{x}-{tag}" for x in ("5a", "5b", "6a", "7a"))
    moderator("ivanova", "t-1", [a, b])
    moderator("petrov", "t-2", [c])
    moderator("sidorova", "t-3", [quiet])
    put(topics.FLAGS, review_flag(chat=a, rid=f"rv-1-{tag}", urgent=True))
    put(topics.FLAGS, review_flag(chat=a, rid=f"rv-2-{tag}"))
    put(topics.FLAGS, review_flag(chat=b, rid=f"rv-3-{tag}", review="block"))
    put(topics.FLAGS, review_flag(chat=c, rid=f"rv-4-{tag}"))
    put(topics.FLAGS, review_flag(chat=c, rid=f"rv-5-{tag}"))
    put(topics.FLAGS, closed_flag(rid=f"rv-5-{tag}", chat=c))            # closed: not waiting
    put(topics.FLAGS, review_flag(chat=quiet, rid=f"rv-6-{tag}"))
    put(topics.FLAGS, closed_flag(rid=f"rv-6-{tag}", chat=quiet))
    yield {"chats": (a, b, c, quiet), "signer": signer, "bootstrap": cluster.bootstrap}
    runtime.set_bootstrap(None)


def test_one_signed_digest_per_moderator_with_items_and_the_same_id_when_run_again(school):
    from console import digest
    from console.models import AuditEntry

    a, b, c, quiet = school["chats"]
    sent = digest.send_all(MORNING)
    assert sorted(r["recipients"][0] for r in sent) == ["t-1", "t-2"]
    records = digests(school["bootstrap"], school["chats"])
    assert len(records) == 2
    got = {json.loads(r.value)["user_id"]: (r, json.loads(r.value)) for r in records}
    first, second = got["t-1"][1], got["t-2"][1]
    assert {k: first[k] for k in ("action", "audience", "recipients", "chat_id", "chats", "link", "counts")} == {
        "action": "notify", "audience": "moderators", "recipients": ["t-1"], "chat_id": a, "chats": [a, b],
        "link": "https://console.school.example/",
        "counts": {"waiting": 3, "urgent": 1, "by_chat": {a: 2, b: 1}, "by_review": {"finding": 2, "block": 1}}}
    assert first["text"] == (f"Ждут проверки: 3 (срочных: 1) в чатах {a} (2), {b} (1). "
                             f"Откройте: https://console.school.example/")
    assert first["issued_at"] == MORNING.isoformat()
    assert second["counts"]["waiting"] == 1 and second["chat_id"] == c and second["chats"] == [c]
    trusted = identity.Producers({"console": school["signer"].key.public_key()}, {topics.DECISIONS: {"console"}})
    for record, _ in got.values():
        assert record.key == json.loads(record.value)["chat_id"].encode()
        assert trusted.check(topics.DECISIONS, record.key, record.value, record.headers) == "console"
    assert {e.target for e in AuditEntry.objects.filter(action="digest")} == {first["decision_id"],
                                                                               second["decision_id"]}

    # again the same day, through the command line: the same ids (the gateway keeps one of each)
    args = argparse.Namespace(action="digest", at="2026-11-18T17:00:00+03:00", host="127.0.0.1", port=8077,
                              ingest_only=False)
    from console import server
    assert server.main(args) == 0
    again = [json.loads(r.value) for r in digests(school["bootstrap"], school["chats"])[2:]]
    assert sorted(r["decision_id"] for r in again) == sorted([first["decision_id"], second["decision_id"]])
    # another day: new ids
    from console import runtime
    runtime.set_bootstrap(school["bootstrap"])
    tomorrow = digest.send_all(NEXT_MORNING)
    assert not {r["decision_id"] for r in tomorrow} & {first["decision_id"], second["decision_id"]}


def test_the_daily_thread_sends_once_after_the_hour(school):
    from console import digest
    from console.models import AuditEntry

    daily = digest.Daily(8)
    assert daily.tick(datetime(2026, 11, 18, 4, 59, tzinfo=timezone.utc)) is None         # 07:59 in Moscow
    assert digests(school["bootstrap"], school["chats"]) == []
    assert len(daily.tick(MORNING)) == 2
    assert daily.tick(datetime(2026, 11, 18, 15, 0, tzinfo=timezone.utc)) is None         # done today
    assert len(digests(school["bootstrap"], school["chats"])) == 2
    assert AuditEntry.objects.filter(action="digest_run", target="2026-11-18").count() == 1


def test_the_digest_hour_is_checked(monkeypatch):
    from console import digest

    monkeypatch.setenv("DOZOR_DIGEST_HOUR", "off")
    assert digest.hour() is None
    monkeypatch.setenv("DOZOR_DIGEST_HOUR", "25")
    with pytest.raises(ValueError, match="DOZOR_DIGEST_HOUR"):
        digest.hour()
