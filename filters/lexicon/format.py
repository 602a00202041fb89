"""The lexicon file format, as a maintainer writes it (see lexicons/README.md).

    категория: profanity          ← header, file-wide
    серьёзность: high

    хуй                           ← entry at column 0: every form of the lemma
      + х*й                       ← must be caught
      - застрахуй машину          ← must NOT be caught
      ? хyйня какая-то            ← known miss, kept visible (a strict xfail)
    =нахер                        ← exactly this form
    мудак*                        ← any word starting with this
    ~пи[зс]д                      ← a root (regex), for words the dictionary does not know
    мало не покажется             ← a phrase: every word in any of its forms, in this order

File headers besides category and severity (all optional):
    адресат: нужен                ← counts only when aimed at someone («ты корова», «Корова, верни»)
    адресат: группа               ← a group of people: counts only when demeaned («… не место»)
    формы: 1per futr | impr       ← only these grammatical forms («убью», «убей», not «убивает»)
    рядом: надо, нужно, пора      ← only with one of these words within three words
    уверенность: точно            ← how sure a hit is at best: точно (certain: acted on by itself),
                                    вероятно (likely) or возможно (possible): a moderator decides
                                    (default вероятно: nothing is automatic unless a file says so)
    класс: дети                   ← only in `категория: speech` files, and required there: which word
                                    class of filters/speech.py the file lists (CLASSES below)

Examples: `+` must be caught (at any certainty), `-` must not be caught at all, `~` must be
caught but left to a moderator (not certain: «сына обозвали тупицей» is a report, not an
insult by the sender), `?` a known miss. In a speech file nothing is caught: `+` means a word of
the entry is found in the text as a word of the file's class, `-` that it is not, and `~` is an
error (a class decides nothing by itself).

Parsing never guesses: a line it cannot read is a LexiconError naming file:line.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import regex

HEADERS = {"категория": "category", "серьёзность": "severity", "серьезность": "severity",
           "примеры": "examples", "описание": "description", "адресат": "aim", "формы": "forms",
           "рядом": "near", "уверенность": "certainty", "класс": "word_class"}
AIMS = {"любой": "any", "нужен": "person", "группа": "group", "маркер": "marker", "заполнитель": "filler"}
SEVERITIES = ("low", "medium", "high")
EXAMPLE_SIGNS = {"+": "hit", "-": "miss", "~": "review", "?": "known_miss"}
CERTAINTY = {"точно": "certain", "вероятно": "likely", "возможно": "possible"}
SPEECH = "speech"
# The word classes filters/speech.py reads a message with (lexicons/speech/, one class a file).
CLASSES = {"речь": "report",         # verbs of saying: what follows is someone else's words
           "обзывание": "naming",    # calling someone a name: «обозвали тупицей», «кличка»
           "угроза": "threat",       # a threat reported: «сыну угрожают»
           "травля": "bullying",     # bullying reported: «над дочкой издеваются»
           "дети": "child",          # whom a report is about: сын, дочь, ребёнок
           "праздник": "festive",    # festive and sporting talk: выпускной, финал, турнир
           "цель": "target",         # what a threat verb is aimed at for real: школа, дом, учитель
           "урок": "subject",        # terms of a school subject: «тупой угол», «Мцыри»
           "опасность": "hazard"}    # dangers of the world: гололёд, сосулька, мороз


class LexiconError(ValueError):
    """A lexicon line that cannot be used; the message starts with file:line."""


@dataclass(frozen=True)
class Example:
    kind: str        # hit | miss | review | known_miss
    text: str
    line: int


@dataclass
class Entry:
    kind: str        # lemma | form | prefix | root | phrase
    value: str
    file: str
    line: int
    severity: str
    category: str
    comment: str = ""
    examples: list[Example] = field(default_factory=list)
    aim: str = "any"                                       # any | person | group | marker
    forms: tuple[frozenset[str], ...] = ()                 # alternatives of grammemes, e.g. {1per, futr}
    near: frozenset[str] = frozenset()                     # words one of which must be close by
    certainty: str = "likely"                              # the surest a hit of this entry can be
    word_class: str = ""                                   # speech files only: CLASSES' value

    @property
    def source(self) -> str:
        return f"{self.file}:{self.line}"

    @property
    def label(self) -> str:
        return {"lemma": self.value, "form": "=" + self.value, "prefix": self.value + "*",
                "root": "~" + self.value, "phrase": self.value}[self.kind]


@dataclass
class LexiconFile:
    path: str
    headers: dict[str, str]
    entries: list[Entry]


def _strip_comment(line: str) -> tuple[str, str]:
    # «#» starts a comment only after white space or at the start, so «#» stays usable in examples
    m = regex.search(r"(?:^|\s)#", line)
    if not m:
        return line.rstrip(), ""
    return line[:m.start()].rstrip(), line[m.end():].strip()


def parse(path: Path, name: str | None = None) -> LexiconFile:
    name = name or path.name
    headers: dict[str, str] = {}
    entries: list[Entry] = []
    text = path.read_text(encoding="utf-8")
    for lineno, raw in enumerate(text.splitlines(), 1):
        line, comment = _strip_comment(raw)
        if not line.strip():
            continue
        where = f"{name}:{lineno}"
        if line[0].isspace():
            body = line.strip()
            sign, _, example = body.partition(" ")
            if sign not in EXAMPLE_SIGNS or not example.strip():
                raise LexiconError(f"{where}: an indented line must be an example starting with "
                                   f"'+ ', '- ', '~ ' or '? ', got {body!r}")
            if not entries:
                raise LexiconError(f"{where}: example {body!r} comes before any entry")
            entries[-1].examples.append(Example(EXAMPLE_SIGNS[sign], example.strip(), lineno))
            continue
        key, colon, value = line.partition(":")
        if colon and key.strip().lower() in HEADERS and not entries:
            headers[HEADERS[key.strip().lower()]] = value.strip()
            continue
        entries.append(_entry(line.strip(), where, name, lineno, headers, comment))
    category = headers.get("category")
    if not category:
        raise LexiconError(f"{name}:1: the file needs a header line 'категория: …' "
                           f"(profanity, insult, …, or safe for words never to flag)")
    severity = headers.get("severity", "medium")
    if severity not in SEVERITIES:
        raise LexiconError(f"{name}: 'серьёзность: {severity}' must be one of {', '.join(SEVERITIES)}")
    aim = headers.get("aim", "любой")
    if aim not in AIMS:
        raise LexiconError(f"{name}: 'адресат: {aim}' must be one of {', '.join(AIMS)}")
    sure = headers.get("certainty", "вероятно")
    if sure not in CERTAINTY:
        raise LexiconError(f"{name}: 'уверенность: {sure}' must be one of {', '.join(CERTAINTY)} "
                           f"(точно: acted on by itself; вероятно, возможно: a moderator decides)")
    word_class = _word_class(name, category, headers.get("word_class"), entries)
    forms = tuple(frozenset(alt.split()) for alt in headers.get("forms", "").split("|") if alt.strip())
    near = frozenset(w.strip().lower().replace("ё", "е") for w in headers.get("near", "").split(",") if w.strip())
    for e in entries:
        e.category, e.severity, e.aim, e.forms, e.near = category, severity, AIMS[aim], forms, near
        e.certainty, e.word_class = CERTAINTY[sure], word_class
    return LexiconFile(name, headers, entries)


def _word_class(name: str, category: str, value: str | None, entries: list[Entry]) -> str:
    """The file's speech class, checked: required in a speech file, meaningless elsewhere."""
    if category != SPEECH:
        if value is not None:
            raise LexiconError(f"{name}: 'класс: {value}' belongs only in a file with 'категория: {SPEECH}'; "
                               f"delete the line, or move the words to lexicons/{SPEECH}/")
        return ""
    value = (value or "").strip().lower().replace("ё", "е")
    if value not in CLASSES:
        raise LexiconError(f"{name}: a speech file needs 'класс: …', one of {', '.join(CLASSES)} "
                           f"(got {value!r}); see lexicons/README.md, «Как dozor читает речь»")
    for e in entries:
        if e.kind in ("root", "prefix"):
            raise LexiconError(f"{name}:{e.line}: a speech class lists words and phrases, not roots or "
                               f"prefixes; write the word ({e.label!r} here) as a plain lemma")
    return CLASSES[value]


