#!/usr/bin/env python3
"""Pathological texts: how long `filters.check` takes on what an attacker or a careless gateway sends.

    .venv/bin/python benchmarks/pathological.py                    # every case at 1,000, 4,096, 100,000 chars
    .venv/bin/python benchmarks/pathological.py --lengths 4096 --runs 5
    .venv/bin/python benchmarks/pathological.py --only masked,repeat
    .venv/bin/python benchmarks/pathological.py --budget 1e9         # the real cost, no time budget
    .venv/bin/python benchmarks/pathological.py --max-chars 1e9 --lengths 4096,20000   # linear?

Each case builds a text of the wanted length (or a message with many attachments) and times
`filters.check` on it, pinned to one core, with every cache of the matcher and the dictionary
emptied before each run: an attacker's words are new to the worker, so the cold figure is the
one that can hold a partition. The median of `--runs` runs is shown, as CPU time of the thread
(what the pipeline's budget counts; and the fastest run: on a shared machine the CPU time of
the same work varies by a third) and wall time. A run over `--give-up` seconds is not
repeated. Not a test: nothing here asserts; it reports, with the verdict's findings, so a fix
that makes a case fast by no longer reading it shows: «(budget)» when the time budget stopped
the check (filters/pipeline.py), «judged 4,096 of 100,000» when the text was cut at the limit.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from filters import morph, pipeline           # noqa: E402
from filters.model import Message             # noqa: E402
from filters.ruleset import default           # noqa: E402

NOON = datetime(2026, 11, 18, 12, 0, tzinfo=timezone.utc)
CYR = "абвгдежзийклмнопрстуфхцчшщыэюя"


def distinct(i: int, letters: str = CYR, size: int = 3) -> str:
    """The i-th word of `size` letters: a new token every time, no digits."""
    out = ""
    for _ in range(size):
        i, r = divmod(i, len(letters))
        out += letters[r]
    return out


def fill(n: int, piece) -> str:
    """`piece(i)` for i = 0, 1, … while whole pieces fit in `n` characters, padded with spaces to
    `n` (a piece cut in half would change what the text says: «привет» cut is no greeting)."""
    parts, size, i = [], 0, 0
    while True:
        p = piece(i)
        if size + len(p) > n:
            break
        parts.append(p)
        size += len(p)
        i += 1
    text = "".join(parts) or piece(0)[:n]
    return text + " " * (n - len(text))


def repeat(s: str):
    return lambda n: fill(n, lambda i: s)


# name → (what it attacks, build(n) -> text)
CASES: dict[str, tuple[str, object]] = {
    "masked": ("distinct masked words «х*й1 х*й2…»: a regex per disguised token",
               lambda n: fill(n, lambda i: f"х*й{i} ")),
    "masked-letters": ("distinct masked words with no digits «х*йабв…»",
                       lambda n: fill(n, lambda i: f"х*й{distinct(i)} ")),
    "masked-many": ("masks everywhere in distinct words «п*з*д*а*б…»",
                    lambda n: fill(n, lambda i: "*".join("п" + distinct(i, size=4)) + " ")),
    "dotted": ("distinct dotted words «с.у.к.а.аб»: separators joined, pieces judged",
               lambda n: fill(n, lambda i: ".".join("сука" + distinct(i, size=2)) + " ")),
    "repeat": ("one word repeated «привет привет…»: flood's words × hits", repeat("привет ")),
    "greeting": ("a greeting phrase repeated «доброе утро всем…»", repeat("доброе утро всем ")),
    "spaced": ("spaced letters «х у й х у й…»: joins across words", repeat("х у й ")),
    "spaced-random": ("single letters «а б в г…»: every join judged",
                      lambda n: fill(n, lambda i: CYR[(i * 7) % len(CYR)] + " ")),
    "anchors": ("phrase anchors without their phrase «покажется переломаю стенке…»",
                repeat("покажется переломаю стенке концы оторву сверну ")),
    "phrases": ("whole phrases «мало не покажется, ноги переломаю…»",
                repeat("мало не покажется, ноги переломаю, к стенке! ")),
    "insults": ("an aimed insult repeated «ты дебил…»: shapes per hit", repeat("ты дебил, ")),
    "every-category": ("hits of every category in every sentence",
                       repeat("Ты дебил, сука, убью тебя! Таджики понаехали. Скидка по ссылке shop.ru, "
                              "доброе утро, звоните +7 916 123-45-67. ")),
    "reports": ("reports for speech to read «сыну угрожают, сказал, что убьёт его…»",
                repeat("Сыну угрожают, Петя сказал, что убьёт его. Дочку обозвали коровой. ")),
    "threats": ("threat verbs with objects «сожгу школу, взорвём танцпол…»",
                repeat("я сожгу школу, на выпускном мы взорвём танцпол, пристрелите меня. ")),
    "quotes": ("deep quotes «««… with a word inside: quote counting per hit", repeat("«дебил ")),
    "quotes-open": ("only opening quotes «««…", lambda n: "«" * n),
    "punct": ("a run of punctuation «!?.…»", lambda n: ("!?.,;:-" * n)[:n]),
    "emoji": ("a run of emoji", lambda n: ("😀🙏🌸" * n)[:n]),
    "emoji-words": ("emoji and laughter «ахах 😀…»", repeat("ахах 😀 ")),
    "newlines": ("one word a line «дебил\\n…»: sentences", repeat("дебил\n")),
    "digits": ("one huge number for the personal-data regexes", lambda n: "4" * n),
    "digits-spaced": ("digits one by one «1 2 3 4…»", repeat("1 2 3 4 5 6 7 8 9 0 ")),
    "phones": ("a phone after a phone «+7 916 123-45-67 …»", repeat("+7 916 123-45-67 ")),
    "cards": ("card numbers «4276 1234 5678 9012 …»", repeat("4276 1234 5678 9012 ")),
    "emails": ("e-mail after e-mail", lambda n: fill(n, lambda i: f"petrov{i}@mail.ru ")),
    "email-dots": ("one e-mail with endless domain parts «a@b.b.b…»", lambda n: ("a@" + "b." * n)[:n - 1] + "!"),
    "links": ("many links to unknown sites", lambda n: fill(n, lambda i: f"https://site{i}.ru/p?x={i} ")),
    "domain-dots": ("a host of endless parts «a.a.a…ru»", lambda n: ("a." * n)[:n - 2] + "ru"),
    "address": ("street words without a house «ул. Ленина ул. …»", repeat("ул. Ленина, ")),
    "password": ("«пароль» after «пароль»", repeat("пароль: ")),
    "long-word": ("one very long word «ххх…»", lambda n: "х" * n),
    "long-root": ("one very long word of roots «хуйхуй…»", lambda n: ("хуй" * n)[:n]),
    "long-dashes": ("one very long token of separators «а-а-а-…»", lambda n: ("а-" * n)[:n - 1] + "а"),
    "long-masks": ("one very long masked token «х*х*х*…»", lambda n: ("х*" * n)[:n - 1] + "х"),
    "homoglyphs": ("distinct Latin look-alikes in Cyrillic words «xyйабв…»",
                   lambda n: fill(n, lambda i: f"xyй{distinct(i)} ")),
    "translit": ("distinct transliterated words «pizdecabc…»",
                 lambda n: fill(n, lambda i: f"pizdec{distinct(i, 'abcdefghijklmnopqrstuvwxyz')} ")),
    "names": ("capitalised names «Машенька Ивановна…»: the name test of flood", repeat("Машенька Ивановна ")),
}
# n attachments instead of characters (a message with no text)
ATTACHMENTS = {
    "attachments": ("image after image captioned «С днём рождения»",
                    lambda n: tuple({"kind": "image", "caption": f"С днём рождения {i}"} for i in range(n))),
    "attachments-files": ("files named as greetings", lambda n: tuple(
        {"kind": "image", "file_name": f"s_dnem_rozhdeniya_{i}.jpg"} for i in range(n))),
}


def cold() -> None:
    """Empty every cache a new word fills: the worker has never seen the attacker's words."""
    m = default().matcher
    m._tokens.clear()
    m._roots.clear()
    m.judge_word.cache_clear()
    morph.is_known.cache_clear()
    morph.parses.cache_clear()


