"""A record can fail; the stream cannot. Malformed records of every kind a careless gateway or an
attacker sends, shuffled among ordinary violations, through a real worker on a real broker:
every record gets an answer (its decisions, a dead letter with the reason, or itself again under
the right key), every good message is decided, and no dead letter carries the record in clear."""
import hashlib
import time
import json
import random
import uuid

import pytest

from streams import topics, wire
from tests.streams.harness import Cluster, Collector, Worker, now_iso, wait_ready

pytestmark = pytest.mark.timeout(400)


def good(chat: str, i: int) -> dict:
    return {"message_id": f"{chat}-good-{i}", "chat_id": chat, "sender_id": f"u{i % 7}", "sent_at": now_iso(),
            "text": f"какого х*я опять {i}", "chat": {"kind": "staff"}}


def malformed(chat: str) -> list[tuple[str, bytes]]:
    """(what the case shows, the record as bytes): each must end as a dead letter."""
    base = good(chat, 0) | {"message_id": f"{chat}-bad"}

    def js(value) -> bytes:
        return json.dumps(value).encode()        # ASCII escapes: «\\ud800» stays a lone surrogate on decode

    deep = "[" * 10_000 + "]" * 10_000
    return [
        ("not JSON", b"{this is not json"),
        ("not UTF-8 (cp1251)", json.dumps(base, ensure_ascii=False).encode("cp1251")),
        ("a JSON list", b"[1, 2, 3]"),
        ("a number", b"42"),
        ("no sender_id", js({k: v for k, v in base.items() if k != "sender_id"})),
        ("sender_id a number", js(base | {"sender_id": 42})),
        ("text a list", js(base | {"text": ["a"]})),
        ("sent_at year 1", js(base | {"sent_at": "0001-01-01T00:00:00+00:00"})),
        ("sent_at year 9999", js(base | {"sent_at": "9999-12-31T23:59:59+00:00"})),
        ("sent_at without offset", js(base | {"sent_at": "2026-11-18T10:00:00"})),
        ("a NUL in an id", js(base | {"message_id": "m\u0000x"})),
        ("a lone surrogate in sender_id", js(base | {"sender_id": "u\ud800"})),
        ("chat.timezone a number", js(base | {"chat": {"kind": "parents", "timezone": 5}})),
        ("chat.timezone unknown", js(base | {"chat": {"kind": "parents", "timezone": "Mars/Olympus"}})),
        ("10,000 levels of nesting", b'{"message_id": "x", "chat_id": "' + chat.encode() + b'", "junk": '
         + deep.encode() + b"}"),
        ("40,000 attachments", js(base | {"text": "", "attachments": [{"kind": "image"}] * 40_000})),
        ("an attachment that is not an object", js(base | {"attachments": ["photo.jpg"]})),
    ]


