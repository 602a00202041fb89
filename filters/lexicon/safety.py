"""Can a root pattern stall a worker? Judged on the `regex` module's own parse, then timed.

A root (`~…`) is searched in every word the dictionary does not know, and a chat
message may be one word of thousands of letters. A backtracking engine tries every
way a pattern can match a prefix of the word before it gives up, so what matters is
how many ways there are:

- **exponentially many** when a repeated part can read the same letters in two
  ways: `(а|аа)+`, `(?:ху|х|у)+`, a repeat inside a repeat `(а+)+`;
- **a high power** when several repeats in a row can read the same letters:
  `х[а-я]*у[а-я]*й[а-я]*ня` is cubic in the length of «хуйхуйхуй…».

Both are decided on the tree the `regex` module itself builds from the pattern (not
on another parser's reading of it, which `\\p{L}{0}` or any syntax only `regex` knows
would blind), turned into a position automaton: every letter-reading item a state,
every way to go on an edge. Two different paths from a state back to itself on the
same letters mean exponential; a state that loops, leads to another state that loops,
on the same letters, means polynomial. What the analysis cannot read — back-references,
recursion, fuzzy matching, conditionals, POSIX or reversed matching, lookarounds that
read without bound — is refused, never waved through. Then each pattern is still run,
under the `regex` module's timeout, on long words built from its own alternatives
and classes («хухуху…», «хуйхуйхуй…», then a letter that makes it fail): a single
repeat that restarts at every letter (`(?:ха)+$`) is quadratic, harmless on short
words and too slow on a 4,096-letter one, and only a timing says which.

Atomic groups and possessive repeats are read as ordinary ones: whether they stop the
backtracking depends on what surrounds them, and a pattern that needs them can always
be written so that each letter is read one way only.
"""
from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import product

import regex

LONGEST = 4096      # the longest message VK or Telegram accepts: the longest word a root can meet
SHORT = 30          # an exponential blow-up shows by 30 repeats, before a long word would
FAIL = "!"          # never part of a word: the match has to fail right after the run
SAMPLES = 4         # strings tried per repeated part; more finds nothing new and costs time
CAP = 6             # a counted repeat {m,n} past this is read as unbounded (more ways, never fewer)
MAX_POSITIONS = 400     # letters the automaton may have; a longer root is split into entries
MAX_STEPS = 400_000     # work the ambiguity search may do before it gives up and refuses
LOOK_WIDTH = 24         # a lookaround may read at most this many letters
MAX_ATTACKS = 80        # timed words per pattern
INF = float("inf")

# what roots are searched in: words of Cyrillic letters (filters/matcher.py); the other characters
# stand for «anything else», so a class that takes more than letters is seen to take more
_ALPHABET = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя" + "abcdefghijklmnopqrstuvwxyz0123456789" + " !-_.*@\n中αß́"


class _Unreadable(Exception):
    """A construct the analysis cannot judge: the pattern is refused with this reason."""


# ------------------------------------------------------------------ the tree
@dataclass(frozen=True)
class _Chars:            # one letter from a set (a bit mask over the pattern's alphabet)
    mask: int


@dataclass(frozen=True)
class _Seq:
    items: tuple


@dataclass(frozen=True)
class _Alt:
    branches: tuple


@dataclass(frozen=True)
class _Rep:
    body: object
    lo: int
    hi: int | None       # None: unbounded


@dataclass(frozen=True)
class _Look:             # a lookaround: reads letters, consumes none
    body: object
    ahead: bool


@dataclass(frozen=True)
class _Zero:             # an anchor or a boundary
    at_start: bool       # ^, \A, \G: never looks at what follows


_EMPTY = _Seq(())


