"""Can a root pattern stall a worker? Each one is run, under a time limit, on words built to hurt it.

A root (`~…`) is searched in every word the dictionary does not know, and a chat
message may be one word of thousands of letters. A pattern that can match the same
letters in more than one way — `(а+)+б`, `(а|аа)+б` — tries every way before it
gives up, and the time grows exponentially (or as a high power) with the length:
one message then holds a worker for minutes. mrab-regex defuses some classic cases
but not all of them (`(а*)*б` is instant, `(а+)+б` is not), so a look at the
pattern cannot say which ones hurt; running them can. The words tried are built
from the pattern's own repeated parts: each one many times over, then a character
that makes the match fail, which is what makes the engine backtrack.
"""
from __future__ import annotations

import time
from collections.abc import Iterator
from itertools import product

import regex

try:                                    # the stdlib's regex parser: a tree of the pattern to aim at
    from re import _parser as sre
except ImportError:                     # Python 3.10
    import sre_parse as sre             # type: ignore[no-redef]

LONGEST = 4096      # the longest message VK or Telegram accepts: the longest word a root can meet
SHORT = 30          # an exponential blow-up shows by 30 repeats, before a long word would
FAIL = "!"          # never part of a word: the match has to fail right after the run
SAMPLES = 4         # strings tried per repeated part; more finds nothing new and costs time