@pytest.fixture(scope="module")
def stream(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("malformed")
    key = tmp / "deadletter.key"
    wire.new_key(key)
    cluster = Cluster()
    collector = Collector(cluster.bootstrap)
    worker = Worker(cluster.bootstrap, f"dozor-bad-{uuid.uuid4().hex[:6]}", tmp, deadletter_key=key).start()
    try:
        wait_ready(cluster, collector, worker)
        yield cluster, collector, worker, wire.load_cipher(str(key))
    finally:
        worker.stop()
        collector.close()
        cluster.close()


def test_every_record_is_answered_and_every_good_message_decided(stream):
    cluster, out, worker, cipher = stream
    chat = f"c-{uuid.uuid4().hex[:8]}"
    goods = [good(chat, i) for i in range(40)]
    bads = malformed(chat) * 3                              # each kind three times, shuffled among the good
    records = [("good", json.dumps(g, ensure_ascii=False).encode()) for g in goods] + bads
    random.Random(7).shuffle(records)
    for _, raw in records:
        cluster.send(topics.MESSAGES, chat, raw, flush=False)
    cluster.producer.flush()
    letters = out.wait(topics.DEADLETTER, len(bads), timeout=120, key=chat)
    decided = out.wait(topics.VIOLATIONS, len(goods), timeout=120, chat_id=chat)
    assert {v["message_id"] for v in decided} == {g["message_id"] for g in goods}
    assert len(letters) == len(bads)                       # each malformed record answered once
    sent = {hashlib.sha256(raw).hexdigest(): raw for _, raw in bads}
    for letter in letters:
        assert letter["sha256"] in sent and letter["reason"] and letter["topic"] == topics.MESSAGES
        assert "original_base64" not in letter and "original_text" not in letter
        assert wire.decrypt(letter, cipher) in (sent[letter["sha256"]], None)   # kept encrypted, if it fits
    assert worker.proc.poll() is None                      # still running


def test_a_record_keyed_by_something_else_is_sent_again_under_its_chat(stream):
    cluster, out, *_ = stream
    chat = f"c-{uuid.uuid4().hex[:8]}"
    for i, key in enumerate([b"not-the-chat", b"", b"x" * 300, None]):
        cluster.producer.send(topics.MESSAGES, key=key, value=json.dumps(good(chat, i), ensure_ascii=False).encode())
    cluster.producer.flush()
    decided = out.wait(topics.VIOLATIONS, 4, timeout=60, chat_id=chat)
    assert sorted(v["message_id"] for v in decided) == [f"{chat}-good-{i}" for i in range(4)]


def test_a_tick_from_the_future_unblocks_nobody(stream):
    cluster, out, *_ = stream
    chat = f"c-{uuid.uuid4().hex[:8]}"
    for i in range(4):
        cluster.send(topics.MESSAGES, chat, good(chat, i) | {"sender_id": "u-blocked"})
    [block] = out.wait(topics.DECISIONS, 1, timeout=60, chat_id=chat, action="block")
    for partition in range(4):
        cluster.producer.send(topics.TICKS, value=json.dumps({"now": "2100-01-01T00:00:00+00:00"}).encode(),
                              partition=partition)
    cluster.producer.flush()
    letters = out.wait_where(topics.DEADLETTER, 4, lambda d: d["topic"] == topics.TICKS)
    assert all("ahead of the broker" in letter["reason"] for letter in letters)
    assert out.get(topics.DECISIONS, chat_id=chat, action="unblock") == []


def test_a_sender_whose_clock_is_a_day_fast_is_judged_at_the_brokers_time(stream):
    cluster, out, *_ = stream
    chat = f"c-{uuid.uuid4().hex[:8]}"
    fast = now_iso(24 * 3600)
    for i in range(4):
        cluster.send(topics.MESSAGES, chat, good(chat, i) | {"sent_at": fast, "sender_id": "u-fast"})
    [block] = out.wait(topics.DECISIONS, 1, timeout=60, chat_id=chat, action="block")
    assert block["issued_at"] < fast                         # the block runs from now, not from tomorrow
    violations = out.get(topics.VIOLATIONS, chat_id=chat)
    assert all(v["sent_at_claimed"] == fast and "broker's time" in v["clock"] for v in violations)


PRIVATE = ["916 123-45-67", "9161234567", "4276 1600 1234 5675", "4276160012345675", "petrova.anna@mail.ru",
           "phone=89161234567", "mail=petrova"]


def test_no_topic_carries_personal_data_in_clear(stream):
    cluster, out, *_ = stream
    chat = f"c-{uuid.uuid4().hex[:8]}"
    texts = ["Телефон для связи +7 916 123-45-67, карта 4276 1600 1234 5675"] * 3 + [
        "Пишите: petrova.anna@mail.ru, звоните 89161234567",
        "Скидки тут: best-deals.shop/sale?phone=89161234567&mail=petrova.anna@mail.ru",
        "Корова, позвони мне на 8 916 123-45-67",
    ]
    for i, text in enumerate(texts):
        cluster.send(topics.MESSAGES, chat, {"message_id": f"{chat}-{i}", "chat_id": chat, "sender_id": "u-pii",
                                             "sent_at": now_iso(), "text": text, "chat": {"kind": "parents"}})
    cluster.send(topics.MESSAGES, chat, b'{"message_id": "x", "chat_id": "' + chat.encode()
                 + b'", "text": "my card 4276 1600 1234 5675"}')                      # malformed: a dead letter
    out.wait(topics.VIOLATIONS, len(texts), timeout=60, chat_id=chat)
    out.wait(topics.DEADLETTER, 1, timeout=60, key=chat)
    time.sleep(2)
    from kafka.admin import KafkaAdminClient

    from streams.broker import read_to_end

    admin = KafkaAdminClient(bootstrap_servers=cluster.bootstrap)
    every = set(admin.list_topics()) - {topics.MESSAGES}      # everything dozor writes, tables' changelogs too
    admin.close()
    assert any(t.endswith("-changelog") for t in every)
    leaks = []
    for topic in every:
        values, _ = read_to_end(cluster.bootstrap, topic, timeout=60)
        leaks += [(topic, raw) for value in values for raw in PRIVATE if raw in value.decode("utf-8", "replace")]
    assert leaks == []