class _Parsed:
    def __init__(self, pattern: str):
        import regex._regex_core as core        # the regex module's own parser: what compile() reads

        self.core = core
        flags = 0
        while True:
            source = core.Source(pattern)
            info = core.Info(flags, source.char_type, {})
            info.guess_encoding = core.UNICODE
            try:
                tree = core._parse_pattern(source, info)
                break
            except core._UnscopedFlagSet:       # a global flag like (?r): parse again with it, as compile() does
                flags = info.global_flags
        if not source.at_end():
            raise _Unreadable("unbalanced parenthesis")
        for flag, what in ((core.REVERSE, "(?r), reversed matching"), (core.POSIX, "(?p), POSIX matching, "
                           "which tries every match"), (core.BESTMATCH, "(?b), best-match fuzzy matching"),
                           (core.ENHANCEMATCH, "(?e), enhanced fuzzy matching")):
            if info.flags & flag:
                raise _Unreadable(what)
        self.alphabet = "".join(dict.fromkeys(_ALPHABET + pattern))
        self.tree = self._node(tree)

    # a bit per alphabet letter the node takes
    def _mask(self, node) -> int:
        ignore = bool(getattr(node, "case_flags", 0) & self.core.IGNORECASE)
        mask = 0
        for i, c in enumerate(self.alphabet):
            tries = {c, c.upper(), c.lower()} if ignore else {c}
            if any(len(t) == 1 and node.matches(ord(t)) for t in tries):
                mask |= 1 << i
        return mask

    def _node(self, node):
        core, name = self.core, type(node).__name__
        if isinstance(node, core.Sequence):
            return _Seq(tuple(self._node(i) for i in node.items))
        if isinstance(node, core.StringSet):
            raise _Unreadable("a named list (\\L<…>)")
        if isinstance(node, core.Branch):
            return _Alt(tuple(self._node(b) for b in node.branches))
        if isinstance(node, core.GreedyRepeat):        # and Lazy, Possessive: subclasses
            return _Rep(self._node(node.subpattern), node.min_count,
                        None if node.max_count in (None, core.UNLIMITED) else node.max_count)
        if isinstance(node, (core.Atomic, core.Group)):
            return self._node(node.subpattern)
        if isinstance(node, core.LookAround):
            return _Look(self._node(node.subpattern), not node.behind)
        if isinstance(node, (core.Character, core.Property, core.Range, core.SetBase)):
            if getattr(node, "zerowidth", False):
                return _Zero(False)
            return _Chars(self._mask(node))
        if isinstance(node, core.Any):                 # ., and (?s). , and the line-ending variant
            return _Chars(self._mask_any(node))
        if isinstance(node, core.String):
            return _Seq(tuple(_Chars(self._mask(core.Character(c, case_flags=node.case_flags)))
                              for c in node.characters))
        if isinstance(node, (core.StartOfString, core.StartOfLine, core.SearchAnchor)):
            return _Zero(True)
        if isinstance(node, (core.Boundary, core.DefaultBoundary, core.StartOfWord, core.EndOfWord,
                             core.DefaultStartOfWord, core.DefaultEndOfWord, core.EndOfString,
                             core.EndOfStringLine, core.EndOfLine)):
            return _Zero(False)
        what = {"RefGroup": "a back-reference (\\1, (?P=…))", "CallGroup": "a recursive call ((?R), (?1))",
                "CallRef": "a recursive call", "Conditional": "a conditional ((?(1)…|…))",
                "LookAroundConditional": "a conditional", "Fuzzy": "fuzzy matching ({e<=1})",
                "Grapheme": "a grapheme (\\X)", "Keep": "\\K", "Failure": "(*FAIL)", "Prune": "(*PRUNE)",
                "Skip": "(*SKIP)"}.get(name, name)
        raise _Unreadable(what)

    def _mask_any(self, node) -> int:
        anything = (1 << len(self.alphabet)) - 1
        if isinstance(node, self.core.AnyAll):
            return anything
        return anything & ~(1 << self.alphabet.index("\n"))

    def letters(self, mask: int) -> list[str]:
        """The letters of `mask`, Cyrillic first: those are what a root meets."""
        return [c for i, c in enumerate(self.alphabet) if mask >> i & 1]


def _parse(pattern: str) -> _Parsed | None:
    try:
        return _Parsed(pattern)
    except Exception:
        return None


