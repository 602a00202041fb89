"""Only a person with authority over a chat may confirm, block, pardon or ask for an unblock, and
only on the grounds the rules allow (000 §4.5–4.7). Every refusal says why; a refusal of
authority is urgent (someone tried)."""
from datetime import datetime, timedelta, timezone

import pytest

from streams.policy import Engine
from streams.policy.config import load
from tests.streams.scenario import T0, Run, at, cmd, join, msg, staff

SWEARS = ["х*й", "пи**ец", "бля", "заебали", "охуеть"]
REGISTRY = '''
[defaults]
moderators = ["deputy"]
authorisers = ["director"]

[chats."c1"]
moderators = ["t-named"]
'''


@pytest.fixture(autouse=True)
def chat_registry(use_registry):
    use_registry(REGISTRY)


def four_strikes():
    return [msg(f"m{i}", SWEARS[i], minutes=i) for i in range(4)]


WHO = [
    # (what the case shows, roster events first, who sends the block, refused because…)
    ("a parent", [join("p9", role="parent")], "p9", "p9 is not a moderator of c1"),
    ("someone who only wrote in the chat", [msg("x", "Когда собрание?", user="p9", minutes=-5)], "p9",
     "not a moderator"),
    ("a message's sender_role is not authority", [msg("x", "Когда собрание?", user="p9", minutes=-5,
                                                      sender_role="teacher")], "p9", "not a moderator"),
    ("a teacher of another chat", [join("t2", chat="c2", role="teacher")], "t2", "not a moderator"),
    ("a teacher who left the chat", [join("t3", role="teacher"), {"event_id": "l-t3", "kind": "leave",
                                     "user_id": "t3", "chat_id": "c1", "at": at(-30)}], "t3", "not a moderator"),
    ("the participant for themselves", [join("u1", role="teacher")], "u1", "for themselves"),
]


@pytest.mark.parametrize("name,before,by,reason", WHO, ids=[c[0] for c in WHO])
def test_a_block_from_someone_without_authority_is_refused_and_urgent(name, before, by, reason):
    r = Run(before + four_strikes()[:1] + [cmd("b1", "block", by=by, minutes=10)])
    [refused] = r.flagged("command_refused")
    assert reason in refused["reason"] and refused["urgent"] is True
    assert r.actions("block") == []


MODERATORS = [
    ("joined as teacher", [staff()], "t1"),
    ("joined as admin", [join("a1", role="admin")], "a1"),
    ("named for the chat in the registry", [], "t-named"),
    ("named for every chat in the registry", [], "deputy"),
]


@pytest.mark.parametrize("name,before,by", MODERATORS, ids=[c[0] for c in MODERATORS])
def test_a_moderator_may_confirm(name, before, by):
    r = Run(before + [msg("k0", "Корова, верни тетрадь")])
    r.feed([cmd("c1", "confirm", by=by, minutes=5, review_id=r.review_of("k0")["review_id"])])
    assert r.flagged("command_refused") == [] and len(r.participant()["strikes"]) == 1


@pytest.mark.parametrize("kind,extra", [("confirm", {"review_id": "rv-x"}), ("dismiss", {"review_id": "rv-x"}),
                                        ("pardon", {"message_id": "m0"}),
                                        ("unblock_request", {"apology_message_id": "m9"})])
def test_every_moderators_command_is_refused_from_a_parent(kind, extra):
    r = Run([join("p9")] + four_strikes() + [cmd("x1", kind, by="p9", minutes=10, **extra)])
    [refused] = r.flagged("command_refused")
    assert "not a moderator" in refused["reason"] and refused["urgent"]


def propose():
    return Engine(policy=load(block="propose"))


