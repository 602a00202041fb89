"""The whole path, as a moderator meets it: messages through a running worker become review items
in the console (its own ingest, its own web server), a dismissal and a confirmation go back as
commands, the worker answers, and the console shows what came of them. Once with Django's test
client, once in a real headless browser (Chromium) when it is installed."""
from __future__ import annotations

import functools
import os
import shutil
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from streams import topics
from tests.console.conftest import until as wait_until, PASSWORD, signed_in
from tests.streams.harness import Cluster, Collector, Worker, wait_ready

REPO = Path(__file__).resolve().parents[2]
MODERATOR = "t-7"


until = functools.partial(wait_until, timeout=90)     # a whole stack starts: its longer bound


def noon_zone(now: datetime) -> str:
    """A whole-hour zone where it is about noon right now: the messages are sent now (the worker's
    clock and the items' expiry are real) yet never fall in quiet hours, at whatever hour tests run."""
    offset = (12 - now.astimezone(timezone.utc).hour + 12) % 24 - 12       # -12…+11
    return "Etc/GMT" + (f"{-offset:+d}" if offset else "")                 # Etc/GMT-5 is UTC+5


def test_noon_zone_is_noon_at_every_hour():
    from zoneinfo import ZoneInfo

    for hour in range(24):
        now = datetime(2026, 11, 18, hour, 30, tzinfo=timezone.utc)
        assert 11 <= now.astimezone(ZoneInfo(noon_zone(now))).hour <= 13, hour


@pytest.fixture(scope="module")
def stack(tmp_path_factory, django_ready):
    """A broker, a worker whose chat registry names t-7 a moderator of the chats, the console."""
    from console import server

    data = tmp_path_factory.mktemp("worker")
    chats = [f"e2e-{uuid.uuid4().hex[:6]}" for _ in range(3)]
    registry = data / "chats.toml"
    # the third chat proposes blocks instead of blocking on the 4th: a moderator may then block by hand
    registry.write_text("".join(f'[chats."{c}"]\nmoderators = ["{MODERATOR}"]\n' for c in chats[:2])
                        + f'[chats."{chats[2]}"]\nmoderators = ["{MODERATOR}"]\nblock = "propose"\n', encoding="utf-8")
    cluster = Cluster()
    collector = Collector(cluster.bootstrap)
    worker = Worker(cluster.bootstrap, f"e2e-{uuid.uuid4().hex[:6]}", data, chats=registry).start()
    console = None
    try:
        wait_ready(cluster, collector, worker)
        console = server.start(cluster.bootstrap, "127.0.0.1", 0)
        yield {"cluster": cluster, "collector": collector, "worker": worker, "console": console, "chats": chats}
    finally:
        if console:
            console.stop()
        from console import runtime
        runtime.set_bootstrap(None)
        worker.stop()
        collector.close()
        cluster.close()


def send_two_likely_insults(stack, chat: str) -> None:
    now = datetime.now(timezone.utc)
    context = {"kind": "parents", "timezone": noon_zone(now)}
    for mid, user, text in (("m-dismiss", "u-1", "Корова, верни тетрадь"), ("m-confirm", "u-2", "Корова, отдай ручку")):
        stack["cluster"].send(topics.MESSAGES, chat, {"message_id": mid, "chat_id": chat, "sender_id": user,
                                                       "sender_role": "parent", "sent_at": now.isoformat(),
                                                       "text": text, "chat": context})


def items(chat):
    from console.models import Flag
    return {f.message_id: f.review_id for f in Flag.objects.filter(chat_id=chat, kind="review")}