# ------------------------------------------------------------------ verdicts
def unsafe(pattern: str, budget: float = 0.05) -> str | None:
    """Why `pattern` can stall the matcher on some word, with what to do instead; None when safe."""
    try:
        parsed = _Parsed(pattern)
    except _Unreadable as err:
        why = str(err)
    except Exception as err:              # a regex release whose parser dozor does not know: refuse
        why = f"a construct this regex module's parser gives in a form lint does not know ({err!r})"
    else:
        found = _structure(parsed)
        if found:
            return found
        compiled = regex.compile(pattern)
        for word, shown, long in _attacks(parsed):
            if _too_slow(compiled, word, budget):
                return _timed_verdict(shown, long, budget)
        return None
    return (f"uses {why}, which lint cannot check for slowness, so it is refused; a root is letters, "
            f"classes [..], groups (?:..|..), repeats ? * + {{m,n}}, anchors ^ $ \\b and short "
            f"lookarounds (?!..) (?<!..)")


def reads_past_match(pattern: str) -> bool:
    """Does `pattern` look at text after the end of its match ($, \\b, a lookahead)?

    If not, a match inside «мудак» is a match inside every word that starts with
    «мудак»: that is what lets lint call a prefix entry dead behind such a root.
    A pattern this module cannot read counts as looking, which keeps that sound."""
    parsed = _parse(pattern)
    return parsed is None or any(isinstance(n, _Look) and n.ahead or isinstance(n, _Zero) and not n.at_start
                                 for n in _walk(parsed.tree))


def _timed_verdict(shown: str, long: bool, budget: float) -> str:
    how = (f"is too slow on long words (a message can be one word of {LONGEST} letters): {shown}" if long
           else f"blows up: even a short word, {shown},")
    return (f"{how} took more than the {budget:g} s limit. The search starts again at every letter and "
            f"a repeated part runs to the end of the word each time before it fails. Anchor the root with ^ "
            f"where the word starts, or let the repeat end on a letter it cannot read twice")


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


def _walk(node) -> Iterator:
    yield node
    if isinstance(node, _Seq):
        for i in node.items:
            yield from _walk(i)
    elif isinstance(node, _Alt):
        for b in node.branches:
            yield from _walk(b)
    elif isinstance(node, (_Rep, _Look)):
        yield from _walk(node.body)


# --------------------------------------------------- the position automaton
class _Automaton:
    """Glushkov's automaton of the tree: a state per letter-reading item, edges with how many
    ways the pattern has to take them (a repeat inside a repeat takes the same edge twice)."""

    def __init__(self, parsed: _Parsed):
        self.parsed = parsed
        self.masks: list[int] = []
        self.follow: list[Counter] = []
        self.looks: list[_Look] = []
        _, self.first, _ = self._build(parsed.tree)

    def _position(self, mask: int) -> int:
        if len(self.masks) >= MAX_POSITIONS:
            raise _Unreadable(f"more than {MAX_POSITIONS} letters once its repeats are counted out")
        self.masks.append(mask)
        self.follow.append(Counter())
        return len(self.masks) - 1

    def _link(self, last: Counter, first: Counter) -> None:
        for p, n in last.items():
            for q, m in first.items():
                self.follow[p][q] += n * m

    def _build(self, node) -> tuple[bool, Counter, Counter]:
        """(can it match nothing, its first states, its last states)."""
        if isinstance(node, _Chars):
            p = self._position(node.mask)
            return False, Counter({p: 1}), Counter({p: 1})
        if isinstance(node, (_Zero, _Look)):
            if isinstance(node, _Look):
                self.looks.append(node)
            return True, Counter(), Counter()
        if isinstance(node, _Seq):
            nullable, first, last = True, Counter(), Counter()
            for item in node.items:
                n, f, l = self._build(item)
                self._link(last, f)
                first = first + f if nullable else first
                last = last + l if n else l
                nullable = nullable and n
            return nullable, first, last
        if isinstance(node, _Alt):
            nullable, first, last = False, Counter(), Counter()
            for b in node.branches:
                n, f, l = self._build(b)
                nullable, first, last = nullable or n, first + f, last + l
            return nullable, first, last
        if isinstance(node, _Rep):
            lo, hi = min(node.lo, CAP), node.hi
            if hi == 0:
                return True, Counter(), Counter()
            if hi is not None and hi > CAP:
                hi = None
            # as the engine counts: lo rounds, then a loop, or up to (hi - lo) more rounds, each
            # optional only after the one before (a{0,2} is (a(a)?)?, never a?a?, which reads «a» twice)
            if hi is None:
                items = [node.body] * max(lo - 1, 0) + [_Loop(node.body, lo > 0)]
            else:
                items, rest = [node.body] * lo, None
                for _ in range(hi - lo):
                    rest = _Opt(_Seq((node.body, rest)) if rest is not None else node.body)
                items += [rest] if rest is not None else []
            return self._build(_Seq(tuple(items)))
        if isinstance(node, _Opt):
            _, f, l = self._build(node.body)
            return True, f, l
        if isinstance(node, _Loop):
            n, f, l = self._build(node.body)
            self._link(l, f)                      # round after round
            return (n or not node.once), f, l
        raise _Unreadable(type(node).__name__)

    def sccs(self) -> list[list[int]]:
        """Strongly connected sets of states that can go round (Tarjan, without recursion)."""
        n = len(self.masks)
        index, low, on, stack, out = [None] * n, [0] * n, [False] * n, [], []
        counter = 0
        for root in range(n):
            if index[root] is not None:
                continue
            work = [(root, iter(self.follow[root]))]
            index[root] = low[root] = counter
            counter += 1
            stack.append(root)
            on[root] = True
            while work:
                v, it = work[-1]
                w = next(it, None)
                if w is not None:
                    if index[w] is None:
                        index[w] = low[w] = counter
                        counter += 1
                        stack.append(w)
                        on[w] = True
                        work.append((w, iter(self.follow[w])))
                    elif on[w]:
                        low[v] = min(low[v], index[w])
                    continue
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[v])
                if low[v] == index[v]:
                    comp = []
                    while True:
                        w = stack.pop()
                        on[w] = False
                        comp.append(w)
                        if w == v:
                            break
                    if len(comp) > 1 or v in self.follow[v]:
                        out.append(sorted(comp))
        return out


