"""The pages, through Django's test client: what a moderator sees, and what they may not."""
from __future__ import annotations

import pytest
from tests.console.conftest import PASSWORD, closed_flag, put, review_flag, signed_in

# Django is set up by the session fixture, after collection: its modules are imported in the tests


def Client(**kw):
    from django.test import Client as DjangoClient
    return DjangoClient(**kw)


def audit_entries(**match):
    from console.models import AuditEntry
    return AuditEntry.objects.filter(**match)


def test_the_queue_shows_open_items_of_my_chats_urgent_first_with_the_evidence_marked(moderator):
    moderator(chats=["chat-a", "chat-b"])
    put("moderation.flags", review_flag(rid="rv-old", mid="m-1", at="2026-11-18T09:00:00+03:00"))
    put("moderation.flags", review_flag(rid="rv-urgent", mid="m-2", urgent=True, text="я тебя зарежу",
                                        at="2026-11-18T10:00:00+03:00", chat="chat-b"))
    put("moderation.flags", review_flag(rid="rv-done", mid="m-3"))
    put("moderation.flags", closed_flag(rid="rv-done"))
    put("moderation.flags", review_flag(rid="rv-other", chat="chat-z", text="чужой чат"))
    page = signed_in(Client()).get("/").content.decode()
    assert page.index('id="rv-urgent"') < page.index('id="rv-old"')
    assert 'id="rv-done"' not in page and 'id="closed-rv-done"' in page     # closed: among the decided
    assert "rv-other" not in page and "чужой чат" not in page
    assert "<mark>Корова</mark>, верни тетрадь" in page and "СРОЧНО" in page
    assert "Подтвердить" in page and "Отклонить — ложное срабатывание" in page


def test_the_senders_history_in_the_chat_is_beside_the_item(moderator):
    moderator()
    put("moderation.flags", review_flag())
    put("moderation.violations", {"violation_id": "v-9", "chat_id": "chat-a", "user_id": "u-42", "message_id": "m-0",
                                  "counted": True, "sent_at": "2026-11-10T12:00:00+03:00", "strikes": 1,
                                  "violations": [{"category": "profanity"}]})
    put("moderation.decisions", {"decision_id": "b-1", "chat_id": "chat-a", "user_id": "u-42", "action": "block",
                                 "issued_at": "2026-10-01T12:00:00+03:00", "until": "2026-10-08T12:00:00+03:00"})
    put("moderation.flags", closed_flag(rid="rv-0", outcome="dismissed"))
    page = signed_in(Client()).get("/").content.decode()
    assert "нарушение 10.11.2026 12:00 (UTC+03:00) (мат, m-0)" in page
    assert "блокировка 01.10.2026 12:00 (UTC+03:00) до 08.10.2026 12:00 (UTC+03:00)" in page
    assert "отклонённая находка" in page


OTHER_CHAT = [("GET", "/item/rv-x/"), ("POST", "/item/rv-x/confirm/"), ("POST", "/item/rv-x/dismiss/")]


@pytest.mark.parametrize("method,path", OTHER_CHAT)
def test_another_chats_item_is_refused_and_logged(moderator, method, path):
    moderator(chats=["chat-a"])
    put("moderation.flags", review_flag(rid="rv-x", chat="chat-z"))
    client = signed_in(Client())
    response = client.get(path) if method == "GET" else client.post(path, {"reason": "попытка"})
    assert response.status_code == 404
    [entry] = audit_entries(action="forbidden")
    assert (entry.actor, entry.chat_id, entry.target) == ("teacher", "chat-z", "rv-x")


@pytest.mark.parametrize("kind", ["pardon", "unblock_request"])
def test_a_participants_command_in_another_chat_is_refused_and_logged(moderator, kind):
    moderator(chats=["chat-a"])
    response = signed_in(Client()).post(f"/chat/chat-z/user/u-1/{kind}/", {"message_id": "m-1"})
    assert response.status_code == 404
    [entry] = audit_entries(action="forbidden")
    assert (entry.chat_id, entry.target) == ("chat-z", "u-1")


def test_a_participants_command_without_its_message_is_not_sent(moderator):
    moderator()
    page = signed_in(Client()).post("/chat/chat-a/user/u-1/pardon/", {"message_id": " "}, follow=True)
    assert "Укажите сообщение" in page.content.decode()
    assert not audit_entries(action="pardon").exists()


@pytest.mark.parametrize("path", ["/", "/participants/", "/journal/", "/lexicons/", "/item/rv-1/"])
def test_every_page_needs_a_sign_in(db, path):
    response = Client().get(path)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_a_form_without_its_csrf_token_is_refused(moderator):
    moderator()
    put("moderation.flags", review_flag())
    client = Client(enforce_csrf_checks=True)
    page = client.get("/login/")
    token = page.cookies["csrftoken"].value
    assert client.post("/login/", {"username": "teacher", "password": PASSWORD}).status_code == 403
    assert client.post("/login/", {"username": "teacher", "password": PASSWORD,
                                   "csrfmiddlewaretoken": token}).status_code == 302
    assert client.post("/item/rv-1/dismiss/", {"reason": "без токена"}).status_code == 403
    assert not audit_entries(action="dismiss").exists()


