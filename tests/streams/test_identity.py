"""Only the right producers are obeyed: a record on a closed topic counts only when signed by a
producer trusted for it (streams/identity.py). Unit cases first, then a worker on a real broker
that takes signed commands and refuses forged ones, while its own roster records, signed with
the workers' key, keep the roster working."""
import json
import uuid

import pytest

from streams import identity, topics
from tests.streams.harness import Cluster, Collector, Worker, now_iso, wait_ready


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("keys")
    signers = {name: identity.new_signer(name, tmp / f"{name}.key")
               for name in ("gateway", "console", "workers", "intruder")}
    producers = tmp / "producers.toml"
    producers.write_text(
        f'[producers.console]\npublic_key = "{identity.public_text(signers["console"].key.public_key())}"\n'
        f'topics = ["moderation.commands"]\n\n'
        f'[producers.workers]\npublic_key = "{identity.public_text(signers["workers"].key.public_key())}"\n'
        f'topics = ["chat.roster", "dozor.membership", "dozor.ticks"]\n\n'
        f'[producers.gateway]\npublic_key = "{identity.public_text(signers["gateway"].key.public_key())}"\n'
        f'topics = ["chat.roster"]\n', encoding="utf-8")
    return tmp, signers, producers


def headers(signer, topic, key: bytes, value: bytes):
    return dict(signer.headers(topic, key, value))


CASES = [
    # (what the case shows, who signs, topic it is checked for, tampered, raises)
    ("signed by the producer trusted for it", "console", "moderation.commands", False, None),
    ("unsigned on a closed topic", None, "moderation.commands", False, "not signed"),
    ("signed by a producer not trusted for it", "workers", "moderation.commands", False, "may not write"),
    ("signed by a key nobody trusts", "intruder", "moderation.commands", False, "may not write"),
    ("altered after signing", "console", "moderation.commands", True, "does not match"),
    ("an open topic needs no signature", None, "chat.messages", False, None),
]


@pytest.mark.parametrize("name,who,topic,tampered,raises", CASES, ids=[c[0] for c in CASES])
def test_who_may_write_a_topic(keys, name, who, topic, tampered, raises):
    _, signers, path = keys
    producers = identity.load_producers(str(path))
    value = b'{"command_id": "c1"}'
    given = headers(signers[who], "moderation.commands", b"c1", value) if who else {}
    if tampered:
        value = b'{"command_id": "c2"}'
    if raises:
        with pytest.raises(identity.IdentityError, match=raises):
            producers.check(topic, b"c1", value, given)
    else:
        assert producers.check(topic, b"c1", value, given) in (who, None)


def test_a_broken_producers_file_says_what_to_write(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text('[producers.console]\npublic_key = "abc"\ntopics = ["moderation.commands"]\n', encoding="utf-8")
    with pytest.raises(ValueError, match="ed25519:"):
        identity.load_producers(str(path))


@pytest.fixture(scope="module")
def stream(keys):
    tmp, signers, producers = keys
    registry = tmp / "chats.toml"
    registry.write_text('[defaults]\nmoderators = ["t-1"]\n', encoding="utf-8")
    cluster = Cluster()
    collector = Collector(cluster.bootstrap)
    worker = Worker(cluster.bootstrap, f"dozor-id-{uuid.uuid4().hex[:6]}", tmp, chats=registry,
                    env={"DOZOR_PRODUCERS": str(producers), "DOZOR_PRODUCER_KEY": str(tmp / "workers.key")}).start()
    try:
        wait_ready(cluster, collector, worker)
        yield cluster, collector, signers
    finally:
        worker.stop()
        collector.close()
        cluster.close()


def send(cluster, topic, key: str, value: dict, signer=None):
    raw = json.dumps(value, ensure_ascii=False).encode()
    given = signer.headers(topic, key.encode(), raw) if signer else None
    cluster.producer.send(topic, key=key.encode(), value=raw, headers=given)
    cluster.producer.flush()


def test_a_forged_command_is_refused_and_a_signed_one_obeyed(stream):
    cluster, out, signers = stream
    chat = f"c-{uuid.uuid4().hex[:8]}"
    send(cluster, topics.MESSAGES, chat, {"message_id": f"{chat}-1", "chat_id": chat, "sender_id": "u1",
                                          "sent_at": now_iso(), "text": "х*й", "chat": {"kind": "staff"}})
    out.wait(topics.DECISIONS, 2, chat_id=chat)
    pardon = {"command_id": f"{chat}-p", "kind": "pardon", "chat_id": chat, "user_id": "u1", "by": "t-1",
              "at": now_iso(), "message_id": f"{chat}-1"}
    send(cluster, topics.COMMANDS, chat, pardon)                                  # nobody signed it
    send(cluster, topics.COMMANDS, chat, pardon | {"command_id": f"{chat}-q"}, signers["intruder"])
    letters = out.wait(topics.DEADLETTER, 2, timeout=60, key=chat)
    assert all("not from a trusted producer" in d["reason"] for d in letters)
    assert out.get(topics.FLAGS, chat_id=chat, kind="pardoned") == []
    send(cluster, topics.COMMANDS, chat, pardon | {"command_id": f"{chat}-r"}, signers["console"])
    out.wait(topics.FLAGS, 1, timeout=60, chat_id=chat, kind="pardoned")


def test_a_hand_made_left_school_removes_nobody_and_the_workers_own_roster_still_works(stream):
    cluster, out, signers = stream
    chat, pupil = f"c-{uuid.uuid4().hex[:8]}", f"s-{uuid.uuid4().hex[:6]}"
    # the pupil writes: the worker's own «seen» roster record is signed with the workers' key
    send(cluster, topics.MESSAGES, chat, {"message_id": f"{chat}-1", "chat_id": chat, "sender_id": pupil,
                                          "sent_at": now_iso(), "text": "Привет, что задали?",
                                          "chat": {"kind": "staff"}})
    leaving = {"event_id": f"x-{pupil}", "kind": "left_school", "user_id": pupil, "role": "student", "at": now_iso()}
    send(cluster, topics.ROSTER, pupil, leaving)                                  # forged: unsigned
    [letter] = out.wait(topics.DEADLETTER, 1, timeout=60, key=pupil)
    assert "not from a trusted producer" in letter["reason"]
    send(cluster, topics.ROSTER, pupil, leaving | {"event_id": f"y-{pupil}"}, signers["gateway"])
    [removed] = out.wait(topics.DECISIONS, 1, timeout=60, chat_id=chat, action="remove_member")
    assert removed["user_id"] == pupil
