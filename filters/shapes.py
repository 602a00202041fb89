"""Shapes: when a word found in a lexicon really counts, from what stands around it.

«корова» counts in «ты корова» and «Корова, верни тетрадь», not in «корова даёт
12 литров молока»; «идиот» counts in «ну ты идиот», not in «роман «Идиот»» or
«Иван-дурак»; «убью» counts, «убить время» does not. Each test returns a short
reason (shown in the verdict) or None.
"""
from __future__ import annotations

from bisect import bisect_left
from functools import lru_cache

import regex

from .normalise import fold
from .tokens import Token, token_at

SECOND_PERSON = frozenset("""ты вы тебя вас тебе вам тобой вами тобою сам сама сами твой твоя твое твои
твоего твоей твоих твоим твоими твоему твою ваш ваша ваше ваши вашего вашей ваших вашим вашими
вашему вашу""".split())
WHICH = frozenset("какой какая какое какие каков какова каковы".split())
GENERAL = frozenset("все всех всем этих эти таких такие всякие".split())
BE = frozenset("будь будьте".split())          # «не будь дурой», «будьте людьми»
DASHES = ("—", "–", " - ")


__all__ = ["token_at", "aimed", "quoted", "self_described", "mention", "surname", "near", "generalised",
           "plural", "corrected"]


def aimed(text: str, tokens: list[Token], i: int, j: int, any_case: bool = False) -> str | None:
    """Aimed at a person: «ты/ваш сын … X», «X, верни», «… — X», «какая же вы X».
    `any_case`: a word that is an insult in every case («вас, мудаков»), not only when it names
    the person («ты курица», not «ты курицу купила?»)."""
    agrees = _agrees(fold(tokens[i].text), fold(tokens[j + 1].text)) if j + 1 < len(tokens) else None
    if agrees == "anim":
        return f"said of someone («{tokens[i].text} {tokens[j + 1].text}»)"   # «тупая училка»
    # «вы жирным шрифтом выделите»: an adjective of a thing is the thing's, whoever is near
    # «ты курицу купила?», «вы козла в зоопарке видели?»: a noun only in an oblique case is the
    # thing talked of, not what the person is called (that is «ты курица», «вы козлы»)
    near = range(max(0, i - 3), min(len(tokens), j + 4)) \
        if agrees is None and (any_case or not (i == j and _oblique(fold(tokens[i].text)))) else ()
    for k in near:
        word = fold(tokens[k].text)
        if word in SECOND_PERSON and not (i == j and k and fold(tokens[k - 1].text) in PREPOSITIONS):
            # «у вас собака или кошка?», «для тебя»: a pronoun after a preposition is not the one named
            return f"aimed at someone («{word}» next to it)"
    after = _next_char(text, tokens[j].end)
    if i == 0 and (not after or after in ",!") and not (after == "," and _listed(tokens, j)):
        return "said to someone (a form of address)"
    before = text[tokens[i - 1].end if i else 0:tokens[i].start]
    if i and "," in before and (not after or after in ".!?…"):
        return "said to someone (a form of address: «Отстань, придурок»)"
    if i and fold(tokens[i - 1].text) in BE:
        return "said to someone («не будь …»)"
    if any(d in before for d in DASHES):
        return "said of someone («… — X»)"
    if any(fold(t.text) in WHICH for t in tokens[max(0, i - 3):i]):
        return "said of someone («какой же …»)"
    return None


PREPOSITIONS = frozenset("у для к ко с со о об обо от без при про на за по над под перед".split())   # not «из»: «кто из вас клоун?»


def _listed(tokens: list[Token], j: int) -> bool:
    """«Баран, овца и коза — домашние животные»: the word heads a list of nouns, it calls no one."""
    if j + 1 >= len(tokens):
        return False
    from .morph import analyzer
    tag = analyzer().parse(fold(tokens[j + 1].text))[0].tag
    return tag.POS == "NOUN" and tag.case == "nomn" and any(
        fold(t.text) == "и" for t in tokens[j + 2:j + 4])


@lru_cache(maxsize=20_000)
def _oblique(word: str) -> bool:
    """A noun or an adjective the dictionary reads only in cases other than the nominative:
    «курицу», «козла», «жирным» («ты выделил жирным заголовок?»)."""
    from .morph import analyzer
    parses = [p.tag for p in analyzer().parse(word) if p.is_known]
    return bool(parses) and all(t.POS in ("NOUN", "ADJF", "PRTF") and t.case not in ("nomn", "voct")
                                for t in parses)


