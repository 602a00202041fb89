"""Every example line under lexicons/ is a test: '+' caught, '-' not, '~' caught for a moderator to
decide (never acted on as certain), '?' a strict xfail; in speech/, '+' the word is found in the
text as a word of the file's class, '-' it is not."""

import pytest

from filters.lexicon import checks
from filters.lexicon.format import LexiconError, parse
from filters.lexicon.index import build
from filters.paths import lexicon_root
from filters.ruleset import default

CATEGORIES = sorted(p.name for p in lexicon_root().iterdir() if p.is_dir() and not p.name.startswith("_"))
RESULTS = [r for c in CATEGORIES for r in checks.run_examples(c, default())]


@pytest.mark.parametrize("result", RESULTS, ids=[r.id for r in RESULTS])
def test_example(result):
    if result.kind == "known_miss":
        assert not result.flagged, "a known miss is now caught: change its '?' to '+'"
        pytest.xfail("known miss, kept visible")
    assert result.ok, result.why


@pytest.mark.parametrize("category", CATEGORIES)
def test_lint_finds_no_errors(category):
    assert [str(p) for p in checks.lint(category) if p.level == "error"] == []


BROKEN = [
    ("no category header", "хуй\n  + хуй\n", "категория"),
    ("example before any entry", "категория: profanity\n  + хуй\n", "before any entry"),
    ("unknown example sign", "категория: profanity\nхуй\n  * хуй\n", "'+ ', '- ', '~ ' or '? '"),
    ("a root with a space", "категория: profanity\n~ху й\n  + хуй\n", "is one word"),
    ("bad root regex", "категория: profanity\n~ху(й\n  + хуй\n", "not a valid regex"),
    ("Latin in an entry", "категория: profanity\nhuy\n  + huy\n", "Russian letters only"),
    ("unknown severity", "категория: profanity\nсерьёзность: extreme\nхуй\n  + хуй\n", "must be one of"),
    ("unknown certainty", "категория: profanity\nуверенность: наверняка\nхуй\n  + хуй\n", "точно, вероятно, возможно"),
    ("a speech file without a class", "категория: speech\nсын\n  + сын\n", "needs 'класс: …'"),
    ("an unknown speech class", "категория: speech\nкласс: родня\nсын\n  + сын\n", "one of речь, обзывание"),
    ("a class outside speech", "категория: insult\nкласс: дети\nсын\n  + сын\n", "belongs only in"),
    ("a root in a speech class", "категория: speech\nкласс: дети\n~^сын\n  + сын\n", "not roots or prefixes"),
]


@pytest.mark.parametrize("name,text,message", BROKEN, ids=[c[0] for c in BROKEN])
def test_a_broken_file_names_its_line(tmp_path, name, text, message):
    path = tmp_path / "bad.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LexiconError, match="bad.txt:") as err:
        parse(path)
    assert message in str(err.value)


def test_lint_refuses_an_entry_without_a_plus_example(tmp_path):
    (tmp_path / "x.txt").write_text("категория: profanity\nхуй\n  - хулиган\n", encoding="utf-8")
    problems = checks.lint("x", build("x", tmp_path, swept=False))
    assert [(p.level, p.where) for p in problems if "no '+' example" in p.text] == [("error", f"{tmp_path.name}/x.txt:2")]


def test_lint_warns_about_a_lemma_the_dictionary_lacks(tmp_path):
    (tmp_path / "x.txt").write_text("категория: insult\nлошпедина\n  + лошпедина\n", encoding="utf-8")
    problems = checks.lint("x", build("x", tmp_path, swept=False))
    assert [p.level for p in problems] == ["warning"]
    assert "exact form only" in problems[0].text


def test_a_speech_example_says_whether_the_word_is_found_as_its_class(tmp_path):
    from filters import speech
    from filters.lexicon.index import build_many

    folder = tmp_path / "speech"
    folder.mkdir()
    (folder / "children.txt").write_text("категория: speech\nкласс: дети\nсын\n  + сыну угрожают\n",
                                         encoding="utf-8")
    index = build_many(["speech"], {"speech": folder})
    [entry] = index.entries
    assert speech.finds(index, entry, "сыну угрожают") and speech.finds(index, entry, "у сыновей")
    assert not speech.finds(index, entry, "сыпь на коже")
