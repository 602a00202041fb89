"""Public addresses are never violations; personal data says how sure it is.

Both directions, because both hurt: a `certain` finding is deleted at once (a parent who wrote
info@sferum.ru as the rules say loses the message), a timid one leaves a phone number in a chat
of thirty families. The school's own data comes from the chat registry (DOZOR_CHATS), the rest
from the lexicon (personal_data/public.tsv, personal_data/addresses.tsv, offtopic/domains.tsv).
"""
import json
import shutil
from datetime import datetime, timezone

import pytest

from filters import Message, check, registry
from filters.paths import lexicon_root
from filters.ruleset import LexiconRefused, address_examples, default, load

T0 = datetime(2026, 11, 18, 12, tzinfo=timezone.utc)


def verdict(text, chat="test-chat", role=None):
    return {v.category: v for v in check(Message("t-1", chat, "u-1", T0, text, role)).violations}


# ------------------------------------------------- public: no finding at all
PUBLIC = [
    ("the regulations' support e-mail", "Вопросы по «Сферуму» пишите на info@sferum.ru"),
    ("the support e-mail in capitals", "Пишите на INFO@SFERUM.RU, там ответят"),
    ("a hotline 8-800", "Горячая линия 8-800-100-12-34"),
    ("a hotline written +7 800", "Звоните бесплатно: +7 (800) 100-12-34"),
    ("a hotline without separators", "Поддержка дневника 88001001234"),
    ("a state hotline 8-804", "Горячая линия министерства 8-804-333-12-34"),
    ("the children's helpline", "Детский телефон доверия 8-800-2000-122, звонок бесплатный"),
    ("an organisation's 10-digit INN", "ИНН школы 7707083893"),
    ("a Moscow organisation's INN 97… is no mobile", "ИНН 9701000005"),
    ("the school's INN in a payment notice",
     "Оплата питания до 25.12. Получатель: МБОУ «СОШ №33», ИНН 7707083893, КПП 770701001, "
     "р/с 40702810400000001234, БИК 044525225, КБК 00000000000000000130"),
    ("an ОГРН that passes Luhn by chance", "Получатель: ГБОУ Школа № 1, ОГРН 1027700132196"),
    ("bank details that look like a card", "р/с 4111 1111 1111 1111 (для родительского комитета не годится)"),
    ("a venue's address in a trip notice", "Сбор у театра, ул. Ленина, д. 5"),
    ("a museum by its address", "Экскурсия в музей по адресу ул. Мира, д. 3"),
    ("a meeting point", "Встречаемся в 9:00 у вокзала, ул. Челюскинцев, д. 106"),
    ("a clinic for a check-up", "Медосмотр в поликлинике, проспект Ленина, дом 50"),
    ("short federal numbers", "При пожаре звоните 101, единый номер 112"),
]


@pytest.mark.parametrize("name,text", PUBLIC, ids=[c[0] for c in PUBLIC])
def test_public_values_are_no_personal_data(name, text):
    assert "personal_data" not in verdict(text)


LINKS = [
    ("prof-sferum instructions", "Инструкции для учебного профиля на prof-sferum.ru"),
    ("the sferum instructions page", "Как создать чат: https://sferum.ru/?p=instructions"),
    ("Roskomnadzor's list of banned services", "Список: https://rkn.gov.ru/press/news/news74786.htm"),
    ("state services", "Запись в 1 класс через gosuslugi.ru"),
    ("a school site on the gosweb platform", "Сайт школы: sh-burminskaya-r62.gosweb.gosuslugi.ru/roditelyam"),
    ("the Moscow region e-diary", "Оценки смотрите в school.mosreg.ru"),
    ("the Tatarstan e-diary", "Домашнее задание на edu.tatar.ru"),
    ("the Saint Petersburg e-diary", "Электронный дневник: petersburgedu.ru"),
    ("elschool", "Вход в дневник: elschool.ru"),
    ("eljur", "Журнал: eljur.ru"),
]


@pytest.mark.parametrize("name,text", LINKS, ids=[c[0] for c in LINKS])
def test_links_to_the_regulations_and_education_services_are_not_offtopic(name, text):
    assert "offtopic" not in verdict(text)


