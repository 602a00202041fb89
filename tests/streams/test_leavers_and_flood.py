"""Who leaves with a pupil (000 §4.8) and what is flood over time (003 §5.3): content, not kind."""
import pytest

from tests.streams.scenario import Run, at, cmd, join, msg, staff


@pytest.fixture(autouse=True)
def chat_registry(use_registry):
    use_registry('[defaults]\nmoderators = ["t-named"]\n')


def left_school(user, role="student", minutes=0, **extra):
    return {"event_id": f"x-{user}", "kind": "left_school", "user_id": user, "role": role, "at": at(minutes),
            **extra}


FAMILY = [
    join("s1", chat="c1-pupils", role="student"),
    join("p1", chat="c1", pupils=["s1"]),                 # in the 5 «Б» parents' chat for s1
    join("p1", chat="c2", pupils=["s2"]),                 # and in the 2 «А» chat for her other child
    join("p1", chat="c3", pupils=["s1", "s2"]),           # and in the school's parents' channel for both
    join("p1", chat="c4"),                                # joined without saying for whom
]


def removed(r: Run) -> list[tuple[str, str]]:
    return sorted((d["chat_id"], d["user_id"]) for d in r.actions("remove_member"))


def test_a_pupil_leaves_with_the_parent_from_the_chats_she_joined_for_him_only():
    r = Run(FAMILY + [msg("w", "Спасибо за информацию", user="p1", chat="c5", minutes=-10),
                      left_school("s1", parents=["p1"])])
    assert removed(r) == [("c1", "p1"), ("c1-pupils", "s1")]
    # c2 and c3 stay: she is there for a child still at school; c4 and c5: dozor cannot tell
    items = r.flagged("review", review="removal")
    assert sorted(f["chat_id"] for f in items) == ["c4", "c5"]
    assert all(f["suggested"] == ["remove_member"] and "cannot tell" in f["explanation"] for f in items)


def test_the_parents_are_found_by_their_join_when_the_leaving_event_does_not_list_them():
    r = Run(FAMILY + [left_school("s1")])
    assert ("c1", "p1") in removed(r)


def test_a_removal_dozor_cannot_decide_waits_for_a_moderator():
    r = Run([staff(chat="c4")] + FAMILY + [left_school("s1", parents=["p1"])])
    [item] = r.flagged("review", review="removal")
    r.feed([cmd("c1", "confirm", user="p1", chat="c4", minutes=5, review_id=item["review_id"])])
    assert ("c4", "p1") in removed(r) and "подтвердил модератор" in r.actions("remove_member", chat_id="c4")[0]["reason"]
    r = Run([staff(chat="c4")] + FAMILY + [left_school("s1", parents=["p1"])])
    [item] = r.flagged("review", review="removal")
    r.feed([cmd("d1", "dismiss", user="p1", chat="c4", minutes=5, review_id=item["review_id"])])
    assert ("c4", "p1") not in removed(r) and r.flagged("review_closed", outcome="dismissed")


def test_a_teacher_who_leaves_is_removed_everywhere_and_moderates_no_more():
    r = Run([staff(chat="c1"), staff(chat="c2"), msg("m0", "х*й"), left_school("t1", role="teacher", minutes=5),
             cmd("p1", "pardon", minutes=10, message_id="m0")])
    assert removed(r) == [("c1", "t1"), ("c2", "t1")]
    assert "not a moderator" in r.flagged("command_refused")[0]["reason"]


def test_a_parent_who_joined_a_chat_once_per_child_stays_for_the_one_still_at_school():
    r = Run([join("p1", chat="c1", pupils=["s1"], eid="j1"), join("p1", chat="c1", pupils=["s2"], eid="j2"),
             left_school("s2", parents=["p1"])])
    assert removed(r) == [] and r.flagged("review") == []


def test_a_teacher_who_leaves_stays_where_she_is_a_parent():
    r = Run([staff(chat="c7a"), join("t1", chat="c5b", role="parent", pupils=["s9"]),
             left_school("t1", role="teacher")])
    assert removed(r) == [("c7a", "t1")]


def test_a_parent_leaving_alone_is_not_removed():
    r = Run(FAMILY + [left_school("p1", role="parent")])
    assert removed(r) == [] and r.flagged("review") == []


def photos(user, n, minutes=0, **identity):
    return [msg(f"{user}-ph{i}", "", user=user, minutes=minutes + i * 0.1,
                attachments=[{"kind": "image", "file_name": f"IMG_{i}.jpg", **identity}]) for i in range(n)]


def flood(r: Run) -> list[str]:
    """Messages found to be flood, whatever is done about them."""
    return sorted({v["message_id"] for v in r.violations for x in v["violations"] if x["category"] == "flood"})