def test_review_items_from_a_running_worker_dismissed_and_confirmed_through_the_console(db, stack, moderator):
    from django.test import Client

    from console.models import Decision, Flag

    chat = stack["chats"][0]
    moderator(chats=[chat])
    send_two_likely_insults(stack, chat)
    found = until(lambda: len(items(chat)) == 2 and items(chat), what="two review items in the console")
    client = signed_in(Client())
    page = client.get("/").content.decode()
    assert "<mark>Корова</mark>, верни тетрадь" in page and "<mark>Корова</mark>, отдай ручку" in page

    client.post(f"/item/{found['m-dismiss']}/dismiss/", {"reason": "обращение к однокласснице по прозвищу"})
    client.post(f"/item/{found['m-confirm']}/confirm/", {"reason": "оскорбление"})
    page = client.get("/").content.decode()
    # each «sent» until the worker's answer comes back, which may already have happened
    assert page.count("Ждём ответа dozor") + page.count('id="closed-') == 2

    until(lambda: Flag.objects.filter(chat_id=chat, kind="review_closed").count() == 2, what="both items closed")
    until(lambda: Decision.objects.filter(chat_id=chat, message_id="m-confirm", action="delete_message").exists(),
          what="the confirmed message's deletion")
    closed = {f.message_id: f for f in Flag.objects.filter(chat_id=chat, kind="review_closed")}
    assert closed["m-dismiss"].outcome == "dismissed" and closed["m-confirm"].outcome == "confirmed"
    assert closed["m-confirm"].data["by"] == MODERATOR
    page = client.get("/").content.decode()
    assert "Ждём ответа dozor" not in page and "Ничего не ждёт проверки" in page
    assert "удалить сообщение: подтвердил модератор t-7" in page
    members = client.get("/participants/").content.decode()
    assert "подтвердил t-7" in members and "Отменить (ошибка)" in members

    # the confirmation was a mistake after all: a pardon, which the worker carries out
    client.post(f"/chat/{chat}/user/u-2/pardon/", {"message_id": "m-confirm", "reason": "перепутали"})
    until(lambda: Flag.objects.filter(chat_id=chat, kind="pardoned", message_id="m-confirm").exists(),
          what="the pardon's flag")
    assert "отмена нарушения (ошибка): u-2, m-confirm — teacher" in client.get("/participants/").content.decode()
    members = client.get("/participants/").content.decode()
    assert "выполнено" in members and "Отменить (ошибка)" not in members     # no counted violation left


def test_a_block_by_hand_after_four_counted_violations_is_carried_out_by_the_worker(db, stack, moderator):
    """Four certain insults, each counted by the worker; the chat proposes blocks, so none is automatic;
    the console offers «Заблокировать», and the worker's block decision comes back for the term chosen."""
    from django.test import Client

    from console.models import Decision, Violation

    chat = stack["chats"][2]
    moderator(chats=[chat])
    now = datetime.now(timezone.utc)
    context = {"kind": "parents", "timezone": noon_zone(now)}
    for i, text in enumerate(("ты дебил", "сам ты дебил", "ну ты и дебил", "дебил ты, вот кто")):
        stack["cluster"].send(topics.MESSAGES, chat, {
            "message_id": f"m-b{i}", "chat_id": chat, "sender_id": "u-3", "sender_role": "parent",
            "sent_at": (now - timedelta(minutes=40 - 10 * i)).isoformat(), "text": text, "chat": context})
    until(lambda: Violation.objects.filter(chat_id=chat, user_id="u-3", counted=True).count() == 4,
          what="four counted violations in the console")
    client = signed_in(Client())
    page = client.get("/participants/").content.decode()
    assert "<legend>Заблокировать</legend>" in page and "Засчитано нарушений за 70 дней: 4." in page
    assert not Decision.objects.filter(chat_id=chat, user_id="u-3", action="block").exists()
    response = client.post(f"/chat/{chat}/user/u-3/block/", {"days": "3", "reason": "оскорбления"}, follow=True)
    assert "Отправлено: блокировка модератором" in response.content.decode()
    block = until(lambda: Decision.objects.filter(chat_id=chat, user_id="u-3", action="block").first(),
                  what="the worker's block decision")
    assert (datetime.fromisoformat(block.until) - datetime.fromisoformat(block.issued_at)) == timedelta(days=3)
    assert MODERATOR in block.data["reason"] and len(block.data["grounds"]) >= 4
    members = client.get("/participants/").content.decode()
    assert "Досрочная разблокировка" in members and "<legend>Заблокировать</legend>" not in members


def _gone(element):
    """Selenium's staleness_of, and also what Chromium ≥ 156 sometimes answers instead of «stale»
    for a node of the page just left: «Node with given id does not belong to the document»."""
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException

    def check(_driver) -> bool:
        try:
            element.is_enabled()
            return False
        except StaleElementReferenceException:
            return True
        except WebDriverException as err:
            if "does not belong to the document" in str(err):
                return True
            raise
    return check


def _chrome():
    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    driver = shutil.which("chromedriver")
    if not (chromium and driver):
        pytest.skip("no Chromium and chromedriver (Debian: apt-get install -y chromium chromium-driver)")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.skip("selenium is not installed (pip install -e '.[test]')")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1200,1400",
                "--lang=ru"):
        options.add_argument(arg)
    return webdriver.Chrome(service=Service(driver), options=options)


