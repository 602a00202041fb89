"""`dozor lexicon lint`: each check both ways, on small lexicon folders written here.

A lexicon is written as a maintainer writes it; lint must name the line and say what
to do. The shipped lexicons must lint without errors, quickly.
"""
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import regex

from filters.detectors.lexicon import CATEGORIES
from filters.lexicon import checks
from filters.lexicon.safety import unsafe
from filters.paths import lexicon_root

DOZOR = Path(sys.executable).parent / "dozor"


def lint(tmp_path, category: str, body: str, safe: str = "") -> list[str]:
    """lint() of a folder `category`/ holding words.txt (and safe.txt when given), as text."""
    folder = tmp_path / category
    folder.mkdir()
    (folder / "words.txt").write_text(f"категория: {category}\n\n{body}", encoding="utf-8")
    if safe:
        (folder / "safe.txt").write_text(f"категория: safe\n\n{safe}", encoding="utf-8")
    return [str(p) for p in checks.lint(category, folder=folder)]


def only(problems: list[str], words: str) -> list[str]:
    return [p for p in problems if words in p]


# ------------------------------------------------------------ unsafe patterns
# Judged on the regex module's own parse. Each blow-up was measured with mrab-regex: seconds or
# more on a word of a few dozen to a few thousand letters (the two bypasses stalled a
# worker 81 s on a 57-letter word, and for seconds on a 4,096-letter «хуйхуй…»). The engine
# defuses some look-alikes — (а*)*б — so lint does not rely on timing them.
EXPONENTIAL = "blows up: a repeated part can read"
POLYNOMIAL = "is too slow on long words: two repeats one after the other can both read"
NESTED = "nested quantifier"
UNCHECKABLE = "which lint cannot check for slowness, so it is refused"
BLOW_UPS = [
    # overlapping alternatives under a repeat: 2ⁿ ways to read «хухух…»
    (r"(?:ху|х|у)+й\p{L}{0}", EXPONENTIAL),      # the bypass: \p{L} blinded the stdlib parser
    (r"(?:ху|х|у)+й", EXPONENTIAL),
    (r"(?:ху|х|у)+й(?:)", EXPONENTIAL),
    (r"(?:ху|х|у){1,100}й", EXPONENTIAL),        # a counted repeat is a repeat
    (r"(?:ху|х|у)++й", EXPONENTIAL),             # possessive read as ordinary: never trusted to save it
    (r"(?:а|б|аб)+в", EXPONENTIAL),
    (r"(а|аа)+б", EXPONENTIAL),
    (r"(х|х)+уй", EXPONENTIAL),                  # the same letter twice
    (r"(а?а?)+б", NESTED),                       # «аа»: one round or two
    # repeats of overlapping classes one after another: n², n³ ways
    (r"х[а-я]*у[а-я]*й[а-я]*ня", POLYNOMIAL),    # the other bypass: cubic on «хуйхуй…»
    (r"х\p{L}*у\p{L}*й", POLYNOMIAL),
    (r"х[а-я]+у[а-я]+й", POLYNOMIAL),
    (r"(?:х[а-я]*){3}", POLYNOMIAL),
    (r"[ху]*[уй]*й", POLYNOMIAL),
    (r"а.*а.*а.*б", POLYNOMIAL),
    # a repeat inside a repeat
    (r"(а+)+б", NESTED),                         # 2.5 s at 1000 letters
    (r"(\w+\s?)+$", NESTED),                     # over 3 s at 1000 letters
    (r"(а*)*б", NESTED),                         # instant in this engine, still refused
    (r"(?>а+)+б", NESTED),                       # atomic: not trusted either; write а+б
    # one repeat that restarts at every letter: only a timing tells
    (r"(?:ха)+$", "too slow on long words (a message can be one word of 4096 letters)"),
    (r"(?:х|ху)+й", "too slow on long words (a message can be one word of 4096 letters)"),
    # what lint cannot judge is refused, not waved through
    (r"(а)\1", "uses a back-reference"),
    (r"(?:аб){e<=1}", "uses fuzzy matching"),
    (r"(?r)аб", "uses (?r), reversed matching"),
    (r"(?p)аб", "uses (?p), POSIX matching"),
    (r"\Xа", "uses a grapheme"),
    (r"а(?=б+)", "a lookaround that reads up to any number of letters"),
]

SAFE_PATTERNS = [
    r"^а?(?:х[аеи]){2,}х?$",            # flood: хахаха, anchored
    r"пи[зс]д|пизж|пезд",
    r"(?:^|[аеиоуыэюя]|ъ)еб(?!ор|о[йе])(?:[аеиклнуоыя]|$)",
    r"^(?:на|по|ни)?хер(?:(?:н[яиюе]|ней|ню)$|ов|ь|$)",
    r"еб.*ан",
    r"^ху[йя]+$",
    r"х+у+й",                           # what (?:ху|х|у)+й meant: «хуууй»
    r"^[ху]+й",                         # or, anchored, any mix
    r"х[а-я]{0,3}у[а-я]{0,3}й",         # what х[а-я]*у[а-я]*й meant, kept short
    r"^х[а-я]*у",
]