# --------------------------------------- personal data: flagged, masked, how sure
FLAGGED = [
    ("a parent's mobile", "Мой номер 8 916 123-45-67, звоните после 18", "123-45-67", "certain"),
    ("a mobile beside a hotline", "Горячая линия 8-800-100-12-34, а мой +7 916 123-45-67", "916 123-45", "certain"),
    ("a mobile without a prefix", "мой номер 9161234567", "9161234567", "certain"),
    ("a landline is more often an office's: shown, never hidden", "Звоните 8 (343) 123-45-67", "123-45-67",
     "possible"),
    ("a personal e-mail", "Пишите мне: petrova.anna@mail.ru", "petrova.anna", "certain"),
    ("a personal e-mail beside the support one", "Поддержка: info@sferum.ru, а мой ivanov@yandex.ru",
     "ivanov@", "certain"),
    ("an organisation's mailbox is left to a moderator", "Заявки в лагерь на info@zarya-camp.ru",
     "info@zarya", "possible"),
    ("a card number named as one", "Карта 4276 1600 1234 5675, переводите", "4276 1600", "certain"),
    ("a card's shape: sixteen digits, a Visa's first", "скиньте на 4276160012345675", "42761600", "certain"),
    ("a Luhn number that is not shaped as a card", "Номер 1000000000009 в записи", "100000000", "likely"),
    ("a SNILS written as one", "112-233-445 95", "112-233", "certain"),
    ("eleven digits passing the SNILS check, unnamed", "номер 11223344595", "1122334", "likely"),
    ("a school accountant's box", "Чеки присылайте в бухгалтерию: buh31@mail.ru", "buh31@", "possible"),
    ("a home address with a flat", "Живём на ул. Ленина, д. 5, кв. 12", "Ленина, д. 5", "likely"),
    ("a flat is a home even beside a theatre", "Сбор у театра, потом ко мне: ул. Ленина, д. 5, кв. 12",
     "Ленина, д. 5", "likely"),
    ("a home word beats a venue word", "Мы живём на ул. Ленина, д. 5, рядом с театром", "Ленина, д. 5", "likely"),
    ("ул. Театральная is no theatre", "Приносите на ул. Театральная, д. 5", "Театральная", "likely"),
    ("an address with nothing around it", "Приносите на ул. Ленина, д. 5", "Ленина, д. 5", "likely"),
    ("a card number", "Переведите на карту 4111 1111 1111 1111", "4111 1111 1111", "certain"),
    ("a card beside a hotline", "Горячая линия 8-800-100-12-34, деньги на карту 4111 1111 1111 1111",
     "4111 1111 1111", "certain"),
    ("a SNILS", "СНИЛС ребёнка 112-233-445 95", "112-233-445", "certain"),
    ("a person's 12-digit INN", "ИНН 500100732259", "500100732259", "certain"),
    ("a passport", "Паспорт 45 06 123456", "123456", "likely"),
    ("a password", "Пароль от дневника: qwerty123", "qwerty123", "likely"),
    ("a diagnosis next to a name", "у Пети ветрянка, не придёт две недели", "Пети", "possible"),
]


@pytest.mark.parametrize("name,text,raw,certainty", FLAGGED, ids=[c[0] for c in FLAGGED])
def test_personal_data_is_flagged_at_its_certainty_and_masked(name, text, raw, certainty):
    v = verdict(text)["personal_data"]
    assert v.certainty == certainty
    assert v.severity == ("high" if certainty == "certain" else "medium")
    shown = json.dumps(v.to_dict(), ensure_ascii=False)
    assert raw not in shown, f"the raw value leaked: {shown}"


def test_only_the_personal_datum_is_evidence_beside_a_public_one():
    v = verdict("Поддержка: info@sferum.ru или 8-800-100-12-34, а мой +7 916 123-45-67")["personal_data"]
    assert [e.entry for e in v.evidence] == ["personal_data.phone"]
    assert v.evidence[0].text.endswith("67") and "916" not in v.evidence[0].text