_REPEATS = {sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", sre.MAX_REPEAT)}
_ATOMIC = getattr(sre, "ATOMIC_GROUP", None)
_CATEGORY_CHAR = {sre.CATEGORY_DIGIT: "1", sre.CATEGORY_SPACE: " ", sre.CATEGORY_NOT_WORD: FAIL}
_AT_START = {sre.AT_BEGINNING, sre.AT_BEGINNING_STRING, sre.AT_BEGINNING_LINE}


def unsafe(pattern: str, budget: float = 0.05) -> str | None:
    """Why `pattern` can blow up on some word, with what to do about it; None when it is safe."""
    tree = _parse(pattern)
    if tree is not None and (nested := _nested(tree)):
        return nested
    compiled = regex.compile(pattern)
    for word, shown, long in _attacks(tree, pattern):
        if _too_slow(compiled, word, budget):
            return _verdict(shown, long, budget)
    return None


def _verdict(shown: str, long: bool, budget: float) -> str:
    how = (f"is too slow on long words (a message can be one word of {LONGEST} letters): {shown}" if long
           else f"blows up: even a short word, {shown},")
    return (f"{how} took more than the {budget:g} s limit. A repeated part can match the same letters in "
            f"more than one way, and the search tries every way, at every letter, before it fails. "
            f"Let each repetition match one way only: no repeat inside a repeat (~(а+)+б → ~а+б), no "
            f"overlapping alternatives under a repeat (~(а|аа)+б → ~а+б), and anchor with ^ where the "
            f"word starts")


def reads_past_match(pattern: str) -> bool:
    """Does `pattern` look at text after the end of its match ($, \\b, a lookahead)?

    If not, a match inside «мудак» is a match inside every word that starts with
    «мудак»: that is what lets lint call a prefix entry dead behind such a root.
    A pattern this module cannot read counts as looking, which keeps that sound."""
    tree = _parse(pattern)
    return tree is None or any(_looks_ahead(op, av) for op, av in _walk(tree.data))


def _too_slow(compiled: regex.Pattern, word: str, budget: float) -> bool:
    try:
        compiled.search(word, timeout=budget)
        return False
    except TimeoutError:
        pass
    # the timeout counts wall time, which a busy machine steals: the verdict is on this thread's CPU
    started = time.thread_time()
    try:
        compiled.search(word, timeout=4 * budget)
    except TimeoutError:
        pass
    return time.thread_time() - started > budget


def _parse(pattern: str):
    try:
        return sre.parse(pattern)
    except Exception:                   # regex-only syntax (\p{L}, fuzzy matching): letters only, below
        return None


# ------------------------------------------------------------- nested repeats
def _nested(tree) -> str | None:
    """A repeat whose body is, in effect, one more repeat: `(а+)+`, `(\\w+\\s?)*`.

    Always a mistake — a run of n letters splits between the two repeats in 2ⁿ ways
    — and some engines survive it only by luck, so it is refused without a timing."""
    for op, av in _walk(tree.data):
        if op in _REPEATS and op != getattr(sre, "POSSESSIVE_REPEAT", None) and av[1] > 1:
            body = _unwrap(av[2])
            if _repeats_one_repeat(body, tree.state) or _any_branch_does(body, tree.state):
                shown = _show([(op, av)])
                return (f"nested quantifier: {shown} repeats a part that is itself repeated, so a run of "
                        f"letters splits between them in exponentially many ways and a word that does not "
                        f"match can take for ever. Repeat once: write ~(а+)+ as ~а+; or make the inner part "
                        f"atomic, ~(?>а+)+, so it is never split again")
    return None


def _unwrap(items):
    while len(items) == 1 and items[0][0] is sre.SUBPATTERN:
        items = items[0][1][-1]
    return list(items)


def _repeats_one_repeat(items, state) -> bool:
    variable = [it for it in items if _is_variable_repeat(it, state)]
    rest = [it for it in items if it not in variable]
    return len(variable) == 1 and all(_min_width(it, state) == 0 for it in rest)


def _any_branch_does(items, state) -> bool:
    return (len(items) == 1 and items[0][0] is sre.BRANCH and
            any(_repeats_one_repeat(_unwrap(b), state) for b in items[0][1][1]))


def _is_variable_repeat(item, state) -> bool:
    op, av = item
    return op in _REPEATS and av[1] > 1 and av[1] != av[0] and _min_width(item, state, body=True) > 0


def _min_width(item, state, body: bool = False) -> int:
    items = item[1][2] if body else [item]
    return sre.SubPattern(state, list(items)).getwidth()[0]


# ------------------------------------------------------------ attack words
def _attacks(tree, pattern: str) -> Iterator[tuple[str, str, bool]]:
    """(word, how to show it, is it long) built to make `pattern` backtrack: short ones first."""
    probes = list(dict.fromkeys(_probes(tree.data, "", "") if tree is not None else _letter_probes(pattern)))
    seen = set()
    for long in (False, True):
        for before, unit, after in probes:
            reps = LONGEST // len(unit) if long else SHORT
            for tail in dict.fromkeys((FAIL, FAIL + after)):
                word = before + unit * reps + tail
                if word not in seen:
                    seen.add(word)
                    lead = f"«{before}», then " if before else ""
                    yield word, f"{lead}{reps} × «{unit}», then «{tail}»", long


def _letter_probes(pattern: str) -> Iterator[tuple[str, str, str]]:
    """For a pattern the stdlib parser cannot read: each letter it names, repeated."""
    letters = regex.findall(r"\w", regex.sub(r"\\[pPN]\{[^}]*\}|\\.", "", pattern))
    for c in dict.fromkeys(letters + ["а"]):
        yield "", c, ""


def _probes(items, before: str, after: str) -> Iterator[tuple[str, str, str]]:
    """(what must come before, a string one repetition matches, what must come after),
    for every repeated part, however deep: the engine backtracks over repeats."""
    items = list(items)
    for i, (op, av) in enumerate(items):
        pre, post = before + _sample(items[:i]), _sample(items[i + 1:]) + after
        if op in _REPEATS:
            if av[1] > 1:
                for unit in _samples(av[2]):
                    if unit:
                        yield pre, unit, post
            yield from _probes(av[2], pre, post)
        else:
            for inner in _children(op, av):
                yield from _probes(inner, pre, post)


def _children(op, av) -> list:
    if op is sre.SUBPATTERN:
        return [av[-1]]
    if op is sre.BRANCH:
        return list(av[1])
    if op in (sre.ASSERT, sre.ASSERT_NOT):
        return [av[1]]
    if op is _ATOMIC:
        return [av]
    return []


def _sample(items) -> str:
    return _samples(items)[0]


def _samples(items) -> list[str]:
    """A few strings `items` match, shortest choices first."""
    out = [""]
    for op, av in items:
        choices = _choices(op, av)
        out = list(dict.fromkeys(a + b for a, b in product(out, choices)))[:SAMPLES]
    return out


def _choices(op, av) -> list[str]:
    if op is sre.LITERAL:
        return [chr(av)]
    if op is sre.NOT_LITERAL:
        return ["б" if chr(av) == "а" else "а"]
    if op is sre.ANY:
        return ["а"]
    if op is sre.IN:
        return _class_members(av)
    if op is sre.CATEGORY:
        return [_CATEGORY_CHAR.get(av, "а")]
    if op in _REPEATS:
        lo, hi, body = av
        once = [s * max(lo, 1) for s in _samples(body)]
        return ([""] + once) if lo == 0 else once
    if op is sre.BRANCH:
        return list(dict.fromkeys(s for b in av[1] for s in _samples(b)))[:SAMPLES]
    if op is sre.SUBPATTERN:
        return _samples(av[-1])
    if op is _ATOMIC:
        return _samples(av)
    return [""]                          # anchors, lookarounds, back-references: no letters of their own


def _class_members(members) -> list[str]:
    if members and members[0][0] is sre.NEGATE:
        excluded = "".join(_class_members(members[1:]))
        return [next((c for c in "аб1 " if c not in excluded), FAIL)]
    out = []
    for op, av in members:
        if op is sre.LITERAL:
            out.append(chr(av))
        elif op is sre.RANGE:
            out += [chr(av[0]), chr(av[1])]
        elif op is sre.CATEGORY:
            out.append(_CATEGORY_CHAR.get(av, "а"))
    return list(dict.fromkeys(out))[:SAMPLES] or ["а"]


# ---------------------------------------------------------------- the tree
def _walk(items) -> Iterator[tuple]:
    for op, av in items:
        yield op, av
        if op in _REPEATS:
            yield from _walk(av[2])
        for inner in _children(op, av):
            yield from _walk(inner)


def _looks_ahead(op, av) -> bool:
    if op is sre.AT:
        return av not in _AT_START
    return op in (sre.ASSERT, sre.ASSERT_NOT) and av[0] == 1


def _show(items) -> str:
    """The part of the pattern a message is about, written back as a regex."""
    return "".join(_show_one(op, av) for op, av in items)


def _show_one(op, av) -> str:
    if op is sre.LITERAL:
        return regex.escape(chr(av))
    if op is sre.ANY:
        return "."
    if op is sre.NOT_LITERAL:            # the parser's shorthand for [^б]
        return f"[^{regex.escape(chr(av))}]"
    if op is sre.IN:
        return _show_class(av)
    if op is sre.SUBPATTERN:
        return f"({_show(av[-1])})"
    if op is sre.BRANCH:
        return "(?:" + "|".join(_show(b) for b in av[1]) + ")"
    if op in _REPEATS:
        lo, hi, body = av
        inner = _show(body)
        if len(body) != 1 or body[0][0] is sre.BRANCH or body[0][0] in _REPEATS:
            inner = f"(?:{inner})"
        count = {(0, 1): "?", (0, sre.MAXREPEAT): "*", (1, sre.MAXREPEAT): "+"}.get(
            (lo, hi), f"{{{lo},{'' if hi == sre.MAXREPEAT else hi}}}")
        return inner + count + ("?" if op is sre.MIN_REPEAT else "")
    if op is sre.AT:
        return "^" if av in _AT_START else "$"
    return "…"


def _show_class(members) -> str:
    names = {sre.CATEGORY_WORD: r"\w", sre.CATEGORY_DIGIT: r"\d", sre.CATEGORY_SPACE: r"\s",
             sre.CATEGORY_NOT_WORD: r"\W", sre.CATEGORY_NOT_DIGIT: r"\D", sre.CATEGORY_NOT_SPACE: r"\S"}
    if len(members) == 1 and members[0][0] is sre.CATEGORY:
        return names.get(members[0][1], "…")
    parts = []
    for op, av in members:
        if op is sre.NEGATE:
            parts.append("^")
        elif op is sre.LITERAL:
            parts.append(chr(av))
        elif op is sre.RANGE:
            parts.append(f"{chr(av[0])}-{chr(av[1])}")
        elif op is sre.CATEGORY:
            parts.append(names.get(av, "…"))
    return "[" + "".join(parts) + "]"
