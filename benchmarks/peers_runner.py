#!/usr/bin/env python3
"""Score the peer profanity libraries on labelled data, or time them on chat lines.

Runs INSIDE the peers venv made by benchmarks/peers_env.sh:

  bash benchmarks/peers_env.sh
  .venv-peers/bin/python benchmarks/peers_runner.py --label toxic \
      --datasets ../shared/datasets/ru_okcup_sample2000.jsonl
  .venv-peers/bin/python benchmarks/peers_runner.py --speed-file chat.txt

Prints one JSON line per (peer, dataset) or per peer for --speed-file.
The adapters and the scoring are shared/peers/peers.py, imported by path (it is
shared, read-only material: never copy it into this repo).
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import statistics
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_PEERS = "obscene_words_filter,slaviclean_morph,slaviclean,check_swear_cached"
DEFAULT_DATASETS = ["ru_okcup_sample2000.jsonl", "ru_2ch_pikabu_sample2000.jsonl",
                    "ru_vk_distorted_toxicity.jsonl"]
KEEP = ("peer", "label", "n", "n_pos", "n_clean", "precision", "recall", "f1",
        "fp_rate_clean", "msgs_per_s", "seconds", "load_plus_warmup_s",
        "distorted_pos", "recall_distorted", "recall_distorted_after_correction")


def import_peers(shared: str):
    path = os.path.join(shared, "peers", "peers.py")
    if not os.path.isfile(path):
        sys.exit(f"peers_runner: no {path}; pass --shared DIR (the folder holding peers/ and datasets/)")
    spec = importlib.util.spec_from_file_location("peers", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # also sets NLTK_DATA to shared/peers/nltk_data
    return mod


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # KiB on Linux


def score(peers, peer: str, datasets, label: str, limit: int) -> None:
    for ds in datasets:
        res = peers.evaluate(peer, ds, label, limit)
        out = {k: res[k] for k in KEEP if k in res}
        out["dataset"] = os.path.basename(ds)
        out["peak_rss_mb"] = peak_rss_mb()  # peak of this process so far (one process per peer)
        print(json.dumps(out, ensure_ascii=False), flush=True)


def speed(peers, peer: str, path: str, limit: int, rounds: int = 3, warmup: int = 50) -> None:
    with open(path, encoding="utf-8") as fh:
        lines = [ln.rstrip("\n") for ln in fh if ln.strip()][:limit]
    if not lines:
        sys.exit(f"peers_runner: {path} has no non-empty lines")
    t0 = time.perf_counter()
    flags = peers.load_peer(peer)
    for ln in lines[:warmup]:  # first calls pay lazy loading (dictionaries, models)
        flags(ln)
    load_s = time.perf_counter() - t0
    rates, flagged = [], 0
    for _ in range(rounds):
        t = time.perf_counter()
        flagged = sum(bool(flags(ln)) for ln in lines)
        rates.append(len(lines) / (time.perf_counter() - t))
    print(json.dumps({"peer": peer, "speed_file": os.path.basename(path), "n": len(lines),
                      "flagged": flagged, "msgs_per_s": round(statistics.median(rates), 1),
                      "msgs_per_s_rounds": [round(r, 1) for r in rates],
                      "load_plus_warmup_s": round(load_s, 2), "peak_rss_mb": peak_rss_mb()},
                     ensure_ascii=False), flush=True)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", default=os.path.join(REPO, "..", "shared"),
                    help="folder holding peers/peers.py and datasets/ (default: <repo>/../shared)")
    ap.add_argument("--peers", default=DEFAULT_PEERS, help="comma-separated names from peers.py")
    ap.add_argument("--datasets", nargs="+", help="JSONL files (default: the three in <shared>/datasets)")
    ap.add_argument("--label", default="toxic", help="positive label (no dataset has 'profanity')")
    ap.add_argument("--limit", type=int, default=5000,
                    help="at most this many texts per dataset (seeded sample) or speed-file lines")
    ap.add_argument("--speed-file", help="plain text, one chat line per line: time flags() only")
    ap.add_argument("--rounds", type=int, default=3, help="--speed-file rounds (median reported)")
    a = ap.parse_args(argv)

    shared = os.path.abspath(a.shared)
    peers = import_peers(shared)
    names = [p for p in a.peers.split(",") if p]
    unknown = [p for p in names if p not in peers.PEERS]
    if unknown:
        sys.exit(f"peers_runner: unknown peer(s) {unknown}; known: {', '.join(peers.PEERS)}")
    datasets = a.datasets or [os.path.join(shared, "datasets", d) for d in DEFAULT_DATASETS]
    for f in ([a.speed_file] if a.speed_file else datasets):
        if not os.path.isfile(f):
            sys.exit(f"peers_runner: no such file {f}")

    if len(names) > 1:
        # One child process per peer: peak RSS is then that peer's own, and
        # check_swear_cached's monkey-patching cannot leak into another peer.
        failed = []
        for p in names:
            argv_p = [sys.executable, os.path.abspath(__file__), "--shared", shared,
                      "--peers", p, "--label", a.label, "--limit", str(a.limit),
                      "--rounds", str(a.rounds)]
            argv_p += ["--speed-file", a.speed_file] if a.speed_file else ["--datasets", *datasets]
            t = time.perf_counter()
            rc = subprocess.call(argv_p)
            print(f"# {p}: {time.perf_counter() - t:.1f} s wall, exit {rc}", file=sys.stderr, flush=True)
            if rc:
                failed.append(p)
        if failed:
            print(f"peers_runner: failed peers {failed} (see errors above; is this the "
                  f"peers venv? run benchmarks/peers_env.sh)", file=sys.stderr)
        return 1 if failed else 0

    try:
        if a.speed_file:
            speed(peers, names[0], a.speed_file, a.limit, a.rounds)
        else:
            score(peers, names[0], datasets, a.label, a.limit)
    except ImportError as e:  # the library is not in this interpreter
        sys.exit(f"peers_runner: {names[0]} does not import ({e}); run benchmarks/peers_env.sh "
                 f"and use .venv-peers/bin/python")
    return 0


if __name__ == "__main__":
    sys.exit(main())