@pytest.mark.parametrize("pattern, why", BLOW_UPS, ids=[p for p, _ in BLOW_UPS])
def test_a_pattern_that_can_blow_up_is_refused(pattern, why):
    assert why in (unsafe(pattern) or "safe")


@pytest.mark.parametrize("pattern, word", [
    (r"(а|аа)+б", "а" * 40 + "!"),
    (r"(х|х)+уй", "х" * 40 + "!"),
    (r"(а+)+б", "а" * 2000 + "!"),
    (r"(\w+\s?)+$", "а" * 2000 + "!"),
    (r"(?:ху|х|у)+й\p{L}{0}", "ху" * 30 + "!й"),
    (r"х[а-я]*у[а-я]*й[а-я]*ня", "хуй" * 1365 + "!"),
])
def test_the_refused_patterns_really_blow_up_in_this_regex_engine(pattern, word):
    with pytest.raises(TimeoutError):
        regex.compile(pattern).search(word, timeout=0.5)


@pytest.mark.parametrize("pattern", SAFE_PATTERNS)
def test_a_safe_pattern_passes(pattern):
    assert unsafe(pattern) is None


def test_every_shipped_root_passes():
    roots = [e for c in CATEGORIES for e in _entries(c) if e.kind in ("root", "prefix")]
    assert roots, "no roots found: the lexicons moved?"
    assert [(e.source, unsafe(e.value if e.kind == "root" else "^" + regex.escape(e.value)))
            for e in roots if unsafe(e.value if e.kind == "root" else "^" + regex.escape(e.value))] == []


def test_lint_names_the_line_of_an_unsafe_root_and_the_time_limit_holds(tmp_path):
    body = "мудак\n  + мудак\n~(а|аа)+б\n  + аааб\n~(х|х)+уй\n  + хххуй\n"
    started = time.monotonic()
    problems = lint(tmp_path, "profanity", body)
    assert time.monotonic() - started < 3, "the blow-ups were not cut off by the time limit"
    assert [p.split(": error: ")[0] for p in problems if ": error: " in p] == [
        "profanity/words.txt:5", "profanity/words.txt:7"]
    assert "pattern '~(х|х)+уй': blows up" in problems[-1]


# ------------------------------------------------------------------- shadowed
SHADOWED = [
    ("a lemma, then one of its forms",
     "мудак\n  + мудак\n=мудака\n  + мудака\n", "", "'=мудака' is shadowed by мудак (profanity/words.txt:3)"),
    ("a prefix after a shorter one",
     "муда*\n  + мудазвон\nмудак*\n  + мудаковатый\n", "", "'мудак*' is shadowed by муда* (profanity/words.txt:3)"),
    ("a prefix after a root that reads nothing past its match",
     "~мудил\n  + мудилище\nмудилка*\n  + мудилкин\n", "", "'мудилка*' is shadowed by ~мудил"),
    ("a lemma whose every form is safe",
     "дрочена\n  + дрочена\n", "дрочена\n", "'дрочена' never fires: every form of it is listed as safe in "
                                           "дрочена (profanity/safe.txt:3)"),
    ("a prefix under a safe prefix",
     "ебург*\n  + ебургский\n", "ебур*\n", "'ебург*' never fires: every word it would match starts with "
                                          "the safe prefix in ебур* (profanity/safe.txt:3)"),
]

NOT_SHADOWED = [
    ("a form, then its lemma, which adds the other forms", "=мудака\n  + мудака\nмудак\n  + мудак\n", ""),
    ("a longer prefix first", "мудак*\n  + мудаковатый\nмуда*\n  + мудазвон\n", ""),
    ("a prefix after a root that ends in $", "~^ху[йя]$\n  + хуй\nхуйло*\n  + хуйлошка\n", ""),
    ("a prefix after a root with a lookahead", "~мудил(?!а)\n  + мудилище\nмудилка*\n  + мудилкин\n", ""),
    ("a lemma only some forms of which are safe", "сука\n  + сука\n", "=сук\n"),
]


@pytest.mark.parametrize("name, body, safe, message", SHADOWED, ids=[c[0] for c in SHADOWED])
def test_a_dead_entry_is_named_with_what_kills_it(tmp_path, name, body, safe, message):
    found = [p for p in lint(tmp_path, "profanity", body, safe) if "shadowed" in p or "never fires" in p]
    assert len(found) == 1 and message in found[0], found
    assert ": warning: " in found[0]