def test_every_example_of_the_address_words_does_what_its_kind_says():
    assert address_examples(default()) == []


# --------------------------------------------------- the school's own data
REGISTRY = '''
[defaults]
kind = "parents"
moderators = ["t-admin-1"]

[defaults.school]
sites = ["school31.ru", "https://t.me/school31/", "vk.com/school31"]
addresses = ["620000, г. Екатеринбург, ул. Ленина, д. 10"]
inns = ["665801234501"]            # the canteen's operator, a sole trader: 12 digits
phones = ["+7 (343) 123-45-67"]
emails = ["Priemnaya.School31@mail.ru"]

[chats."5b-parents"]
moderators = ["t-7"]
block = "propose"

[chats."5b-parents".school]
addresses = ["улица Мира, 3"]      # the primary school's building, written as on its sign
emails = ["klass5b.31@yandex.ru"]
'''


@pytest.fixture
def school(use_registry):
    use_registry(REGISTRY)


SCHOOL = [  # (name, chat, text, category flagged or None)
    ("the school's site", "5b-parents", "Новости на school31.ru/news", None),
    ("a subdomain of the school's site", "7a-parents", "Электронная библиотека: lib.school31.ru", None),
    ("a post of the school's channel", "5b-parents", "Фото с линейки: t.me/school31/245", None),
    ("another channel on t.me", "5b-parents", "Подпишитесь: t.me/school31_sale", "offtopic"),
    ("the school's address, spelled otherwise", "7a-parents", "Собрание в 18:00, улица Ленина дом 10", None),
    ("the school's address with a flat is a home", "7a-parents", "Мы на ул. Ленина, д. 10, кв. 4",
     "personal_data"),
    ("a chat's own building", "5b-parents", "Собрание в 18:00 на ул. Мира, д. 3", None),
    ("another chat does not have that building", "7a-parents", "Собрание в 18:00 на ул. Мира, д. 3",
     "personal_data"),
    ("the school office phone", "7a-parents", "Канцелярия: 8 343 123-45-67", None),
    ("another landline", "7a-parents", "Звоните 8 343 765-43-21", "personal_data"),
    ("the school's e-mail in another case", "7a-parents", "Заявления на priemnaya.school31@mail.ru", None),
    ("a chat's own e-mail", "5b-parents", "Фото присылайте на klass5b.31@yandex.ru", None),
    ("the payee's INN in a teacher's payment notice", "5b-parents",
     "Оплата питания: ИП Петров, ИНН 665801234501, р/с 40802810400000001234", None),
    ("a parent's mobile in the school's chat", "5b-parents", "Мой номер 8 916 123-45-67", "personal_data"),
]


@pytest.mark.parametrize("name,chat,text,flagged", SCHOOL, ids=[c[0] for c in SCHOOL])
def test_the_school_data_of_the_registry_is_no_violation(school, name, chat, text, flagged):
    got = verdict(text, chat, role="teacher")
    assert {"offtopic", "personal_data"} & set(got) == ({flagged} if flagged else set())


def test_the_school_data_keeps_the_registry_fields_beside_it(school):
    chat = registry.settings("5b-parents")
    assert chat.moderators == {"t-admin-1", "t-7"} and chat.block == "propose"
    assert len(chat.school.addresses) == 2 and len(registry.settings("7a-parents").school.addresses) == 1


BROKEN = [  # (name, registry, what the error must say)
    ("an unknown field", '[defaults.school]\nsite = ["school31.ru"]\n', "defaults.school.site is not a field"),
    ("a list written as a string", '[defaults.school]\nsites = "school31.ru"\n', "must be a list of strings"),
    ("a site that is no domain", '[defaults.school]\nsites = ["школа номер 31"]\n', "is not a site or a channel"),
    ("a school address with a flat", '[defaults.school]\naddresses = ["ул. Ленина, д. 10, кв. 2"]\n',
     "has a flat number"),
    ("an address with no street", '[defaults.school]\naddresses = ["Ленина 10"]\n', "is not an address dozor can read"),
    ("an INN with a wrong check digit", '[defaults.school]\ninns = ["7707083894"]\n', "fails the INN check digit"),
    ("an INN written as a number", '[defaults.school]\ninns = [7707083893]\n', "strings in quotes"),
    ("an INN of eleven digits", '[defaults.school]\ninns = ["77070838931"]\n', "10 digits (an organisation) or 12"),
    ("a phone without an area code", '[defaults.school]\nphones = ["12-34-56"]\n', "with the area code"),
    ("an e-mail without @", '[defaults.school]\nemails = ["school31.mail.ru"]\n', "is not an e-mail address"),
    ("school written as a value", '[chats."5b"]\nschool = "school31.ru"\n', 'write [chats."5b".school]'),
    ("the error names the chat", '[chats."5b".school]\nphones = ["123"]\n', 'chats."5b".school.phones'),
]