@lru_cache(maxsize=20_000)
def _agrees(word: str, after: str) -> str | None:
    """Is `word` an adjective that agrees with `after`, a noun? "inan" for a thing («жирным
    шрифтом», «толстую тетрадь»), "anim" for a person or a creature («тупая училка», «ты тупой
    человек»), None when it is no such pair."""
    from .morph import analyzer
    parse = analyzer().parse
    adjectives = [p.tag for p in parse(word) if p.tag.POS in ("ADJF", "PRTF")]
    if not adjectives:
        return None
    found = None
    for n, noun in enumerate(parse(after)):
        tag = noun.tag
        if tag.POS != "NOUN" or tag.animacy is None:
            continue
        for a in adjectives:
            if a.case == tag.case and a.number == tag.number and (
                    tag.number != "sing" or a.gender in (None, tag.gender)):
                if tag.animacy == "inan":
                    return "inan"     # a thing wins: «тупой угол» is no person whatever else it reads
                if n == 0:
                    found = "anim"    # a person only by the likeliest reading («фанатские» is none)
    return found


def _next_char(text: str, at: int) -> str:
    """The first character from `at` on that is not white space, '' if none: what
    `text[at:].lstrip()[:1]` says without copying the rest of the text for every hit."""
    n = len(text)
    while at < n and text[at].isspace():
        at += 1
    return text[at] if at < n else ""


QUOTES = "«»\"„“"


@lru_cache(maxsize=8)
def _quote_marks(text: str) -> dict[str, list[int]]:
    """Where each quotation mark stands in `text`, once per text (a few texts are in use at a
    time: the message, its captions)."""
    marks: dict[str, list[int]] = {}
    for q in QUOTES:
        places, k = [], text.find(q)
        while k >= 0:
            places.append(k)
            k = text.find(q, k + 1)
        marks[q] = places
    return marks


def quoted(text: str, start: int) -> bool:
    """Does `start` stand inside quotes: «…», „…“ or "…"? (English “…” are left out: copied
    posts come wrapped in them, and the words inside are the poster's own.)
    Counted by bisection in the marks' places: counting in `text[:start]` for every hit made a
    long message of many hits quadratic."""
    if len(text) <= 512:          # a chat message: counting is faster than finding places
        head = text[:start]
        return (head.count("«") > head.count("»") or head.count('"') % 2 == 1
                or head.count("„") > head.count("“"))
    if start < 0:
        start = max(0, len(text) + start)     # as text[:start] reads a negative offset
    marks = _quote_marks(text)

    def before(q: str) -> int:
        return bisect_left(marks[q], start)
    return (before("«") > before("»") or before('"') % 2 == 1
            or before("„") > before("“"))


OTHERS_NEAR = SECOND_PERSON | frozenset("он она они его её ее их ему ей им".split())


def self_described(tokens: list[Token], i: int) -> str | None:
    """«я дура, перепутала время», «Я такой дебил, простите», «а я, дура, поверила»: the sender of
    herself, nobody else near. Not «я думаю, ты дебил», not «я сказала, что он идиот»."""
    if "я" not in (fold(t.text) for t in tokens[max(0, i - 3):i]):
        return None
    if any(fold(t.text) in OTHERS_NEAR for t in tokens[max(0, i - 4):i + 4]):
        return None
    return "said of oneself («я …»)"


def mention(text: str, start: int, end: int) -> str | None:
    """Not an insult but a mention: inside quotes (a title), or a name like «Иван-дурак»."""
    if quoted(text, start):
        return "inside quotes"
    word = text[start:end]
    if word[:1].isupper() and not word.isupper():
        before = _last_char(text, start)
        if before and before not in ".!?…:\n" and before not in ("—", "-", ","):
            # «Идиота Достоевского», «Дураков»: a name, a surname or a title; but «наша Мымра
            # опять задала» is a nickname, and a nickname is an insult all the same
            if _proper(word) or _titled(text, start, end):
                return "a name or title (capitalised mid-sentence)"
    if start > 1 and text[start - 1] == "-":
        word_start = start - 1
        while word_start > 0 and text[word_start - 1].isalpha():
            word_start -= 1
        if text[word_start:start - 1][:1].isupper():
            return "part of a name"
    return None


