"""The worker against a real broker process over loopback: messages in, decisions out.

Short windows (a block of ~26 s, an objection window of ~5 s) let time-driven rules
run inside a test; everything else is the shipped policy. The block is long enough that an
early-unblock request and its objection window fit inside it on a loaded machine (at ~9 s they
raced the worker and lost, now and then).
"""
import hashlib
import time
import uuid

import pytest

from streams import topics
from streams.policy.config import DEFAULT_FILE
from tests.streams.harness import Cluster, Collector, Worker, now_iso, wait_ready

pytestmark = pytest.mark.timeout(300)

SWEARS = ["х*й", "пи**ец", "бля", "сука", "заебали", "охуеть"]


MODERATOR = "t-registry"      # named in the chat registry the worker reads: a moderator of every chat


@pytest.fixture(scope="module")
def stream(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("stream")
    policy = tmp / "policy.toml"
    policy.write_text(DEFAULT_FILE.read_text(encoding="utf-8")
                      .replace("block_days = [7, 14, 30]", "block_days = [0.0003, 0.0006, 30]")
                      .replace("objection_window_hours = 24", "objection_window_hours = 0.0015"),
                      encoding="utf-8")
    chats = tmp / "chats.toml"
    chats.write_text(f'[defaults]\nmoderators = ["{MODERATOR}"]\n', encoding="utf-8")
    cluster = Cluster()
    collector = Collector(cluster.bootstrap)
    worker = Worker(cluster.bootstrap, f"dozor-test-{uuid.uuid4().hex[:6]}", tmp, policy, chats).start()
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
    [unblock] = out.wait(topics.DECISIONS, 1, timeout=60, chat_id=c, action="unblock")     # the ~26 s block, and the slack it had
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


def command(c, cid, kind, by=MODERATOR, user="u1", **extra):
    return {"command_id": cid, "kind": kind, "chat_id": c, "user_id": user, "by": by, "at": now_iso(), **extra}


def test_early_unblock_after_apology_with_and_without_objection(stream):
    cluster, out, _ = stream
    quiet, objected = chat(), chat()
    send_all(cluster, objected, [message(objected, f"{objected}-u7", "Добрый вечер", user="u7")])   # a member
    for c in (quiet, objected):
        send_all(cluster, c, [message(c, f"{c}-{i}", SWEARS[i]) for i in range(4)])
        out.wait(topics.DECISIONS, 1, chat_id=c, action="block")
        send_all(cluster, c, [message(c, f"{c}-sorry", "Простите все, я был неправ")])
    # blocks here last ~26 s; ask before that, with a ~5 s objection window
    for c in (quiet, objected):
        cluster.send(topics.COMMANDS, c, command(c, f"{c}-r", "unblock_request", apology_message_id=f"{c}-sorry"))
    cluster.send(topics.COMMANDS, objected, command(objected, f"{objected}-o", "objection", by="u7"))
    [notice] = out.wait(topics.DECISIONS, 1, chat_id=quiet, action="notice")
    assert "извинения: «Простите все, я был неправ»" in notice["text"]
    [unblock] = out.wait(topics.DECISIONS, 1, timeout=30, chat_id=quiet, action="unblock")
    assert "no participant objected" in unblock["reason"]
    kept = out.wait(topics.DECISIONS, 2, timeout=30, chat_id=objected, action="notice")
    assert "возражения" in kept[-1]["text"]


LIKELY = ["Корова, верни тетрадь", "Корова, отдай ручку", "Корова, где мой пенал", "Корова, не толкайся"]


def test_a_likely_insult_waits_a_moderator_confirms_four_block_and_others_are_refused(stream):
    cluster, out, _ = stream
    c = chat()
    send_all(cluster, c, [message(c, f"{c}-{i}", text) for i, text in enumerate(LIKELY)])
    items = out.wait(topics.FLAGS, 4, chat_id=c, kind="review")
    assert out.get(topics.DECISIONS, chat_id=c) == []          # nothing happens until a person decides
    assert all(f["certainty"] == "likely" and f["suggested"] == ["strike"] for f in items)
    # a parent may not block, and a moderator's block needs more than three counted violations
    cluster.send(topics.COMMANDS, c, command(c, f"{c}-pb", "block", by="u-parent"))
    cluster.send(topics.COMMANDS, c, command(c, f"{c}-mb", "block"))
    refused = {f["command_id"]: f for f in out.wait(topics.FLAGS, 2, chat_id=c, kind="command_refused")}
    assert "not a moderator" in refused[f"{c}-pb"]["reason"] and refused[f"{c}-pb"]["urgent"] is True
    assert "0 counted violation" in refused[f"{c}-mb"]["reason"]
    by_message = {f["message_id"]: f["review_id"] for f in items}
    for i in range(4):
        cluster.send(topics.COMMANDS, c, command(c, f"{c}-ok{i}", "confirm", review_id=by_message[f"{c}-{i}"]))
    [block] = out.wait(topics.DECISIONS, 1, chat_id=c, action="block")
    assert block["strikes"] == 4 and {g["confirmed_by"] for g in block["grounds"]} == {MODERATOR}
    assert len(out.get(topics.DECISIONS, chat_id=c, action="delete_message")) == 4
    assert len(out.wait(topics.FLAGS, 4, chat_id=c, kind="review_closed", outcome="confirmed")) == 4
    # an early unblock must quote an apology the participant really wrote
    cluster.send(topics.COMMANDS, c, command(c, f"{c}-r", "unblock_request"))
    [no_apology] = out.wait(topics.FLAGS, 1, chat_id=c, kind="command_refused", command_id=f"{c}-r")
    assert "apology_message_id" in no_apology["reason"]
    assert out.get(topics.DECISIONS, chat_id=c, action="notice") == []


def test_a_teacher_who_joined_the_chat_moderates_it(stream):
    cluster, out, _ = stream
    c, teacher = chat(), f"t-{uuid.uuid4().hex[:6]}"
    send_all(cluster, c, [message(c, f"{c}-0", LIKELY[0])])
    [item] = out.wait(topics.FLAGS, 1, chat_id=c, kind="review")
    cluster.send(topics.ROSTER, teacher, {"event_id": f"j-{teacher}", "kind": "join", "user_id": teacher,
                                          "chat_id": c, "role": "teacher", "at": now_iso()})
    # the join reaches the chat's partition through dozor.membership: wait until it has (a dismiss of an
    # unknown item is refused for its id, not for its sender, once the teacher counts as a moderator)
    deadline = time.monotonic() + 30
    for n in range(300):
        cluster.send(topics.COMMANDS, c, command(c, f"{c}-probe{n}", "dismiss", by=teacher, review_id="rv-none"))
        [reply] = out.wait(topics.FLAGS, 1, chat_id=c, kind="command_refused", command_id=f"{c}-probe{n}")
        if "no open review item" in reply["reason"] or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    assert "no open review item" in reply["reason"]
    cluster.send(topics.COMMANDS, c, command(c, f"{c}-d", "dismiss", by=teacher, review_id=item["review_id"]))
    [closed] = out.wait(topics.FLAGS, 1, chat_id=c, kind="review_closed")
    assert closed["outcome"] == "dismissed" and closed["by"] == teacher
    assert closed["entries"][0]["source"].startswith("insult/aimed.txt:")


def test_a_leaving_pupil_takes_the_parent_only_from_the_chats_she_joined_for_him(stream):
    cluster, out, _ = stream
    c1, c2, c3 = chat(), chat(), chat()
    pupil, sister, parent = (f"{p}-{uuid.uuid4().hex[:6]}" for p in ("s", "s", "p"))
    joins = [(pupil, c1, "student", None), (parent, c1, "parent", [pupil]), (parent, c2, "parent", [sister]),
             (parent, c3, "parent", None)]
    for user, c, role, pupils in joins:
        cluster.send(topics.ROSTER, user, {"event_id": f"j-{user}-{c}", "kind": "join", "user_id": user,
                                           "chat_id": c, "role": role, "at": now_iso()}
                     | ({"pupils": pupils} if pupils else {}))
    time.sleep(1)
    cluster.send(topics.ROSTER, pupil, {"event_id": f"x-{pupil}", "kind": "left_school", "user_id": pupil,
                                        "role": "student", "at": now_iso()})      # parents found by their joins
    removed = out.wait(topics.DECISIONS, 2, action="remove_member", timeout=30, chat_id=c1)
    assert sorted(d["user_id"] for d in removed) == sorted([pupil, parent])
    # c3: joined without saying for whom, so a moderator decides; c2: there for a child still at school
    [item] = out.wait(topics.FLAGS, 1, timeout=30, chat_id=c3, kind="review")
    assert item["review"] == "removal" and item["user_id"] == parent
    time.sleep(1)
    assert out.get(topics.DECISIONS, chat_id=c2) == [] and out.get(topics.DECISIONS, chat_id=c3) == []


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
    ("not UTF-8", b"\xff{not json", "not UTF-8"),
    ("not JSON", b"{not json", "not JSON"),
    ("no sent_at", b'{"message_id": "x", "chat_id": "c", "sender_id": "u", "text": "hi"}', "sent_at"),
]


@pytest.mark.parametrize("name,raw,reason", MALFORMED, ids=[c[0] for c in MALFORMED])
def test_malformed_input_goes_to_dead_letters_and_the_worker_goes_on(stream, name, raw, reason):
    cluster, out, _ = stream
    c = chat()
    cluster.send(topics.MESSAGES, c, raw)
    send_all(cluster, c, [message(c, f"{c}-after", "сука")])
    letter = next(d for d in out.wait(topics.DEADLETTER, 1, timeout=30, key=c))
    assert reason in letter["reason"] and letter["sha256"] == hashlib.sha256(raw).hexdigest()
    assert letter["size"] == len(raw) and "original_base64" not in letter     # never in clear
    assert letter["topic"] == topics.MESSAGES
    out.wait(topics.DECISIONS, 2, chat_id=c)