def _entry(token: str, where: str, name: str, lineno: int, headers, comment: str) -> Entry:
    if " " in token:
        if token[0] in "~=" or token.endswith("*"):
            raise LexiconError(f"{where}: a root, exact form or prefix is one word, got {token!r}")
        words = token.lower().replace("ё", "е").split()
        if not all(regex.fullmatch(r"[а-я0-9\-]+", w) for w in words):
            raise LexiconError(f"{where}: phrase {token!r} must be Russian words only; "
                               f"indent examples with two spaces and a '+', '-' or '?'")
        return Entry("phrase", " ".join(words), name, lineno, "", "", comment)
    if token.startswith("~"):
        kind, value = "root", token[1:]
        try:
            regex.compile(value)
        except regex.error as err:
            raise LexiconError(f"{where}: root pattern {value!r} is not a valid regex: {err}") from None
    elif token.startswith("="):
        kind, value = "form", token[1:]
    elif token.endswith("*"):
        kind, value = "prefix", token[:-1]
    else:
        kind, value = "lemma", token
    value = value.lower().replace("ё", "е")
    if not value:
        raise LexiconError(f"{where}: empty entry {token!r}")
    if kind != "root" and not regex.fullmatch(r"[а-я\-]+", value):
        raise LexiconError(f"{where}: entry {token!r} must be Russian letters only "
                           f"(write disguises as '+' examples, not as entries)")
    return Entry(kind, value, name, lineno, "", "", comment)
