"""What dozor does alone and what waits for a moderator: certainty → treatment, and the review loop
(confirm, dismiss, expiry, block proposals), through the engine `dozor replay` and the workers run."""
import json
from datetime import timedelta
from pathlib import Path

import pytest

from filters.model import Evidence, Verdict, Violation
from streams.policy import Engine
from streams.policy.config import load
from tests.streams.scenario import T0, TEACHER, Run, cmd, msg, staff

PII_CHAT = {"kind": "parents", "timezone": "Asia/Yekaterinburg"}

TREATED = [
    # (what the case shows, text, attachments, decisions, a review item?, strikes)
    ("a strong insult said to someone: certain, struck", "ты дебил", None, ["delete_message", "remind"], False, 1),
    ("an obscene form: certain, struck", "какого х*я опять", None, ["delete_message", "remind"], False, 1),
    ("a word that insults only when aimed: for a moderator", "Корова, верни тетрадь", None, [], True, 0),
    ("a homonym of swearing («на суку»): for a moderator", "ворона сидит на суку", None, [], True, 0),
    ("a threat: urgent, for a moderator, who is notified", "я тебя зарежу", None, ["notify"], True, 0),
    ("an ad: never certain, for a moderator", "Покупайте косметику со скидкой 50% по ссылке", None, [], True, 0),
    ("a mobile number: deleted, no strike", "Мой номер 8 916 123-45-67, звоните", None,
     ["delete_message", "remind"], False, 0),
    ("a home address: hidden until a moderator decides", "Живём на улица Ленина, дом 5, кв. 12, заходите", None,
     ["delete_message", "remind"], True, 0),
    ("a lone sticker: deleted, no strike", "", [{"kind": "sticker", "file_name": "bear.webp"}],
     ["delete_message", "remind"], False, 0),
    ("an ordinary question: nothing", "Завтра контрольная по математике?", None, [], False, 0),
]


def test_an_urgent_item_reaches_the_chats_moderators_privately_with_a_link(use_registry):
    use_registry('[chats.c1]\nmoderators = ["t-7", "t-zavuch"]\n')
    policy = load(console_url="https://dozor.school31.ru/")
    r = Run([msg("m1", "я тебя зарежу", ctx=PII_CHAT)], engine=Engine(policy))
    (note,) = [d for d in r.decisions if d["action"] == "notify"]
    (item,) = r.flagged("review")
    assert note["audience"] == "moderators" and note["recipients"] == ["t-7", "t-zavuch"]
    assert note["link"] == f"https://dozor.school31.ru/item/{item['review_id']}/"
    assert "зарежу" not in note["text"] and item["review_id"] in note["text"]
    calm = Run([msg("m1", "Корова, верни тетрадь", ctx=PII_CHAT)], engine=Engine(policy))
    assert calm.flagged("review") and not [d for d in calm.decisions if d["action"] == "notify"]


@pytest.mark.parametrize("name,text,attachments,decisions,review,strikes", TREATED, ids=[c[0] for c in TREATED])
def test_only_certain_findings_are_acted_on_alone(name, text, attachments, decisions, review, strikes):
    extra = {"attachments": attachments} if attachments else {}
    r = Run([msg("m1", text, ctx=PII_CHAT, **extra)])
    assert sorted(d["action"] for d in r.decisions) == sorted(decisions)
    assert bool(r.flagged("review")) == review
    assert len(r.participant()["strikes"]) == strikes
    if review:
        item = r.review_of("m1")
        assert item["review_id"].startswith("rv-") and item["certainty"] in ("likely", "possible")
        assert item["evidence"] and item["suggested"] and item["expires_at"] > item["sent_at"]
    if "delete_message" in decisions:
        [delete] = r.actions("delete_message")
        assert delete["grounds"] and all(g["message_id"] == "m1" for g in delete["grounds"])


def test_a_threat_waits_for_a_moderator_as_an_urgent_item():
    item = Run([msg("m1", "я тебя зарежу")]).review_of("m1")
    assert item["urgent"] is True and item["categories"] == ["threat"] and item["suggested"] == ["strike"]


LIKELY = ["Корова, верни тетрадь", "Корова, отдай ручку", "Корова, где мой пенал", "Корова, не толкайся",
          "Корова, верни линейку"]


def likely_insults(n: int, start: int = 0) -> list[dict]:
    """Words that insult only when aimed: each one waits for a moderator (different texts: the same
    text three times would be flood, for certain)."""
    return [msg(f"k{i}", LIKELY[i], minutes=i) for i in range(start, start + n)]


def review_id(r: Run, mid: str) -> str:
    return r.review_of(mid)["review_id"]


def test_a_confirmed_finding_counts_as_a_certain_one_and_names_the_moderator():
    r = Run([staff()] + likely_insults(1))
    r.feed([cmd("c1", "confirm", minutes=5, review_id=review_id(r, "k0"))])
    assert {d["action"] for d in r.decisions} == {"delete_message", "remind"}
    [delete] = r.actions("delete_message")
    assert delete["grounds"] == [{"message_id": "k0", "category": "insult", "rule": "insult.lexicon",
                                  "confirmed_by": TEACHER}]
    [strike] = r.participant()["strikes"]
    assert strike["certainty"] == "confirmed" and strike["confirmed_by"] == TEACHER
    [closed] = r.flagged("review_closed")
    assert closed["outcome"] == "confirmed" and closed["entries"][0]["source"].startswith("insult/aimed.txt:")


