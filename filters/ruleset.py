"""One version of the lexicons, compiled into detectors: what a worker swaps whole.

Everything maintainers edit that decides a verdict (the word lists, swept.tsv, the
off-topic domain allowlist, the personal-data tables of public values and address words,
filters/tables.py) is read from one folder into a Ruleset named by a hash of
those files, so a verdict names the exact lexicon that produced it and two workers
with the same version judge alike. `load(..., validate=True)` is the gate a version
must pass before a worker uses it: lint without errors and every example as promised.

The character tables in `_charmaps/` are not part of a version: they shape how every
word is read, change with the code, and take a restart.
"""
from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .detectors.base import Detector
from .detectors.flood import flood
from .detectors.learned import SecondOpinion
from .detectors.lexicon import CATEGORIES, hate, insult, profanity, threat
from .detectors.offtopic import offtopic
from .detectors.personal_data import PATTERNS, personal_data
from .detectors.quiet_hours import quiet_hours
from .lexicon import checks
from .lexicon.checks import Problem
from .lexicon.format import LexiconError
from .learned.weights import FOLDER, ModelMissing, shipped
from .lexicon.index import Index, build_many
from .matcher import Matcher
from .model import Message, Verdict
from .paths import lexicon_root
from .pipeline import run
from .tables import PUBLIC, has_phrase, read_address_words, read_domains, read_public, words_of

VERSIONED = ("*.txt", "*.tsv")
_T0 = datetime(2026, 1, 1, 12, tzinfo=timezone.utc)


class LexiconRefused(ValueError):
    """A lexicon version that must not go live; `problems` says where and why."""

    def __init__(self, version: str, problems: list, outcome: str = "the one in force stays"):
        self.version, self.problems = version, problems
        shown = "\n  ".join(str(p) for p in problems[:20])
        more = f"\n  … and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(f"lexicon version {version} refused, {outcome}: "
                         f"{len(problems)} problem(s); fix them and check with `dozor lexicon lint` and "
                         f"`dozor lexicon test` (DOZOR_LEXICONS=<folder> for a folder other than the one "
                         f"in force):\n  {shown}{more}")


def files(folder: Path) -> dict[str, bytes]:
    """The files that make a version, by path relative to `folder` (category folders only)."""
    out = {}
    for sub in sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(("_", "."))):
        for pattern in VERSIONED:
            for path in sorted(sub.glob(pattern)):
                out[f"{sub.name}/{path.name}"] = path.read_bytes()
    return out


def fingerprint(contents: dict[str, bytes]) -> str:
    digest = hashlib.sha256()
    for name in sorted(contents):
        digest.update(name.encode() + b"\0" + hashlib.sha256(contents[name]).digest())
    return digest.hexdigest()[:12]


@dataclass(frozen=True)
class Ruleset:
    version: str
    folder: Path
    index: Index = field(repr=False)
    matcher: Matcher = field(repr=False)
    detectors: tuple[Detector, ...] = field(repr=False)

    def check(self, message: Message, content_only: bool = False) -> Verdict:
        return run(message, self.detectors, self.version, content_only)


def load(folder: Path | None = None, validate: bool = False, in_force: "Ruleset | None" = None,
         second_opinion: bool = True) -> Ruleset:
    """Compile the lexicons in `folder` (default: the shipped ones or DOZOR_LEXICONS).

    With `validate`, raise LexiconRefused unless lint finds no error and every example
    behaves as written (and, given the version `in_force`, no category loses most of its
    entries): this is what stands between an edit and a running worker. `second_opinion=False`:
    the word lists alone, without the learned model (what the model is trained from)."""
    folder = Path(folder) if folder else lexicon_root()
    try:
        version = fingerprint(files(folder))
        index = build_many(list(CATEGORIES), {c: folder / c for c in CATEGORIES})
        domains = read_domains(folder)
        public, addresses = read_public(folder), read_address_words(folder)
    except LexiconError as err:
        raise LexiconRefused(_version(folder), [Problem.of(err)]) from None
    except UnicodeDecodeError as err:      # saved as cp1251 («ANSI» in Notepad), not UTF-8
        raise LexiconRefused(_version(folder), [Problem("error", str(folder), f"a file is not UTF-8 ({err}); "
                                                        f"save it again as UTF-8")]) from None
    except OSError as err:                 # a folder missing, a file gone mid-save
        raise LexiconRefused(_version(folder), [Problem("error", str(folder), str(err))]) from None
    matcher = Matcher(index)
    # order matters once: hate reads what profanity and insult found («все они … дебилы»)
    dets = (profanity(matcher), insult(matcher), threat(matcher), hate(matcher), flood(matcher),
            offtopic(matcher, domains), personal_data(matcher, public, addresses), quiet_hours())
    # the learned second opinion reads what the lists found, so it comes after them; a folder
    # without a trained model (a maintainer's draft of the lexicons) is judged by the lists alone
    model = learned(folder, matcher) if second_opinion else None
    if model is not None:
        dets += (model,)
    ruleset = Ruleset(version, folder, index, matcher, dets)
    if validate:
        problems = gate(ruleset, in_force)
        if problems:
            raise LexiconRefused(version, problems)
    return ruleset


def learned(folder: Path, matcher: Matcher):
    """The model shipped in `folder`/_model/, or in the package's lexicons/ when `folder` has none."""
    for where in (folder / FOLDER, Path(__file__).resolve().parent.parent / "lexicons" / FOLDER):
        try:
            return SecondOpinion(shipped(where), matcher)
        except ModelMissing:
            continue
    return None


