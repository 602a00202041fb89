"""The tables of a lexicon version that are not word lists: what is public
(`personal_data/public.tsv`), which words make an address a venue's or a home's
(`personal_data/addresses.tsv`), and the sites links may point to (`offtopic/domains.tsv`).

They are part of the version (hashed with the word lists, filters/ruleset.py), so a line
that cannot be read is a LexiconError naming file:line, and the version is refused.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import regex

from .checkdigits import inn_ok
from .lexicon.format import LexiconError
from .paths import lexicon_root
from .public import EMAIL, Public, domain_ok, phone_key

PUBLIC = "personal_data/public.tsv"
ADDRESSES = "personal_data/addresses.tsv"
DOMAINS = "offtopic/domains.tsv"

_PUBLIC_KINDS = ("почта", "телефон", "инн", "ящик", "реквизит")
_ADDRESS_KINDS = ("место", "дом")
_WORD = regex.compile(r"[а-яёa-z0-9\-]+\*?")


def _rows(folder: Path, name: str, columns: str):
    """(line number, cells) of every row of a table; a missing file has none."""
    path = folder / name
    if not path.exists():
        return
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = [c.strip() for c in line.split("\t")]
        if len(cells) < 2 or not cells[1]:
            raise LexiconError(f"{name}:{n}: expected '{columns}' with a TAB between the columns "
                               f"(got {line.strip()!r}); spaces do not separate columns")
        yield n, cells


def read_public(folder: Path | None = None) -> Public:
    """personal_data/public.tsv: `вид<TAB>значение<TAB>что это`."""
    folder = folder or lexicon_root()
    emails, phones, prefixes, inns, boxes, labels = set(), set(), [], set(), [], []
    for n, (kind, value, *_) in _rows(folder, PUBLIC, "вид<TAB>значение<TAB>что это"):
        where = f"{PUBLIC}:{n}"
        kind = kind.lower()
        if kind == "почта":
            if not EMAIL.fullmatch(value):
                raise LexiconError(f"{where}: {value!r} is not an e-mail address; write it whole, "
                                   f"e.g. info@sferum.ru")
            emails.add(value.lower())
        elif kind == "телефон":
            key, prefix = phone_key(value.rstrip("*")), value.endswith("*")
            if not regex.fullmatch(r"[\d\s+()\-]+\*?", value) or not key.startswith("7") or \
                    (not prefix and len(key) != 11) or (prefix and not 4 <= len(key) <= 10):
                raise LexiconError(f"{where}: {value!r} is not a phone number: write a whole number with its "
                                   f"code (8 800 100-12-34) or the start of a range with '*' (8 800*)")
            (prefixes.append(key) if prefix else phones.add(key))
        elif kind == "инн":
            if not (value.isdigit() and len(value) in (10, 12) and inn_ok(value)):
                raise LexiconError(f"{where}: {value!r} is not an INN: 10 or 12 digits whose check digits "
                                   f"are right; copy it again from the organisation's requisites")
            inns.add(value)
        elif kind == "ящик":
            if not regex.fullmatch(r"[a-z0-9._\-]+\*?", value.lower()) or len(value.rstrip("*")) < 3:
                raise LexiconError(f"{where}: {value!r} is not the name of a mailbox: write the part before "
                                   f"'@' (info, support), or its start with '*' (school*), three letters at least")
            boxes.append(value.lower())
        elif kind == "реквизит":
            if not regex.fullmatch(r"[\w][\w ./]*", value):
                raise LexiconError(f"{where}: {value!r} is not a requisite's name: letters, spaces, '/' and "
                                   f"'.' only, as it is written before the number (КПП, р/с, корр. счет)")
            labels.append(value.lower().replace("ё", "е"))
        else:
            raise LexiconError(f"{where}: '{kind}' is not a kind of public value; write one of "
                               f"{', '.join(_PUBLIC_KINDS)}")
    return Public(emails=frozenset(emails), phones=frozenset(phones), phone_prefixes=tuple(prefixes),
                  inns=frozenset(inns), mailboxes=tuple(boxes), requisites=tuple(labels))


@dataclass(frozen=True)
class Example:
    kind: str          # место | дом
    text: str
    where: str         # file:line
    phrase: tuple[str, ...] = ()


@dataclass(frozen=True)
class AddressWords:
    """Words around an address that say whose it is: a venue's («сбор у театра») or a home's
    («мы живём»). A home's word wins: «живём рядом с театром» is a home."""
    places: tuple[tuple[str, ...], ...] = ()
    homes: tuple[tuple[str, ...], ...] = ()
    examples: tuple[Example, ...] = ()

    def venue(self, words: list[str]) -> bool:
        return _any(self.places, words) and not _any(self.homes, words)


