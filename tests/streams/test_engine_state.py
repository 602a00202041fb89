"""The engine as a worker runs it (defer=True): state changes wait for the broker's acks, and a batch
cut short is delivered again. Nothing of an uncommitted batch may leak into the stored state, and
its redelivery must decide exactly as the first delivery did."""
import json

import pytest

from filters import Message
from streams import dispatch, topics
from streams.policy import Engine, commit
from tests.streams.scenario import Run, at, cmd, join, msg, staff


BLOCKED = [staff()] + [msg(f"m{i}", f"какого х*я {i}", minutes=i) for i in range(4)]
FOUR_IN_A_PROPOSING_CHAT = [msg(f"m{i}", f"какого х*я {i}", minutes=i, ctx={"kind": "subject"}) for i in range(4)]


def stored(engine, key="c1|u1"):
    return json.loads(json.dumps(engine.participants.get(key)))


def test_a_batch_cut_short_leaves_nothing_pending_and_its_redelivery_counts():
    engine = Engine(defer=True)
    first = engine.message(Message.from_dict(msg("m1", "х*й")))
    assert [d.action for d in first.decisions] == ["delete_message", "remind"]
    engine.settle()                                   # the batch was cut short: nothing was committed
    again = engine.message(Message.from_dict(msg("m1", "х*й")))
    assert [d.decision_id for d in again.decisions] == [d.decision_id for d in first.decisions]
    commit(again)
    engine.settle()
    assert len(engine.participants["c1|u1"]["strikes"]) == 1


WORKING_COPIES = [
    # (what the case shows, events committed first, the event left uncommitted)
    ("a confirmation adding to a certain strike", [staff(), msg("m1", "ты дебил, я тебя зарежу")],
     cmd("c1", "confirm", minutes=5, message_id="m1")),
    ("a pardon", [staff(), msg("m1", "х*й")], cmd("p1", "pardon", minutes=5, message_id="m1")),
    ("a confirmation of a hidden address", [staff(), msg("m1", "Живём на улица Ленина, дом 5, кв. 12")],
     cmd("c1", "confirm", minutes=5, message_id="m1")),
    ("a dismissal", [staff(), msg("m1", "Корова, верни тетрадь")], cmd("d1", "dismiss", minutes=5, message_id="m1")),
    ("an unblock request", BLOCKED + [msg("s1", "Простите меня все", minutes=20)],
     cmd("r1", "unblock_request", minutes=25, apology_message_id="s1")),
    ("an objection", BLOCKED + [msg("s1", "Простите меня все", minutes=20), msg("u5", "Добрый день", user="u5"),
                                cmd("r1", "unblock_request", minutes=25, apology_message_id="s1")],
     cmd("o1", "objection", minutes=26, by="u5")),
    ("a manual block", [staff()] + FOUR_IN_A_PROPOSING_CHAT, cmd("b1", "block", minutes=30)),
]


WORKING_COPIES += [  # messages: what a blocked participant said, a review item, a proposal
    ("a blocked participant's words", BLOCKED, msg("s1", "Простите меня все", minutes=20)),
    ("a likely finding", [staff()], msg("k1", "Корова, верни тетрадь")),
    ("a fourth strike in a proposing chat", FOUR_IN_A_PROPOSING_CHAT[:3], FOUR_IN_A_PROPOSING_CHAT[3]),
]


@pytest.mark.parametrize("name,before,event", WORKING_COPIES, ids=[c[0] for c in WORKING_COPIES])
def test_an_uncommitted_event_never_changes_the_stored_record(name, before, event):
    from streams.policy.config import load

    engine = Engine(policy=load(chat_blocks={"subject": "propose"}))
    Run(before, engine=engine)
    snapshot = stored(engine, f"c1|{event.get('sender_id') or event['user_id']}")
    topic = topics.COMMANDS if "command_id" in event else topics.MESSAGES
    engine.defer = True
    fx = dispatch.apply(engine, topic, event)
    assert fx.writes and not [f for f in fx.flags if f["kind"] == "command_refused"]
    assert stored(engine, f"c1|{event.get('sender_id') or event['user_id']}") == snapshot   # only the commit may
    engine.settle()
    twice = dispatch.apply(engine, topic, event)
    assert [d.to_dict() for d in twice.decisions] == [d.to_dict() for d in fx.decisions]
    assert [f for f in twice.flags if f["kind"] != "command_refused"] == \
        [f for f in fx.flags if f["kind"] != "command_refused"]


def test_dismissing_one_finding_never_apologises_for_a_deletion_another_one_caused():
    r = Run([staff(), msg("m1", "ты дебил, я тебя зарежу")])
    r.feed([cmd("d1", "dismiss", minutes=5, message_id="m1")])
    assert r.actions("notice") == [] and len(r.participant()["strikes"]) == 1


def test_a_block_cites_only_what_counted():
    night = {"kind": "parents", "timezone": "Asia/Yekaterinburg"}
    r = Run([msg(f"m{i}", f"какого х*я {i}", minutes=12 * 60 + 30 + i, ctx=night) for i in range(4)])
    [block] = r.actions("block")
    assert {g["category"] for g in block["grounds"]} == {"profanity"}


