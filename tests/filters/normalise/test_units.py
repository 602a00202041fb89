"""One table per normaliser unit, plus properties that must hold for any text."""
import pytest
from hypothesis import given, strategies as st

from filters.normalise import fold, readings
from filters.normalise.homoglyphs import Homoglyphs
from filters.normalise.leet import Leet
from filters.normalise.repeats import Repeats
from filters.normalise.translit import Translit

FOLD = [
    ("upper case", "ХУЙ", "хуй"),
    ("ё is е", "Ёбнулся", "ебнулся"),
    ("zero-width space inside", "х\u200bу\u200bй", "хуй"),
    ("soft hyphen inside", "пиз\u00adдец", "пиздец"),
    ("combining accent", "ху\u0301й", "хуй"),
    ("fullwidth Latin", "ｘｙ", "xy"),
    ("й survives (not и + breve)", "й", "й"),
]


@pytest.mark.parametrize("name,raw,expected", FOLD, ids=[c[0] for c in FOLD])
def test_fold(name, raw, expected):
    assert fold(raw) == expected


UNITS = [
    ("Latin x, y in a Cyrillic word", Homoglyphs(), "xyй", "хуй"),
    ("Latin c, y in «Пиcдyй»", Homoglyphs(), "пиcдyй", "писдуй"),
    ("Latin b by sound in «еbaлом»", Homoglyphs(), "еbaлом", "ебалом"),
    ("digit 6 for б", Leet(), "6ля", "бля"),
    ("digit 0 for о", Leet(), "п0рн0", "порно"),
    ("a number stays a number", Leet(), "2020", "2020"),
    ("translit pizdec", Translit(), "pizdec", "пиздец"),
    ("translit digraph ya", Translit(), "blyat", "блят"),
    ("translit nahuy", Translit(), "nahuy", "нахуй"),
    ("stretched letters", Repeats(), "хууууй", "хуй"),
    ("stretched, double kept", Repeats(), "сссать", "ссать"),
    ("doubled by mistake", Repeats(), "ебанный", "ебаный"),
]


@pytest.mark.parametrize("name,unit,word,reading", UNITS, ids=[c[0] for c in UNITS])
def test_unit_offers_reading(name, unit, word, reading):
    assert reading in list(unit(word))


def test_homoglyphs_leave_pure_latin_alone():
    assert list(Homoglyphs()("hello")) == ["hello"]


def test_translit_leaves_cyrillic_alone():
    assert list(Translit()("привет")) == ["привет"]


words = st.text(alphabet="абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВЕКМНОРСТХ", min_size=1, max_size=12)
invisible = st.sampled_from(["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"])


@given(words)
def test_fold_is_idempotent(word):
    assert fold(fold(word)) == fold(word)


@given(words)
def test_fold_ignores_case(word):
    assert fold(word.upper()) == fold(word.lower())


@given(words, invisible, st.integers(min_value=0, max_value=12))
def test_invisible_characters_change_nothing(word, mark, at):
    at = min(at, len(word))
    assert fold(word[:at] + mark + word[at:]) == fold(word)


@given(words)
def test_a_cyrillic_word_is_first_read_as_itself(word):
    assert readings(word)[0] == fold(word)


@given(st.text(max_size=40))
def test_readings_never_explode(text):
    assert 1 <= len(readings(text)) <= 32


def test_the_readings_cap_holds_across_readings():
    # found by the property test above: each reading after the cap used to add one more
    assert len(readings("00BCC")) == 32