@dataclass(frozen=True)
class _Loop:                 # an unbounded repeat's loop; `once`: at least one round (+, not *)
    body: object
    once: bool


@dataclass(frozen=True)
class _Opt:                  # one optional round of a counted repeat
    body: object


def _structure(parsed: _Parsed) -> str | None:
    """Exponential or polynomial backtracking, read off the automaton; None when neither."""
    try:
        auto = _Automaton(parsed)
        for look in auto.looks:
            width = _max_width(look.body)
            if width > LOOK_WIDTH:
                return (f"a lookaround that reads up to {'any number of' if width == INF else int(width)} "
                        f"letters is run again at every letter it is reached at; keep lookarounds to a few "
                        f"letters, as in (?!ор|о[йе])")
        budget = [MAX_STEPS]
        loops = auto.sccs()
        for scc in loops:
            witness = _two_ways_round(auto, scc, budget)
            if witness is not None:
                return _exponential(parsed, *witness)
        witness = _loop_after_loop(auto, loops, budget)
        if witness is not None:
            return _polynomial(witness)
    except _Unreadable as err:
        return (f"is too complex to check ({err}); split it into several entries, each a simpler root")
    except RecursionError:
        return "is nested too deeply to check; split it into several entries, each a simpler root"
    return None


def _max_width(node) -> float:
    if isinstance(node, _Chars):
        return 1
    if isinstance(node, (_Zero, _Look)):
        return 0
    if isinstance(node, _Seq):
        return sum(_max_width(i) for i in node.items)
    if isinstance(node, _Alt):
        return max((_max_width(b) for b in node.branches), default=0)
    if isinstance(node, _Rep):
        w = _max_width(node.body)
        return 0 if node.hi == 0 or w == 0 else INF if node.hi is None else w * node.hi
    return INF


def _spend(budget: list[int], n: int = 1) -> None:
    budget[0] -= n
    if budget[0] < 0:
        raise _Unreadable("its repeats read each other's letters in too many combinations")


