"""Flood, night messages, personal data and off-topic: what the parents' chats suffer from most."""
import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest

from filters import Message, check
from filters.detectors.personal_data import inn_ok, luhn, mask, snils_ok
from tests.conftest import message


def categories(text, **kw):
    return {v.category: v for v in check(message(text) if not kw else Message(
        "t-1", kw.get("chat", "c"), "u-1", kw.get("at", datetime(2026, 11, 18, 12, tzinfo=timezone.utc)), text,
        kw.get("role"), tuple(kw.get("attachments", ())), kw.get("ctx"))).violations}


FLOOD = [  # nothing in them but emoji, laughter, greetings and names: empty for certain
    ("only emoji", "🙏🙏🙏"),
    ("only laughter emoji", "🤣🤣"),
    ("laughter", "хахаха"),
    ("laughter with slang", "хаха лол кек"),
    ("an interjection", "ого"),
    ("stretched ааа", "ааааа"),
    ("good morning to all", "Доброе утро всем!!! 🌸"),
    ("hello all", "Всем привет 👋"),
    ("good night", "Доброй ночи, мамочки!"),
    ("congratulations", "С днём рождения, Машенька!"),
    ("holiday", "С 8 Марта!"),
    ("school holiday", "С Днём знаний!"),
]


@pytest.mark.parametrize("name,text", FLOOD, ids=[c[0] for c in FLOOD])
def test_flood(name, text):
    v = categories(text)["flood"]
    assert v.certainty == "certain" and v.severity in ("low", "medium")


NOT_FLOOD = [
    ("polite with substance", "Спасибо, информацию получили, завтра принесём справку"),
    ("greeting with substance", "Доброе утро! Напоминаю: завтра контрольная по математике"),
    ("a question", "Ого, завтра выходной?"),
    ("congratulations with news", "Поздравляю, вы приняты в олимпиадную команду, сбор в среду в 15:00"),
]


@pytest.mark.parametrize("name,text", NOT_FLOOD, ids=[c[0] for c in NOT_FLOOD])
def test_not_flood(name, text):
    assert "flood" not in categories(text)


def test_stickers_and_cards_but_not_homework_photos():
    sticker = categories("", attachments=[{"kind": "sticker", "file_name": "bear.webp"}])
    card = categories("", attachments=[{"kind": "image", "file_name": "s_dnem_rozhdeniya.jpg",
                                        "caption": "С днём рождения!"}])
    homework = categories("", attachments=[{"kind": "image", "file_name": "IMG_2041.jpg"}])
    assert "flood" in sticker and "flood" in card and "flood" not in homework


MSK = timezone(timedelta(hours=3))
QUIET = [
    ("23:15 is night", datetime(2026, 10, 7, 23, 15, tzinfo=MSK), None, True),
    ("06:59 is night", datetime(2026, 10, 7, 6, 59, tzinfo=MSK), None, True),
    ("07:00 is allowed", datetime(2026, 10, 7, 7, 0, tzinfo=MSK), None, False),
    ("21:00 is allowed", datetime(2026, 10, 7, 21, 0, 30, tzinfo=MSK), None, False),
    ("21:01 is night", datetime(2026, 10, 7, 21, 1, tzinfo=MSK), None, True),
    ("a teacher is not reminded", datetime(2026, 10, 7, 23, 15, tzinfo=MSK), "teacher", False),
    ("UTC time, the chat's clock decides", datetime(2026, 10, 7, 16, 30, tzinfo=timezone.utc), None, True),
]


@pytest.mark.parametrize("name,at,role,flagged", QUIET, ids=[c[0] for c in QUIET])
def test_quiet_hours(name, at, role, flagged):
    from filters.model import ChatContext
    tz = "Asia/Yekaterinburg" if "UTC" in name else "Europe/Moscow"
    got = categories("Во сколько собрание?", at=at, role=role, ctx=ChatContext("parents", tz))
    assert ("quiet_hours" in got) == flagged


def test_a_registered_trip_suspends_quiet_hours(tmp_path, monkeypatch):
    from filters import registry
    (tmp_path / "chats.toml").write_text('''
[chats."7a-parents"]
timezone = "Europe/Moscow"
quiet_hours_exceptions = [{from = "2026-10-07T00:00:00+03:00", to = "2026-10-08T23:59:00+03:00", reason = "поездка"}]
''', encoding="utf-8")
    monkeypatch.setenv("DOZOR_CHATS", str(tmp_path / "chats.toml"))
    registry.load.cache_clear()
    try:
        trip = categories("Приехали в гостиницу", chat="7a-parents", at=datetime(2026, 10, 7, 23, 30, tzinfo=MSK))
        after = categories("Приехали домой", chat="7a-parents", at=datetime(2026, 10, 9, 23, 30, tzinfo=MSK))
        assert "quiet_hours" not in trip and "quiet_hours" in after
    finally:
        monkeypatch.delenv("DOZOR_CHATS")
        registry.load.cache_clear()


