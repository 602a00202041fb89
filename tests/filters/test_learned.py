"""The learned second opinion: what it may say, how it reads a text, how it is trained.

The quality of what it finds is measured on held-out data by benchmarks/detect.py, not here: these
tests pin what must hold whatever the weights — it never strikes, it says what it saw, it reads any
input, and its training gives the same bytes twice.
"""
from __future__ import annotations

import filecmp
import json
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from filters import Message, check
from filters.learned import features
from filters.learned.weights import shipped

SHARED_TRAIN = Path(__file__).resolve().parents[3] / "shared" / "datasets" / "train"
NOON = datetime(2026, 11, 18, 9, tzinfo=timezone.utc)
MODEL = shipped()


def verdict(text: str):
    return check(Message("m1", "c1", "u1", NOON, text))


def model_findings(text: str):
    return [v for v in verdict(text).violations if v.rule.startswith("model.")]


# ordinary school-chat talk: the model must leave it alone (the lists leave it alone too)
ORDINARY = [
    "Завтра контрольная по математике, не забудьте калькулятор",
    "Родители, собрание в четверг в 18:00 в кабинете 12",
    "Кто знает, что задали по русскому на понедельник?",
    "Спасибо большое, Марина Викторовна, всё получили",
    "Напоминаю: в пятницу экскурсия в музей, сбор у школы в 9:00",
    "Дети, не забудьте сменную обувь и форму на физкультуру",
    "Оплату за питание нужно внести до 25 числа",
    "Сегодня уроки до 13:30, потом классный час",
    "Прочитайте роман «Идиот» к понедельнику, будем писать сочинение",
    "Мы играли в дурака на перемене, а потом пошли на обед",
]


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_talk_gets_no_second_opinion(text):
    assert model_findings(text) == []


# what it may find: by meaning, not by a listed word. Held-out quality is the benchmark's; these
# few pin that the shipped model is switched on and reads this kind at all
BY_MEANING = [
    ("я тебя урою после уроков, понял", "threat"),
    ("эти черномазые везде лезут", "hate"),
]


@pytest.mark.parametrize("text, category", BY_MEANING)
def test_finds_what_it_was_trained_for(text, category):
    cats = {v.category for v in verdict(text).violations}
    assert category in cats, verdict(text).to_dict()


@pytest.mark.parametrize("text", [t for t, _ in BY_MEANING] + [
    "сука ты тупая, отстань от моего ребёнка",
    "если ещё раз тронешь мою дочь, пожалеешь, что родился",
])
def test_it_never_is_certain_and_always_says_what_it_saw(text):
    for v in model_findings(text):
        assert v.certainty in ("likely", "possible")
        assert "модель dozor" in v.explanation and MODEL.version in v.explanation
        for e in v.evidence:                         # the words it names are the message's
            assert text[e.start:e.end] == e.text
            assert e.entry == "model"


def test_one_word_is_the_lists_business():
    assert model_findings("ничтожество") == []
    assert model_findings("ну ты") == []


def test_a_quoted_title_is_not_read():
    assert model_findings("роман «Идиот» и повесть «Дебил» прочитать к среде") == []


def test_swearing_alone_is_not_made_an_insult():
    """«бля, опять контрольная»: swearing, nobody insulted; the model reads the text without the
    swearing words before it calls it an insult too."""
    v = verdict("бля, опять контрольная по химии перенесли на завтра")
    assert {x.category for x in v.violations} == {"profanity"}


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_any_text_is_read(text):
    words = features.words_of(text, MODEL.table)
    ids, owner = features.word_ngrams(words, MODEL.bits)
    assert len(ids) == len(owner)
    assert len(ids) == 0 or (ids.min() >= 0 and ids.max() < 2 ** MODEL.bits)
    assert len(owner) == 0 or (owner.min() >= 0 and owner.max() < len(words))
    p = MODEL.scores(text)
    assert p.shape == (len(MODEL.heads),) and np.all((p >= 0) & (p <= 1))
    for head in MODEL.heads:
        for word, share in MODEL.strongest(text, head):
            assert share > 0 and word in words


