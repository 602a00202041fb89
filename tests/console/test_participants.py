"""«Участники», issue 12: an early unblock followed through (what the blocked participant wrote,
the apology cited with one button, the notice, the objection window counting down, the objections,
the outcome) and a block by hand only where the rules allow it (more than three counted
violations in 70 days, at most 30 days). Through Django's test client, with records stored as the
ingest stores them and commands caught where the broker would take them; «now» is fixed, so the
countdown reads the same at whatever hour the tests run."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from tests.console.conftest import put, signed_in

# 14.11, 13:18 in Yekaterinburg (UTC+5), where the chat is: the objection window closes at 18:30 there
NOW = datetime(2026, 11, 14, 8, 18, tzinfo=timezone.utc)
CLOSES = "2026-11-14T13:30:00+00:00"
APOLOGY = "Извините, я был неправ, больше не буду"
NOTICE = (f"Участник u-5 принёс извинения: «{APOLOGY}». Если вы против досрочной разблокировки, "
          f"сообщите модератору до 14.11 18:30.")


def Client(**kw):
    from django.test import Client as DjangoClient
    return DjangoClient(**kw)


@pytest.fixture(scope="module")
def cluster():
    from tests.streams.harness import Cluster

    c = Cluster()
    yield c
    c.close()


class Sent:
    """The commands the console put on the real broker's moderation.commands since the test began,
    as dicts. The console waits for the broker's acknowledgement before it answers the request, so
    reading up to the log end after a response sees everything it sent."""

    def __init__(self, bootstrap: str):
        from kafka import KafkaConsumer, TopicPartition

        from streams import topics

        self.consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False)
        self.tps = [TopicPartition(topics.COMMANDS, p)
                    for p in sorted(self.consumer.partitions_for_topic(topics.COMMANDS) or ())]
        self.consumer.assign(self.tps)
        self.start = self.consumer.end_offsets(self.tps)

    def records(self) -> list[dict]:
        for tp in self.tps:
            self.consumer.seek(tp, self.start[tp])
        ends, out = self.consumer.end_offsets(self.tps), []
        while any(self.consumer.position(tp) < ends[tp] for tp in self.tps):
            for batch in self.consumer.poll(500).values():
                out += [json.loads(r.value) for r in batch]
        return out

    def __iter__(self):
        return iter(self.records())

    def __len__(self):
        return len(self.records())

    def __getitem__(self, i):
        return self.records()[i]

    def __eq__(self, other):
        return self.records() == list(other)


@pytest.fixture
def sent(cluster, monkeypatch):
    """What the console sends, read back from a real broker (tests/streams/harness.py)."""
    from console import runtime, views

    runtime.set_bootstrap(cluster.bootstrap)
    monkeypatch.setattr(views, "_now", lambda: NOW)
    out = Sent(cluster.bootstrap)
    yield out
    out.consumer.close()
    runtime.set_bootstrap(None)


def block(until="2026-11-19T09:00:00+05:00", issued="2026-11-12T09:00:00+05:00", bid="bl-1", user="u-5"):
    return {"decision_id": bid, "chat_id": "chat-a", "user_id": user, "action": "block", "issued_at": issued,
            "until": until, "strikes": 4, "grounds": [{"message_id": "m-0", "category": "insult"}],
            "reason": "4 нарушения правил чата (более трёх раз), блокировка на 7 дн."}


def said(mid, text, at, apology=False, clean=True, bid="bl-1"):
    return {"flag_id": f"sd-{mid}", "kind": "said_while_blocked", "chat_id": "chat-a", "user_id": "u-5",
            "message_id": mid, "sent_at": at, "text": text, "clean": clean, "apology": apology,
            "block_decision_id": bid}


def request_notice():
    return {"decision_id": "nt-1", "chat_id": "chat-a", "user_id": "u-5", "action": "notice",
            "issued_at": "2026-11-13T13:30:00+00:00", "message_id": "m-101", "audience": "chat",
            "grounds": [{"apology_message_id": "m-101", "objections_until": CLOSES}],
            "reason": "early-unblock request by t-7 after an apology (000 §4.6)", "text": NOTICE}


def objection(by, count):
    return {"flag_id": f"ob-{by}", "kind": "objection", "chat_id": "chat-a", "user_id": "u-5",
            "request_id": "console-1", "by": by, "objections": count, "closes_at": CLOSES,
            "at": f"2026-11-14T0{count}:00:00+00:00"}


def blocked_with_messages():
    put("moderation.decisions", block())
    put("moderation.flags", said("m-101", APOLOGY, "2026-11-13T10:00:00+05:00", apology=True))
    put("moderation.flags", said("m-102", "Ну и ладно, сами разбирайтесь", "2026-11-13T11:00:00+05:00"))
    put("moderation.flags", said("m-103", "Да пошли вы все на ***", "2026-11-13T12:00:00+05:00", clean=False))


def page(client) -> str:
    return client.get("/participants/").content.decode()


def row_of(html: str, user: str) -> str:
    start = html.index(f"<tr><td>{user}</td>")
    return html[start:html.index("</tr>", start)]


# ------------------------------------------------------------------ what a blocked participant wrote
def test_a_blocked_participants_messages_are_listed_with_the_apology_marked(moderator, sent):
    moderator()
    blocked_with_messages()
    row = row_of(page(signed_in(Client())), "u-5")
    assert "Досрочная разблокировка" in row
    for text in (APOLOGY, "Ну и ладно, сами разбирайтесь", "Да пошли вы все на ***"):
        assert f"«{text}»" in row
    apology, other, rude = (row[row.index(t):][:900] for t in (APOLOGY, "Ну и ладно", "Да пошли"))
    assert "похоже на извинение" in apology.split("</li>")[0]
    assert "похоже на извинение" not in other.split("</li>")[0]
    # one dozor does not read as an apology asks the moderator to say they read it as one
    assert "Я прочитал(а): это извинение" in other.split("</li>")[0]
    assert "Я прочитал(а)" not in apology.split("</li>")[0]
    # a message that itself breaks the rules is never offered
    assert "Процитировать" not in rude.split("</li>")[0] and "извинением быть не может" in rude
    assert "13.11.2026 10:00 (UTC+05:00)" in row
    assert 'placeholder="m-1900"' not in row              # the typed-id form only when nothing is listed


def test_without_any_message_listed_the_typed_id_form_stays(moderator, sent):
    moderator()
    put("moderation.decisions", block())
    row = row_of(page(signed_in(Client())), "u-5")
    assert 'placeholder="m-1900"' in row and "Процитировать" not in row


def test_another_blocks_messages_are_not_offered(moderator, sent):
    moderator()
    put("moderation.decisions", block())
    put("moderation.flags", said("m-50", "Простите, пожалуйста", "2026-10-01T10:00:00+05:00", apology=True,
                                 bid="bl-old"))
    assert "Простите, пожалуйста" not in row_of(page(signed_in(Client())), "u-5")


@pytest.mark.parametrize("message_id, form, command", [
    ("m-101", {}, {"apology_message_id": "m-101"}),
    ("m-102", {"apology_confirmed": "1"}, {"apology_message_id": "m-102", "apology_confirmed": True}),
])
def test_citing_a_message_sends_the_unblock_request(moderator, sent, message_id, form, command):
    moderator()
    blocked_with_messages()
    client = signed_in(Client())
    response = client.post("/chat/chat-a/user/u-5/unblock_request/", {"message_id": message_id} | form,
                           follow=True)
    assert "Отправлено: досрочная разблокировка (u-5, chat-a)" in response.content.decode()
    [cmd] = sent
    assert cmd["kind"] == "unblock_request" and cmd["chat_id"] == "chat-a" and cmd["user_id"] == "u-5"
    assert cmd["by"] == "t-7" and {k: cmd[k] for k in command} == command
    assert ("apology_confirmed" in cmd) == ("apology_confirmed" in command)
    from console.models import AuditEntry
    assert AuditEntry.objects.filter(action="unblock_request", target=message_id).exists()


def test_a_message_breaking_the_rules_is_not_sent_as_an_apology(moderator, sent):
    moderator()
    blocked_with_messages()
    response = signed_in(Client()).post("/chat/chat-a/user/u-5/unblock_request/",
                                        {"message_id": "m-103", "apology_confirmed": "1"}, follow=True)
    assert "само нарушает правила чата" in response.content.decode() and sent == []


# ------------------------------------------------------------------ the request, the window, the outcome
def test_once_requested_the_notice_the_countdown_and_the_objections_are_shown(moderator, sent):
    moderator()
    blocked_with_messages()
    put("moderation.decisions", request_notice())
    put("moderation.flags", objection("p-31", 1))
    put("moderation.flags", objection("p-32", 2))
    row = row_of(page(signed_in(Client())), "u-5")
    assert f"«{NOTICE}»" in row
    assert "возражения принимаются до 14.11 18:30, осталось 5 ч 12 мин" in row
    assert "Возражений: 2 — p-31, p-32" in row
    assert "Процитировать" not in row          # one request at a time: the worker refuses a second


@pytest.mark.parametrize("now, shown", [
    (datetime(2026, 11, 14, 8, 18, tzinfo=timezone.utc), "возражения принимаются до 14.11 18:30, осталось 5 ч 12 мин"),
    (datetime(2026, 11, 13, 13, 30, tzinfo=timezone.utc), "возражения принимаются до 14.11 18:30, осталось 24 ч 0 мин"),
    (datetime(2026, 11, 14, 13, 29, 30, tzinfo=timezone.utc), "возражения принимаются до 14.11 18:30, осталось меньше минуты"),
    (datetime(2026, 11, 14, 12, 30, tzinfo=timezone.utc), "возражения принимаются до 14.11 18:30, осталось 1 ч 0 мин"),
    (datetime(2026, 11, 14, 13, 31, tzinfo=timezone.utc), "приём возражений закончился 14.11 18:30, ждём решения dozor"),
])
def test_the_countdown_at_a_fixed_now(now, shown):
    from zoneinfo import ZoneInfo

    from console import queries

    assert queries.objection_window(CLOSES, now, ZoneInfo("Asia/Yekaterinburg")) == shown


@pytest.mark.parametrize("outcome, shown", [
    ({"decision_id": "ub-1", "action": "unblock", "reason": "apologised, and no participant objected (000 §4.6)",
      "grounds": [{"block_decision_id": "bl-1"}]},
     "разблокирован досрочно: извинился, возражений не было"),
    ({"decision_id": "nt-kept", "action": "notice", "audience": "chat", "reason": "objections from p-31 (000 §4.6)",
      "text": "Досрочная разблокировка u-5 не состоится: есть возражения."},
     "блокировка остаётся: есть возражения (p-31). В чат: «Досрочная разблокировка u-5 не состоится: есть "
     "возражения.»"),
])
def test_the_outcome_is_shown_when_the_window_closes(moderator, sent, monkeypatch, outcome, shown):
    from console import views

    monkeypatch.setattr(views, "_now", lambda: datetime(2026, 11, 14, 14, 0, tzinfo=timezone.utc))
    moderator()
    blocked_with_messages()
    put("moderation.decisions", request_notice())
    if outcome["action"] == "notice":
        put("moderation.flags", objection("p-31", 1))
    put("moderation.decisions", {"chat_id": "chat-a", "user_id": "u-5", "issued_at": CLOSES} | outcome)
    row = row_of(page(signed_in(Client())), "u-5")
    assert f"Итог (14.11.2026 13:30 (UTC)): {shown}" in row
    assert "осталось" not in row
    # after «the block stays» a moderator may cite another apology; after an unblock nothing is offered
    assert ("Процитировать" in row) == (outcome["action"] == "notice")


# ------------------------------------------------------------------ a block by hand
def strikes(n, user="u-9"):
    for i in range(n):
        put("moderation.violations", {"violation_id": f"v-{user}-{i}", "chat_id": "chat-a", "user_id": user,
                                      "message_id": f"m-{user}-{i}", "counted": True, "strikes": i + 1,
                                      "sent_at": f"2026-11-0{i + 1}T12:00:00+05:00",
                                      "violations": [{"category": "insult"}]})


REFUSED_3 = ("Блокировка невозможна: засчитано 3 нарушения за 70 дней, правила позволяют блокировать после более "
             "чем трёх (п. 4.5). Более долгая блокировка или по другим основаниям — только по решению директора.")


@pytest.mark.parametrize("n, allowed, sentence", [
    (4, True, "Засчитано нарушений за 70 дней: 4."),
    (3, False, REFUSED_3),
    (2, False, "Блокировка невозможна: засчитано 2 нарушения за 70 дней"),
    (1, False, "Блокировка невозможна: засчитано 1 нарушение за 70 дней"),
])
def test_the_block_form_is_offered_only_after_more_than_three_strikes(moderator, sent, n, allowed, sentence):
    moderator()
    strikes(n)
    row = row_of(page(signed_in(Client())), "u-9")
    assert "Заблокировать" in row and sentence in row
    assert ("<fieldset disabled>" in row) == (not allowed)


def test_strikes_older_than_70_days_or_pardoned_do_not_count(moderator, sent):
    moderator()
    strikes(4)
    put("moderation.violations", {"violation_id": "v-old", "chat_id": "chat-a", "user_id": "u-9",
                                  "message_id": "m-old", "counted": True, "sent_at": "2026-08-01T12:00:00+05:00"})
    put("moderation.flags", {"flag_id": "pd-1", "kind": "pardoned", "chat_id": "chat-a", "user_id": "u-9",
                             "message_id": "m-u-9-0", "at": "2026-11-10T12:00:00+05:00"})
    assert "засчитано 3 нарушения за 70 дней" in row_of(page(signed_in(Client())), "u-9")


def test_a_block_at_four_strikes_is_sent_for_the_term_chosen(moderator, sent):
    moderator()
    strikes(4)
    response = signed_in(Client()).post("/chat/chat-a/user/u-9/block/",
                                        {"days": "7", "reason": "оскорбления одноклассников"}, follow=True)
    assert "Отправлено: блокировка модератором (u-9, chat-a)" in response.content.decode()
    [cmd] = sent
    assert cmd["kind"] == "block" and cmd["user_id"] == "u-9" and cmd["by"] == "t-7"
    assert cmd["at"] == NOW.isoformat() and cmd["until"] == (NOW + timedelta(days=7)).isoformat()
    assert "message_ids" not in cmd                    # the worker cites every counted violation
    from console.models import AuditEntry
    entry = AuditEntry.objects.get(action="block")
    assert entry.target == "u-9" and entry.reason == "оскорбления одноклассников"
    assert entry.details["until"] == cmd["until"]


@pytest.mark.parametrize("n, days, refusal", [
    (3, "7", REFUSED_3),                                        # a forged POST: the form was disabled
    (4, "31", "Срок блокировки — от 1 до 30 дней (п. 4.5)"),
    (4, "0", "Срок блокировки — от 1 до 30 дней (п. 4.5)"),
    (4, "неделя", "Срок блокировки — от 1 до 30 дней (п. 4.5)"),
])
def test_a_block_the_rules_do_not_allow_is_refused_and_not_sent(moderator, sent, n, days, refusal):
    moderator()
    strikes(n)
    response = signed_in(Client()).post("/chat/chat-a/user/u-9/block/", {"days": days, "reason": "так"},
                                        follow=True)
    assert refusal in response.content.decode() and sent == []
    from console.models import AuditEntry
    assert not AuditEntry.objects.filter(action="block").exists()
    assert AuditEntry.objects.get(action="block_refused").details["refusal"].startswith(refusal)


def test_a_blocked_participant_is_not_offered_another_block(moderator, sent):
    moderator()
    strikes(4, user="u-5")
    put("moderation.decisions", block(issued="2026-11-12T09:00:00+05:00"))
    row = row_of(page(signed_in(Client())), "u-5")
    assert "<legend>Заблокировать</legend>" not in row
    response = signed_in(Client()).post("/chat/chat-a/user/u-5/block/", {"days": "7", "reason": "ещё"}, follow=True)
    assert sent == [] and "уже заблокирован" in response.content.decode()


def test_strikes_a_past_block_rested_on_are_not_counted_again(moderator, sent):
    moderator()
    strikes(4, user="u-5")
    put("moderation.decisions", block(issued="2026-11-05T09:00:00+05:00", until="2026-11-12T09:00:00+05:00"))
    row = row_of(page(signed_in(Client())), "u-5")
    assert "засчитано 0 нарушений за 70 дней" in row and "Нарушения до блокировки 05.11.2026 уже учтены в ней." in row


def test_a_block_in_another_chat_is_refused_and_logged(moderator, sent):
    moderator()
    response = signed_in(Client()).post("/chat/chat-b/user/u-9/block/", {"days": "7", "reason": "x"})
    from console.models import AuditEntry
    assert response.status_code == 404 and sent == []
    assert AuditEntry.objects.filter(action="forbidden", chat_id="chat-b").exists()
