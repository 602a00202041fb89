#!/usr/bin/env python3
"""Detection benchmark: dozor and the Russian peers, quality and speed, in one run.

    .venv/bin/python benchmarks/detect.py            # builds .venv-peers on first use
    .venv/bin/python benchmarks/detect.py --no-peers # dozor alone, a few seconds
    .venv/bin/python benchmarks/detect.py --write    # also rewrite the README table

Quality uses shared/peers/peers.py's own scoring (dozor is registered there as one
more peer), on ../shared/datasets, read in place and never copied. Speed is
messages per second on ONE core (the process is pinned) over every dataset text,
for dozor cold (first pass, empty caches) and warm (median of 3 later passes),
and for each peer after its warm-up. Startup and peak memory are measured in
fresh processes. Not a test: nothing here asserts; it reports.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATASETS = ["ru_okcup_sample2000.jsonl", "ru_2ch_pikabu_sample2000.jsonl", "ru_vk_distorted_toxicity.jsonl"]
PEERS = "obscene_words_filter,slaviclean_morph,slaviclean,check_swear_cached"
README_START, README_END = "<!-- bench:detect:start -->", "<!-- bench:detect:end -->"


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def pin_one_core() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})


def import_peers_module(shared: Path):
    path = shared / "peers" / "peers.py"
    if not path.exists():
        sys.exit(f"detect.py: no {path}; pass --shared DIR (the folder with peers/ and datasets/)")
    spec = importlib.util.spec_from_file_location("peers", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


TOXIC = ("profanity", "insult", "threat", "hate")


def dozor_flags(categories=("profanity",)):
    from datetime import datetime, timezone
    from filters import Message, check

    now = datetime(2026, 11, 18, 12, tzinfo=timezone.utc)

    def flags(text: str) -> bool:
        return any(v.category in categories for v in check(Message("b", "b", "b", now, text or " ")).violations)
    return flags


def dozor_quality(peers, shared: Path, name: str, categories) -> list[dict]:
    peers.PEERS[name] = lambda: dozor_flags(categories)
    out = []
    for ds in DATASETS:
        res = peers.evaluate(name, str(shared / "datasets" / ds), "toxic", 5000)
        out.append({k: v for k, v in res.items() if not isinstance(v, list)} | {"dataset": ds})
        log(f"  {name} on {ds}: P {res['precision']:.3f} R {res['recall']:.3f}")
    return out


def per_category(shared: Path, full: dict) -> str:
    """Every category: the probe (labelled chat lines), the lexicon examples, and how often it
    fires on the real comments labelled clean (a false-flag rate for the non-toxic categories).
    `full`: judged() of the lexicons in force."""
    from filters import Message, check
    from filters.lexicon import checks
    from filters.model import CATEGORIES
    from filters.ruleset import default

    probe = [json.loads(l) for l in open(shared / "datasets" / "probe.jsonl", encoding="utf-8") if l.strip()]
    got = {c["message_id"]: {v.category for v in check(Message.from_dict(c)).violations} for c in probe}
    clean = [v for judged_ in full.values() for y, v in judged_ if not y]
    fired = {c: sum(any(x.category == c for x in v) for v in clean) for c in CATEGORIES}
    rows = ["| category | probe recall | probe false flags | lexicon examples passing | "
            f"fires on {len(clean):,} clean-labelled comments |", "|---|---|---|---|---|"]
    for cat in CATEGORIES:
        pos = [c for c in probe if cat in c["expect"]]
        hit = sum(cat in got[c["message_id"]] for c in pos)
        false = sum(cat in got[c["message_id"]] for c in probe if cat not in c["expect"])
        ex = checks.run_examples(cat, default())
        examples = (f"{sum(r.ok for r in ex)}/{len(ex)}" if ex
                    else "– (rules in code, tested in tests/)")   # no word list: quiet_hours
        rows.append(f"| {cat} | {hit}/{len(pos)} | {false} | {examples} | {fired[cat]} "
                    f"({fired[cat] / len(clean):.1%}) |")
    return "\n".join(rows)


def by_certainty(full: dict) -> str:
    """Per category, the share of its findings by certainty, on the comments labelled clean and on
    the toxic ones: what dozor would do alone (certain) and what it would leave to a moderator.
    `full`: judged() of the lexicons in force."""
    from filters.model import CATEGORIES, CERTAINTIES

    counts = {side: {c: dict.fromkeys(CERTAINTIES, 0) for c in CATEGORIES} for side in ("clean", "toxic")}
    sizes = {"clean": 0, "toxic": 0}
    for judged_ in full.values():
        for y, violations in judged_:
            side = "toxic" if y else "clean"
            sizes[side] += 1
            for v in violations:
                counts[side][v.category][v.certainty] += 1

    def cell(n: dict, size: int) -> str:
        total = sum(n.values())
        if not total:
            return "–"
        return f"{total:,} ({total / size:.1%}): " + " / ".join(f"{n[c] / size:.1%}" for c in CERTAINTIES)

    rows = [f"| category | {sizes['clean']:,} clean-labelled comments: findings (rate), certain / likely / "
            f"possible as rates of the comments | {sizes['toxic']:,} toxic-labelled: the same |", "|---|---|---|"]
    for cat in CATEGORIES:
        if cat == "quiet_hours":
            continue                       # the comments have no send time: nothing to judge
        rows.append(f"| {cat} | {cell(counts['clean'][cat], sizes['clean'])} "
                    f"| {cell(counts['toxic'][cat], sizes['toxic'])} |")
    return "\n".join(rows)


def misses_by_kind(shared: Path) -> dict:
    """Why the toxic ok.ru comments dozor misses are missed, counted (never quoted: the data is not ours)."""
    from datetime import datetime, timezone
    from filters import Message, check
    from filters.ruleset import default

    now = datetime(2026, 11, 18, 12, tzinfo=timezone.utc)
    kinds: dict[str, int] = {}
    with open(shared / "datasets" / DATASETS[0], encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if not row["labels"]:
                continue
            if any(v.category in TOXIC for v in check(Message("b", "b", "b", now, row["text"] or " ")).violations):
                continue
            # a word of speech («сказал») is a cue for filters/speech.py, never a lexicon word missed
            cats = sorted({h.entry.category for h in default().matcher.scan(row["text"])} - {"speech"})
            kind = (f"a {'/'.join(cats)} word whose shape did not count (not aimed, not a threat form)"
                    if cats else "no lexicon word at all (insult by meaning, sarcasm, a call without a known verb)")
            kinds[kind] = kinds.get(kind, 0) + 1
    return kinds


def judged(shared: Path, ruleset) -> dict[str, list[tuple[bool, tuple]]]:
    """Every dataset comment with its label (toxic or not) and the violations `ruleset` finds."""
    from datetime import datetime, timezone
    from filters import Message

    now = datetime(2026, 11, 18, 12, tzinfo=timezone.utc)
    out = {}
    for ds in DATASETS:
        with open(shared / "datasets" / ds, encoding="utf-8") as fh:
            rows = [json.loads(l) for l in fh if l.strip()]
        out[ds] = [(bool(r["labels"]), ruleset.check(Message("b", "b", "b", now, r["text"] or " ")).violations)
                   for r in rows]
    return out


def _abuse(violations) -> bool:
    return any(v.category in TOXIC for v in violations)


def model_contribution(lists: dict, full: dict, speed_lists: dict, speed_full: dict) -> str:
    """What the learned second opinion adds to the word lists on each dataset (any abuse found,
    and how many comments it flagged that the lists did not), and what it costs in speed."""
    from filters.learned.weights import shipped

    rows = ["| dataset | word lists: P / R / FP-rate | with the model: P / R / FP-rate | "
            "the model's own findings on toxic / clean-labelled comments, likely + possible |",
            "|---|---|---|---|"]
    for ds in DATASETS:
        cells = []
        for judged_ in (lists[ds], full[ds]):
            tp = sum(y and _abuse(v) for y, v in judged_)
            fp = sum(not y and _abuse(v) for y, v in judged_)
            pos = sum(y for y, _ in judged_)
            cells.append(f"{tp / max(1, tp + fp):.3f} / {tp / max(1, pos):.3f} / {fp / max(1, len(judged_) - pos):.3f}")
        own = {True: {"likely": 0, "possible": 0}, False: {"likely": 0, "possible": 0}}
        for y, v in full[ds]:
            for x in v:
                if x.rule.startswith("model."):
                    own[y][x.certainty] += 1
        mine = " / ".join(f"{own[side]['likely']} + {own[side]['possible']}" for side in (True, False))
        rows.append(f"| {ds.removesuffix('.jsonl')} | {cells[0]} | {cells[1]} | {mine} |")
    m = shipped()
    cost = 1e6 / speed_full["warm"] - 1e6 / speed_lists["warm"]
    return ("The learned second opinion (model " + m.version + ", `dozor model train`; "
            f"{(REPO / 'lexicons' / '_model' / 'weights.npy').stat().st_size / 1e6:.1f} MB of int8 weights) "
            "beside the word lists, all categories of abuse (swearing, insult, threat, hate); it says only "
            "likely or possible, so everything it adds goes to a moderator and nothing it says strikes:\n\n"
            + "\n".join(rows)
            + f"\n\nSpeed, one core, the same {speed_full['n']:,} dataset texts: word lists alone "
              f"{speed_lists['warm']:,} msgs/s warm, with the model {speed_full['warm']:,} msgs/s "
              f"({cost:+.0f} µs a message).")


def school_like(shared: Path) -> str:
    """How often abuse is flagged on ordinary school text: the sentences of the five regulations
    (../shared/seeds/, read in place) and the bundled example chats; by the lists, and by the
    model where the lists found none. A proxy for a real school chat, which nobody here has."""
    import re
    from datetime import datetime, timezone
    from filters import Message, check

    now = datetime(2026, 11, 18, 9, tzinfo=timezone.utc)
    texts = []
    for path in sorted((shared / "seeds").glob("*.txt")):
        texts += [t.strip() for t in re.split(r"(?<=[.!?])\s+|\n+", path.read_text(encoding="utf-8", errors="replace"))
                  if 15 < len(t.strip()) < 300]
    regulations = len(texts)
    for path in sorted((REPO / "examples").glob("*.jsonl")):
        texts += [json.loads(l).get("text") or "" for l in path.read_text(encoding="utf-8").splitlines() if l.strip()]
    lists = model = 0
    for t in texts:
        found = [v for v in check(Message("s", "c", "u", now, t or " ")).violations if v.category in TOXIC]
        if any(not v.rule.startswith("model.") for v in found):
            lists += 1
        elif found:
            model += 1
    return (f"On ordinary school text — {regulations:,} sentences of the five regulations and "
            f"{len(texts) - regulations:,} lines of the bundled example chats (which hold deliberate "
            f"violations) — abuse is flagged in {lists} by the lists and in {model} more by the model "
            f"({model / max(1, len(texts)):.2%} of the lines).")


def per_category_datasets(full: dict) -> str:
    """Per category of abuse, on each dataset: the share of its findings that fall on toxic-labelled
    comments (precision against the annotators) and the share of the toxic comments it finds
    (the datasets label toxicity, not its kind: a comment found as a threat counts for threat)."""
    head = "| category | " + " | ".join(f"{d.removesuffix('.jsonl')}: P / share of toxic found" for d in DATASETS) + " |"
    rows = [head, "|---|" + "---|" * len(DATASETS)]
    for cat in TOXIC:
        cells = []
        for ds in DATASETS:
            hits = [y for y, v in full[ds] if any(x.category == cat for x in v)]
            pos = sum(y for y, _ in full[ds])
            cells.append(f"{sum(hits) / max(1, len(hits)):.3f} / {sum(hits) / max(1, pos):.3f} ({len(hits)})"
                         if hits else "–")
        rows.append(f"| {cat} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def chat_lines(shared: Path) -> list[str]:
    lines = []
    for name in DATASETS:
        with open(shared / "datasets" / name, encoding="utf-8") as fh:
            lines += [" ".join(json.loads(l)["text"].split()) for l in fh if l.strip()]
    return [l for l in lines if l]


def dozor_speed(lines: list[str], ruleset=None) -> dict:
    """Speed of the whole `filters.check` path (message → verdict), one core; `ruleset`: the
    lexicons in force, with the model, unless given."""
    from datetime import datetime, timezone
    from filters import Message
    from filters.ruleset import default

    now = datetime(2026, 11, 18, 12, tzinfo=timezone.utc)
    msgs = [Message(f"s{i}", "bench", "u", now, t) for i, t in enumerate(lines)]
    check = (ruleset or default()).check
    rates = []
    for _ in range(4):
        t = time.perf_counter()
        for m in msgs:
            check(m)
        rates.append(len(msgs) / (time.perf_counter() - t))
    short = [m for m in msgs if len(m.text.split()) <= 25]   # chat-length lines, without the long posts
    short_rates = []
    for _ in range(3):
        t = time.perf_counter()
        for m in short:
            check(m)
        short_rates.append(len(short) / (time.perf_counter() - t))
    lat = []
    for m in msgs[:3000]:
        t = time.perf_counter_ns()
        check(m)
        lat.append((time.perf_counter_ns() - t) / 1000)
    lat.sort()
    return {"cold": round(rates[0]), "warm": round(statistics.median(rates[1:])), "n": len(msgs),
            "short_warm": round(statistics.median(short_rates)), "short_n": len(short),
            "p50_us": round(lat[len(lat) // 2], 1), "p99_us": round(lat[int(len(lat) * 0.99)], 1)}


def dozor_startup() -> dict:
    code = ("import time, resource; t=time.perf_counter(); "
            "from filters.ruleset import detectors; detectors(); "
            "print(time.perf_counter()-t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=REPO).stdout.split()
    return {"startup_s": round(float(out[0]), 2), "rss_after_start_mb": round(int(out[1]) / 1024)}


def run_peers(shared: Path, lines_file: str) -> tuple[list[dict], list[dict]]:
    env_script = REPO / "benchmarks" / "peers_env.sh"
    log("peers: preparing .venv-peers (first time takes about a minute)…")
    subprocess.run(["bash", str(env_script)], check=True, stdout=sys.stderr)
    py = Path(os.environ.get("PEERS_VENV", REPO / ".venv-peers")) / "bin" / "python"
    runner = [str(py), str(REPO / "benchmarks" / "peers_runner.py"), "--shared", str(shared),
              "--peers", PEERS]
    log("peers: scoring on the datasets (slaviclean with morphology and check-swear are slow: ~1 min)…")
    quality = [json.loads(l) for l in subprocess.run(
        runner + ["--datasets", *[str(shared / "datasets" / d) for d in DATASETS]],
        check=True, capture_output=True, text=True).stdout.splitlines() if l.startswith("{")]
    log("peers: timing on the same chat lines…")
    speed = [json.loads(l) for l in subprocess.run(
        ["taskset", "-c", "0", *runner, "--speed-file", lines_file, "--limit", "100000"],
        check=True, capture_output=True, text=True).stdout.splitlines() if l.startswith("{")]
    return quality, speed


def table(dozor_q, dozor_all, dozor_s, peers_q, peers_s, n_lines) -> str:
    def row(name, q, speed, rss):
        by = {r["dataset"]: r for r in q}
        ok, ch, vk = (by.get(d, {}) for d in DATASETS)
        f = lambda r, k: f"{r[k]:.3f}" if r.get(k) is not None else "–"
        return (f"| {name} | {f(ok, 'precision')} / {f(ok, 'recall')} / {f(ok, 'fp_rate_clean')} "
                f"| {f(ch, 'precision')} / {f(ch, 'recall')} | {f(vk, 'recall_distorted')} "
                f"| {speed} | {rss} |")
    base = dozor_s["warm"]
    lines = ["| detector | ok.ru P / R / FP-rate | 2ch-pikabu P / R | vk disguised recall "
             "| msgs/s, one core | peak RSS MB |", "|---|---|---|---|---|---|",
             row("**dozor**, swearing only", dozor_q, f"**{dozor_s['warm']:,}** warm, {dozor_s['cold']:,} cold "
                 f"(all detectors on)", dozor_s.get("peak_rss_mb", "–")),
             row("**dozor**, swearing + insult + threat + hate", dozor_all, "(the same run)", "")]
    for s in peers_s:
        q = [r for r in peers_q if r["peer"] == s["peer"]]
        ratio = base / s["msgs_per_s"] if s["msgs_per_s"] else 0
        lines.append(row(s["peer"], q, f"{s['msgs_per_s']:,.0f} (dozor ×{ratio:.0f})",
                         s.get("peak_rss_mb", "–")))
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    ap.add_argument("--no-peers", action="store_true", help="measure dozor only")
    ap.add_argument("--write", action="store_true", help="rewrite the table in README.md")
    ap.add_argument("--json", type=Path, help="also write every figure here")
    a = ap.parse_args(argv)
    sys.path.insert(0, str(REPO))

    lines = chat_lines(a.shared)
    log(f"{len(lines):,} real chat lines from {a.shared / 'datasets'}")
    startup = dozor_startup()
    pin_one_core()
    peers_mod = import_peers_module(a.shared)
    dozor_s = dozor_speed(lines)
    log(f"dozor: {dozor_s['warm']:,} msgs/s warm, {dozor_s['cold']:,} cold, one core")
    dozor_q = dozor_quality(peers_mod, a.shared, "dozor", ("profanity",))
    dozor_all = dozor_quality(peers_mod, a.shared, "dozor_all", TOXIC)
    from filters.ruleset import default, load
    lists_only = load(second_opinion=False)
    log("dozor: the word lists alone, then with the model, over every dataset comment…")
    judged_lists, judged_full = judged(a.shared, lists_only), judged(a.shared, default())
    speed_lists = dozor_speed(lines, lists_only)
    contribution_md = model_contribution(judged_lists, judged_full, speed_lists, dozor_s)
    categories_ds_md = per_category_datasets(judged_full)
    contribution_md += " " + school_like(a.shared)
    misses = misses_by_kind(a.shared)
    categories_md = per_category(a.shared, judged_full)
    certainty_md = by_certainty(judged_full)
    dozor_s |= startup | {"peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}

    peers_q, peers_s, jsonl = [], [], None
    if not a.no_peers:
        with tempfile.NamedTemporaryFile("w", suffix=".txt", encoding="utf-8", delete=False) as fh:
            fh.write("\n".join(lines) + "\n")       # a temp file: the datasets never enter the repo
        try:
            peers_q, peers_s = run_peers(a.shared, fh.name)
        finally:
            os.unlink(fh.name)
        import jsonl_speed                            # benchmarks/jsonl_speed.py: the command users run on files
        log("dozor check --jsonl: timing the whole path in fresh processes…")
        # in a fresh process: this one has judged every dataset text already, and its caches would
        # make the «first pass» of the in-process figure a warm one
        run = subprocess.run([sys.executable, str(REPO / "benchmarks" / "jsonl_speed.py"), "--shared", str(a.shared)],
                             capture_output=True, text=True, check=True, cwd=REPO)
        jsonl = json.loads(run.stdout.strip().splitlines()[-1])

    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")),
               platform.processor())
    md = (f"Measured {date.today()} on {cpu}, {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"speed pinned to one core over all {len(lines):,} dataset texts (median 11 words). "
          f"On the {dozor_s['short_n']:,} of them of chat length (≤ 25 words) dozor runs at "
          f"{dozor_s['short_warm']:,} msgs/s warm. "
          f"dozor starts in {dozor_s['startup_s']} s to {dozor_s['rss_after_start_mb']} MB; "
          f"per message p50 {dozor_s['p50_us']} µs, p99 {dozor_s['p99_us']} µs warm. "
          f"Label `toxic` includes insults and threats: recall is a lower bound for swearing.\n\n"
          + table(dozor_q, dozor_all, dozor_s, peers_q, peers_s, len(lines))
          + "\n\n" + contribution_md
          + "\n\nPer category of abuse (word lists and model together), on each dataset: the share of "
            "the category's findings on comments labelled toxic, the share of the toxic comments it "
            "finds, and (in brackets) how many comments it flags:\n\n" + categories_ds_md
          + "\n\nThe toxic ok.ru comments dozor still misses (all four categories on), by kind: "
          + "; ".join(f"{n} with {k}" for k, n in sorted(misses.items(), key=lambda kv: -kv[1])) + "."
          + "\n\nEvery category, on the shared probe (54 labelled chat lines), on the lexicons' own "
            "examples, and how often it fires on the real comments their annotators called clean "
            "(those contain real swearing and insults, so for the toxic categories this is not all "
            "false flags; for flood, off-topic and personal data it nearly is):\n\n" + categories_md
          + "\n\nHow sure dozor is of what it finds (only a certain finding is acted on alone: a strike "
            "or a deletion; the rest waits for a moderator). On the clean-labelled comments the "
            "toxic categories' findings include real swearing the annotators let pass:\n\n" + certainty_md)
    if jsonl:
        md += "\n\n" + jsonl_speed.render(jsonl)
    print(md)
    if a.json:
        a.json.write_text(json.dumps({"dozor_quality": dozor_q, "dozor_all": dozor_all, "misses": misses,
                                      "certainty": certainty_md,
                                      "dozor_speed": dozor_s, "jsonl_speed": jsonl,
                                      "peers_quality": peers_q, "peers_speed": peers_s},
                                     ensure_ascii=False, indent=1), encoding="utf-8")
    if a.write:
        readme = REPO / "README.md"
        text = readme.read_text(encoding="utf-8")
        head, sep, rest = text.partition(README_START)
        _, sep2, tail = rest.partition(README_END)
        if not sep or not sep2:
            sys.exit(f"detect.py: README.md lacks the markers {README_START} … {README_END}")
        readme.write_text(f"{head}{README_START}\n{md}\n{README_END}{tail}", encoding="utf-8")
        log("README.md table rewritten")
    return 0


if __name__ == "__main__":
    sys.exit(main())