@pytest.mark.parametrize("name,text,why", BROKEN, ids=[c[0] for c in BROKEN])
def test_a_broken_school_entry_says_what_to_write(tmp_path, name, text, why):
    path = tmp_path / "chats.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(registry.RegistryError) as err:
        registry.load(str(path))
    assert why in str(err.value) and str(path) in str(err.value)


# --------------------------------------------- the tables are part of the version
@pytest.fixture
def copy(tmp_path):
    folder = tmp_path / "lexicons"
    shutil.copytree(lexicon_root(), folder, ignore=shutil.ignore_patterns("_charmaps", "README.md"))
    return folder


def test_the_tables_are_hashed_into_the_version(copy):
    with open(copy / "personal_data/public.tsv", "a", encoding="utf-8") as fh:
        fh.write("почта\tpriem@example-school.ru\tприёмная\n")
    edited = load(copy)
    assert edited.version != default().version
    msg = Message("m", "c", "u", T0, "Пишите на priem@example-school.ru")
    assert not any(v.category == "personal_data" for v in edited.check(msg).violations)


REFUSED = [  # (name, file, line appended, what the refusal must say)
    ("a kind that is not one", "personal_data/public.tsv", "адрес\tул. Ленина, д. 1\tшкола", "not a kind of public value"),
    ("spaces instead of a TAB", "personal_data/public.tsv", "почта info@sferum.ru", "with a TAB"),
    ("a phone without its code", "personal_data/public.tsv", "телефон\t123-45-67\tшкола", "is not a phone number"),
    ("a half e-mail", "personal_data/public.tsv", "почта\tinfo@\tсферум", "is not an e-mail address"),
    ("a venue word too short", "personal_data/addresses.tsv", "место\tте*\tСбор у театра, ул. Ленина, д. 5",
     "at least three letters"),
    ("a venue word without an example", "personal_data/addresses.tsv", "место\tкремл*", "no example"),
    ("an example without an address", "personal_data/addresses.tsv", "место\tкремл*\tЭкскурсия в кремль",
     "has no address dozor reads"),
    ("an example that does not use its word", "personal_data/addresses.tsv",
     "место\tкремл*\tЭкскурсия, ул. Ленина, д. 5", "does not have «кремл*»"),
    ("a venue example that stays flagged", "personal_data/addresses.tsv",
     "место\tкремл*\tЖивём у кремля, ул. Ленина, д. 5", "must not be flagged as personal data and is"),
    ("a domain written as a link", "offtopic/domains.tsv", "https://dnevnik.ru/", "is not a domain"),
]


@pytest.mark.parametrize("name,file,line,why", REFUSED, ids=[c[0] for c in REFUSED])
def test_a_broken_table_line_refuses_the_version_with_file_and_line(copy, name, file, line, why):
    path = copy / file
    text = path.read_text(encoding="utf-8")
    path.write_text(text + line + "\n", encoding="utf-8")
    with pytest.raises(LexiconRefused) as refused:
        load(copy, validate=True)
    assert why in str(refused.value)
    assert f"{file}:{len(text.splitlines()) + 1}" in str(refused.value)      # says where


def test_a_version_without_the_public_table_is_refused(copy):
    (copy / "personal_data/public.tsv").unlink()
    with pytest.raises(LexiconRefused, match="personal_data/public.tsv"):
        load(copy, validate=True)
