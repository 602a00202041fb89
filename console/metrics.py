"""Prometheus metrics of the moderators' console, on a port of their own (DOZOR_CONSOLE_METRICS_PORT).

A registry of its own, not prometheus_client's global one: `dozor run` runs a worker and the console
in one process, and the worker serves the global registry (streams/metrics.py); the console's
families must neither appear on the worker's /metrics nor collide with it. This module is imported
once per process, so each family is registered once.

Why a separate port and not /metrics on the console's web port: the web port is the one put behind
an https proxy and published, and a proxy on the same host connects from 127.0.0.1, so «loopback
clients only» on that port would let the whole network through the proxy. A port of its own, bound
to 127.0.0.1 unless DOZOR_CONSOLE_METRICS_HOST says otherwise (the compose network), is never proxied.
It needs no login (Prometheus scrapes it), so it holds nothing personal: labels are topics, command
kinds and chat ids, never a user id, a login or a text.

Counting must never break the console: every function the console calls here is guarded."""
from __future__ import annotations

import logging
import time

from prometheus_client import CollectorRegistry, Counter, disable_created_metrics
from prometheus_client.core import GaugeMetricFamily

log = logging.getLogger("dozor.console")
disable_created_metrics()       # as the worker's: no *_created series nothing reads

REGISTRY = CollectorRegistry()

INGESTED = Counter("dozor_console_records_ingested_total",
                   "Records the console read and stored (or found already stored), by topic", ["topic"],
                   registry=REGISTRY)
MALFORMED = Counter("dozor_console_records_malformed_total",
                    "Records the console skipped as malformed or refused by its database, by topic", ["topic"],
                    registry=REGISTRY)
COMMANDS = Counter("dozor_console_commands_sent_total",
                   "Commands the console put on moderation.commands (acknowledged by the broker), by kind",
                   ["kind"], registry=REGISTRY)
LOGIN_FAILURES = Counter("dozor_console_login_failures_total", "Sign-ins refused (wrong password, unknown "
                         "login, or a locked-out one)", registry=REGISTRY)
LOCKOUTS = Counter("dozor_console_login_lockouts_total",
                   "Sign-in attempts met by django-axes' lockout (the one that locks, and each during the "
                   "cool-off)", registry=REGISTRY)
DIGESTS = Counter("dozor_console_digests_sent_total",
                  "Daily digests sent to moderators on moderation.decisions (acknowledged by the broker)",
                  registry=REGISTRY)
ERRORS = Counter("dozor_console_metrics_errors_total",
                 "Times counting or a scrape-time query failed; the console went on (see its log)",
                 registry=REGISTRY)

# computed when scraped (_Live below); their names, for the README and the dashboard test
GAUGES = ("dozor_console_review_items_waiting", "dozor_console_review_oldest_waiting_seconds",
          "dozor_console_ingest_lag")

_lag: dict[tuple[str, int], int] = {}     # (topic, partition) → records not read yet, as the reader last saw


def _guarded(fn):
    def wrapped(*args):
        try:
            fn(*args)
        except Exception:
            ERRORS.inc()
            log.exception("console metrics: counting failed (the console goes on)")
    return wrapped


@_guarded
def ingested(topic: str, outcome: str) -> None:
    (MALFORMED if outcome == "skipped" else INGESTED).labels(str(topic)).inc()


@_guarded
def command_sent(kind: str) -> None:
    COMMANDS.labels(str(kind)).inc()


@_guarded
def login_failed() -> None:
    LOGIN_FAILURES.inc()


@_guarded
def locked_out() -> None:
    LOCKOUTS.inc()


@_guarded
def digest_sent() -> None:
    DIGESTS.inc()


@_guarded
def lag(consumer) -> None:
    """After a batch: per partition held, the high watermark the last fetch saw minus the position.
    Both are the consumer's own cached values (no request to the broker): cheap after every poll."""
    seen = {}
    for tp in consumer.assignment():
        high = consumer.highwater(tp)
        if high is not None:
            seen[(tp.topic, tp.partition)] = max(high - consumer.position(tp), 0)
    _lag.clear()
    _lag.update(seen)


class _Live:
    """The review gauges, from the database at each scrape: the console holds every item (it reads
    every partition), so unlike the workers' gauge this is the inventory. Age: from the flag's own
    time (when the message was sent), the time it was stored when that is missing."""

    def collect(self):
        waiting = GaugeMetricFamily("dozor_console_review_items_waiting",
                                    "Open review items per chat (in the console's database)", labels=["chat_id"])
        oldest = GaugeMetricFamily("dozor_console_review_oldest_waiting_seconds",
                                   "How long the oldest open review item of a chat has waited", labels=["chat_id"])
        lagging = GaugeMetricFamily("dozor_console_ingest_lag",
                                    "Records on the broker the console has not read yet, per partition",
                                    labels=["topic", "partition"])
        try:
            now = time.time()
            for chat, (count, since) in sorted(_waiting().items()):
                waiting.add_metric([chat], count)
                oldest.add_metric([chat], max(now - since, 0.0))
            for (topic, partition), value in sorted(_lag.items()):
                lagging.add_metric([topic, str(partition)], value)
        except Exception:
            ERRORS.inc()
            log.exception("console metrics: the review gauges could not be read from the database")
        return [waiting, oldest, lagging]

    def describe(self):      # registering must not query the database
        return []


def _waiting() -> dict[str, tuple[int, float]]:
    """{chat_id: (open items, the oldest's time as a timestamp)}."""
    from django.db import connections

    from .models import Flag
    from .queries import _when

    try:
        out: dict[str, tuple[int, float]] = {}
        rows = Flag.objects.filter(kind="review").exclude(
            review_id__in=Flag.objects.filter(kind="review_closed").values("review_id")
        ).values_list("chat_id", "at", "received_at")
        for chat, at, received in rows:
            moment = _when(at)
            since = (moment if moment.year > 1 else received).timestamp()
            count, first = out.get(chat, (0, since))
            out[chat] = (count + 1, min(first, since))
        return out
    finally:
        connections.close_all()       # the scrape's thread is new each time: its connection must not linger


REGISTRY.register(_Live())
_served = None


def serve(host: str, port: int):
    """/metrics of this registry on host:port (0: a free one), in a thread of its own; (host, port)."""
    global _served
    from prometheus_client import start_http_server

    if _served is None:
        try:
            server, _ = start_http_server(port, addr=host, registry=REGISTRY)
        except OSError as err:
            raise OSError(f"cannot serve the console's metrics on {host}:{port}: {err.strerror or err}; set "
                          f"DOZOR_CONSOLE_METRICS_PORT to a free port (0 picks one), or unset it") from None
        _served = server.server_address[:2]
    return _served
