"""Prometheus metrics of one worker, served on /metrics (DOZOR_METRICS_PORT).

What is counted is what the broker acknowledged: a record dozor only meant to send is not a
decision taken. The publisher (streams/agents/publish.py) counts each answer from the callback of
its acknowledgement; the agents count the records they answered, and their latencies, once every
answer of the batch is acknowledged. Counters live in this process: they start at zero when a
worker starts (Prometheus' rate() handles that) and a batch replayed after a crash is counted again.

Counting must never stop the stream: every function the agents call here is guarded, and a
failure only increments dozor_metrics_errors_total (and is logged once).

This module imports nothing from the agents: they import it.
"""
from __future__ import annotations

import logging
import threading
import time

from prometheus_client import REGISTRY, Counter, Histogram, disable_created_metrics
from prometheus_client.core import GaugeMetricFamily

from . import topics

log = logging.getLogger("dozor")
disable_created_metrics()       # no *_created series: one more per label set, which nothing here reads

RECORDS = Counter("dozor_records_read_total",
                  "Input records answered (every answer acknowledged by the broker), by input topic", ["topic"])
FINDINGS = Counter("dozor_findings_total",
                   "Findings published on moderation.violations (each entry of a record's violations[]), "
                   "by category and certainty", ["category", "certainty"])
DECISIONS = Counter("dozor_decisions_total", "Decisions published on moderation.decisions, by action", ["action"])
FLAGS = Counter("dozor_flags_total", "Flags published on moderation.flags, by kind", ["kind"])
DEADLETTERS = Counter("dozor_deadletters_total",
                      "Records dozor could not use, published on moderation.deadletter, by the topic they came "
                      "from and why: malformed (the sender's fault), untrusted (not signed by a trusted "
                      "producer), internal (a bug in dozor: report it)", ["topic", "reason"])
REKEYED = Counter("dozor_rekeyed_total", "Records keyed wrongly by their producer, sent again under the right key",
                  ["topic"])
REVIEWS_OPENED = Counter("dozor_review_items_opened_total",
                         "Review items opened for a moderator (flags of kind review), by what they are about",
                         ["review"])
REVIEWS_CLOSED = Counter("dozor_review_items_closed_total",
                         "Review items closed (flags of kind review_closed), by what they were about and how",
                         ["review", "outcome"])
LATENCY = Histogram("dozor_record_latency_seconds",
                    "From the broker's timestamp of an input record to the broker acknowledging every answer "
                    "to it: what a chat waits, lag included (0 when the broker's clock is ahead of the worker's)",
                    ["topic"], buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300))
PROCESSING = Histogram("dozor_record_processing_seconds",
                       "Time a worker spends deciding one record and handing its answers to the producer "
                       "(the wait for the broker's acknowledgement not included)", ["topic"],
                       buckets=(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1))
ERRORS = Counter("dozor_metrics_errors_total",
                 "Times counting failed; the stream went on (a bug in streams/metrics.py: please report it)")

# the gauges are computed when scraped (_Live below); their names, for the README and the dashboard test
GAUGES = ("dozor_review_items_waiting", "dozor_review_oldest_waiting_seconds", "dozor_consumer_lag")
# the topics whose lag is reported: what the agents read
LAG_TOPICS = frozenset({topics.MESSAGES, topics.COMMANDS, topics.TICKS, topics.MEMBERSHIP, topics.ROSTER})

_lock = threading.Lock()            # the scrape runs in the HTTP server's thread
_waiting: dict[str, tuple[float, float]] = {}   # review_id → (when acknowledged, expires), wall clock
_answered: dict[tuple[str, int], int] = {}      # (topic, partition) → the last offset answered
_app = None                          # the Faust app whose consumer the lag is read from
MAX_WAITING = 50_000                 # review items remembered before the expired ones are dropped unscraped
_warned = False


def _failed() -> None:
    """A failure to count: counted, said once, never raised."""
    global _warned
    try:
        ERRORS.inc()
        if not _warned:
            _warned = True
            log.exception("metrics: counting failed (the stream goes on; please report this)")
    except Exception:
        pass


# ------------------------------------------------------------ answers (the publisher)
def when_acked(ack, count, *args) -> None:
    """Call count(*args) once the broker has acknowledged `ack` (the producer's future); not if it
    failed (the worker then stops without committing, streams/fatal.py). Never raises."""
    def done(future):
        try:
            if not future.cancelled() and future.exception() is None:
                count(*args)
        except Exception:
            _failed()

    try:
        ack.add_done_callback(done)
    except Exception:
        _failed()


def decision(action: str) -> None:
    DECISIONS.labels(str(action)).inc()


def violation(record: dict) -> None:
    for v in record.get("violations") or ():
        FINDINGS.labels(str(v.get("category")), str(v.get("certainty"))).inc()


def flag(record: dict) -> None:
    kind = str(record.get("kind"))
    FLAGS.labels(kind).inc()
    if kind == "review":
        REVIEWS_OPENED.labels(str(record.get("review"))).inc()
        with _lock:
            _waiting.setdefault(str(record.get("review_id")), (time.time(), _expiry(record.get("expires_at"))))
            if len(_waiting) > MAX_WAITING:       # nobody scrapes: keep the memory bounded all the same
                _prune(time.time())
    elif kind == "review_closed":
        REVIEWS_CLOSED.labels(str(record.get("review")), str(record.get("outcome"))).inc()
        with _lock:
            _waiting.pop(str(record.get("review_id")), None)