MANUAL = [
    # (what the case shows, events before the block, the block's fields, refused because…)
    ("one counted violation", four_strikes()[:1], {}, "1 counted violation"),
    ("unreviewed findings and a night reminder are not grounds",
     four_strikes()[:3] + [msg("k1", "Корова, верни тетрадь", minutes=5),
                           msg("n1", "Во сколько собрание?", minutes=12 * 60,
                               ctx={"kind": "parents", "timezone": "Asia/Yekaterinburg"})], {},
     "3 counted violation"),
    ("a cited message that is not a counted violation", four_strikes() + [msg("ok", "Спасибо", minutes=6)],
     {"message_ids": ["m0", "ok"]}, "ok: not a counted violation"),
    ("longer than a month", four_strikes(), {"until": (T0 + timedelta(days=40)).isoformat()}, "at most 30 days"),
    ("an authorisation without a term", [], {"authorisation": {"by": "director"}}, "authorisation.until"),
    ("an authorisation by someone who may not give one", [],
     {"authorisation": {"by": "p9", "until": (T0 + timedelta(days=60)).isoformat()}}, "may not authorise"),
]


@pytest.mark.parametrize("name,before,extra,reason", MANUAL, ids=[c[0] for c in MANUAL])
def test_a_manual_block_needs_the_rules_grounds(name, before, extra, reason):
    r = Run([staff()] + before + [cmd("b1", "block", minutes=60 * 13, **extra)], engine=propose())
    [refused] = r.flagged("command_refused")
    assert reason in refused["reason"], refused["reason"]
    assert r.actions("block") == []


def test_a_manual_block_on_more_than_three_counted_violations_and_one_authorised():
    r = Run([staff()] + four_strikes() + [cmd("b1", "block", minutes=10)], engine=propose())
    [block] = r.actions("block")
    assert [g["message_id"] for g in block["grounds"]] == ["m0", "m1", "m2", "m3"]
    r = Run([staff(), cmd("b2", "block", user="u9", minutes=1, authorisation={
        "by": "director", "document": "приказ № 12", "until": (T0 + timedelta(days=60)).isoformat()})])
    [block] = r.actions("block")
    assert block["grounds"] == [{"authorised_by": "director", "document": "приказ № 12"}]


def blocked():
    return [staff(), join("u5")] + four_strikes()


UNBLOCK = [
    # (what the case shows, messages after the block, the request's fields, refused because…)
    ("no apology cited", [], {}, "needs apology_message_id"),
    ("an apology nobody wrote", [], {"apology_message_id": "m-none"}, "is not a message of u1"),
    ("a message from before the block", [], {"apology_message_id": "m1"}, "since the block began"),
    ("someone else's message", [msg("s5", "Извините за него", user="u5", minutes=6)],
     {"apology_message_id": "s5"}, "is not a message of u1"),
    ("an «apology» that breaks the rules", [msg("s1", "извините, бл*", minutes=6)],
     {"apology_message_id": "s1"}, "itself breaks the chat rules"),
    ("a message that is no apology", [msg("s1", "Ну и ладно, мне всё равно, пишите что хотите", minutes=6)],
     {"apology_message_id": "s1"}, "does not read as an apology"),
    ("blaming the others", [msg("s1", "Это вы все виноваты, а не я. Разблокируйте меня", minutes=6)],
     {"apology_message_id": "s1"}, "does not read as an apology"),
]


@pytest.mark.parametrize("name,after,extra,reason", UNBLOCK, ids=[c[0] for c in UNBLOCK])
def test_an_early_unblock_needs_a_real_apology(name, after, extra, reason):
    r = Run(blocked() + after + [cmd("r1", "unblock_request", minutes=10, **extra)], until=T0 + timedelta(days=2))
    [refused] = [f for f in r.flagged("command_refused") if f["command_id"] == "r1"]
    assert reason in refused["reason"]
    assert r.actions("notice") == [] and r.actions("unblock") == []   # the chat is never told of an apology


def test_the_notice_quotes_the_apology():
    r = Run(blocked() + [msg("s1", "Простите меня все, был неправ", minutes=6),
                         cmd("r1", "unblock_request", minutes=10, apology_message_id="s1")])
    [notice] = r.actions("notice")
    assert "«Простите меня все, был неправ»" in notice["text"]
    closes = (T0 + timedelta(minutes=10, hours=24)).astimezone(timezone.utc)
    assert notice["grounds"][0]["apology_message_id"] == "s1"
    assert datetime.fromisoformat(notice["grounds"][0]["objections_until"]) == closes


