"""The dispatcher answers every record: random bytes, random JSON, random near-messages on every
topic give effects or an InputError with a reason (a dead letter), never another exception."""
import json
from datetime import datetime, timezone

from hypothesis import HealthCheck, given, settings, strategies as st

from streams import dispatch, topics
from streams.policy import Engine

TOPICS = [topics.MESSAGES, topics.COMMANDS, topics.ROSTER, topics.MEMBERSHIP, topics.TICKS]
NOW = datetime(2026, 11, 18, 12, tzinfo=timezone.utc)
json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(),
                           lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(), inner, max_size=5),
                           max_leaves=30)
FIELDS = ["message_id", "chat_id", "sender_id", "sent_at", "text", "attachments", "chat", "command_id", "kind",
          "user_id", "by", "at", "event_id", "role", "pupils", "parents", "review_id", "message_ids", "now",
          "until", "authorisation", "apology_message_id"]
near_records = st.dictionaries(st.sampled_from(FIELDS), json_values | st.just("2026-11-18T10:00:00+05:00")
                               | st.sampled_from(["block", "confirm", "join", "left_school", "c1", "u1"]), max_size=12)


def answered(topic: str, raw) -> None:
    try:
        fx = dispatch.apply(Engine(), topic, raw, key=b"c1", received=NOW)
    except dispatch.InputError as err:
        assert str(err)                      # a dead letter says why
    else:
        assert fx is not None


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(TOPICS), st.binary(max_size=300))
def test_random_bytes_are_answered(topic, raw):
    answered(topic, raw)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(TOPICS), json_values)
def test_random_json_is_answered(topic, value):
    answered(topic, json.dumps(value).encode())


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(TOPICS), near_records)
def test_records_that_nearly_are_ones_are_answered(topic, value):
    answered(topic, json.dumps(value).encode())


BASES = {
    topics.MESSAGES: {"message_id": "m1", "chat_id": "c1", "sender_id": "u1", "sent_at": "2026-11-18T10:00:00+05:00",
                      "text": "какого х*я", "chat": {"kind": "parents", "timezone": "Asia/Yekaterinburg"}},
    topics.COMMANDS: {"command_id": "k1", "kind": "block", "chat_id": "c1", "user_id": "u1", "by": "t1",
                      "at": "2026-11-18T10:00:00+05:00", "message_ids": ["m1"]},
    topics.ROSTER: {"event_id": "e1", "kind": "left_school", "user_id": "c1", "role": "student", "parents": ["p1"],
                    "at": "2026-11-18T10:00:00+05:00"},
    topics.MEMBERSHIP: {"event_id": "e1", "kind": "join", "chat_id": "c1", "user_id": "u1", "role": "teacher",
                        "at": "2026-11-18T10:00:00+05:00"},
    topics.TICKS: {"now": "2026-11-18T10:00:00+05:00"},
}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(TOPICS), st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=4))
def test_valid_records_with_a_few_fields_broken_are_answered(topic, broken):
    answered(topic, json.dumps(BASES[topic] | broken).encode())
