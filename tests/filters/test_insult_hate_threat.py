"""Who is attacked, not just which word: insults, hate and threats with their shapes."""
import pytest

from filters import check
from tests.conftest import message

FLAGGED = [
    # (what the case shows, text, category)
    ("aimed with ты", "ты тупой как пробка", "insult"),
    ("predicate after a dash", "учитель физики — придурок", "insult"),
    ("a form of address", "Корова, верни тетрадь", "insult"),
    ("какая же вы", "какая же вы тупая", "insult"),
    ("your son", "ваш сын дебил", "insult"),
    ("vocative plural", "дебилы, опять всё перепутали", "insult"),
    ("rude imperative", "заткнитесь все", "insult"),
    ("disguised with a star", "ты д*бил", "insult"),
    ("spelled out with an ordinary word inside", "ид и от", "insult"),
    ("letter by letter", "т у п и ц а", "insult"),
    ("a slur", "черномазым тут не место", "hate"),
    ("a group with «не место»", "мигрантам не место в нашем классе", "hate"),
    ("a group generalised with an insult", "все таджики воры и дебилы", "hate"),
    ("1st person future", "я тебя зарежу", "threat"),
    ("two threats", "подкараулю твоего сына после школы и побью", "threat"),
    ("a threat phrase", "ноги тебе переломаю", "threat"),
    ("мало не покажется", "будет тебе мало не покажется", "threat"),
    ("the school", "сожгу школу", "threat"),
    ("with a knife", "завтра приду с ножом", "threat"),
    ("a call to violence", "таких расстрелять надо", "threat"),
    ("the word itself, capitalised, is no surname", "Козёл, верни тетрадь", "insult"),
]


@pytest.mark.parametrize("name,text,category", FLAGGED, ids=[c[0] for c in FLAGGED])
def test_flagged(name, text, category):
    found = {v.category: v for v in check(message(text)).violations}
    assert category in found, f"{text!r}: {found}"
    if category in ("hate", "threat"):
        assert found[category].urgent and found[category].severity == "high"


CLEAN = [
    ("a fairy tale", "Прочитайте сказку про Иванушку-дурачка"),
    ("a fairy-tale name", "Сказка про Ивана-дурака"),
    ("a novel's title", "Прочитайте роман «Идиот» к понедельнику"),
    ("a cow in a maths problem", "Задача: корова даёт 12 литров молока"),
    ("an obtuse angle", "Тупой угол больше 90 градусов"),
    ("a bike brake", "тормоз велосипеда сломался"),
    ("a zero answer", "ответ: ноль"),
    ("peoples in social studies", "на уроке обществознания говорим о народах России и религиях"),
    ("nationalities in a class", "В классе учатся дети разных национальностей: татары, евреи, армяне"),
    ("migration as a project", "Мигранты в России: тема проекта по обществознанию"),
    ("kill time", "убить время до урока"),
    ("the task kills me", "эта задача меня убивает"),
    ("burn calories", "Сожгу калории на физкультуре"),
    ("hang an announcement", "надо повесить объявление на дверь"),
    ("an ordinary line", "Родительское собрание перенесли на четверг"),
    ("a dog got lost", "собака потерялась у школы"),
    ("God's creature", "всякой твари по паре"),
    ("a pupil's surname, not «козлов»", "Козлов, верни тетрадь"),
    ("a surname, not a slur", "Хохлов, зайди к завучу"),
    ("a girl's surname", "Хохлова Маша заболела"),
    ("a surname at the end", "домашку проверяет Баранов"),
]


@pytest.mark.parametrize("name,text", CLEAN, ids=[c[0] for c in CLEAN])
def test_clean(name, text):
    found = [v.category for v in check(message(text)).violations if v.category in ("insult", "hate", "threat")]
    assert found == []


def test_the_explanation_names_the_word_the_shape_and_the_entry():
    [v] = [v for v in check(message("Корова, верни тетрадь")).violations if v.category == "insult"]
    assert "«Корова»" in v.explanation and "insult/aimed.txt:" in v.explanation
    assert "said to someone" in v.explanation
    assert v.to_dict()["evidence"][0]["source"].startswith("insult/aimed.txt:")


HOW_SURE = [
    # (what the case shows, text, category, certainty; None: no finding at all)
    ("a strong insult with «ты»", "ты дебил", "insult", "certain"),
    ("a strong insult addressed at the end", "Отстань, придурок", "insult", "certain"),
    ("«не будь …»", "Лена, не будь дурой", "insult", "certain"),
    ("a strong insult said of nobody in particular", "там одни дебилы работают", "insult", "likely"),
    ("a word that insults only when aimed", "Корова, верни тетрадь", "insult", "likely"),
    ("a parent of herself", "я дура, перепутала время собрания", "insult", None),
    ("a parent of himself, apologising", "Я такой дебил, прошу прощения", "insult", None),
    ("«я» beside someone else addressed", "я думаю, ты дебил", "insult", "certain"),
    ("obscene: no other reading", "какого х*я опять перенесли", "profanity", "certain"),
    ("a form that is also a branch", "ворона сидит на суку", "profanity", "likely"),
    ("a form the maintainers vouched for", "вот суки", "profanity", "certain"),
    ("a slur with no innocent sense", "черномазым тут не место", "hate", "certain"),
    ("a slur that is also a tuft of hair", "у него хохол на макушке", "hate", "likely"),
    ("a threat: a person decides", "я тебя зарежу", "threat", "likely"),
]


@pytest.mark.parametrize("name,text,category,certainty", HOW_SURE, ids=[c[0] for c in HOW_SURE])
def test_how_sure_each_finding_is(name, text, category, certainty):
    found = {v.category: v for v in check(message(text)).violations}
    assert (found[category].certainty if category in found else None) == certainty
