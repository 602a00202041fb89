"""The worker against a real broker process over loopback: messages in, decisions out.

Short windows (a block of ~9 s, an objection window of ~5 s) let time-driven rules
run inside a test; everything else is the shipped policy.
"""
import base64
import time
import uuid

import pytest

from streams import topics
from streams.policy.config import DEFAULT_FILE
from tests.streams.harness import Cluster, Collector, Worker, now_iso, wait_ready

pytestmark = pytest.mark.timeout(300)

SWEARS = ["х*й", "пи**ец", "бля", "сука", "заебали", "охуеть"]


@pytest.fixture(scope="module")
def stream(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("stream")
    policy = tmp / "policy.toml"
    policy.write_text(DEFAULT_FILE.read_text(encoding="utf-8")
                      .replace("block_days = [7, 14, 30]", "block_days = [0.0001, 0.0002, 30]")
                      .replace("objection_window_hours = 24", "objection_window_hours = 0.0015"),
                      encoding="utf-8")
    cluster = Cluster()
    collector = Collector(cluster.bootstrap)
    worker = Worker(cluster.bootstrap, f"dozor-test-{uuid.uuid4().hex[:6]}", tmp, policy).start()
    try:
        wait_ready(cluster, collector, worker)
        yield cluster, collector, worker
    finally:
        worker.stop()
        collector.close()
        cluster.close()


def chat():
    return f"c-{uuid.uuid4().hex[:8]}"


def message(chat_id, mid, text, user="u1"):
    return {"message_id": mid, "chat_id": chat_id, "sender_id": user, "sent_at": now_iso(),
            "text": text, "chat": {"kind": "staff", "timezone": "Europe/Moscow"}}


def send_all(cluster, chat_id, items):
    for value in items:
        cluster.send(topics.MESSAGES, chat_id, value)


def test_three_violations_remind_the_fourth_blocks_and_the_block_ends(stream):
    cluster, out, _ = stream
    c = chat()
    send_all(cluster, c, [message(c, f"{c}-{i}", SWEARS[i]) for i in range(3)])
    out.wait(topics.DECISIONS, 6, chat_id=c)
    time.sleep(1)
    assert out.get(topics.DECISIONS, chat_id=c, action="block") == []
    assert len(out.get(topics.DECISIONS, chat_id=c, action="remind")) == 3
    send_all(cluster, c, [message(c, f"{c}-3", SWEARS[3])])
    [block] = out.wait(topics.DECISIONS, 1, chat_id=c, action="block")
    assert block["strikes"] == 4 and len(block["grounds"]) == 4
    [unblock] = out.wait(topics.DECISIONS, 1, timeout=40, chat_id=c, action="unblock")
    assert unblock["grounds"] == [{"block_decision_id": block["decision_id"]}]
    [violation] = out.get(topics.VIOLATIONS, chat_id=c, message_id=f"{c}-3")
    assert violation["strikes"] == 4 and violation["counted"]
    [flag] = out.get(topics.FLAGS, chat_id=c, message_id=f"{c}-3")
    assert flag["strikes"] == 4 and "block" in flag["decisions"] and flag["urgent"] is False


def test_counting_is_per_chat_and_duplicates_count_once(stream):
    cluster, out, _ = stream
    a, b = chat(), chat()
    for i in range(3):
        for c in (a, b):
            m = message(c, f"{c}-{i}", SWEARS[i])
            send_all(cluster, c, [m, m])          # every message delivered twice
    out.wait(topics.DECISIONS, 6, chat_id=a)
    out.wait(topics.DECISIONS, 6, chat_id=b)
    time.sleep(2)
    for c in (a, b):
        got = out.get(topics.DECISIONS, chat_id=c)
        assert len(got) == 6 and len({d["decision_id"] for d in got}) == 6
        assert sorted(d["strikes"] for d in got if d["action"] == "remind") == [1, 2, 3]


def test_early_unblock_after_apology_with_and_without_objection(stream):
    cluster, out, _ = stream
    quiet, objected = chat(), chat()
    for c in (quiet, objected):
        send_all(cluster, c, [message(c, f"{c}-{i}", SWEARS[i]) for i in range(4)])
        out.wait(topics.DECISIONS, 1, chat_id=c, action="block")
    # blocks here last ~9 s; ask before that, with a ~5 s objection window
    for c in (quiet, objected):
        cluster.send(topics.COMMANDS, c, {"command_id": f"{c}-r", "kind": "unblock_request", "chat_id": c,
                                          "user_id": "u1", "by": "t1", "at": now_iso()})
    cluster.send(topics.COMMANDS, objected, {"command_id": f"{objected}-o", "kind": "objection",
                                             "chat_id": objected, "user_id": "u1", "by": "u7", "at": now_iso()})
    [notice] = out.wait(topics.DECISIONS, 1, chat_id=quiet, action="notice")
    assert "извинения" in notice["text"]
    [unblock] = out.wait(topics.DECISIONS, 1, timeout=30, chat_id=quiet, action="unblock")
    assert "no participant objected" in unblock["reason"]
    kept = out.wait(topics.DECISIONS, 2, timeout=30, chat_id=objected, action="notice")
    assert "возражения" in kept[-1]["text"]


def test_a_manual_block_without_grounds_is_refused(stream):
    cluster, out, _ = stream
    c = chat()
    cluster.send(topics.COMMANDS, c, {"command_id": f"{c}-b", "kind": "block", "chat_id": c, "user_id": "u1",
                                      "by": "t1", "at": now_iso()})
    [flag] = out.wait(topics.FLAGS, 1, chat_id=c, kind="command_refused")
    assert "must cite grounds" in flag["reason"]
    assert out.get(topics.DECISIONS, chat_id=c) == []


def test_roster_removes_a_leaving_pupil_and_the_linked_parents(stream):
    cluster, out, _ = stream
    c1, c2 = chat(), chat()
    pupil, parent = f"s-{uuid.uuid4().hex[:6]}", f"p-{uuid.uuid4().hex[:6]}"
    for user, c in ((pupil, c1), (parent, c1), (parent, c2)):
        cluster.send(topics.ROSTER, user, {"event_id": f"j-{user}-{c}", "kind": "join", "user_id": user,
                                           "chat_id": c, "at": now_iso()})
    time.sleep(1)
    cluster.send(topics.ROSTER, pupil, {"event_id": f"x-{pupil}", "kind": "left_school", "user_id": pupil,
                                        "role": "student", "parents": [parent], "at": now_iso()})
    removed = out.wait(topics.DECISIONS, 3, action="remove_member", timeout=30)
    mine = sorted((d["chat_id"], d["user_id"]) for d in removed if d["user_id"] in (pupil, parent))
    assert mine == sorted([(c1, pupil), (c1, parent), (c2, parent)])


def test_a_member_seen_in_a_chat_is_removed_when_the_employee_leaves(stream):
    cluster, out, _ = stream
    c = chat()
    teacher = f"t-{uuid.uuid4().hex[:6]}"
    send_all(cluster, c, [message(c, f"{c}-hello", "Доброе утро, коллеги", user=teacher)])
    time.sleep(2)      # the worker announces the new member on chat.roster
    cluster.send(topics.ROSTER, teacher, {"event_id": f"x-{teacher}", "kind": "left_school", "user_id": teacher,
                                          "role": "teacher", "at": now_iso()})
    [removal] = out.wait(topics.DECISIONS, 1, timeout=30, chat_id=c, action="remove_member")
    assert removal["user_id"] == teacher


MALFORMED = [
    ("not JSON", b"\xff{not json", "not JSON"),
    ("no sent_at", b'{"message_id": "x", "chat_id": "c", "sender_id": "u", "text": "hi"}', "sent_at"),
]


@pytest.mark.parametrize("name,raw,reason", MALFORMED, ids=[c[0] for c in MALFORMED])
def test_malformed_input_goes_to_dead_letters_and_the_worker_goes_on(stream, name, raw, reason):
    cluster, out, _ = stream
    c = chat()
    cluster.send(topics.MESSAGES, c, raw)
    send_all(cluster, c, [message(c, f"{c}-after", "сука")])
    letter = next(d for d in out.wait(topics.DEADLETTER, 1, timeout=30, key=c))
    assert reason in letter["reason"] and base64.b64decode(letter["original_base64"]) == raw
    assert letter["topic"] == topics.MESSAGES
    out.wait(topics.DECISIONS, 2, chat_id=c)