def _two_ways_round(auto: _Automaton, scc: list[int], budget) -> tuple[str, bool] | None:
    """Letters that take some state of `scc` back to itself along two different paths, and
    whether the two paths differ only in how a repeat inside a repeat counted; None if none.

    On pairs of states (two paths after the same letters): around a pair (p, p), a pair
    (r, s) with r ≠ s, or an edge the pattern counts twice, from which (p, p) comes back."""
    members = set(scc)
    masks, follow = auto.masks, auto.follow
    graph: dict[tuple[int, int], list[tuple[tuple[int, int], int]]] = {}

    def edges(pair):
        if pair not in graph:
            r, s = pair
            out = []
            for r2, n in follow[r].items():
                if r2 not in members:
                    continue
                for s2 in follow[s]:
                    if s2 in members and masks[r2] & masks[s2]:
                        out.append(((r2, s2), n if r == s and r2 == s2 else 1))
            _spend(budget, len(out) + 1)
            graph[pair] = out
        return graph[pair]

    best = None
    for p in scc:
        home = (p, p)
        forward = _reach(home, edges)
        back: dict = {}
        for pair in forward:
            for nxt, _ in edges(pair):
                back.setdefault(nxt, []).append((pair, 1))
        returns = _reach(home, lambda x: back.get(x, []))
        for pair in forward & returns:
            for nxt, n in edges(pair):
                if nxt in returns and (nxt[0] != nxt[1] or n > 1):
                    there = [] if pair == home else _path(home, pair, edges, forward)
                    again = [] if nxt == home else _path(nxt, home, edges, forward)
                    found = _spell(auto, there + [nxt] + again), nxt[0] == nxt[1]
                    if best is None or len(found[0]) < len(best[0]):
                        best = found          # the shortest letters make the clearest example
                    break
    return best