def test_the_moderators_see_what_a_blocked_participant_says_and_each_objection():
    r = Run(blocked() + [msg("hi6", "Добрый вечер", user="u6", minutes=4), msg("s0", "Это несправедливо", minutes=5),
                         msg("s1", "Простите меня все, был неправ", minutes=6),
                         cmd("r1", "unblock_request", minutes=10, apology_message_id="s1"),
                         cmd("o1", "objection", minutes=20, user_id="u1", by="u6"),
                         cmd("o2", "objection", minutes=21, user_id="u1", by="u6")])   # the same twice: once
    said = {f["message_id"]: (f["apology"], f["clean"]) for f in r.flagged("said_while_blocked")}
    assert said == {"s0": (False, True), "s1": (True, True)}
    [objection] = r.flagged("objection")
    assert (objection["by"], objection["objections"], objection["request_id"]) == ("u6", 1, "r1")


APOLOGIES = ["Простите меня все, я был неправ", "Извиняюсь перед всеми родителями", "Прошу прощения за резкость",
             "Погорячилась, сожалею", "Я виновата, больше не повторится"]


@pytest.mark.parametrize("text", APOLOGIES)
def test_an_apology_in_its_usual_words_is_quoted(text):
    r = Run(blocked() + [msg("s1", text, minutes=6), cmd("r1", "unblock_request", minutes=10, apology_message_id="s1")])
    assert f"«{text}»" in r.actions("notice")[0]["text"]


def test_a_moderator_may_vouch_for_an_apology_in_other_words():
    r = Run(blocked() + [msg("s1", "Мне очень неловко за своё поведение", minutes=6),
                         cmd("r1", "unblock_request", minutes=10, apology_message_id="s1", apology_confirmed=True)])
    assert "«Мне очень неловко за своё поведение»" in r.actions("notice")[0]["text"]


def test_a_deleted_message_cannot_stand_as_an_apology_the_chat_never_saw():
    r = Run(blocked() + [msg("s1", "Простите меня все. Мой номер 8 916 123-45-67", minutes=6),
                         cmd("r1", "unblock_request", minutes=10, apology_message_id="s1")])
    assert "itself breaks the chat rules" in r.flagged("command_refused")[0]["reason"]


OBJECTIONS = [
    ("a member who joined", "u5", True),
    ("a member seen writing", "u6", True),
    ("someone who never was in the chat", "stranger", False),
    ("the blocked participant", "u1", False),
]


@pytest.mark.parametrize("name,by,counts", OBJECTIONS, ids=[c[0] for c in OBJECTIONS])
def test_an_objection_counts_only_from_a_current_member(name, by, counts):
    r = Run(blocked() + [msg("hi6", "Добрый вечер, когда собрание?", user="u6", minutes=5),
                         msg("s1", "Простите меня", minutes=6),
                         cmd("r1", "unblock_request", minutes=10, apology_message_id="s1"),
                         cmd("o1", "objection", minutes=20, by=by)], until=T0 + timedelta(days=2))
    assert bool(r.actions("unblock")) is not counts
    if not counts:
        [refused] = [f for f in r.flagged("command_refused") if f["command_id"] == "o1"]
        assert refused["urgent"] is True      # someone tried to keep a participant blocked


def test_the_objection_deadline_is_on_the_chats_clock_whatever_the_command_was_stamped_with():
    ekb = {"kind": "parents", "timezone": "Asia/Yekaterinburg"}
    r = Run([staff()] + [msg(f"m{i}", SWEARS[i], minutes=i, ctx=ekb) for i in range(4)]
            + [msg("s1", "Простите меня все", minutes=6, ctx=ekb),
               cmd("r1", "unblock_request", minutes=10, apology_message_id="s1") | {"at": "2026-11-18T05:10:00Z"}])
    # 05:10 UTC + 24 h = 10:10 next day in Yekaterinburg (+05), not 05:10
    assert "до 19.11 10:10" in r.actions("notice")[0]["text"]