def test_five_wrong_passwords_lock_the_sign_in_even_for_the_right_one(moderator):
    moderator()
    client = Client()
    for _ in range(4):
        assert client.post("/login/", {"username": "teacher", "password": "не тот"}).status_code == 200
    locked = client.post("/login/", {"username": "teacher", "password": "не тот"})
    assert locked.status_code == 429 and "Вход временно закрыт" in locked.content.decode()
    assert "закрыт\nна 15 мин." in locked.content.decode()
    again = client.post("/login/", {"username": "teacher", "password": PASSWORD})
    assert again.status_code == 429 and "_auth_user_id" not in client.session
    assert audit_entries(action="login_failed", actor="teacher").count() >= 5


def test_the_session_cookie_is_httponly_and_samesite(moderator):
    moderator()
    response = Client().post("/login/", {"username": "teacher", "password": PASSWORD})
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


def test_an_account_without_chats_is_told_what_to_do(db):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user("nobody", password=PASSWORD)
    page = signed_in(Client(), "nobody").get("/")
    assert page.status_code == 403 and "dozor console-user add" in page.content.decode()


def test_participants_shows_strikes_blocks_and_block_proposals(moderator):
    moderator()
    for i in range(4):
        put("moderation.violations", {"violation_id": f"v-{i}", "chat_id": "chat-a", "user_id": "u-5",
                                      "message_id": f"m-{i}", "counted": True, "strikes": i + 1,
                                      "sent_at": f"2026-11-1{i}T12:00:00+03:00"})
    put("moderation.flags", review_flag(rid="bp-1", review="block", user="u-5", text="") | {
        "grounds": [{"message_id": "m-0", "category": "insult"}], "until": "2026-11-25T12:00:00+03:00"})
    page = signed_in(Client()).get("/participants/").content.decode()
    assert "u-5" in page and "Предложения блокировки" in page and "bp-1" in page
    assert "<td>4</td>" in page and "Подтвердить" in page


def test_the_journal_shows_what_was_done_and_the_lexicon_page_counts_outcomes(moderator):
    moderator()
    put("moderation.flags", closed_flag(rid="rv-1", outcome="dismissed"))
    put("moderation.flags", closed_flag(rid="rv-2", outcome="dismissed"))
    put("moderation.flags", closed_flag(rid="rv-3", outcome="confirmed"))
    client = signed_in(Client())
    journal = client.get("/journal/").content.decode()
    assert "создана учётная запись" in journal and "<td>вход</td>" in journal
    lexicons = client.get("/lexicons/").content.decode()
    assert "<td>корова</td><td>insult.lexicon</td>\n<td>2</td><td>1</td><td>0</td>" in lexicons
    assert client.get("/lexicons/README.md").status_code == 200


def test_the_lexicon_page_names_the_version_in_force_as_the_latest_violations_say(moderator):
    moderator()
    client = signed_in(Client())
    assert "Нарушений пока нет" in client.get("/lexicons/").content.decode()
    for i, version in enumerate(["2026-11-01.a1", "2026-11-01.a1", "2026-11-20.b2"]):
        put("moderation.violations", {"violation_id": f"v-{i}", "message_id": f"m-{i}", "chat_id": "chat-a",
                                      "user_id": "u-1", "sent_at": f"2026-11-2{i}T10:00:00+03:00", "counted": True,
                                      "strikes": 1, "violations": [], "lexicon_version": version})
    put("moderation.violations", {"violation_id": "v-x", "message_id": "m-x", "chat_id": "chat-z", "user_id": "u-9",
                                  "sent_at": "2026-11-23T10:00:00+03:00", "counted": True, "strikes": 1,
                                  "violations": [], "lexicon_version": "someone-elses"})
    page = client.get("/lexicons/").content.decode()
    assert "версии\n<code>2026-11-20.b2</code>; до неё:\n<code>2026-11-01.a1</code> (2)" in page
    assert "someone-elses" not in page                       # another chat's workers are not this page's


def test_the_stylesheet_is_served_with_debug_off(db):
    from django.conf import settings

    assert settings.DEBUG is False
    assert Client().get("/console.css").status_code == 200


@pytest.mark.parametrize("next_url", ["//elsewhere.example/", "https://elsewhere.example/x"])
def test_an_action_never_redirects_off_the_site(moderator, next_url):
    moderator()
    put("moderation.flags", review_flag())
    put("moderation.flags", closed_flag())          # closed: nothing is sent, only the redirect matters
    response = signed_in(Client()).post("/item/rv-1/confirm/", {"next": next_url})
    assert response.status_code == 302 and response["Location"] == "/"