def _reach(start, edges) -> set:
    seen, todo = {start}, [start]
    while todo:
        for nxt, _ in edges(todo.pop()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def _path(start, goal, edges, within) -> list:
    """The states after `start` of a shortest path from `start` to `goal` (goal reachable)."""
    from collections import deque

    prev, todo = {start: None}, deque([start])
    while todo:
        cur = todo.popleft()
        for nxt, _ in edges(cur):
            if nxt in within and nxt not in prev:
                prev[nxt] = cur
                if nxt == goal:
                    path = [nxt]
                    while prev[path[-1]] != start:
                        path.append(prev[path[-1]])
                    return path[::-1]
                todo.append(nxt)
    raise _Unreadable("a path the search found could not be retraced")


def _spell(auto: _Automaton, states: list) -> str:
    """A word that walks the given tuples of states: a letter all of them take, at each step."""
    out = []
    for states_now in states:
        mask = -1
        for s in states_now:
            mask &= auto.masks[s]
        out.append(auto.parsed.letters(mask)[0])
    return "".join(out)


def _loop_after_loop(auto: _Automaton, loops: list[list[int]], budget) -> str | None:
    """Letters w, with states p ≠ q in two loops, such that w takes p to p, p to q and q to q:
    a word of n such w is read in about n² ways, and every further such loop adds a power."""
    masks, follow = auto.masks, auto.follow
    for a, scc_a in enumerate(loops):
        reach = _reach(scc_a[0], lambda s: [(t, 1) for t in follow[s]])
        for b, scc_b in enumerate(loops):
            if a == b or scc_b[0] not in reach:
                continue
            in_a, in_b = set(scc_a), set(scc_b)
            for p in scc_a:
                for q in scc_b:
                    def edges(t, in_a=in_a, in_b=in_b):
                        x, y, z = t
                        out = []
                        for x2 in follow[x]:
                            if x2 not in in_a:
                                continue
                            for y2 in follow[y]:
                                if not masks[x2] & masks[y2]:
                                    continue
                                for z2 in follow[z]:
                                    if z2 in in_b and masks[x2] & masks[y2] & masks[z2]:
                                        out.append(((x2, y2, z2), 1))
                        _spend(budget, len(out) + 1)
                        return out
                    start, goal = (p, p, q), (p, q, q)
                    seen = _reach(start, edges)
                    if goal in seen:
                        return _spell(auto, _path(start, goal, edges, seen))
    return None


def _exponential(parsed: _Parsed, letters: str, doubled: bool) -> str:
    shown = f"«{letters}»"
    if doubled:
        return (f"nested quantifier: a repeat inside a repeat can split {shown} between its rounds in "
                f"more than one way, so a long run of such letters that does not match takes "
                f"exponentially many tries (2ⁿ). Repeat once: write ~(а+)+ as ~а+, ~(\\w+\\s?)+ as ~[\\w\\s]+")
    return (f"blows up: a repeated part can read {shown} in more than one way, so a word of many "
            f"{shown} that does not match takes exponentially many tries (2ⁿ; «{letters * 10}…» is "
            f"seconds). Let each round match one way only: no overlapping alternatives under a repeat "
            f"(~(?:ху|х|у)+й → ~х+у+й, ~(а|аа)+б → ~а+б), no repeat inside a repeat (~(а+)+б → ~а+б)")


def _polynomial(letters: str) -> str:
    return (f"is too slow on long words: two repeats one after the other can both read «{letters}», so a "
            f"word of n such letters is split between them in about n² ways (n³ with a third, as in "
            f"~х[а-я]*у[а-я]*й[а-я]*ня, which takes seconds on a {LONGEST}-letter «хуйхуй…»). Keep one "
            f"such repeat (~х[а-я]*у[а-я]*й → ~ху[а-я]*й), or keep them short (~х[а-я]{{0,3}}у[а-я]{{0,3}}й)")


# ------------------------------------------------------------ attack words
def _attacks(parsed: _Parsed) -> Iterator[tuple[str, str, bool]]:
    """(word, how to show it, is it long) built to make the pattern backtrack: short ones first.

    Units are what one round of each repeat reads (every alternative, each letter of a class,
    several rounds' worth joined: «ху», «хух»), and every beginning of the pattern read
    straight through («хуй» of х[а-я]*у[а-я]*й…); a unit runs many times, then comes a
    character that makes the match fail."""
    probes = list(dict.fromkeys(_probes(parsed, parsed.tree, "", "")))
    seen, shown = set(), 0
    for long in (False, True):
        for before, unit, after in probes:
            reps = LONGEST // len(unit) if long else SHORT
            for tail in dict.fromkeys((FAIL, FAIL + after, after[:-1] + FAIL if after else FAIL)):
                word = before + unit * reps + tail
                if word in seen:
                    continue
                seen.add(word)
                shown += 1
                if shown > MAX_ATTACKS:
                    return
                lead = f"«{before}», then " if before else ""
                yield word, f"{lead}{reps} × «{unit}», then «{tail}»", long


def _probes(parsed: _Parsed, node, before: str, after: str) -> Iterator[tuple[str, str, str]]:
    if isinstance(node, _Seq):
        items = list(node.items)
        for i, item in enumerate(items):
            pre, post = before + _sample(parsed, items[:i]), _sample(parsed, items[i + 1:]) + after
            yield from _probes(parsed, item, pre, post)
        # the pattern read straight through, up to each item: «хуй» of х[а-я]*у[а-я]*й[а-я]*ня
        for i in range(2, len(items) + 1):
            for unit in _samples(parsed, items[:i]):
                if len(unit) > 1:
                    yield before, unit, _sample(parsed, items[i:]) + after
    elif isinstance(node, _Alt):
        for b in node.branches:
            yield from _probes(parsed, b, before, after)
    elif isinstance(node, _Rep):
        if node.hi is None or node.hi > 1:
            units = [u for u in _samples(parsed, [node.body]) if u]
            for unit in units + [a + b for a, b in product(units, units) if a != b][:SAMPLES]:
                yield before, unit, after
        yield from _probes(parsed, node.body, before, after)
    elif isinstance(node, _Look):
        yield from _probes(parsed, node.body, before, after)


def _sample(parsed: _Parsed, items) -> str:
    return _samples(parsed, items)[0]


def _samples(parsed: _Parsed, items) -> list[str]:
    """A few strings `items` match, shortest choices first."""
    out = [""]
    for item in items:
        out = list(dict.fromkeys(a + b for a, b in product(out, _choices(parsed, item))))[:SAMPLES]
    return out


def _choices(parsed: _Parsed, node) -> list[str]:
    if isinstance(node, _Chars):
        return parsed.letters(node.mask)[:SAMPLES] or [FAIL]
    if isinstance(node, _Seq):
        return _samples(parsed, node.items)
    if isinstance(node, _Alt):
        return list(dict.fromkeys(s for b in node.branches for s in _choices(parsed, b)))[:SAMPLES]
    if isinstance(node, _Rep):
        if node.hi == 0:
            return [""]
        once = [s * max(node.lo, 1) for s in _choices(parsed, node.body)]
        return ([""] + once) if node.lo == 0 else once
    return [""]                          # anchors, lookarounds: no letters of their own
