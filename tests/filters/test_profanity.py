"""Swearing caught through inflection, derivation and disguise; innocent words left alone."""
import pytest

from tests.conftest import flags

CAUGHT = [
    # (what the case shows, text, the normalised word the evidence should carry)
    ("inflection of a lemma", "какого хуя опять перенесли", "хуя"),
    ("derivation with a prefix", "охуеть можно", "охуеть"),
    ("derivation: распиздяй", "ну ты распиздяй", "распиздяй"),
    ("derivation: заебали", "заебали уже", "заебали"),
    ("ё and a derivation", "выёбывается перед всеми", "выебывается"),
    ("compound: долбоёб", "долбоёб", "долбоеб"),
    ("star mask", "х*й", "хуй"),
    ("two-star mask", "пи**ец", "пиздец"),
    ("percent mask", "ху%ня", "хуйня"),
    ("percent mask, peers miss it", "зае%ал выходи уже", "заебал"),
    ("dots for a missing letter, peers miss it", "С..ка", "сука"),
    ("two masks in one word, peers miss it", "пи*р*сами", "пидарасами"),
    ("percent for х, peers miss it", "по%уй", "похуй"),
    ("Latin c and y, peers miss it", "Пиcдyй, учебник кури", "писдуй"),
    ("Latin b and a, peers miss it", "еbaлом", "ебалом"),
    ("quote inside, peers miss it", 'ХУ"ЛОМ', "хуелом"),
    ("spaced in two pieces, peers miss it", "дро чи", "дрочи"),
    ("letters spaced out", "х у й", "хуй"),
    ("letters dotted", "х.у.й", "хуй"),
    ("hyphen inside", "ПИЗ-ДЕЦ", "пиздец"),
    ("stretched letters", "хууууй", "хуй"),
    ("stretched ending", "бляяяя", "бля"),
    ("digit for a letter", "6ля", "бля"),
    ("digit 9 for я", "бл9дский", "блядский"),
    ("Latin look-alikes only", "xyй", "хуй"),
    ("translit", "pizdec", "пиздец"),
    ("translit with a prefix", "nahuy", "нахуй"),
    ("translit with j", "bljad", "бляд"),
    ("zero-width space inside", "пиз\u200bдец", "пиздец"),
    ("bran: мразь", "вот мразь!", "мразь"),
    ("vulgar: говно", "песня класс, а это говно", "говно"),
]


@pytest.mark.parametrize("name,text,normalized", CAUGHT, ids=[c[0] for c in CAUGHT])
def test_caught(profanity, name, text, normalized):
    violation = flags(profanity, text)
    assert violation is not None, f"{text!r} should be flagged"
    assert normalized in [e.normalized for e in violation.evidence]


INNOCENT = [
    ("imperative of страховать", "страхуй машину"),
    ("prefixed imperative", "Подстрахуйте детей на катке"),
    ("употреблять holds «бля»", "Употребляйте меньше сладкого"),
    ("команда holds «манда»", "команда школы победила"),
    ("скипидар holds «пидар»", "Скипидар и кисти для рисования"),
    ("неблагоприятный holds «бля»", "неблагоприятный прогноз погоды"),
    ("хлеба holds «еба»", "Хлеб и молоко, два хлеба"),
    ("себе holds «еб»", "купите себе тетради"),
    ("a word boundary: вам удачи", "вам удачи на олимпиаде"),
    ("a word boundary: вкусные блинчики", "вкусные блинчики на ярмарке"),
    ("a word boundary: литровые банки", "литровые банки для рассады"),
    ("мудрость holds «муд»", "Мудрость — тема сочинения"),
    ("хулиган holds «ху»", "Хулиганы разбили окно в спортзале"),
    ("гребля", "Соревнования по гребле в субботу"),
    ("мандарин", "Мандаринов купили на всех"),
    ("психуй is a dictionary word", "не психуй перед контрольной"),
    ("всухую", "выиграли всухую"),
    ("English her is not хер", "I told her about the trip"),
    ("Ебург is a city", "мы живём в Ебурге"),
    ("dots between words", "т.е. завтра, т.к. перенесли"),
    ("stars for emphasis", "*важно* принести сменку"),
    ("a comma ends a spelled word", "п, и, з, д, а — буквы"),
    ("initials", "С.К. Иванова и А.С. Пушкин"),
    ("percent", "скидка 50% на форму"),
    ("сучья are branches too", "собрали сухие сучья для костра"),
    ("сволочь is also a verb", "сволоченные в кучу мешки"),
    ("a dish that shares forms with a verb", "на завтрак дрочёны"),
    ("English ebay is not еб-", "заказали на ebay"),
    ("шлюпка", "катались на шлюпке"),
    ("рассрочка", "оплата в рассрочку"),
]


@pytest.mark.parametrize("name,text", INNOCENT, ids=[c[0] for c in INNOCENT])
def test_innocent(profanity, name, text):
    assert flags(profanity, text) is None


def test_evidence_points_into_the_original_text(profanity):
    text = "Ну и ПИЗ-ДЕЦ, а ещё х у й и зае%ал"
    violation = flags(profanity, text)
    assert [e.text for e in violation.evidence] == ["ПИЗ-ДЕЦ", "х у й", "зае%ал"]
    for e in violation.evidence:
        assert text[e.start:e.end] == e.text


def test_severity_is_the_worst_hit(profanity):
    assert flags(profanity, "говно").severity == "medium"
    assert flags(profanity, "говно и пиздец").severity == "high"


def test_evidence_names_its_lexicon_line(profanity):
    evidence = flags(profanity, "охуеть").evidence[0]
    assert evidence.source.startswith("profanity/mat.txt:")
    assert evidence.entry.startswith("~")
