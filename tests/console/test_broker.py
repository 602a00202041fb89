"""Against a real broker (tests/streams/harness.py): the ingest stores every record once across a
restart, and the buttons put the right commands on moderation.commands."""
from __future__ import annotations

import json
import uuid

import pytest

from streams import identity, topics
from tests.console.conftest import until, closed_flag, put, review_flag, signed_in
from tests.streams.harness import Cluster


@pytest.fixture(scope="module")
def cluster():
    c = Cluster()
    yield c
    c.close()


def stored():
    from console.models import Decision, Flag, Violation
    return Flag.objects.count(), Decision.objects.count(), Violation.objects.count()


def test_every_record_is_stored_once_across_restarts_and_bad_ones_are_skipped(db, cluster):
    from console.ingest import Ingest

    chat = f"ingest-{uuid.uuid4().hex[:6]}"
    group = f"console-{uuid.uuid4().hex[:6]}"
    first = [(topics.FLAGS, review_flag(chat=chat, rid=f"rv-{i}")) for i in range(5)] + \
            [(topics.DECISIONS, {"decision_id": f"d-{i}", "chat_id": chat, "user_id": "u-1", "action": "remind"})
             for i in range(3)] + \
            [(topics.VIOLATIONS, {"violation_id": "v-1", "chat_id": chat, "user_id": "u-1", "counted": True})]
    for topic, record in first + first[:2]:                   # two sent twice, as after a producer's retry
        cluster.send(topic, chat, record, flush=False)
    cluster.send(topics.FLAGS, chat, b"{not json")
    cluster.send(topics.DECISIONS, chat, {"decision_id": "no-chat"})
    one = Ingest(cluster.bootstrap, group)
    one.start()
    until(lambda: stored() == (5, 3, 1) and one.counts["skipped"] == 2, what="the first records")
    one.stop()
    # the same group again: nothing new; another group: every record read again from the start
    # (a restart from an earlier offset), still each stored once
    cluster.send(topics.FLAGS, chat, closed_flag(rid="rv-0", chat=chat))
    again, replay = Ingest(cluster.bootstrap, group), Ingest(cluster.bootstrap, group + "-from-start")
    again.start()
    until(lambda: stored() == (6, 3, 1), what="the record sent while stopped")
    replay.start()
    until(lambda: sum(replay.counts.values()) >= 14, what="the replay of all 14 records")
    again.stop(), replay.stop()
    assert stored() == (6, 3, 1)
    assert again.counts == {"stored": 1, "duplicate": 0, "skipped": 0}
    assert replay.counts["stored"] == 0 and replay.counts["skipped"] == 2


def _commands(bootstrap, chat):
    from kafka import KafkaConsumer, TopicPartition

    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False)
    try:
        tps = [TopicPartition(topics.COMMANDS, p) for p in consumer.partitions_for_topic(topics.COMMANDS)]
        consumer.assign(tps)
        consumer.seek_to_beginning(*tps)
        ends, out = consumer.end_offsets(tps), []
        while any(consumer.position(tp) < ends[tp] for tp in tps):
            for batch in consumer.poll(500).values():
                out += [r for r in batch if json.loads(r.value).get("chat_id") == chat]
        return out
    finally:
        consumer.close()


ACTIONS = [("confirm", "Подтвердить"), ("dismiss", "Отклонить")]


@pytest.mark.parametrize("kind,button", ACTIONS)
def test_a_button_sends_its_command_by_the_moderator_keyed_by_chat_and_signed(db, cluster, moderator, tmp_path,
                                                                                monkeypatch, kind, button):
    from django.test import Client

    from console import runtime
    from console.models import AuditEntry, SentCommand

    key = tmp_path / "console.key"
    signer = identity.new_signer("console", key)
    monkeypatch.setenv("DOZOR_PRODUCER_KEY", str(key))
    runtime.set_bootstrap(cluster.bootstrap)
    chat = f"cmd-{uuid.uuid4().hex[:6]}"
    moderator(chats=[chat])
    put(topics.FLAGS, review_flag(chat=chat, rid="rv-9", user="u-42"))
    client = signed_in(Client())
    response = client.post(f"/item/rv-9/{kind}/", {"reason": "проверил сам", "next": "/"}, follow=True)
    page = response.content.decode()
    assert "Отправлено" in page and "Ждём ответа dozor" in page and button not in page.split("rv-9")[-1]

    until(lambda: _commands(cluster.bootstrap, chat), what="the command on the topic")
    [record] = _commands(cluster.bootstrap, chat)
    command = json.loads(record.value)
    assert record.key == chat.encode()
    assert {k: command[k] for k in ("kind", "chat_id", "user_id", "by", "review_id")} == \
        {"kind": kind, "chat_id": chat, "user_id": "u-42", "by": "t-7", "review_id": "rv-9"}
    trusted = identity.Producers({"console": signer.key.public_key()}, {topics.COMMANDS: {"console"}})
    assert trusted.check(topics.COMMANDS, record.key, record.value, record.headers) == "console"
    [entry] = AuditEntry.objects.filter(action=kind)
    assert (entry.actor, entry.chat_id, entry.target, entry.reason) == ("teacher", chat, "rv-9", "проверил сам")
    assert SentCommand.objects.get().command_id == command["command_id"]

    # a second press while waiting sends nothing more; the answer closes the item
    client.post(f"/item/rv-9/{kind}/", {"next": "/"})
    outcome = {"confirm": "confirmed", "dismiss": "dismissed"}[kind]
    put(topics.FLAGS, closed_flag(rid="rv-9", chat=chat, outcome=outcome))
    page = client.get("/").content.decode()
    assert 'id="rv-9"' not in page and 'id="closed-rv-9"' in page
    assert len(_commands(cluster.bootstrap, chat)) == 1
    runtime.set_bootstrap(None)