PII = [
    ("a phone with brackets", "Телефон для связи 8 (916) 123-45-67", "8 (916) 123-45-67"),
    ("a phone with +7", "звоните +7 916 123 45 67", "+7 916 123 45 67"),
    ("a mobile without a prefix", "мой номер 9161234567", "9161234567"),
    ("an e-mail", "почта petrov1980@yandex.ru, пишите", "petrov1980@yandex.ru"),
    ("a card with a valid check digit", "переведите на карту 4111 1111 1111 1111", "4111 1111 1111 1111"),
    ("a SNILS with a valid check", "СНИЛС ребёнка 112-233-445 95", "112-233-445 95"),
    ("a person's INN (12 digits)", "ИНН 500100732259", "500100732259"),   # 10 digits: an organisation's
    ("a passport", "паспорт 45 06 123456", "45 06 123456"),
    ("a home address", "живём на ул. Ленина, д. 5, кв. 12", "ул. Ленина, д. 5, кв. 12"),
    ("a password", "пароль от дневника: qwerty123", "qwerty123"),
    ("a diagnosis next to a child's name", "у Пети ветрянка, не придёт две недели", "Пети"),
]


@pytest.mark.parametrize("name,text,raw", PII, ids=[c[0] for c in PII])
def test_personal_data_is_flagged_and_masked(name, text, raw):
    v = categories(text)["personal_data"]
    shown = json.dumps(v.to_dict(), ensure_ascii=False)
    assert raw not in shown, f"the raw value leaked: {shown}"


NOT_PII = [
    ("page numbers", "Учебник, страницы 112-113 и 145-147"),
    ("a sum", "Сбор на подарок учителю — по 200 рублей, всего 5600"),
    ("a card number that fails Luhn", "номер заказа 4111 1111 1111 1112"),
    ("eleven digits that are no SNILS", "код 123-456-789 00"),
    ("a date and time", "Собрание 12.11.2026 в 18:30, кабинет 214"),
    ("a class in quarantine", "в классе карантин по ветрянке до пятницы"),
    ("ill, no diagnosis", "Маша заболела, сегодня не придёт"),
]


@pytest.mark.parametrize("name,text", NOT_PII, ids=[c[0] for c in NOT_PII])
def test_not_personal_data(name, text):
    assert "personal_data" not in categories(text)


def test_check_digits():
    assert luhn("4111111111111111") and not luhn("4111111111111112")
    assert snils_ok("11223344595") and not snils_ok("11223344596")
    assert inn_ok("7707083893") and inn_ok("500100732259") and not inn_ok("7707083894")
    assert mask("petrov1980@yandex.ru") == "p•••••••••@yandex.ru"
    assert mask("8 (916) 123-45-67") == "• (•••) •••-••-67"


def test_personal_data_never_leaves_unmasked_through_check_or_replay(tmp_path):
    raw = "8 (916) 123-45-67"
    msg = {"message_id": "m-1", "chat_id": "c", "sender_id": "u", "sent_at": "2026-11-18T12:00:00+03:00",
           "text": f"Телефон для связи {raw}", "chat": {"kind": "parents"}}
    path = tmp_path / "m.jsonl"
    path.write_text(json.dumps(msg, ensure_ascii=False) + "\n", encoding="utf-8")
    check_out = subprocess.run([sys.executable, "-m", "streams.cli", "check", "--jsonl"], input=path.read_text(),
                               capture_output=True, text=True, check=True)
    replay_out = subprocess.run([sys.executable, "-m", "streams.cli", "replay", "--all", str(path)],
                                capture_output=True, text=True, check=True)
    for out in (check_out, replay_out):
        assert "personal_data" in out.stdout
        assert raw not in out.stdout + out.stderr and "123-45-67" not in out.stdout + out.stderr


OFFTOPIC = [  # what belongs to learning is a judgement: never certain, a moderator decides
    ("an ad", "Покупайте косметику со скидкой 50% по ссылке", "high", "likely"),
    ("a scheme", "Пирамида: вложи 1000, получи 10000", "high", "likely"),
    ("a casino", "лучшее онлайн казино, бонус новичкам", "high", "likely"),
    ("a chain letter", "перешли это сообщение 10 друзьям", "high", "likely"),
    ("an unknown link", "смотрите что нашла: best-deals.shop/sale", "medium", "possible"),
    ("a political call", "Все на митинг в субботу!", "medium", "possible"),
    ("sports chatter", "Лига чемпионов сегодня в 22:00, кто смотрит?", "medium", "possible"),
]


@pytest.mark.parametrize("name,text,severity,certainty", OFFTOPIC, ids=[c[0] for c in OFFTOPIC])
def test_offtopic(name, text, severity, certainty):
    v = categories(text)["offtopic"]
    assert (v.severity, v.certainty) == (severity, certainty)


ALLOWED = [
    ("money for class needs", "Сбор на подарок учителю — по 200 рублей"),
    ("lost and found", "Кто потерял варежки? Лежат у охранника"),
    ("a school service link", "Домашнее задание в дневнике: https://dnevnik.ru/homework"),
    ("an education link", "Разбор темы тут: resh.edu.ru/subject/lesson/123"),
    ("a schedule", "Расписание на завтра: математика, русский, физкультура"),
    ("get the textbooks", "Получите учебники в библиотеке до пятницы"),
    ("a school match", "Смотрели матч школьной команды по баскетболу? Наши молодцы"),
    ("geometry", "Найдите объём пирамиды"),
]


@pytest.mark.parametrize("name,text", ALLOWED, ids=[c[0] for c in ALLOWED])
def test_allowed_by_the_rules(name, text):
    assert "offtopic" not in categories(text)
