"""The console's /metrics, as Prometheus sees it: the console started as `dozor console` starts it
(its web server, its reader on a real broker, metrics on a port of their own), things happen through
the broker and the site, and each counter or gauge moves by exactly what happened."""
from __future__ import annotations

import time
import urllib.request
import uuid
from datetime import datetime

import pytest
from prometheus_client.parser import text_string_to_metric_families

from streams import topics
from tests.console.conftest import until, closed_flag, review_flag, signed_in
from tests.streams.harness import Cluster

AT = "2026-11-18T12:00:00+03:00"


@pytest.fixture(scope="module")
def running(django_ready):
    from console import runtime, server

    cluster = Cluster()
    console = server.start(cluster.bootstrap, "127.0.0.1", 0, metrics=("127.0.0.1", 0))
    try:
        yield cluster, console
    finally:
        console.stop()
        runtime.set_bootstrap(None)
        cluster.close()


def scrape(console) -> tuple[dict, str]:
    """{(sample name, frozenset of labels): value} and the text as served."""
    with urllib.request.urlopen(console.metrics_url, timeout=10) as response:
        text = response.read().decode()
    return {(s.name, frozenset(s.labels.items())): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}, text


def value(samples, name, **labels):
    return samples.get((name, frozenset(labels.items())), 0.0)


def test_counters_and_gauges_move_by_what_happened(db, running, moderator):
    from django.test import Client

    from console.models import Flag

    cluster, console = running
    chat = f"met-{uuid.uuid4().hex[:6]}"
    moderator(chats=[chat])
    before, _ = scrape(console)
    assert value(before, "dozor_console_review_items_waiting", chat_id=chat) == 0

    # a review item and a malformed record through the real broker, read by the console's own reader
    cluster.send(topics.FLAGS, chat, review_flag(chat=chat, rid="rv-m", at=AT))
    cluster.send(topics.FLAGS, chat, b"{not json")
    until(lambda: Flag.objects.filter(review_id="rv-m").exists(), what="the review item stored")

    def moved():
        now, _ = scrape(console)
        return value(now, "dozor_console_records_malformed_total", topic=topics.FLAGS) > \
            value(before, "dozor_console_records_malformed_total", topic=topics.FLAGS) and now
    after = until(moved, what="the malformed record counted")
    flags = topics.FLAGS
    assert value(after, "dozor_console_records_ingested_total", topic=flags) - \
        value(before, "dozor_console_records_ingested_total", topic=flags) == 1
    assert value(after, "dozor_console_records_malformed_total", topic=flags) - \
        value(before, "dozor_console_records_malformed_total", topic=flags) == 1
    assert value(after, "dozor_console_review_items_waiting", chat_id=chat) == 1
    waited = time.time() - datetime.fromisoformat(AT).timestamp()
    assert abs(value(after, "dozor_console_review_oldest_waiting_seconds", chat_id=chat) - waited) < 60
    lag = {k: v for k, v in after.items() if k[0] == "dozor_console_ingest_lag"}
    assert any(dict(labels)["topic"] == flags for _, labels in lag) and sum(lag.values()) == 0

    # a wrong password, then a lockout of another login (five wrong ones, the sixth refused)
    Client().post("/login/", {"username": "teacher", "password": "не тот пароль"})
    stranger = Client()
    for _ in range(6):
        stranger.post("/login/", {"username": "guesser", "password": "наугад-123456"})
    # a confirmation sent from the site
    client = signed_in(Client())
    response = client.post("/item/rv-m/confirm/", {"reason": "проверил", "next": "/"}, follow=True)
    assert "Отправлено" in response.content.decode()

    now, text = scrape(console)
    assert value(now, "dozor_console_login_failures_total") - value(before, "dozor_console_login_failures_total") == 7
    assert value(now, "dozor_console_login_lockouts_total") - value(before, "dozor_console_login_lockouts_total") >= 1
    assert value(now, "dozor_console_commands_sent_total", kind="confirm") - \
        value(before, "dozor_console_commands_sent_total", kind="confirm") == 1
    assert value(now, "dozor_console_metrics_errors_total") == 0

    # the worker's answer closes the item: nothing waits in the chat any more
    cluster.send(topics.FLAGS, chat, closed_flag(rid="rv-m", chat=chat, outcome="confirmed"))
    until(lambda: value(scrape(console)[0], "dozor_console_review_items_waiting", chat_id=chat) == 0
          and Flag.objects.filter(kind="review_closed", review_id="rv-m").exists(), what="the item closed")

    # no login, no user id, no text: only what may be scraped without signing in
    for private in ("u-42", "t-7", "teacher", "guesser", "Корова"):
        assert private not in text


def test_the_workers_registry_never_shows_the_consoles_metrics(django_ready):
    from prometheus_client import REGISTRY, generate_latest

    import console.metrics  # noqa: F401  (registered: and yet not on the worker's /metrics)
    import streams.metrics  # noqa: F401

    assert b"dozor_console_" not in generate_latest(REGISTRY)
    assert b"dozor_records_read_total" not in generate_latest(console.metrics.REGISTRY)