def _version(folder: Path) -> str:
    try:
        return fingerprint(files(folder))
    except OSError:
        return "(unreadable)"


# CPU seconds one example may take to judge: they take a millisecond or less; one that takes a
# second has found a rule that is too slow, and a message like it would hold a worker as long
EXAMPLE_LIMIT = 1.0
# a version may not cut a category to less than this share of the entries of the version in force
# in one step: a bundle damaged on the way, a folder half-copied, or a mistaken publish must not
# switch moderation off; a maintainer who means it says so (`dozor lexicon publish --allow-shrink`)
KEEP_AT_LEAST = 0.5


def gate(ruleset: Ruleset, in_force: Ruleset | None = None, before=None) -> list:
    """Every reason this version may not go live: a category left empty, lint errors,
    failing or slow examples, and (given the version in force) a category cut by more than half.
    `before(where)` is told each example's file:line before it is judged (run_examples)."""
    problems = [checks.Problem("error", f"{c}/", f"no entries for {c}: every message would pass it unflagged; "
                               f"a version must keep every category (delete entries, not the list)")
                for c in CATEGORIES if not any(e.category == c for e in ruleset.index.entries)]
    if not (ruleset.folder / "offtopic" / "domains.tsv").is_file():
        problems.append(checks.Problem("error", "offtopic/domains.tsv", "missing: every link to a school "
                                       "service would count as an unknown site"))
    if not (ruleset.folder / PUBLIC).is_file():
        problems.append(checks.Problem("error", PUBLIC, "missing: the regulations' own info@sferum.ru and "
                                       "every 8-800 hotline would be deleted as a parent's data"))
    problems += [p for p in checks.lint_folder(ruleset.folder) if p.level == "error"]
    results = checks.run_examples(None, ruleset, before)
    problems += [checks.Problem("error", f"{r.entry.file}:{r.line}", r.why) for r in results if not r.ok]
    problems += [checks.Problem("error", f"{r.entry.file}:{r.line}",
                                f"the example «{_short(r.text)}» took {r.seconds:.2f} s to judge (at most "
                                f"{EXAMPLE_LIMIT:g} s): a rule of this version is too slow on it, and a "
                                f"message like it would hold a worker as long; find which with `dozor "
                                f"lexicon explain` and simplify it") for r in results if r.seconds > EXAMPLE_LIMIT]
    problems += [checks.Problem("error", where, why) for where, why in address_examples(ruleset)]
    if in_force is not None:
        problems += shrinkage(ruleset, in_force)
    return problems


def _short(text: str, n: int = 60) -> str:
    return text if len(text) <= n else text[:n] + f"… ({len(text)} characters)"


def entry_counts(ruleset: Ruleset) -> dict[str, int]:
    """Entries per category (safe words and the dictionary sweep's rows not counted)."""
    counts = dict.fromkeys(CATEGORIES, 0)
    for e in ruleset.index.entries:
        if e.category in counts:
            counts[e.category] += 1
    return counts


def shrinkage(new: Ruleset, in_force: Ruleset) -> list:
    """A category of `new` left with less than KEEP_AT_LEAST of its entries in `in_force`."""
    before, after = entry_counts(in_force), entry_counts(new)
    return [checks.Problem("error", f"{c}/", f"{c} would keep {after[c]} of the {before[c]} entries of the version "
                           f"in force ({in_force.version}): a version may drop at most "
                           f"{1 - KEEP_AT_LEAST:.0%} of a category at once, so that a damaged bundle or a "
                           f"half-copied folder cannot switch moderation off; if that is what you mean, "
                           f"publish it with `dozor lexicon publish --allow-shrink`")
            for c in CATEGORIES if after[c] < before[c] * KEEP_AT_LEAST]


def address_examples(ruleset: Ruleset) -> list[tuple[str, str]]:
    """(file:line, why) for every example of personal_data/addresses.tsv that does not behave as its
    kind promises: a venue's word leaves the address unflagged, a home's word keeps it flagged."""
    address = dict(PATTERNS)["personal_data.address"]
    pd = next(d for d in ruleset.detectors if d.category == "personal_data")
    out = []
    for ex in pd.addresses.examples:
        m = address.search(ex.text)
        if m is None:
            out.append((ex.where, f"the example «{ex.text}» has no address dozor reads (a street and "
                        f"«д.»/«дом» with a number, e.g. «ул. Ленина, д. 5»), so it shows nothing"))
            continue
        if not has_phrase(ex.phrase, words_of(ex.text[:m.start()] + " " + ex.text[m.end():])):
            out.append((ex.where, f"the example «{ex.text}» does not have «{' '.join(ex.phrase)}» beside "
                        f"its address (the address's own words do not count): it tests nothing"))
            continue
        verdict = ruleset.check(Message("example", "lexicon", "maintainer", _T0, ex.text), content_only=True)
        flagged = any(v.category == "personal_data" for v in verdict.violations)
        if flagged != (ex.kind == "дом"):
            out.append((ex.where, f"«{ex.text}» must {'' if ex.kind == 'дом' else 'not '}be flagged as "
                        f"personal data and is{' not' if ex.kind == 'дом' else ''}"))
    return out


@lru_cache(maxsize=1)
def default() -> Ruleset:
    return load()


def detectors() -> tuple[Detector, ...]:
    """The detectors of the lexicons in force."""
    return default().detectors


def check(message: Message, content_only: bool = False) -> Verdict:
    """The verdict of the lexicons in force (DOZOR_LEXICONS or the shipped ones)."""
    return default().check(message, content_only)
