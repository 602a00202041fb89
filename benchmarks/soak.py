#!/usr/bin/env python3
"""Soak: one worker under a steady load with malformed and pathological records among the ordinary.

    .venv/bin/python benchmarks/soak.py                       # 30 minutes at 1,000 msgs/s
    .venv/bin/python benchmarks/soak.py --minutes 3 --rate 500    # a quick look
    .venv/bin/python benchmarks/soak.py --write               # and rewrite the README table

One `dozor worker` pinned to one core on the embedded broker; this process (producer and the
reader of every output topic) and the broker share the other core. Every second `--rate`
records are produced, paced in 10 ms slices: 89% real comments from ../shared/datasets (4% of
those toxic: dozor finds swearing, an insult, a threat or hate in them), 10% malformed (every
kind the malformed-records test knows, each made unique), 1% pathological (the texts of
benchmarks/pathological.py, 4,096 characters and some far longer). Accounting at the end:

- every toxic and pathological message that dozor decides alone has its violation record
  (the answer expected of it, found by message id);
- every malformed record has its dead letter (found by the SHA-256 of the record);
- the worker's committed offsets on `chat.messages` reach the log end (nothing skipped);
- RSS sampled every 5 s; «flat» means the highest sample after the warm-up (the first fifth)
  is within 20% of the sample that ends the warm-up;
- latency: produce → violation record, for the toxic messages, p50/p99 by tenth of the run.

Not a test: it reports, it asserts nothing.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import signal
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

import pathological                                             # noqa: E402
import state                                                    # noqa: E402

MARK_START, MARK_END = "<!-- bench:soak:start -->", "<!-- bench:soak:end -->"
PARTITIONS = 4
CHATS = 2_000
SENDERS = 20_000       # 10 a chat


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def malformed(chat: str, n: int) -> bytes:
    """The n-th malformed record: the kinds of tests/streams/test_malformed.py in turn, each unique."""
    base = {"message_id": f"{chat}-bad-{n}", "chat_id": chat, "sender_id": f"bad{n}", "text": "текст",
            "sent_at": datetime.now(timezone.utc).isoformat(), "chat": {"kind": "parents"}}
    kinds = [
        lambda: b"{this is not json %d" % n,
        lambda: json.dumps(base, ensure_ascii=False).encode("cp1251"),
        lambda: json.dumps([n, 2, 3]).encode(),
        lambda: json.dumps({k: v for k, v in base.items() if k != "sender_id"}).encode(),
        lambda: json.dumps(base | {"sender_id": n}).encode(),
        lambda: json.dumps(base | {"text": ["a", n]}).encode(),
        lambda: json.dumps(base | {"sent_at": "0001-01-01T00:00:00+00:00"}).encode(),
        lambda: json.dumps(base | {"sent_at": "9999-12-31T23:59:59+00:00"}).encode(),
        lambda: json.dumps(base | {"message_id": f"m\u0000{n}"}).encode(),
        lambda: json.dumps(base | {"sender_id": f"u\ud800{n}"}).encode(),
        lambda: json.dumps(base | {"chat": {"kind": "parents", "timezone": n}}).encode(),
        lambda: b'{"message_id": "x%d", "chat_id": "%s", "junk": ' % (n, chat.encode())
        + b"[" * 5_000 + b"]" * 5_000 + b"}",
        lambda: json.dumps(base | {"text": "", "attachments": [{"kind": "image"}] * 5_000}).encode(),
        lambda: json.dumps(base | {"attachments": [f"photo{n}.jpg"]}).encode(),
    ]
    return kinds[n % len(kinds)]()


def pathological_texts() -> list[str]:
    texts = [build(4096) for _, build in pathological.CASES.values()]
    texts += [build(20_000) for name, (_, build) in pathological.CASES.items() if name in ("masked", "repeat")]
    return texts


class Outputs:
    """Reads every output topic: first arrival of each message id, and the dead letters' hashes."""

    def __init__(self, bootstrap: str):
        from kafka import KafkaConsumer

        from streams import topics

        self.topics = topics
        self.arrived: dict[str, float] = {}
        self.letters: set[str] = set()
        self.count: Counter = Counter()
        self.pii = 0
        self.stop = False
        self.c = KafkaConsumer(topics.DECISIONS, topics.VIOLATIONS, topics.FLAGS, topics.DEADLETTER,
                               bootstrap_servers=bootstrap, auto_offset_reset="earliest", group_id=None,
                               fetch_max_wait_ms=20, enable_auto_commit=False,
                               max_partition_fetch_bytes=4 * 1024 * 1024)
        self.t = threading.Thread(target=self.run, daemon=True)
        self.t.start()

    def run(self) -> None:
        while not self.stop:
            for batch in self.c.poll(100).values():
                now = time.monotonic()
                for r in batch:
                    self.count[r.topic] += 1
                    if b"916 123" in r.value or b"4276 1234" in r.value:     # the pathological phones, cards
                        self.pii += 1
                    v = json.loads(r.value)
                    if r.topic == self.topics.DEADLETTER:
                        self.letters.add(v.get("sha256", ""))
                    elif r.topic == self.topics.VIOLATIONS:
                        self.arrived.setdefault(v.get("message_id"), now)

    def close(self) -> None:
        self.stop = True
        self.t.join(3)
        self.c.close()


