"""swept.tsv must be what the rules give today: a rule change shows up as its diff."""
import pytest

from filters import sweep
from filters.lexicon.index import SWEPT
from filters.paths import lexicon_root


@pytest.fixture(scope="module")
def lemmas():
    return sweep.dictionary_lemmas()


def test_the_dictionary_is_the_whole_dictionary(lemmas):
    assert len(lemmas) > 150_000


@pytest.mark.parametrize("category", ["profanity", "insult", "hate", "threat", "flood", "offtopic", "personal_data"])
def test_swept_file_is_up_to_date(lemmas, category):
    path = lexicon_root() / category / SWEPT
    fresh = sweep.render(sweep.sweep(category, lemmas))
    assert fresh == path.read_text(encoding="utf-8"), (
        f"lexicons/{category}/swept.tsv is out of date: run `dozor lexicon sweep {category}` "
        f"and review the diff")


@pytest.mark.parametrize("innocent", ["употреблять", "скипидар", "команда", "страховать",
                                      "оскорблять", "саговник", "бундесрат", "ссутулиться",
                                      "педикулез", "двоеборье"])
def test_sweep_does_not_take_innocent_lemmas(lemmas, innocent):
    flagged = {row[0] for row in sweep.sweep("profanity", lemmas)}
    assert innocent in lemmas and innocent not in flagged