@pytest.mark.parametrize("word, ngrams", [
    ("ты", [" ты", "ты ", " ты "]),                              # 3-, 4-grams with its edges
    ("дура", [" ду", "дур", "ура", "ра ", " дур", "дура", "ура ", " дура", "дура "]),
])
def test_a_word_is_its_own_ngrams(word, ngrams):
    """A word's n-grams never reach into the next word: what the model makes of it is its own."""
    alone, _ = features.word_ngrams([word], MODEL.bits)
    beside, owner = features.word_ngrams(["привет", word, "пока"], MODEL.bits)
    assert sorted(alone.tolist()) == sorted(beside[owner == 1].tolist())
    assert len(alone) == len(ngrams)


@pytest.mark.parametrize("n_words, parts", [(1, [(0, 1)]), (24, [(0, 24)]), (30, [(0, 24), (24, 30)]),
                                            (60, [(0, 24), (24, 48), (48, 60)]), (0, [(0, 0)])])
def test_a_long_text_is_read_in_parts(n_words, parts):
    assert features.parts(["слово"] * n_words) == parts


def test_a_long_text_is_as_abusive_as_its_worst_part():
    calm = "Сегодня на собрании обсудили экскурсию, питание, расписание кружков и оплату учебников. " * 3
    worst = "ты тупое ничтожество, заткнись уже"
    # read whole, the calm words would outweigh it; read in parts, its part is still abuse
    assert MODEL.scores(calm)[0] < 0.3
    assert MODEL.scores(calm + worst)[0] > 0.5


def test_a_full_memory_of_words_starts_again_mid_message(monkeypatch):
    import filters.learned.weights as weights
    text = "ты тупое ничтожество, заткнись уже"
    expected = MODEL.scores(text)
    monkeypatch.setattr(weights, "KEEP_WORDS", 3)      # the message's words do not all fit
    MODEL._memo.clear()
    MODEL.scores("совсем другие слова тут")
    assert np.array_equal(MODEL.scores(text), expected)
    MODEL._memo.clear()


def test_what_it_makes_of_a_word_is_kept_and_the_same():
    text = "ты тупое ничтожество, заткнись уже"
    first = MODEL.scores(text)
    MODEL._memo.clear()
    assert np.array_equal(MODEL.scores(text), first)
    assert np.array_equal(MODEL.scores(text), first)


def test_disguises_are_read_as_the_lexicons_say():
    # (the model keeps the tables it was trained with: model.json «disguises»)
    assert features.words_of("Ты 6ЕЗМ0ЗГЛАЯ xyйня", MODEL.table) == ["ты", "безмозглая", "хуйня"]
    words = features.words_of("пиши в лс 89161234567 https://t.me/x", MODEL.table)
    assert words == ["пиши", "в", "лс", "0"]          # a link is the off-topic lists' to judge


def _small_data(folder: Path) -> Path:
    folder.mkdir()
    for name in ("russe_detox_train.jsonl", "tg_spam_spam_samples.jsonl", "tg_spam_ham_samples.jsonl"):
        lines = (SHARED_TRAIN / name).read_text(encoding="utf-8").splitlines()
        (folder / name).write_text("\n".join(lines[:1500]) + "\n", encoding="utf-8")
    return folder


@pytest.mark.skipif(not SHARED_TRAIN.is_dir(), reason="../shared/datasets/train is not beside the repo")
def test_training_gives_the_same_bytes_twice(tmp_path):
    from filters.learned.train import train
    from filters.paths import lexicon_root
    data = _small_data(tmp_path / "data")
    a, b = tmp_path / "a", tmp_path / "b"
    train(data, lexicon_root(), a, seed=5)
    train(data, lexicon_root(), b, seed=5)
    for f in ("weights.npy", "model.json"):
        assert filecmp.cmp(a / f, b / f, shallow=False), f
    meta = json.loads((a / "model.json").read_text(encoding="utf-8"))
    assert meta["seed"] == 5 and set(meta["thresholds"]) == set(meta["heads"])
    for t in meta["thresholds"].values():
        assert 0 < t["possible"] <= t["likely"] <= 1


@pytest.mark.skipif(not SHARED_TRAIN.is_dir(), reason="../shared/datasets/train is not beside the repo")
def test_the_shipped_model_is_what_the_data_trains(tmp_path):
    """The weights in lexicons/_model/ are reproducible from the data and the lexicons as they
    are: after an edit of the lexicons' examples, `dozor model train` and commit its output."""
    from streams.cli import main
    assert main(["model", "train", "--data", str(SHARED_TRAIN), "--check"]) == 0
