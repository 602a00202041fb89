"""State stays bounded: what nothing depends on any more is forgotten, by time as well as by events,
and no single table value grows with the number of participants."""
import json
from datetime import timedelta

from streams.policy import Engine
from streams.policy.flood import MAX_IDS, MAX_KEYS
from tests.streams.scenario import T0, Run, join, msg, staff

SWEARS = ["х*й", "пи**ец", "бля", "заебали"]


def keys(engine, prefix="c1|"):
    return sorted(k for k in engine.participants if k.startswith(prefix))


def test_strikes_stop_counting_on_their_own_timer():
    r = Run([msg(f"m{i}", SWEARS[i], minutes=i) for i in range(3)], until=T0 + timedelta(days=71))
    assert r.participant()["strikes"] == []        # no new violation was needed to expire them


def test_a_silent_writer_is_forgotten_and_a_joined_member_is_not():
    r = Run([join("u-joined"), msg("m1", "Когда собрание?", user="u-quiet"),
             msg("m2", "В среду", user="u-joined")], until=T0 + timedelta(days=181))
    assert keys(r.engine) == ["c1|u-joined"]


def test_someone_who_left_with_nothing_pending_is_forgotten_at_once():
    r = Run([join("u1"), msg("m1", "Спасибо"), {"event_id": "l1", "kind": "leave", "user_id": "u1", "chat_id": "c1",
                                                 "at": (T0 + timedelta(minutes=5)).isoformat()}])
    assert keys(r.engine) == []


def test_a_block_is_remembered_a_year_so_the_next_one_is_longer():
    r = Run([staff()] + [msg(f"m{i}", SWEARS[i], minutes=i) for i in range(4)], until=T0 + timedelta(days=200))
    assert "c1|u1" in r.engine.participants and r.engine.participants["c1|u1"]["past_blocks"]
    r.feed([], until=T0 + timedelta(days=400))
    assert "c1|u1" not in r.engine.participants


def test_no_table_value_grows_with_the_number_of_participants():
    # 3,000 review items within one minute, each with its expiry timer: all fall due together
    events = [msg(f"m{i}", "Корова, верни тетрадь", user=f"u{i}", chat=f"c{i % 50}", minutes=i * 0.0003)
              for i in range(3_000)]
    r = Run(events)
    biggest = max(len(json.dumps(v, ensure_ascii=False)) for v in r.engine.due.values())
    assert biggest < 100, f"a timer entry of {biggest:,} bytes"
    assert len(r.engine.due) > 3_000                # one entry a timer
    r.feed([], until=T0 + timedelta(days=200))
    assert r.engine.participants == {} and all(k.endswith("|cursor") for k in r.engine.due)


def test_a_minute_written_by_the_previous_version_still_fires():
    r = Run([msg("m1", "Корова, верни тетрадь")])
    engine = r.engine
    slots = {k: v for k, v in engine.due.items() if not k.endswith("|cursor")}
    minute_key = next(k for k, v in slots.items() if isinstance(v, int))
    whose = [v for k, v in slots.items() if isinstance(v, str)]
    for k in slots:
        del engine.due[k]
    engine.due[minute_key] = whose                  # the old shape: a list of keys under "P|minute"
    r.feed([], until=T0 + timedelta(days=200))
    assert engine.participants == {} and all(k.endswith("|cursor") for k in engine.due)


def test_a_chats_flood_window_is_bounded_even_with_a_message_from_the_future():
    engine = Engine()
    events = [msg("future", "привет из будущего", minutes=60 * 24 * 365)]
    events += [msg(f"m{i}", f"текст номер {i}", user=f"u{i % 30}", minutes=i * 0.01) for i in range(5_000)]
    Run(events, engine=engine)
    window = engine.windows["c1"]
    assert len(window.ids) <= MAX_IDS + 1 and len(window.by_key) <= MAX_KEYS + 1


def test_a_roster_record_with_no_chat_left_is_dropped():
    r = Run([join("u1"), {"event_id": "l1", "kind": "leave", "user_id": "u1", "chat_id": "c1",
                          "at": (T0 + timedelta(minutes=5)).isoformat()}])
    assert "u1" not in r.engine.members


def test_a_frequent_offenders_record_keeps_only_what_a_pardon_may_still_need():
    # 150 sticker floods from one parent (deleted, never struck): the record keeps the last 100
    stickers = [{"kind": "sticker", "file_name": f"s{i}.webp"} for i in range(150)]
    r = Run([msg(f"m{i}", "", attachments=[stickers[i]], minutes=i * 10) for i in range(150)])
    record = r.participant()["record"]
    assert len(record) == 100 and record[-1]["message_id"] == "m149"
    # and after the strike window only the new one is left
    r.feed([msg("late", "", attachments=[{"kind": "sticker", "file_name": "x.webp"}], minutes=60 * 24 * 80)])
    assert [x["message_id"] for x in r.participant()["record"]] == ["late"]


def test_a_chats_window_keeps_only_what_the_flood_rules_look_back_on():
    engine = Engine()
    long_text = "Уважаемые родители, напоминаю о собрании " * 100          # 4,000 characters
    events = [msg(f"m{i}", f"{long_text} {i}", user=f"u{i % 9}", minutes=i * 0.1) for i in range(300)]
    events.append(msg("later", "Спасибо", user="u1", minutes=30 + 300 * 0.1))   # past every flood window
    Run(events, engine=engine)
    window = engine.windows["c1"]
    assert list(window.ids) == ["later"]                     # not three hours of ids (the roll call's span)
    assert all(isinstance(k, bytes) and len(k) == 16 for k in window.by_key)   # digests, not the texts
