"""Shapes: when a word found in a lexicon really counts, from what stands around it.

«корова» counts in «ты корова» and «Корова, верни тетрадь», not in «корова даёт
12 литров молока»; «идиот» counts in «ну ты идиот», not in «роман «Идиот»» or
«Иван-дурак»; «убью» counts, «убить время» does not. Each test returns a short
reason (shown in the verdict) or None.
"""
from __future__ import annotations

from .normalise import fold
from .tokens import Token

SECOND_PERSON = frozenset("""ты вы тебя вас тебе вам тобой вами тобою сам сама сами твой твоя твое твои
твоего твоей твоих твоим твоими твоему твою ваш ваша ваше ваши вашего вашей ваших вашим вашими
вашему вашу""".split())
WHICH = frozenset("какой какая какое какие каков какова каковы".split())
GENERAL = frozenset("все всех всем этих эти таких такие всякие".split())
BE = frozenset("будь будьте".split())          # «не будь дурой», «будьте людьми»
DASHES = ("—", "–", " - ")


def token_at(tokens: list[Token], start: int) -> int:
    for i, t in enumerate(tokens):
        if t.start <= start < t.end:
            return i
    return 0


def aimed(text: str, tokens: list[Token], i: int, j: int) -> str | None:
    """Aimed at a person: «ты/ваш сын … X», «X, верни», «… — X», «какая же вы X»."""
    near = [fold(t.text) for t in tokens[max(0, i - 3):j + 4]]
    for word in near:
        if word in SECOND_PERSON:
            return f"aimed at someone («{word}» next to it)"
    after = text[tokens[j].end:].lstrip()
    if i == 0 and (not after or after[0] in ",!"):
        return "said to someone (a form of address)"
    before = text[tokens[i - 1].end if i else 0:tokens[i].start]
    if i and "," in before and (not after or after[0] in ".!?…"):
        return "said to someone (a form of address: «Отстань, придурок»)"
    if i and fold(tokens[i - 1].text) in BE:
        return "said to someone («не будь …»)"
    if any(d in before for d in DASHES):
        return "said of someone («… — X»)"
    if any(fold(t.text) in WHICH for t in tokens[max(0, i - 3):i]):
        return "said of someone («какой же …»)"
    return None


def quoted(text: str, start: int) -> bool:
    """Does `start` stand inside quotes: «…», „…“ or "…"? (English “…” are left out: copied
    posts come wrapped in them, and the words inside are the poster's own.)"""
    head = text[:start]
    return (head.count("«") > head.count("»") or head.count('"') % 2 == 1
            or head.count("„") > head.count("“"))


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
        before = text[:start].rstrip()
        if before and before[-1] not in ".!?…:\n" and not before.endswith(("—", "-", ",")):
            return "a name or title (capitalised mid-sentence)"
    if start > 1 and text[start - 1] == "-":
        word_start = start - 1
        while word_start > 0 and text[word_start - 1].isalpha():
            word_start -= 1
        if text[word_start:start - 1][:1].isupper():
            return "part of a name"
    return None


def surname(text: str, start: int, end: int) -> str | None:
    """«Козлов, верни тетрадь», «Хохлов, зайди к завучу»: a pupil's surname, not «козлов»
    or «хохлов» (genitive plurals). Only a capitalised word the dictionary reads as a
    surname in the singular, anywhere in the sentence: school chats are full of surnames."""
    word = text[start:end]
    if not word[:1].isupper() or word.isupper() or not word.isalpha():
        return None
    from .morph import analyzer

    if any("Surn" in p.tag and "sing" in p.tag for p in analyzer().parse(word)):
        return "a surname"
    return None


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


def plural(word: str) -> str | None:
    from .morph import analyzer
    parse = analyzer().parse(word)[0]
    return "about a whole group (plural)" if "plur" in parse.tag else None