def has_phrase(phrase: tuple[str, ...], words: list[str]) -> bool:
    return _any((phrase,), words)


def _any(phrases, words: list[str]) -> bool:
    return any(all(_fits(p, w) for p, w in zip(phrase, words[i:i + len(phrase)]))
               for phrase in phrases for i in range(len(words) - len(phrase) + 1))


def _fits(pattern: str, word: str) -> bool:
    return word.startswith(pattern[:-1]) if pattern.endswith("*") else word == pattern


def words_of(text: str) -> list[str]:
    """The words of `text` as AddressWords compares them: lower case, ё as е."""
    return regex.findall(r"[\w\-]+", text.lower().replace("ё", "е"))


def read_address_words(folder: Path | None = None) -> AddressWords:
    """personal_data/addresses.tsv: `вид<TAB>слова<TAB>пример`."""
    folder = folder or lexicon_root()
    kinds: dict[str, list] = {k: [] for k in _ADDRESS_KINDS}
    examples = []
    for n, cells in _rows(folder, ADDRESSES, "вид<TAB>слова<TAB>пример"):
        where = f"{ADDRESSES}:{n}"
        kind, value = cells[0].lower(), cells[1].lower().replace("ё", "е")
        if kind not in kinds:
            raise LexiconError(f"{where}: '{kind}' is not a kind of address word; write 'место' (a venue: "
                               f"театр*, музе*) or 'дом' (a home: живем, подъезд*)")
        phrase = tuple(value.split())
        bad = next((w for w in phrase if not _WORD.fullmatch(w) or (w.endswith("*") and len(w) < 4)), None)
        if bad is not None:
            raise LexiconError(f"{where}: {bad!r}: write a word (театр) or the start of a word with '*' "
                               f"and at least three letters (театр*); several words are a phrase (мой адрес)")
        if len(cells) < 3 or not cells[2]:
            raise LexiconError(f"{where}: no example: add a third column with a message that has an address "
                               f"and this word, e.g. «Сбор у театра, ул. Ленина, д. 5»")
        kinds[kind].append(phrase)
        examples.append(Example(kind, cells[2], where, phrase))
    return AddressWords(tuple(kinds["место"]), tuple(kinds["дом"]), tuple(examples))


def read_domains(folder: Path | None = None) -> frozenset[str]:
    """offtopic/domains.tsv: a domain a line (subdomains included), a TAB and a note if wanted."""
    folder = folder or lexicon_root()
    path = folder / DOMAINS
    if not path.exists():
        return frozenset()
    out = set()
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        domain = line.split("\t")[0].strip().lower()
        if not domain_ok(domain):
            raise LexiconError(f"{DOMAINS}:{n}: {domain!r} is not a domain: write it bare, e.g. dnevnik.ru "
                               f"(no https://, no www., no path; its subdomains are included), and put a "
                               f"note after a TAB")
        out.add(domain)
    return frozenset(out)


def lint(folder: Path | None = None) -> list[LexiconError]:
    """The first unreadable line of each table. `dozor lexicon lint` builds only the word lists,
    so these surface when a version is loaded; this is the hook for lint to report them too."""
    folder = folder or lexicon_root()
    out = []
    for read in (read_public, read_address_words, read_domains):
        try:
            read(folder)
        except LexiconError as err:
            out.append(err)
    return out