def test_a_refused_command_is_shown_with_the_reason_and_the_buttons_come_back(db, cluster, moderator):
    from django.test import Client

    from console import runtime
    from console.models import SentCommand

    runtime.set_bootstrap(cluster.bootstrap)
    chat = f"ref-{uuid.uuid4().hex[:6]}"
    moderator(chats=[chat])
    put(topics.FLAGS, review_flag(chat=chat, rid="rv-r"))
    client = signed_in(Client())
    client.post("/item/rv-r/confirm/", {"next": "/"})
    sent = SentCommand.objects.get()
    put(topics.FLAGS, {"flag_id": "cr-1", "kind": "command_refused", "command_id": sent.command_id,
                       "command": "confirm", "chat_id": chat, "user_id": "u-42", "by": "t-7",
                       "reason": "t-7 is not a moderator of this chat"})
    page = client.get("/").content.decode()
    assert "dozor отказал в команде: t-7 is not a moderator of this chat" in page and "Подтвердить" in page
    runtime.set_bootstrap(None)


PARTICIPANT = [
    # (kind, form, the command's own fields)
    ("pardon", {"message_id": "m-5"}, {"message_id": "m-5"}),
    ("unblock_request", {"message_id": "m-9"}, {"apology_message_id": "m-9"}),
    ("unblock_request", {"message_id": "m-9", "apology_confirmed": "1"},
     {"apology_message_id": "m-9", "apology_confirmed": True}),
]


@pytest.mark.parametrize("kind,form,fields", PARTICIPANT)
def test_a_participants_command_goes_out_by_the_moderator_and_is_shown_until_answered(db, cluster, moderator,
                                                                                      kind, form, fields):
    from django.test import Client

    from console import runtime
    from console.models import AuditEntry

    runtime.set_bootstrap(cluster.bootstrap)
    chat = f"part-{uuid.uuid4().hex[:6]}"
    moderator(chats=[chat])
    client = signed_in(Client())
    client.post(f"/chat/{chat}/user/u-5/{kind}/", form | {"reason": "по просьбе классного руководителя"})
    until(lambda: _commands(cluster.bootstrap, chat), what="the command on the topic")
    [record] = _commands(cluster.bootstrap, chat)
    command = json.loads(record.value)
    assert record.key == chat.encode()
    assert {k: command.get(k) for k in ("kind", "chat_id", "user_id", "by") + tuple(fields)} == \
        {"kind": kind, "chat_id": chat, "user_id": "u-5", "by": "t-7"} | fields
    assert "apology_confirmed" in command or "apology_confirmed" not in fields
    assert AuditEntry.objects.filter(action=kind, chat_id=chat).count() == 1
    page = client.get("/participants/").content.decode()
    assert "отправлено, ждём ответа dozor" in page
    answer = ({"flag_id": "pd-1", "kind": "pardoned", "chat_id": chat, "user_id": "u-5", "message_id": "m-5"}
              if kind == "pardon" else None)
    if answer:
        put(topics.FLAGS, answer)
    else:
        put(topics.DECISIONS, {"decision_id": "nt-1", "chat_id": chat, "user_id": "u-5", "action": "notice",
                               "message_id": "m-9", "issued_at": "2026-11-18T12:00:00+03:00"})
    assert "выполнено" in client.get("/participants/").content.decode()
    runtime.set_bootstrap(None)