def test_four_confirmed_findings_block():
    r = Run([staff()] + likely_insults(4))
    r.feed([cmd(f"c{i}", "confirm", minutes=10 + i, review_id=review_id(r, f"k{i}")) for i in range(4)])
    [block] = r.actions("block")
    assert block["strikes"] == 4 and all(g["confirmed_by"] == TEACHER for g in block["grounds"])
    assert "подтвердил модератор" in block["reason"]


def test_four_unreviewed_findings_never_block():
    # the mother blocked for a week for four permitted messages: never again
    r = Run([staff()] + likely_insults(4), until=T0 + timedelta(days=30))
    assert r.actions("block") == [] and r.actions("delete_message") == []
    assert [f["outcome"] for f in r.flagged("review_closed")] == ["expired"] * 4
    assert r.participant()["strikes"] == []


def test_a_dismissed_finding_counts_nothing_and_is_counted_against_its_entry():
    r = Run([staff()] + likely_insults(1))
    r.feed([cmd("d1", "dismiss", minutes=5, review_id=review_id(r, "k0"))])
    assert r.decisions == [] and r.participant()["strikes"] == []
    [closed] = r.flagged("review_closed")
    assert closed["outcome"] == "dismissed" and closed["by"] == TEACHER
    assert closed["entries"] == [{"category": "insult", "rule": "insult.lexicon", "entry": "корова",
                                  "source": closed["entries"][0]["source"]}]


def test_a_hidden_message_dismissed_is_reported_as_deleted_by_mistake():
    r = Run([staff(), msg("m1", "Живём на улица Ленина, дом 5, кв. 12, заходите")])
    assert [d["action"] for d in r.decisions] == ["delete_message", "remind"]
    assert "скрыто до проверки" in r.actions("remind")[0]["text"]
    r.feed([cmd("d1", "dismiss", minutes=5, review_id=review_id(r, "m1"))])
    [notice] = r.actions("notice")
    assert notice["audience"] == "sender" and "удалено по ошибке" in notice["text"]
    assert r.flagged("review_closed")[0]["deletion_mistaken"] is True


def test_an_item_nobody_handles_expires_with_no_strike_and_cannot_be_confirmed_after():
    r = Run([staff()] + likely_insults(1), until=T0 + timedelta(hours=73))
    assert r.flagged("review_closed", outcome="expired")
    r.feed([cmd("c1", "confirm", minutes=60 * 80, review_id=review_id(r, "k0"))])
    assert "no open review item" in r.flagged("command_refused")[0]["reason"]
    assert r.participant()["strikes"] == []


REFUSED = [
    ("no review_id", {}, "needs review_id"),
    ("an unknown review_id", {"review_id": "rv-nothing"}, "no open review item"),
]


@pytest.mark.parametrize("name,extra,reason", REFUSED, ids=[c[0] for c in REFUSED])
def test_confirm_and_dismiss_need_an_open_item(name, extra, reason):
    for kind in ("confirm", "dismiss"):
        r = Run([staff()] + likely_insults(1) + [cmd("c1", kind, minutes=5, **extra)])
        [refused] = r.flagged("command_refused")
        assert reason in refused["reason"] and refused["urgent"] is False


def test_a_confirmation_delivered_twice_counts_once_and_a_second_one_is_refused():
    r = Run([staff()] + likely_insults(1))
    rid = review_id(r, "k0")
    r.feed([cmd("c1", "confirm", minutes=5, review_id=rid)] * 2 + [cmd("c2", "confirm", minutes=6, review_id=rid)])
    assert len(r.participant()["strikes"]) == 1 and len(r.actions("delete_message")) == 1
    assert "no open review item" in r.flagged("command_refused")[0]["reason"]


def test_a_message_with_a_certain_and_a_likely_finding_is_one_strike():
    r = Run([staff(), msg("m1", "ты дебил, я тебя зарежу")])
    assert len(r.participant()["strikes"]) == 1 and r.review_of("m1")["categories"] == ["threat"]
    r.feed([cmd("c1", "confirm", minutes=5, review_id=review_id(r, "m1"))])
    [strike] = r.participant()["strikes"]
    assert strike["categories"] == ["insult", "threat"]
    assert len(r.actions("delete_message")) == 1          # deleted once, when it was certain


def reported(msg_):
    """A verdict as the speech reader gives it for «сына обозвали тупицей»: a report, not an insult."""
    v = Violation("insult", "insult.lexicon", "medium", (Evidence(21, 28, "тупицей", "тупицей", "тупица"),),
                  "insult: reported", urgent=True, certainty="possible", reported=True)
    return Verdict(msg_.message_id, (v,))