def test_in_a_real_browser(db, stack, moderator, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from console.models import Decision, Flag

    chat = stack["chats"][1]
    moderator(chats=[chat])
    send_two_likely_insults(stack, chat)
    found = until(lambda: len(items(chat)) == 2 and items(chat), what="two review items in the console")
    browser = _chrome()
    url = stack["console"].url
    try:
        browser.get(url)
        assert "/login/" in browser.current_url
        browser.find_element(By.NAME, "username").send_keys("teacher")
        browser.find_element(By.NAME, "password").send_keys(PASSWORD)
        button = browser.find_element(By.CSS_SELECTOR, "form.login button")
        button.click()
        WebDriverWait(browser, 30).until(_gone(button))       # the queue, not the sign-in page
        assert browser.find_element(By.TAG_NAME, "h1").text.startswith("На проверку")
        marks = [m.text for m in browser.find_elements(By.CSS_SELECTOR, "blockquote mark")]
        assert marks == ["Корова", "Корова"]
        # the README's picture is refreshed on request only: a test run leaves the checkout as it was
        shot = REPO / "docs" / "console-queue.png" if os.environ.get("DOZOR_UPDATE_SCREENSHOT") else \
            tmp_path / "console-queue.png"
        shot.parent.mkdir(exist_ok=True)
        assert browser.save_screenshot(str(shot))

        def press(mid, button, reason=""):
            card = browser.find_element(By.ID, found[mid])
            if reason:
                card.find_element(By.NAME, "reason").send_keys(reason)
            card.find_element(By.CSS_SELECTOR, button).click()
            WebDriverWait(browser, 30).until(_gone(card))         # the next page, not this one's message
            said = WebDriverWait(browser, 30).until(lambda b: b.find_elements(By.CSS_SELECTOR, ".msg.success"))
            assert said[0].text.startswith("Отправлено:")
            # «sent» until the worker answers, which may already have happened (then it is among the decided)
            waiting = browser.find_elements(By.CSS_SELECTOR, f'[id="{found[mid]}"] p.sent')
            decided = browser.find_elements(By.ID, f"closed-{found[mid]}")
            assert waiting or decided

        press("m-dismiss", "button.dismiss", "прозвище, не оскорбление")
        press("m-confirm", "button.confirm")

        until(lambda: Decision.objects.filter(chat_id=chat, message_id="m-confirm", action="delete_message").exists()
              and Flag.objects.filter(chat_id=chat, kind="review_closed").count() == 2, what="the worker's answers")
        browser.get(url)
        assert browser.find_element(By.CSS_SELECTOR, "p.empty").text == "Ничего не ждёт проверки."
        decided = browser.find_element(By.ID, f"closed-{found['m-confirm']}").text
        assert "подтверждено" in decided and "удалить сообщение" in decided
        assert "отклонено" in browser.find_element(By.ID, f"closed-{found['m-dismiss']}").text
    finally:
        browser.quit()


def test_in_a_real_browser_what_must_be_refused_is_refused(db, stack, moderator):
    """The refusals a moderator's browser meets: another chat's item, a form whose CSRF token was
    taken out, and a sixth try after five wrong passwords."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from console.models import AuditEntry, SentCommand
    from tests.console.conftest import put, review_flag

    moderator(chats=["chat-a"])
    moderator(login="other", user_id="t-9", chats=["chat-z"])
    put("moderation.flags", review_flag(rid="rv-mine", chat="chat-a"))
    put("moderation.flags", review_flag(rid="rv-theirs", chat="chat-z"))
    browser = _chrome()
    url = stack["console"].url.rstrip("/")

    def sign_in(login, password):
        browser.get(f"{url}/login/")
        browser.find_element(By.NAME, "username").send_keys(login)
        browser.find_element(By.NAME, "password").send_keys(password)
        button = browser.find_element(By.CSS_SELECTOR, "form.login button")
        button.click()
        WebDriverWait(browser, 30).until(_gone(button))

    try:
        sign_in("teacher", PASSWORD)
        browser.get(f"{url}/item/rv-theirs/")
        assert browser.find_element(By.TAG_NAME, "h1").text == "Не найдено"
        assert AuditEntry.objects.filter(action="forbidden", target="rv-theirs").exists()
        # a page that lost its token (a forged form looks so): the post is refused, nothing is sent
        browser.get(f"{url}/")
        card = browser.find_element(By.ID, "rv-mine")
        browser.execute_script("arguments[0].querySelectorAll('input[name=csrfmiddlewaretoken]')"
                               ".forEach(function (i) { i.remove(); })", card)
        button = card.find_element(By.CSS_SELECTOR, "button.dismiss")
        button.click()
        WebDriverWait(browser, 30).until(_gone(button))
        assert "Обновите страницу" in browser.find_element(By.TAG_NAME, "body").text
        assert not SentCommand.objects.filter(kind="dismiss").exists()
        browser.delete_all_cookies()
        for _ in range(5):
            sign_in("other", "не тот пароль")
        sign_in("other", PASSWORD)                          # the right one, too late: locked for now
        assert "Вход временно закрыт" in browser.find_element(By.TAG_NAME, "body").text
    finally:
        browser.quit()