BAD_COMMANDS = [
    ("a time without offset", {"at": "2026-11-18T10:00:00"}, "has no UTC offset"),
    ("message_ids not a list", {"message_ids": "m0"}, "must be a list of message ids"),
    ("message_ids of objects", {"message_ids": [{"id": "m0"}]}, "must be a list of message ids"),
    ("review_id not a string", {"review_id": 5}, "'review_id' must be a string"),
]


@pytest.mark.parametrize("name,change,reason", BAD_COMMANDS, ids=[c[0] for c in BAD_COMMANDS])
def test_a_malformed_command_is_a_dead_letter_that_says_what_to_write(name, change, reason):
    with pytest.raises(dispatch.InputError, match=reason):
        dispatch.apply(Engine(), topics.COMMANDS, cmd("b1", "block") | change)


def test_replay_reports_a_naive_time_and_goes_on():
    r = Run([staff(), {"event_id": "x", "kind": "leave", "user_id": "u9", "chat_id": "c1",
                       "at": "2026-11-18T10:00:00"}, msg("m1", "х*й")])
    assert "no UTC offset" in r.errors[0] and r.actions("delete_message")


def test_an_until_that_is_not_a_time_is_refused_with_the_reason():
    r = Run([staff()] + [msg(f"m{i}", f"какого х*я {i}", minutes=i) for i in range(4)]
            + [cmd("b1", "block", minutes=60 * 24 * 8, until=5)])
    assert r.flagged("command_refused")


def test_a_message_sent_before_the_block_is_no_apology_though_it_arrives_after():
    r = Run([staff()] + [msg(f"m{i}", f"какого х*я {i}", minutes=10 + i) for i in range(4)]
            + [msg("late", "Простите все, я был неправ", minutes=5),
               cmd("r1", "unblock_request", minutes=20, apology_message_id="late")])
    assert "since the block began" in r.flagged("command_refused")[0]["reason"]


def test_someone_back_in_a_chat_is_announced_to_the_roster_again():
    r = Run([join("s1", role="student"), {"event_id": "l1", "kind": "leave", "user_id": "s1", "chat_id": "c1",
                                          "at": at(-30)},
             msg("back", "я снова тут", user="s1"),
             {"event_id": "x-s1", "kind": "left_school", "user_id": "s1", "role": "student", "at": at(10)}])
    assert [(d["chat_id"], d["user_id"]) for d in r.actions("remove_member")] == [("c1", "s1")]


def test_a_removal_review_ends_when_the_participant_leaves():
    r = Run([staff(), join("p1"), {"event_id": "x-s1", "kind": "left_school", "user_id": "s1", "role": "student",
                                   "parents": ["p1"], "at": at(0)}])
    [item] = r.flagged("review", review="removal")
    r.feed([{"event_id": "l1", "kind": "leave", "user_id": "p1", "chat_id": "c1", "at": at(5)},
            cmd("c1", "confirm", user="p1", minutes=10, review_id=item["review_id"])])
    assert r.flagged("review_closed", outcome="withdrawn") and r.actions("remove_member") == []


def test_a_confirmation_after_the_item_expired_counts_nothing_even_before_the_clock_ticks():
    engine = Engine()
    r = Run([staff(), msg("k0", "Корова, верни тетрадь")], engine=engine)
    fx = dispatch.apply(engine, topics.COMMANDS, cmd("c1", "confirm", minutes=60 * 80, message_id="k0"))
    assert fx.decisions == [] and "expired" in fx.flags[0]["reason"]
    assert r.participant()["strikes"] == []


MANUAL = [
    ("cites one of four", {"message_ids": ["m0"]}, "cites 1 violation"),
    ("cites the same one four times", {"message_ids": ["m0"] * 4}, "cites 1 violation"),
]


@pytest.mark.parametrize("name,extra,reason", MANUAL, ids=[c[0] for c in MANUAL])
def test_a_manual_block_rests_on_more_than_three(name, extra, reason):
    from streams.policy.config import load

    r = Run([staff()] + [msg(f"m{i}", f"какого х*я {i}", minutes=i) for i in range(4)]
            + [cmd("b1", "block", minutes=10, **extra)], engine=Engine(policy=load(block="propose")))
    assert reason in r.flagged("command_refused")[0]["reason"]


def test_a_manual_block_uses_the_violations_up_and_ends_the_proposal():
    from streams.policy.config import load

    r = Run([staff()] + [msg(f"m{i}", f"какого х*я {i}", minutes=i) for i in range(4)]
            + [cmd("b1", "block", minutes=10)], engine=Engine(policy=load(block="propose")))
    assert r.actions("block") and r.participant()["strikes"] == []
    assert r.flagged("review_closed", review="block", outcome="withdrawn")
    r.feed([cmd("p1", "pardon", minutes=20, message_id="m0")])
    assert "pardoned" in r.actions("unblock")[0]["reason"]          # three grounds left: no longer stands
