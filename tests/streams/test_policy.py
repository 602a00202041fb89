"""Scenario tables: events in, decisions out, through the same engine replay and workers use.

The review loop, authority and leavers have tables of their own (test_review.py,
test_authority.py, test_leavers.py); this file is the rest: strikes, blocks, timers, flood."""
import json
from datetime import datetime, timedelta

import pytest

from streams.policy import Engine
from streams.policy.config import PolicyError, load
from tests.streams.scenario import T0, Run, actions, cmd, msg, run, staff


SWEARS = ["х*й", "пи**ец", "бля", "сука", "заебали", "охуеть"]


def test_three_violations_remind_and_delete_the_fourth_blocks():
    d3, _ = run([msg(f"m{i}", SWEARS[i], minutes=i) for i in range(3)])
    assert len(actions(d3, "delete_message")) == 3 and len(actions(d3, "remind")) == 3
    assert actions(d3, "block") == []
    d4, _ = run([msg(f"m{i}", SWEARS[i], minutes=i) for i in range(4)])
    [block] = actions(d4, "block")
    assert block["strikes"] == 4 and block["user_id"] == "u1"
    assert [g["message_id"] for g in block["grounds"]] == ["m0", "m1", "m2", "m3"]
    until = datetime.fromisoformat(block["until"])
    assert timedelta(days=1) <= until - (T0 + timedelta(minutes=3)) <= timedelta(days=30)


def test_counting_is_per_chat():
    events = [msg(f"m{i}", SWEARS[i], chat="c1" if i % 2 else "c2", minutes=i) for i in range(6)]
    d, _ = run(events)
    assert actions(d, "block") == []


def test_the_same_message_twice_changes_nothing():
    once, _ = run([msg(f"m{i}", SWEARS[i], minutes=i) for i in range(3)])
    twice, _ = run([msg(f"m{i}", SWEARS[i], minutes=i) for i in range(3) for _ in range(2)])
    assert twice == once


def test_no_second_block_while_one_is_in_force():
    d, _ = run([msg(f"m{i}", SWEARS[i % 6], minutes=i) for i in range(9)])
    assert len(actions(d, "block")) == 1


def test_a_block_ends_by_itself_and_the_next_one_is_longer():
    events = [msg(f"a{i}", SWEARS[i], minutes=i) for i in range(4)]
    events += [msg(f"b{i}", SWEARS[i], minutes=60 * 24 * 8 + i) for i in range(4)]
    d, _ = run(events)
    blocks, unblocks = actions(d, "block"), actions(d, "unblock")
    assert len(blocks) == 2 and len(unblocks) == 1
    assert unblocks[0]["issued_at"] == blocks[0]["until"]
    first, second = (datetime.fromisoformat(b["until"]) - datetime.fromisoformat(b["issued_at"]) for b in blocks)
    assert second > first and second <= timedelta(days=30)


def test_strikes_expire_after_the_window():
    events = [msg(f"m{i}", SWEARS[i], minutes=i) for i in range(3)]
    events.append(msg("late", "сука", minutes=60 * 24 * 80))
    d, _ = run(events)
    assert actions(d, "block") == [] and actions(d, "delete_message")[-1]["strikes"] == 1


def test_clean_messages_yield_nothing():
    d, _ = run([msg("m1", "Завтра контрольная?"), msg("m2", "Подстрахуйте детей на катке")])
    assert d == []


def blocked_then(*after):
    """u1 swears four times (certain findings): blocked on the 4th."""
    return [staff()] + [msg(f"m{i}", SWEARS[i], minutes=i) for i in range(4)] + list(after)


APOLOGY = msg("sorry", "Приношу извинения всем участникам чата, больше не повторится", minutes=8)


def test_early_unblock_after_apology_when_nobody_objects():
    d, _ = run(blocked_then(APOLOGY, cmd("r1", "unblock_request", minutes=10, apology_message_id="sorry")),
               until=T0 + timedelta(hours=30))
    [notice] = actions(d, "notice")
    assert notice["audience"] == "chat" and "извинения" in notice["text"]
    assert "«Приношу извинения всем участникам чата, больше не повторится»" in notice["text"]
    [unblock] = actions(d, "unblock")
    assert "no participant objected" in unblock["reason"]
    assert datetime.fromisoformat(unblock["issued_at"]) == T0 + timedelta(minutes=10, hours=24)


def test_an_objection_keeps_the_block():
    d, _ = run(blocked_then(APOLOGY, msg("u5-hi", "Когда собрание?", user="u5", minutes=9),
                            cmd("r1", "unblock_request", minutes=10, apology_message_id="sorry"),
                            cmd("o1", "objection", minutes=20, by="u5")), until=T0 + timedelta(hours=30))
    assert actions(d, "unblock") == []
    assert "возражения" in actions(d, "notice")[-1]["text"]


def test_a_late_objection_is_refused_and_the_unblock_stands():
    r = Run(blocked_then(APOLOGY, msg("u5-hi", "Когда собрание?", user="u5", minutes=9),
                         cmd("r1", "unblock_request", minutes=10, apology_message_id="sorry")),
            until=T0 + timedelta(hours=30))
    r.feed([cmd("o1", "objection", minutes=60 * 26, by="u5")])
    assert r.flagged("command_refused")[0]["reason"].startswith("no early-unblock request")
    assert len(r.actions("unblock")) == 1