# a word capitalised after one of these is the title of a work: «роман Идиот», «сказка Дурак»
TITLES = frozenset("""роман романа романе романом повесть повести повестью рассказ рассказа рассказе
сказка сказки сказке сказку фильм фильма фильме мультфильм мультфильма мультик мультика книга книги
книгу книге пьеса пьесы пьесу пьесе стихотворение стихотворения песня песни песню произведение
произведения спектакль спектакля опера оперы журнал журнала""".split())
_WORD_BEFORE = regex.compile(r"(\w+)[\s«\"„]*$")
_WORD_AFTER = regex.compile(r"[\s»\"“]*(\w+)")


def _titled(text: str, start: int, end: int) -> bool:
    """«роман Идиот», «читаем Идиота Достоевского»: a work's title, by the word before or the
    author after."""
    m = _WORD_BEFORE.search(text, max(0, start - 40), start)
    if m is not None and fold(m.group(1)) in TITLES:
        return True
    m = _WORD_AFTER.match(text, end, min(len(text), end + 40))
    return m is not None and m.group(1)[:1].isupper() and _proper(m.group(1))


def a_name(word: str) -> bool:
    """Is `word` written as a name (a capital, not all capitals) the dictionary can read as a
    name, a surname, a patronymic, a place or a brand: «Козлов», «Хохлова», «Маша»?"""
    return word[:1].isupper() and not word.isupper() and word.isalpha() and _proper(word)


@lru_cache(maxsize=20_000)
def _proper(word: str) -> bool:
    """Can the dictionary read `word` as a name, a surname, a patronymic, a place or a brand?"""
    from .morph import analyzer
    return any({"Name", "Surn", "Patr", "Geox", "Orgn", "Trad"} & p.tag.grammemes
               for p in analyzer().parse(word))


def corrected(text: str, start: int, end: int, flagged=frozenset()) -> str | None:
    """«задание*», «в пятницу*»: a star next to an ordinary word marks a correction or a footnote,
    not a masked letter; the word without it is a dictionary word and not one of `flagged`
    (the lexicon's forms: «бля*» is still «бля»)."""
    word = text[start:end]
    bare = word.strip("*")
    if bare == word or "*" in bare or len(bare) < 3 or not bare.isalpha():
        return None
    from . import morph
    bare = fold(bare)
    return "a correction mark («…*»)" if bare not in flagged and morph.is_known(bare) else None


def _last_char(text: str, at: int) -> str:
    """The last character before `at` that is not white space, '' if none: what
    `text[:at].rstrip()[-1:]` says without copying the text before every hit."""
    at = min(at, len(text)) if at >= 0 else max(0, len(text) + at)
    while at > 0 and text[at - 1].isspace():
        at -= 1
    return text[at - 1] if at > 0 else ""


def surname(text: str, start: int, end: int) -> str | None:
    """«Козлов, верни тетрадь», «Хохлов, зайди к завучу»: a pupil's surname, not «козлов»
    or «хохлов» (genitive plurals). Only a capitalised word the dictionary reads as a
    surname in the singular, anywhere in the sentence: school chats are full of surnames."""
    word = text[start:end]
    if not word[:1].isupper() or word.isupper() or not word.isalpha():
        return None
    return "a surname" if _surname(word) else None


@lru_cache(maxsize=20_000)
def _surname(word: str) -> bool:
    # cached: a message of one surname a thousand times asked the analyser a thousand times
    from .morph import analyzer
    return any("Surn" in p.tag and "sing" in p.tag for p in analyzer().parse(word))


def near(tokens: list[Token], i: int, j: int, words: frozenset[str]) -> str | None:
    for t in tokens[max(0, i - 3):j + 4]:
        if fold(t.text) in words:
            return f"with «{fold(t.text)}»"
    return None


def generalised(tokens: list[Token]) -> str | None:
    for t in tokens:
        if fold(t.text) in GENERAL:
            return f"about a whole group («{fold(t.text)}»)"
    return None


@lru_cache(maxsize=20_000)
def plural(word: str) -> str | None:
    from .morph import analyzer
    parse = analyzer().parse(word)[0]
    return "about a whole group (plural)" if "plur" in parse.tag else None
