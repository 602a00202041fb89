#!/usr/bin/env python3
"""Speed of `dozor check --jsonl`, the path users run on files, against what any reader of the
same lines must pay at least.

    .venv/bin/python benchmarks/jsonl_speed.py            # prints a table and the figures as JSON
    .venv/bin/python benchmarks/jsonl_speed.py --keep F   # also keep the input file at F

The input is built in a temporary directory (never in the repository): contract §1 message records
mixing the chat lines of ../shared/datasets/*.jsonl and the sentences of the regulations in
../shared/seeds/, both read in place, spread over chats, senders, roles and send times (a few at
night, a few with attachments or a `chat` object), each text once. Then, on ONE pinned core:

  (a) ceiling    — a bare `json.loads` + `filters.tokens.tokenize` pass over the same lines;
  (b) in-process — `filters.check` over the same messages (already parsed), every detector on;
  (c) whole path — `dozor check --jsonl < file > /dev/null` in a fresh process, as a user runs it,
                   msgs/s including startup and excluding it (startup = the same command on a file
                   of one message);

and the ratio (c)/(a). `measure(shared)` returns the figures for benchmarks/detect.py. Not a test:
nothing here asserts; it reports. Timings are medians of a few runs; the machine may be shared.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# the command as the `dozor` script runs it (`from streams.cli import main`), started in this checkout
# so that the code measured is the code beside this file, whichever checkout the venv installed
DOZOR = [sys.executable, "-m", "streams.cli"]
DATASETS = ("ru_okcup_sample2000.jsonl", "ru_2ch_pikabu_sample2000.jsonl", "ru_vk_distorted_toxicity.jsonl")
ROLES = ("parent", "parent", "parent", "student", "student", "teacher", "admin")
ZONES = ("Europe/Moscow", "Asia/Yekaterinburg", "Asia/Novosibirsk", "Europe/Kaliningrad")
KINDS = ("parents", "students", "subject", "staff")


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def pin_one_core(core: int | None = None) -> int:
    """Pin this process (and the processes it starts) to one core; which one."""
    cores = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else [0]
    core = cores[0] if core is None else core
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {core})
    return core


def chat_texts(shared: Path) -> list[str]:
    out = []
    for name in DATASETS:
        path = shared / "datasets" / name
        if path.exists():
            with open(path, encoding="utf-8") as fh:
                out += [t for t in (json.loads(l).get("text") or "" for l in fh if l.strip()) if t.strip()]
    return out


def regulation_sentences(shared: Path) -> list[str]:
    out = []
    for path in sorted((shared / "seeds").glob("*.txt")):
        text = " ".join(path.read_text(encoding="utf-8").split())
        out += [s for s in re.split(r"(?<=[.!?;:])\s+", text) if 20 <= len(s) <= 600]
    return out


def records(shared: Path, seed: int = 13) -> list[dict]:
    """Contract §1 messages: every chat line and regulation sentence once, shuffled together."""
    rnd = random.Random(seed)
    texts = [("chat", t) for t in chat_texts(shared)] + [("regulation", t) for t in regulation_sentences(shared)]
    if not texts:
        sys.exit(f"jsonl_speed.py: no texts in {shared}/datasets or {shared}/seeds; pass --shared DIR")
    rnd.shuffle(texts)
    start = datetime(2026, 11, 16, 7, 30, tzinfo=timezone(timedelta(hours=3)))
    moment, out = start, []
    for i, (_, text) in enumerate(texts):
        moment += timedelta(seconds=rnd.randint(1, 40))
        if moment.hour >= 22:                      # the chats quiet down at night: a few stragglers
            moment = moment.replace(hour=7, minute=30) + timedelta(days=1)
        sent = moment if rnd.random() > 0.04 else moment.replace(hour=rnd.choice((23, 0, 1, 6)))
        chat = rnd.randrange(60)
        rec = {"message_id": f"m-{i}", "chat_id": f"sch{chat % 12}-{chat}-chat",
               "sender_id": f"u-{rnd.randrange(900)}", "sender_role": rnd.choice(ROLES),
               "sent_at": sent.isoformat(), "text": text}
        if chat % 5 == 0:
            rec["chat"] = {"kind": KINDS[chat % len(KINDS)], "timezone": ZONES[chat % len(ZONES)]}
        if rnd.random() < 0.03:
            rec["attachments"] = [{"kind": rnd.choice(("image", "file", "sticker")), "file_name": f"f{i}.jpg"}]
        out.append(rec)
    return out


def ceiling(lines: list[bytes], rounds: int = 3) -> float:
    """msgs/s of a bare json.loads + tokenize pass: what any reader of these lines pays."""
    from filters.tokens import tokenize

    rates = []
    for _ in range(rounds):
        t = time.process_time()
        for line in lines:
            tokenize(json.loads(line).get("text") or "")
        rates.append(len(lines) / (time.process_time() - t))
    return statistics.median(rates)


def in_process(recs: list[dict], rounds: int = 3) -> dict:
    """msgs/s of filters.check over the messages already parsed (cold: the first pass)."""
    from filters import Message, check
    from filters.ruleset import detectors

    msgs = [Message.from_dict(r) for r in recs]
    detectors()
    rates = []
    for _ in range(rounds):
        t = time.process_time()
        for m in msgs:
            check(m)
        rates.append(len(msgs) / (time.process_time() - t))
    return {"cold": rates[0], "warm": statistics.median(rates[1:]) if rounds > 1 else rates[0]}


class _Timed:
    """A detector that adds the CPU time it takes to `spent[name]` (about a µs of it is the clock's)."""

    def __init__(self, detector, spent: dict):
        self.detector, self.spent = detector, spent
        self.name = getattr(detector, "name", type(detector).__name__)
        self.category = getattr(detector, "category", self.name)
        self.reads_time = getattr(detector, "reads_time", False)

    def __call__(self, doc):
        t = time.thread_time()
        try:
            return self.detector(doc)
        finally:
            self.spent[self.name] = self.spent.get(self.name, 0.0) + time.thread_time() - t


def detector_split(path: Path) -> dict:
    """µs per message each detector takes, over a first pass (empty caches, as in the command) and
    a second: in a fresh process (`--detectors FILE`), so that nothing was judged before."""
    out = subprocess.run([sys.executable, __file__, "--detectors", str(path)], capture_output=True,
                         text=True, check=True, cwd=REPO).stdout
    return json.loads(out.splitlines()[-1])


def _split_here(path: Path) -> dict:
    from filters import Message
    from filters.pipeline import run
    from filters.ruleset import default

    ruleset = default()
    with open(path, encoding="utf-8") as fh:
        msgs = [Message.from_dict(json.loads(l)) for l in fh if l.strip()]
    out = {}
    for name in ("first", "second"):
        spent: dict[str, float] = {}
        dets = tuple(_Timed(d, spent) for d in ruleset.detectors)
        for m in msgs:
            run(m, dets, ruleset.version)
        out[name] = {k: round(v / len(msgs) * 1e6, 1) for k, v in spent.items()}
    return out


def run_cli(path: Path, out=subprocess.DEVNULL) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of `dozor check --jsonl < path > out` in a fresh process."""
    with open(path, "rb") as src:
        t = time.perf_counter()
        proc = subprocess.Popen([*DOZOR, "check", "--jsonl"], stdin=src, stdout=out,
                                stderr=subprocess.DEVNULL, cwd=REPO)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):          # 1: some lines were not messages (said in the output)
        raise RuntimeError(f"dozor check --jsonl exited {proc.returncode} on {path}")
    return wall, usage.ru_utime + usage.ru_stime


def whole_path(path: Path, one: Path, n: int, rounds: int = 3) -> dict:
    """The command on `path` and on a file of one message (its startup: interpreter, imports, the
    lexicons compiled, one message judged), medians of `rounds` runs each, wall and CPU time."""
    starts = [run_cli(one) for _ in range(rounds)]
    runs = [run_cli(path) for _ in range(rounds)]
    s_wall, s_cpu = (statistics.median(x) for x in zip(*starts))
    wall, cpu = (statistics.median(x) for x in zip(*runs))
    return {"startup_s": s_wall, "startup_cpu_s": s_cpu, "wall_s": wall, "cpu_s": cpu,
            "wall_with_startup": n / wall, "wall_without_startup": n / max(wall - s_wall, 1e-9),
            "cpu_with_startup": n / cpu, "cpu_without_startup": n / max(cpu - s_cpu, 1e-9)}


def measure(shared: Path, core: int | None = None, keep: Path | None = None, rounds: int = 3) -> dict:
    """Every figure, pinned to one core. The input file lives in a temporary directory.

    In-process rates are per CPU second of this process and the command's per CPU second of its
    process (user + system), so another job on the same core slows them less than the wall clock;
    the wall-clock rates of the command are given beside them. `ratio` is the command's rate,
    startup excluded, over the ceiling's."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    before = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    core = pin_one_core(core)
    tmp = Path(tempfile.mkdtemp(prefix="dozor-jsonl-"))
    try:
        recs = records(shared)
        lines = [json.dumps(r, ensure_ascii=False).encode("utf-8") for r in recs]
        path, one = tmp / "messages.jsonl", tmp / "one.jsonl"
        path.write_bytes(b"".join(l + b"\n" for l in lines))
        one.write_bytes(lines[0] + b"\n")
        if keep:
            shutil.copyfile(path, keep)
        chat = len(chat_texts(shared))
        a = ceiling(lines, rounds)
        b = in_process(recs, rounds)
        c = whole_path(path, one, len(lines), rounds)
        split = detector_split(path)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if before is not None:
            os.sched_setaffinity(0, before)
    return {"messages": len(lines), "chat_lines": chat, "regulation_sentences": len(lines) - chat,
            "bytes": sum(len(l) + 1 for l in lines), "core": core,
            "ceiling": round(a), "in_process_warm": round(b["warm"]), "in_process_cold": round(b["cold"]),
            "cli_without_startup": round(c["cpu_without_startup"]), "cli_with_startup": round(c["cpu_with_startup"]),
            "cli_wall_without_startup": round(c["wall_without_startup"]),
            "cli_wall_with_startup": round(c["wall_with_startup"]),
            "startup_s": round(c["startup_s"], 2), "startup_cpu_s": round(c["startup_cpu_s"], 2),
            "cli_wall_s": round(c["wall_s"], 2), "cli_cpu_s": round(c["cpu_s"], 2),
            "ratio": round(c["cpu_without_startup"] / a, 3), "ratio_with_startup": round(c["cpu_with_startup"] / a, 3),
            "ratio_wall": round(c["wall_without_startup"] / a, 3),
            "ratio_in_process": round(b["warm"] / a, 3), "ratio_in_process_cold": round(b["cold"] / a, 3),
            "detectors_us_first_pass": split["first"], "detectors_us_second_pass": split["second"]}


def render(m: dict) -> str:
    """A Markdown paragraph and table of `measure`'s figures."""
    return (f"`dozor check --jsonl` on {m['messages']:,} contract §1 messages ({m['chat_lines']:,} dataset chat "
            f"lines, {m['regulation_sentences']:,} regulation sentences; {m['bytes'] / 1e6:.1f} MB), pinned to one "
            f"core, messages per CPU second (the command's wall-clock rate beside it):\n\n"
            "| path | msgs/s | of the ceiling |\n|---|---|---|\n"
            f"| ceiling: bare `json.loads` + `tokenize` | {m['ceiling']:,} | 1 |\n"
            f"| `filters.check` in-process, parsed messages, first pass (empty caches) | {m['in_process_cold']:,} "
            f"| {m['ratio_in_process_cold']:.3f} |\n"
            f"| `filters.check` in-process, later passes (warm) | {m['in_process_warm']:,} "
            f"| {m['ratio_in_process']:.3f} |\n"
            f"| `dozor check --jsonl < file > /dev/null`, startup excluded | {m['cli_without_startup']:,} "
            f"(wall {m['cli_wall_without_startup']:,}) | **{m['ratio']:.3f}** |\n"
            f"| the same, startup ({m['startup_cpu_s']} s CPU, {m['startup_s']} s wall) included "
            f"| {m['cli_with_startup']:,} (wall {m['cli_wall_with_startup']:,}) | {m['ratio_with_startup']:.3f} |"
            "\n\nWhere a message's time goes, CPU µs per message by detector, on the first pass over "
            "the file, as the command makes it (every word new to the process), and on a second: "
            + ", ".join(f"{k} {v:g} / {m['detectors_us_second_pass'].get(k, 0):g}"
                        for k, v in sorted(m["detectors_us_first_pass"].items(), key=lambda kv: -kv[1]))
            + " (the first lexicon detector's figure holds the word-list scan all of them share, judging every "
              "word the process has not seen yet; the model's holds the message's tokens).")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    ap.add_argument("--core", type=int, help="the core to pin to (default: the first this process may use)")
    ap.add_argument("--keep", type=Path, help="also copy the input file here (outside the repository)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--detectors", type=Path, metavar="FILE", help=argparse.SUPPRESS)   # detector_split's child
    a = ap.parse_args(argv)
    if a.detectors:
        sys.path.insert(0, str(REPO))
        print(json.dumps(_split_here(a.detectors)))
        return 0
    m = measure(a.shared, a.core, a.keep, a.rounds)
    print(render(m))
    print(json.dumps(m))
    return 0


if __name__ == "__main__":
    sys.exit(main())