def test_a_pardon_cancels_a_strike_and_lifts_a_block_resting_on_it():
    d, _ = run([staff()] + [msg(f"m{i}", SWEARS[i], minutes=i) for i in range(3)]
               + [cmd("p1", "pardon", minutes=4, message_id="m1"), msg("m9", "сука", minutes=5)])
    assert actions(d, "block") == []
    assert "по ошибке" in actions(d, "notice")[0]["text"]          # the sender hears it was a mistake
    d, _ = run(blocked_then(cmd("p1", "pardon", minutes=10, message_id="m2")))
    assert "pardoned" in actions(d, "unblock")[0]["reason"]


def test_quiet_hours_remind_once_a_night_and_count_no_strike():
    night = [msg(f"n{i}", f"Во сколько собрание {i}?", minutes=12 * 60 + i,
                 ctx={"kind": "parents", "timezone": "Asia/Yekaterinburg"}) for i in range(3)]
    d, _ = run(night)   # 22:00+ in Yekaterinburg
    assert len(actions(d, "remind")) == 1 and actions(d, "block") == [] and actions(d, "delete_message") == []
    teacher = [msg("t1", "Во сколько собрание?", minutes=12 * 60, sender_role="teacher",
                   ctx={"kind": "parents", "timezone": "Asia/Yekaterinburg"})]
    assert run(teacher)[0] == []


def test_flood_repeats_and_cascades():
    same = [msg(f"r{i}", "Где сменка???", minutes=i) for i in range(3)]
    d, _ = run(same)
    assert [x["message_id"] for x in actions(d, "delete_message")] == ["r2"]
    cascade = [msg(f"c{i}", "Спасибо большое!", user=f"u{i}", minutes=i) for i in range(6)]
    d, _ = run(cascade)
    assert [x["message_id"] for x in actions(d, "delete_message")] == ["c3", "c4", "c5"]


ROSTER = [
    {"event_id": "j1", "kind": "join", "user_id": "t7", "chat_id": "c1", "at": T0.isoformat()},
    {"event_id": "j2", "kind": "join", "user_id": "t7", "chat_id": "c2", "at": T0.isoformat()},
    {"event_id": "j3", "kind": "join", "user_id": "s1", "chat_id": "c3", "at": T0.isoformat()},
    {"event_id": "j4", "kind": "join", "user_id": "p1", "chat_id": "c1", "at": T0.isoformat(), "role": "parent",
     "pupils": ["s1"]},
]


def test_an_employee_who_leaves_is_removed_from_every_chat():
    d, _ = run(ROSTER + [{"event_id": "x1", "kind": "left_school", "user_id": "t7", "role": "teacher",
                          "at": T0.isoformat()}])
    assert sorted((x["chat_id"], x["user_id"]) for x in actions(d, "remove_member")) == [("c1", "t7"), ("c2", "t7")]


def test_a_pupil_leaves_with_the_linked_parents():
    d, _ = run(ROSTER + [{"event_id": "x2", "kind": "left_school", "user_id": "s1", "role": "student",
                          "parents": ["p1"], "at": T0.isoformat()}])
    assert sorted((x["chat_id"], x["user_id"]) for x in actions(d, "remove_member")) == [("c1", "p1"), ("c3", "s1")]


def test_a_parent_leaving_alone_is_not_removed():
    d, _ = run(ROSTER + [{"event_id": "x3", "kind": "left_school", "user_id": "p1", "role": "parent",
                          "at": T0.isoformat()}])
    assert actions(d, "remove_member") == []


def test_a_malformed_record_is_reported_and_the_rest_runs():
    d, errors = run([{"message_id": "m1", "chat_id": "c1"}, msg("m2", "сука")])
    assert len(errors) == 1 and "sender_id" in errors[0] and len(actions(d, "delete_message")) == 1


def test_policy_refuses_a_block_longer_than_a_month(tmp_path):
    from streams.policy.config import DEFAULT_FILE
    text = DEFAULT_FILE.read_text(encoding="utf-8").replace("max_block_days = 30", "max_block_days = 45")
    (tmp_path / "p.toml").write_text(text, encoding="utf-8")
    with pytest.raises(PolicyError, match="one month"):
        load(tmp_path / "p.toml")


BAD_INPUT = [
    ("command without by", "moderation.commands", {"command_id": "c", "kind": "block", "chat_id": "c", "user_id": "u",
                                                    "at": T0.isoformat()}, "'by' is required"),
    ("unknown command", "moderation.commands", {"command_id": "c", "kind": "ban", "chat_id": "c", "user_id": "u",
                                                 "by": "t", "at": T0.isoformat()}, "kind must be one of"),
    ("roster join without chat", "chat.roster", {"event_id": "e", "kind": "join", "user_id": "u",
                                                  "at": T0.isoformat()}, "needs chat_id"),
    ("roster time not a time", "chat.roster", {"event_id": "e", "kind": "leave", "user_id": "u", "chat_id": "c",
                                                "at": "завтра"}, "not an ISO 8601 time"),
]


@pytest.mark.parametrize("name,topic,value,reason", BAD_INPUT, ids=[c[0] for c in BAD_INPUT])
def test_bad_commands_and_roster_events_are_input_errors(name, topic, value, reason):
    from streams.dispatch import InputError, apply
    with pytest.raises(InputError, match=reason):
        apply(Engine(), topic, json.dumps(value).encode())


def test_replay_command_prints_decisions(tmp_path, capsys):
    from streams.cli import main
    path = tmp_path / "s.jsonl"
    path.write_text("\n".join(json.dumps(msg(f"m{i}", SWEARS[i], minutes=i), ensure_ascii=False)
                              for i in range(4)) + "\n{broken\n", encoding="utf-8")
    assert main(["replay", str(path)]) == 1          # one bad line: reported, the rest ran
    out = [json.loads(l) for l in capsys.readouterr().out.splitlines()]
    assert [d["action"] for d in out].count("block") == 1