def deadletter(topic: str, reason: str) -> None:
    DEADLETTERS.labels(str(topic), str(reason)).inc()


def rekeyed(topic: str) -> None:
    REKEYED.labels(str(topic)).inc()


def _prune(now: float) -> None:
    """Forget the items past their expiry (their owner's clock has closed them by now); under _lock."""
    for rid in [r for r, (_, expires) in _waiting.items() if expires < now]:
        del _waiting[rid]


def _expiry(value) -> float:
    from datetime import datetime

    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")).timestamp()
    except (TypeError, ValueError):
        return float("inf")


# ------------------------------------------------------------ records (the agents)
def answered(events, spent) -> None:
    """The records of a batch whose answers are all acknowledged; `spent`: seconds each took to decide
    (same order). Never raises."""
    try:
        now = time.time()
        for event, seconds in zip(events, spent):
            msg = event.message
            RECORDS.labels(msg.topic).inc()
            PROCESSING.labels(msg.topic).observe(max(seconds, 0.0))
            if msg.timestamp and msg.timestamp > 0:       # Faust gives the broker's timestamp in seconds
                LATENCY.labels(msg.topic).observe(max(now - msg.timestamp, 0.0))
            tp = (msg.topic, msg.partition)
            if _answered.get(tp, -1) < msg.offset:
                _answered[tp] = msg.offset
    except Exception:
        _failed()


# ------------------------------------------------------------ the gauges, when scraped
class _Live:
    """The gauges computed at scrape time (prometheus_client calls collect() from the server thread).

    Review items waiting: the ones opened minus the ones closed as this worker saw them. A worker
    only sees the items of the partitions it holds, and only since it started: an item opened
    before a restart or a rebalance is not counted, and one whose partition moved to another
    worker is counted here until its expiry time passes (it is dropped then: by that time the
    owner's clock has closed it). Summed over the workers it is a good gauge of the backlog, not
    an inventory; the participants table is the inventory.

    Consumer lag, per partition this worker holds: the broker's high watermark (the offset the next
    record will get, as Faust's consumer last saw it in a fetch) minus the next offset to answer —
    the later of the last offset answered + 1 and the offset Faust last committed."""

    def collect(self):
        waiting = GaugeMetricFamily("dozor_review_items_waiting",
                                    "Review items waiting for a moderator, as this worker saw them open "
                                    "and close (see streams/metrics.py for the limits)")
        oldest = GaugeMetricFamily("dozor_review_oldest_waiting_seconds",
                                   "How long the oldest review item this worker saw open has waited (0: none)")
        lag = GaugeMetricFamily("dozor_consumer_lag",
                                "Records on the broker this worker has not answered yet, per partition it holds",
                                labels=["topic", "partition"])
        try:
            now = time.time()
            with _lock:
                _prune(now)
                opened = [at for at, _ in _waiting.values()]
            waiting.add_metric([], len(opened))
            oldest.add_metric([], now - min(opened) if opened else 0.0)
            for (topic, partition), value in _lags():
                lag.add_metric([topic, str(partition)], value)
        except Exception:
            _failed()
        return [waiting, oldest, lag]

    def describe(self):      # without it, registering would call collect() before the app exists
        return []


def _lags():
    # app._consumer, not app.consumer: that property would make the consumer, here in the wrong thread
    consumer = getattr(_app, "_consumer", None)      # Faust's; its aiokafka consumer runs in its own thread
    if consumer is None:
        return []
    try:
        held = sorted(consumer.assignment())
    except Exception:                  # not started yet, or rebalancing: no lag to tell
        return []
    out = []
    for tp in held:
        if tp.topic not in LAG_TOPICS:
            continue
        try:
            high = consumer.highwater(tp)
        except Exception:              # revoked between assignment() and here
            continue
        if high is None:               # no fetch answered yet for this partition
            continue
        committed = consumer._committed_offset.get(tp)      # .get: the defaultdict must not grow here
        position = max(_answered.get((tp.topic, tp.partition), -1) + 1, committed or 0)
        out.append(((tp.topic, tp.partition), max(high - position, 0)))
    return out


_served = None


def serve(app, host: str, port: int):
    """Start /metrics on host:port (0: a free port) for this app; returns the (host, port) bound.

    prometheus_client's own server, not Faust's web server: it runs in a thread of its own, so
    /metrics still answers when the event loop is stuck (when metrics matter most), and it serves
    nothing but the metrics (Faust's web views would also expose its tables, which hold who
    said what). Faust's web server stays disabled (streams/app.py)."""
    global _app, _served
    from prometheus_client import start_http_server

    _app = app
    if _served is None:
        try:
            server, _ = start_http_server(port, addr=host)
        except OSError as err:
            raise OSError(f"cannot serve metrics on {host}:{port}: {err.strerror or err}; set DOZOR_METRICS_PORT "
                          f"to a free port (0 picks one), or unset it to serve none") from None
        REGISTRY.register(_Live())
        _served = server.server_address[:2]
    return _served