NOT_FLOOD = [
    ("a teacher's album of ten photos", [staff()] + photos("t1", 10)),
    ("a teacher's album, by the message's role", [msg(f"a{i}", "", user="t9", minutes=i * 0.1, sender_role="teacher",
                                                      attachments=[{"kind": "image"}]) for i in range(10)]),
    ("a parent's eight pages of homework", photos("p1", 8)),
    ("an album by a moderator named in the registry", photos("t-named", 10, sha256="same")),
    ("parents send the photos a teacher asked for",
     [staff(), msg("ask", "Пришлите, пожалуйста, фото поделок до вечера", user="t1")]
     + [m for u in ("p1", "p2", "p3", "p4", "p5") for m in photos(u, 2, minutes=5)]),
    ("worksheets with names and sizes", [staff()] + [msg(f"w{i}", "", user="t1", minutes=i * 0.1, attachments=[
        {"kind": "file", "file_name": f"worksheet-{i}.pdf", "size": 1000 + i}]) for i in range(8)]),
    ("a roll call: «+» to a teacher's question",
     [staff(), msg("ask", "Кто идёт на экскурсию в пятницу? Поставьте +", user="t1")]
     + [msg(f"r{i}", "+", user=f"p{i}", minutes=10 + i) for i in range(8)]),
    ("a roll call: «Идём» from many parents",
     [staff(), msg("ask", "Кто поедет в театр?", user="t1")]
     + [msg(f"r{i}", "Идём!", user=f"p{i}", minutes=30 + i) for i in range(6)]),
    ("a roll call answered by reply, late", [staff(), msg("ask", "Кто придёт на собрание?", user="t1")]
     + [msg(f"r{i}", "Придём", user=f"p{i}", minutes=60 * 5 + i, reply_to="ask") for i in range(6)]),
]


@pytest.mark.parametrize("name,events", NOT_FLOOD, ids=[c[0] for c in NOT_FLOOD])
def test_content_is_judged_not_kind(name, events):
    r = Run(events)
    assert flood(r) == [] and r.actions("delete_message") == []


ASKED = [staff(), msg("ask", "Все поняли задание?", user="t1")]

FLOOD = [
    ("laughter after a teacher's question is no roll call", ASKED + [msg(f"a{i}", "ааа", user="p1", minutes=1 + i * 0.05)
                                                                   for i in range(12)], "a0", "flood.empty_talk"),
    ("a sticker after a teacher's question", ASKED + [msg("st", "", user="p1", minutes=100,
                                                          attachments=[{"kind": "sticker"}])], "st", "flood.sticker"),
    ("a second «+» from the same parent", ASKED + [msg(f"r{i}", "+", user="p1", minutes=1 + i) for i in range(2)],
     "r1", "flood.emoji"),
    ("the same picture three times", [msg(f"s{i}", "", minutes=i, attachments=[
        {"kind": "image", "file_name": "kotik.jpg", "sha256": "9f2c"}]) for i in range(3)], "s2", "flood.repeat"),
    ("the same picture from four parents", [msg(f"c{i}", "", user=f"p{i}", minutes=i, attachments=[
        {"kind": "image", "file_name": "card.jpg", "size": 48213}]) for i in range(4)], "c3", "flood.cascade"),
    ("«+» with no question asked", [msg(f"r{i}", "+", user=f"p{i}", minutes=i) for i in range(3)], "r0", "flood.emoji"),
    ("«Спасибо!» from everyone", [msg(f"t{i}", "Спасибо большое!", user=f"p{i}", minutes=i) for i in range(5)],
     "t3", "flood.cascade"),
]


@pytest.mark.parametrize("name,events,mid,rule", FLOOD, ids=[c[0] for c in FLOOD])
def test_flood(name, events, mid, rule):
    r = Run(events)
    assert mid in flood(r)
    [v] = [v for v in r.violations if v["message_id"] == mid]
    assert v["violations"][0]["rule"] == rule and v["violations"][0]["certainty"] == "certain"
    assert r.actions("delete_message", message_id=mid)


def test_too_fast_is_only_likely_flood_a_moderator_looks_at():
    r = Run([msg(f"f{i}", f"строчка {i}", minutes=i * 0.05) for i in range(8)])
    assert "f7" in flood(r) and r.actions("delete_message") == []
    assert r.review_of("f7")["categories"] == ["flood"]


def test_flood_evidence_never_repeats_the_text():
    r = Run([msg(f"s{i}", "Мой телефон 8 916 123 45 67", minutes=i) for i in range(3)])
    assert "123 45" not in str([v for v in r.violations if v["message_id"] == "s2"][0]["violations"][-1]["evidence"])