def test_a_report_of_bullying_is_an_urgent_item_and_confirming_it_strikes_nobody():
    r = Run([staff(), msg("m1", "сына на перемене обозвали тупицей")], engine=Engine(detect=reported))
    item = r.review_of("m1")
    assert item["reported"] and item["urgent"] and item["suggested"] == ["attend"]
    assert [d["action"] for d in r.decisions] == ["notify"]       # to the moderators: nothing to the sender
    r.feed([cmd("c1", "confirm", minutes=5, review_id=item["review_id"])])
    assert [d["action"] for d in r.decisions] == ["notify"] and r.participant()["strikes"] == []
    assert "not the offender" in r.flagged("review_closed")[0]["reason"]


SWEARS = ["х*й", "пи**ец", "бля", "заебали", "охуеть"]


def propose_engine():
    return Engine(policy=load(block="propose"))


def test_where_the_chat_says_propose_the_4th_violation_is_a_proposal_a_moderator_confirms():
    r = Run([staff()] + [msg(f"m{i}", SWEARS[i], minutes=i) for i in range(4)], engine=propose_engine())
    assert r.actions("block") == []
    [proposal] = r.flagged("review", review="block")
    assert proposal["suggested"] == ["block"] and len(proposal["grounds"]) == 4
    r.feed([cmd("c1", "confirm", minutes=10, review_id=proposal["review_id"])])
    [block] = r.actions("block")
    assert block["strikes"] == 4 and "подтвердил модератор t1" in block["reason"]


def test_a_declined_proposal_blocks_nobody_and_the_next_violation_asks_again():
    r = Run([staff()] + [msg(f"m{i}", SWEARS[i], minutes=i) for i in range(4)], engine=propose_engine())
    [proposal] = r.flagged("review", review="block")
    r.feed([cmd("d1", "dismiss", minutes=10, review_id=proposal["review_id"]), msg("m4", SWEARS[4], minutes=11)])
    assert r.actions("block") == [] and len(r.flagged("review", review="block")) == 2


def test_a_block_is_automatic_only_when_every_ground_is_certain_or_confirmed():
    engine = Engine()
    Run([staff()] + [msg(f"m{i}", SWEARS[i], minutes=i) for i in range(3)], engine=engine)
    state = engine.participants["c1|u1"]
    state["strikes"][0].pop("certainty")          # a strike recorded before dozor knew certainty
    r = Run([msg("m3", SWEARS[3], minutes=5)], engine=engine)
    assert r.actions("block") == [] and r.flagged("review", review="block")


EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "review-loop.jsonl"


def test_the_review_loop_example_replays_as_the_readme_says(capsys):
    from streams.cli import main

    assert main(["replay", str(EXAMPLE), "--all"]) == 0
    out = [json.loads(l) for l in capsys.readouterr().out.splitlines()]
    decided = {(r["action"], r.get("message_id")) for r in out if r["type"] == "decision"}
    reviewed = {r["message_id"] for r in out if r["type"] == "flag" and r.get("kind") == "review"}
    assert reviewed == {"m-2001", "m-2002", "m-2004"}        # a likely insult, a report, a home address
    assert {("delete_message", "m-2001"), ("delete_message", "m-2004"), ("notice", "m-2004"),
            ("delete_message", "m-2007")} <= decided
    assert ("notify", "m-2002") in decided                   # the report reaches the moderators at once
    acted = {mid for action, mid in decided if action != "notify"}
    assert not acted & {"m-2002", "m-2003", "m-2005", "m-2006"}   # permitted: nothing done to the sender
    refused = [r for r in out if r["type"] == "flag" and r.get("kind") == "command_refused"]
    assert [(r["command"], r["urgent"]) for r in refused] == [("block", True), ("pardon", True)]


def test_the_lexicon_report_counts_dismissals_against_entries(tmp_path, capsys):
    from streams.cli import main

    assert main(["lexicon", "reviews", "--replay", str(EXAMPLE)]) == 0
    replayed = capsys.readouterr().out
    assert "moderators judged 3 finding(s), 1 of them false" in replayed
    assert "«корова» insult" in replayed and "insult/aimed.txt:" in replayed
    main(["replay", str(EXAMPLE), "--all"])
    flags = tmp_path / "flags.jsonl"
    flags.write_text(capsys.readouterr().out, encoding="utf-8")
    assert main(["lexicon", "reviews", "--flags", str(flags)]) == 0
    assert capsys.readouterr().out == replayed                   # the same report from a file of flags


def too_long(msg_):
    """What filters/budget.py gives when a message took too long to read."""
    v = Violation("personal_data", "review.budget", "medium", (), "слишком долго проверять", certainty="possible")
    return Verdict(msg_.message_id, (v,))


def test_a_message_too_long_to_check_waits_for_a_person_and_confirming_it_strikes_nobody():
    r = Run([staff(), msg("m1", "очень длинное сообщение")], engine=Engine(detect=too_long))
    item = r.review_of("m1")
    assert item["suggested"] == ["attend"] and r.decisions == []
    r.feed([cmd("c1", "confirm", minutes=5, review_id=item["review_id"])])
    assert r.decisions == [] and r.participant()["strikes"] == []