def committed_lag(bootstrap: str, group: str) -> int:
    """Records of chat.messages past the worker group's committed offsets (read without joining
    the group: an offset fetch, as `kafka-consumer-groups --describe` does). The log end is the last
    record's offset + 1, read from the records themselves: the embedded broker's «latest offset»
    can fall inside its last batch."""
    from kafka import KafkaConsumer, TopicPartition

    from streams import topics

    c = KafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False,
                      max_partition_fetch_bytes=8 * 1024 * 1024)
    try:
        tps = [TopicPartition(topics.MESSAGES, p) for p in range(PARTITIONS)]
        ends = c.end_offsets(tps)
        c.assign(tps)
        for tp in tps:
            c.seek(tp, max(0, ends[tp] - 5_000))
        last = {tp: -1 for tp in tps}
        quiet = time.monotonic() + 3
        while time.monotonic() < quiet:
            for tp, batch in c.poll(500).items():
                last[tp] = max(last[tp], batch[-1].offset)
                quiet = time.monotonic() + 3
        return sum(last[tp] + 1 - (c.committed(tp) or 0) for tp in tps)
    finally:
        c.close()


def run(shared: Path, minutes: float, rate: int, seed: int, bad: float = 0.10, patho_share: float = 0.01) -> dict:
    from filters import check
    from filters.model import ChatContext, Message
    from streams import topics
    from streams.policy.config import default as default_policy
    from streams.policy.messages import applicable
    from streams.policy.records import Participant
    from streams.broker import EmbeddedBroker, create_topics

    rng = random.Random(seed)
    clean, toxic = state.pools(shared, cap=400)
    patho = pathological_texts()
    zone = state.daytime_zone()          # outside quiet hours whenever it runs
    # which texts get a violation record: what the parents' chat policy does not ignore
    policy = default_policy()
    ctx = ChatContext(kind="parents", timezone=zone)

    def answered(text: str) -> bool:
        m = Message("x", "x", "x", datetime.now(timezone.utc), text, sender_role="parent", chat=ctx)
        return bool(applicable(m, check(m).violations, policy, Participant("x", "x")))

    expect_patho = {i for i, t in enumerate(patho) if answered(t)}
    toxic = [t for t in toxic if answered(t)]
    clean = [t for t in clean if not answered(t)]
    tag = f"s{uuid.uuid4().hex[:4]}"
    app_id = f"soak-{tag}"
    res: dict = {"minutes": minutes, "rate": rate, "load_start": state.load(), "zone": zone}
    broker = EmbeddedBroker().start()
    worker = None
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        try:
            create_topics(broker.bootstrap, topics.ALL, PARTITIONS)
            prod = state.producer(broker.bootstrap)
            out = Outputs(broker.bootstrap)
            worker = state.start_worker(broker.bootstrap, app_id, data)
            t = time.monotonic()
            probe = state.Answers(broker.bootstrap, (topics.DECISIONS,))
            res["start_s"] = round(state.probe_until_answered(prod, probe, worker, t), 1)
            probe.close()
            log(f"soak: worker ready in {res['start_s']} s; {minutes} min at {rate} msgs/s…")
            expected: dict[str, float] = {}      # message id → produced at (a violation record expected)
            toxic_ids: set[str] = set()
            hashes: set[str] = set()
            kinds = Counter()
            rss: list[tuple[float, float]] = []
            total = rate * 60 * minutes
            n = 0
            t0 = time.monotonic()
            next_sample = t0
            while n < total:
                slice_start = time.monotonic()
                due = int((slice_start - t0) * rate) + 1
                while n < min(due, total):
                    sender = rng.randrange(SENDERS)            # a sender writes in their one chat
                    chat = f"{tag}-chat-{sender % CHATS}"
                    roll = rng.random()
                    mid = f"{tag}-{n}"
                    if roll < bad:
                        raw = malformed(chat, n)
                        hashes.add(hashlib.sha256(raw).hexdigest())
                        kinds["malformed"] += 1
                    else:
                        m = {"message_id": mid, "chat_id": chat, "sender_id": f"{tag}-u{sender}",
                             "sender_role": "parent", "sent_at": datetime.now(timezone.utc).isoformat(),
                             "chat": {"kind": "parents", "timezone": zone}}
                        if roll < bad + patho_share:
                            i = rng.randrange(len(patho))
                            m["text"] = patho[i]
                            kinds["pathological"] += 1
                            if i in expect_patho:
                                expected[mid] = time.monotonic()
                        elif rng.random() < 0.04:
                            m["text"] = rng.choice(toxic)
                            kinds["toxic"] += 1
                            expected[mid] = time.monotonic()
                            toxic_ids.add(mid)
                        else:
                            m["text"] = rng.choice(clean)
                            kinds["clean"] += 1
                        raw = json.dumps(m, ensure_ascii=False).encode()
                    prod.send(topics.MESSAGES, key=chat, value=raw)
                    n += 1
                now = time.monotonic()
                if now >= next_sample:
                    if worker.poll() is not None:
                        raise SystemExit(f"the worker died (exit {worker.returncode}); its log is in {data}")
                    rss.append((round(now - t0), state.proc_status(worker.pid, "VmRSS")))
                    next_sample += 5
                    if len(rss) % 60 == 1:
                        log(f"  {now - t0:6.0f} s: {n:,} produced, {len(out.arrived):,} answered, "
                            f"{len(out.letters):,} dead letters, RSS {rss[-1][1]:.0f} MB")
                time.sleep(max(0.0, 0.01 - (time.monotonic() - slice_start)))
            prod.flush()
            res["produce_s"] = round(time.monotonic() - t0, 1)
            res["achieved_rate"] = round(n / res["produce_s"])
            log(f"soak: {n:,} produced in {res['produce_s']} s; waiting for every answer…")
            deadline = time.monotonic() + 2400           # a backlog drains: it is not lost
            while time.monotonic() < deadline and not (set(expected) <= set(out.arrived) and hashes <= out.letters):
                time.sleep(1)
            res["tail_s"] = round(time.monotonic() - t0 - res["produce_s"], 1)
            time.sleep(5)                               # the worker commits what it acknowledged
            res["lag_end"] = committed_lag(broker.bootstrap, app_id)
            res["records"] = n
            res["kinds"] = dict(kinds)
            res["expected"] = len(expected)
            res["missing_answers"] = len(set(expected) - set(out.arrived))
            res["missing_letters"] = len(hashes - out.letters)
            res["outputs"] = dict(out.count)
            res["pii_in_outputs"] = out.pii
            res["worker_alive"] = worker.poll() is None
            warm = max(1, len(rss) // 5)
            base = rss[warm - 1][1]
            after = [r for _, r in rss[warm:]] or [base]
            res["rss_warm_mb"] = round(base)
            res["rss_max_after_mb"] = round(max(after))
            res["rss_end_mb"] = round(rss[-1][1])
            res["rss_growth"] = round(max(after) / base - 1, 3)
            res["rss_peak_mb"] = round(state.proc_status(worker.pid, "VmHWM"))
            lat = sorted((out.arrived[m] - expected[m]) * 1000 for m in toxic_ids if m in out.arrived)
            res["p50_ms"] = round(statistics.median(lat)) if lat else None
            res["p99_ms"] = round(lat[int(len(lat) * 0.99) - 1]) if lat else None
            res["max_ms"] = round(lat[-1]) if lat else None
            res["load_end"] = state.load()
            out.close()
            prod.close()
        finally:
            if worker is not None and worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
                try:
                    worker.wait(60)
                except Exception:
                    worker.kill()
            broker.stop()
    return res


def md(r: dict) -> str:
    k = r["kinds"]
    lost = r["missing_answers"] + r["missing_letters"] + r["lag_end"]
    return (
        f"One worker pinned to one core on the embedded broker, {datetime.now():%Y-%m-%d}, {r['minutes']:g} minutes "
        f"at {r['rate']:,} msgs/s asked ({r['achieved_rate']:,} achieved; load average {r['load_start']} at the "
        f"start, {r['load_end']} at the end): {r['records']:,} records — {k.get('clean', 0):,} clean comments, "
        f"{k.get('toxic', 0):,} toxic, {k.get('malformed', 0):,} malformed, {k.get('pathological', 0):,} "
        f"pathological; the chats in {r['zone']}, where it was day.\n\n"
        f"| measure | figure |\n|---|---|\n"
        f"| answers missing (violation records of what dozor decides alone / dead letters) | "
        f"**{r['missing_answers']} of {r['expected']:,} / {r['missing_letters']} of {k.get('malformed', 0):,}** |\n"
        f"| records past the worker's committed offsets at the end | **{r['lag_end']}** |\n"
        f"| worker RSS after warm-up → highest after it → at the end | {r['rss_warm_mb']} → {r['rss_max_after_mb']} "
        f"→ {r['rss_end_mb']} MB (**{r['rss_growth']:+.0%}**; peak {r['rss_peak_mb']} MB) |\n"
        f"| produce → violation record, toxic comments | p50 **{r['p50_ms']} ms**, p99 **{r['p99_ms']} ms**, "
        f"max {r['max_ms']} ms |\n"
        f"| last answer after the last record | {r['tail_s']} s |\n"
        f"| what the worker sustained (records ÷ time to the last answer) | "
        f"**{r['records'] / (r['produce_s'] + r['tail_s']):,.0f} records/s** |\n"
        f"| raw phone or card numbers in any output | {r['pii_in_outputs']} |\n"
        f"| worker still running | {'yes' if r['worker_alive'] else '**no**'} |\n\n"
        + ("Nothing lost." if lost == 0 else f"**{lost} records unaccounted for.**"))


def write(text: str) -> None:
    readme = REPO / "README.md"
    body = readme.read_text(encoding="utf-8")
    head, s1, rest = body.partition(MARK_START)
    _, s2, tail = rest.partition(MARK_END)
    if not (s1 and s2):
        sys.exit(f"README.md lacks {MARK_START} … {MARK_END}")
    readme.write_text(f"{head}{MARK_START}\n{text}\n{MARK_END}{tail}", encoding="utf-8")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    ap.add_argument("--minutes", type=float, default=30)
    ap.add_argument("--rate", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--malformed", type=float, default=0.10, help="share of malformed records")
    ap.add_argument("--pathological", type=float, default=0.01, help="share of pathological texts")
    ap.add_argument("--json", type=Path, help="also write the raw figures here")
    ap.add_argument("--write", action="store_true", help="rewrite the README table")
    ap.add_argument("--from-json", type=Path, help="no run: the table of a run's --json figures")
    a = ap.parse_args(argv)
    if a.from_json:
        text = md(json.loads(a.from_json.read_text()))
        print(text)
        if a.write:
            write(text)
        return 0
    if hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) > 1:
        os.sched_setaffinity(0, {0})     # this process and the broker it starts: off the worker's core
    r = run(a.shared, a.minutes, a.rate, a.seed, a.malformed, a.pathological)
    text = md(r)
    print(text)
    if a.json:
        a.json.write_text(json.dumps(r, ensure_ascii=False, indent=1))
    if a.write:
        write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