def timed(message: Message, runs: int, give_up: float):
    cpu, wall, verdict = [], [], None
    for _ in range(runs):
        cold()
        c0, w0 = time.thread_time(), time.perf_counter()
        verdict = default().check(message)
        cpu.append(time.thread_time() - c0)
        wall.append(time.perf_counter() - w0)
        if wall[-1] > give_up:
            break
    return statistics.median(cpu), min(cpu), statistics.median(wall), len(cpu), verdict


def found(verdict) -> str:
    out = ",".join(sorted({f"{v.category}" + ("(budget)" if v.rule == "review.budget" else "")
                           for v in verdict.violations})) or "clean"
    cut = getattr(verdict, "truncated", None)
    if not cut:
        return out
    shown = [f"judged {cut['judged']:,} of {cut['length']:,}"] if "judged" in cut else []
    shown += [f"{cut['attachments_judged']:,} of {cut['attachments']:,} attachments"] if "attachments" in cut else []
    return "; ".join([out] + shown)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--lengths", default="1000,4096,100000", help="characters, comma-separated")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--give-up", type=float, default=3.0, help="do not repeat a run slower than this (s)")
    ap.add_argument("--only", default="", help="comma-separated case names (prefixes)")
    ap.add_argument("--attachments", default="20,1000", help="attachment counts for the attachment cases")
    ap.add_argument("--budget", type=float, help=f"seconds of CPU per message (default: the pipeline's, "
                    f"{pipeline.BUDGET})")
    ap.add_argument("--max-chars", type=float, help=f"characters judged (default: the pipeline's, "
                    f"{pipeline.MAX_CHARS:,}); lifted, it shows how the cost grows with the length")
    args = ap.parse_args(argv)
    if args.budget is not None:
        pipeline.BUDGET = args.budget
    if args.max_chars is not None:
        pipeline.MAX_CHARS = int(args.max_chars)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    lengths = [int(x) for x in args.lengths.split(",") if x]
    only = [x for x in args.only.split(",") if x]
    pick = (lambda name: not only or any(name.startswith(o) for o in only))
    default().check(Message("warm", "c", "u", NOON, "привет, как дела?"))      # load the lexicons
    print(f"filters.check, one core, caches emptied before each run; median of {args.runs} "
          f"(CPU s / wall s); budget {pipeline.BUDGET:g} s, text judged up to {pipeline.MAX_CHARS:,} "
          f"characters", flush=True)
    print(f"{'case':16} {'size':>7} {'cpu s':>7} {'min s':>7} {'wall s':>7}  findings", flush=True)
    worst = 0.0
    for name, (what, build) in CASES.items():
        if not pick(name):
            continue
        for n in lengths:
            msg = Message(f"{name}-{n}", "bench-chat", "u-1", NOON, build(n), sender_role="parent")
            cpu, least, wall, k, verdict = timed(msg, args.runs, args.give_up)
            worst = max(worst, cpu)
            print(f"{name:16} {n:>7,} {cpu:7.3f} {least:7.3f} {wall:7.3f}  {found(verdict)}"
                  + (f"  ({k} run)" if k < args.runs else ""), flush=True)
    for name, (what, build) in ATTACHMENTS.items():
        if not pick(name):
            continue
        for n in [int(x) for x in args.attachments.split(",") if x]:
            msg = Message(f"{name}-{n}", "bench-chat", "u-1", NOON, "", sender_role="parent",
                          attachments=build(n))
            cpu, least, wall, k, verdict = timed(msg, args.runs, args.give_up)
            worst = max(worst, cpu)
            print(f"{name:16} {n:>6,}a {cpu:7.3f} {least:7.3f} {wall:7.3f}  {found(verdict)}"
                  + (f"  ({k} run)" if k < args.runs else ""), flush=True)
    print(f"slowest (median): {worst:.3f} s CPU", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