@pytest.mark.parametrize("name, body, safe", NOT_SHADOWED, ids=[c[0] for c in NOT_SHADOWED])
def test_a_live_entry_is_not_called_dead(tmp_path, name, body, safe):
    assert [p for p in lint(tmp_path, "profanity", body, safe) if "shadowed" in p or "never fires" in p] == []


def test_a_word_taken_by_an_entry_with_other_rules_says_whose_rules_win(tmp_path):
    folder = tmp_path / "insult"
    folder.mkdir()
    (folder / "a.txt").write_text("категория: insult\nадресат: нужен\n\nкорова\n  + ты корова\n", encoding="utf-8")
    (folder / "b.txt").write_text("категория: insult\nсерьёзность: high\n\nкорова\n  + корова\n", encoding="utf-8")
    found = [str(p) for p in checks.lint("insult", folder=folder) if "never fires" in p.text]
    assert found == ["insult/b.txt:4: warning: entry 'корова' never fires: корова (insult/a.txt:4) comes first "
                     "and takes every form it would flag, with its rules (серьёзность: medium; адресат: нужен) "
                     "instead of this entry's (серьёзность: high; адресат: любой); keep the word in one file, "
                     "the one whose rules it needs"]


# ----------------------------------------------------------- innocent words
INNOCENT = [
    ("«сука» is also «сук», a branch", "profanity", "сука\n  + сука\n",
     "«суки», «суке», «суку», «сук», «сукам», «суками», «суках» (also forms of «сук», NOUN)"),
    ("«козёл» is also «козлы», a sawhorse", "insult", "козёл\n  + ты козёл\n", "(also forms of «козлы», NOUN)"),
    ("«приезжая» is also a gerund", "hate", "приезжий\n  + приезжие\n", "«приезжая» (also a form of «приезжать», GRND)"),
]

NOT_INNOCENT = [
    ("a '+' example with the word says it is meant", "insult", "баран\n  + стадо баранов\n"),
    ("a '-' example with the word says it was looked at", "insult", "баран\n  + баран\n  - Баранов у доски\n"),
    ("a form listed as safe is never flagged", "hate", "хохол\n  + хохлы\n", "=хохлов\n"),
    ("the other word is in the lexicon too", "profanity", "падла\n  + падла\nпадло\n  + падло\n"),
    ("«тупо» is the adverb of «тупой», «тупей» its comparative", "insult", "тупой\n  + тупой\n"),
    ("«депортированный» is a participle of «депортировать»", "hate", "депортировать\n  + депортировать\n"),
    ("«животное» is «животный» used as a noun", "insult", "животное\n  + животное\n"),
    ("«гей» as a form of the first name «Гея» is noise", "hate", "гей\n  + гей\n"),
    ("a word with one reading", "profanity", "мудак\n  + мудак\n"),
    # the detectors read a capitalised surname as a name (filters/shapes.py: surname)
    ("«Хохлов» is a surname, read as a name", "hate", "хохол\n  + хохлы\n"),
    ("«Баранов» is a surname, read as a name", "insult", "баран\n  + баран\n"),
]


@pytest.mark.parametrize("name, category, body, words", INNOCENT, ids=[c[0] for c in INNOCENT])
def test_a_form_that_is_also_another_word_is_reported_with_the_words(tmp_path, name, category, body, words):
    found = only(lint(tmp_path, category, body), "also other words")
    assert len(found) == 1 and words in found[0], found
    assert found[0].startswith(f"{category}/words.txt:3: warning: ")


@pytest.mark.parametrize("name, category, body, safe", [c if len(c) == 4 else c + ("",) for c in NOT_INNOCENT],
                         ids=[c[0] for c in NOT_INNOCENT])
def test_a_homonym_that_is_handled_or_is_the_same_word_is_not_reported(tmp_path, name, category, body, safe):
    assert only(lint(tmp_path, category, body, safe), "also other words") == []


def test_a_swept_word_points_at_its_root(tmp_path):
    folder = tmp_path / "profanity"
    folder.mkdir()
    (folder / "words.txt").write_text("категория: profanity\n\n~^сук(?:а|и)$\n  + сука\n", encoding="utf-8")
    (folder / "swept.tsv").write_text("сука\t~^сук(?:а|и)$\tprofanity/words.txt\n", encoding="utf-8")
    found = only([str(p) for p in checks.lint("profanity", folder=folder)], "also other words")
    assert len(found) == 1
    assert found[0].startswith("profanity/swept.tsv:1: warning: swept word «сука» (found by the root at "
                               "profanity/words.txt:3)")


# ------------------------------------------------------------ categories
def test_a_file_of_an_unknown_category_is_an_error_at_its_header(tmp_path):
    problems = lint(tmp_path, "insults", "# оскорбления\nмразь\n  + мразь\n")
    assert only(problems, "is not a category") == [
        "insults/words.txt:1: error: 'категория: insults' is not a category, so no detector ever reads the "
        "words of this file; write one of profanity, insult, threat, hate, flood, offtopic, personal_data, "
        "speech, or safe for words never to flag"]


@pytest.mark.parametrize("category", list(CATEGORIES) + ["safe"])
def test_every_known_category_is_accepted(tmp_path, category):
    assert only(lint(tmp_path, category, "мразь\n  + мразь\n"), "is not a category") == []


def test_a_review_example_in_a_speech_class_is_an_error(tmp_path):
    problems = lint(tmp_path, "speech", "класс: дети\nсын\n  + сыну угрожают\n  ~ сына обидели\n")
    assert [p.split(": error: ")[0] for p in only(problems, "a speech class decides nothing")] == [
        "speech/words.txt:6"]


def test_a_word_in_two_speech_classes_is_not_shadowed(tmp_path):
    folder = tmp_path / "speech"
    folder.mkdir()
    (folder / "naming.txt").write_text("категория: speech\nкласс: обзывание\nдразнить\n  + дразнят\n",
                                       encoding="utf-8")
    (folder / "bullying.txt").write_text("категория: speech\nкласс: травля\nдразнить\n  + дразнят\n",
                                         encoding="utf-8")
    assert [str(p) for p in checks.lint("speech", folder=folder)] == []


def test_a_folder_no_category_reads_is_an_error(tmp_path):
    for name in ("insults", "_charmaps", "profanity", ".git"):
        (tmp_path / name).mkdir()
    assert [(p.level, p.where) for p in checks.lint_tree(tmp_path)] == [("error", "insults/")]
    assert "profanity, insult" in checks.lint_tree(tmp_path)[0].text


# --------------------------------------------------------- shipped lexicons
def _entries(category):
    from filters.lexicon.index import build
    return build(category).entries


def test_the_shipped_lexicons_lint_without_errors_and_fast():
    started = time.monotonic()
    problems = checks.lint_tree() + [p for c in CATEGORIES for p in checks.lint(c)]
    elapsed = time.monotonic() - started
    assert [str(p) for p in problems if p.level == "error"] == []
    assert elapsed < 4, f"lint of every category took {elapsed:.1f}s"


# ------------------------------------------------------------------ the CLI
def dozor(lexicons: Path, *args: str) -> subprocess.CompletedProcess:
    env = os.environ | {"DOZOR_LEXICONS": str(lexicons)}
    return subprocess.run([str(DOZOR), "lexicon", *args], capture_output=True, text=True, env=env, timeout=120)


@pytest.fixture
def copy(tmp_path) -> Path:
    folder = tmp_path / "lexicons"
    shutil.copytree(lexicon_root(), folder)
    return folder


def test_cli_lints_every_category_by_default(copy):
    done = dozor(copy, "lint")
    assert done.returncode == 0, done.stdout + done.stderr
    summaries = [line.split(":")[0] for line in done.stdout.splitlines() if " error(s), " in line]
    assert summaries == list(CATEGORIES)


def test_cli_exits_1_on_an_unsafe_root_and_names_its_line(copy):
    mat = copy / "profanity" / "mat.txt"
    lines = mat.read_text(encoding="utf-8").splitlines()
    mat.write_text("\n".join(lines + ["~(а|аа)+б", "  + аааб"]) + "\n", encoding="utf-8")
    done = dozor(copy, "lint")
    assert done.returncode == 1
    assert f"profanity/mat.txt:{len(lines) + 1}: error: pattern '~(а|аа)+б': blows up" in done.stdout
    assert "profanity: 1 error(s)" in done.stdout


def test_cli_exits_1_on_a_stray_folder(copy):
    shutil.copytree(copy / "insult", copy / "insults")
    done = dozor(copy, "lint")
    assert done.returncode == 1
    assert "insults/: error: folder 'insults' is not a category" in done.stdout


def test_cli_strict_fails_on_warnings_too(copy):
    with open(copy / "insult" / "strong.txt", "a", encoding="utf-8") as fh:
        fh.write("\nдебил\n  + дебил\n")                          # a second «дебил»: a warning
    assert dozor(copy, "lint", "insult").returncode == 0
    strict = dozor(copy, "lint", "insult", "--strict")
    assert strict.returncode == 1
    assert "insult/strong.txt:" in strict.stdout and ": warning: " in strict.stdout


def test_cli_refuses_a_category_that_does_not_exist(copy):
    done = dozor(copy, "lint", "insults")
    assert done.returncode == 2
    assert "'insults' is not a category" in done.stderr


def test_cli_tests_every_category_by_default(copy):
    done = dozor(copy, "test")
    assert done.returncode == 0, done.stdout
    assert [line.split(":")[0] for line in done.stdout.splitlines() if "examples pass" in line] == list(CATEGORIES)
