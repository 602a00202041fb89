"""What the running console needs beside Django: the broker it talks to (set by `dozor console`
or `dozor run`; KAFKA_BOOTSTRAP otherwise) and one shared producer for commands."""
from __future__ import annotations

import os
import threading

_lock = threading.Lock()
_state: dict = {"bootstrap": None, "producer": None, "url": None}


def set_url(url: str | None) -> None:
    """Where this process serves the site (server.start): the digest's link by default."""
    _state["url"] = url


def url() -> str | None:
    return _state["url"]


def set_bootstrap(bootstrap: str | None) -> None:
    with _lock:
        if _state["producer"] is not None and bootstrap != _state["bootstrap"]:
            _state["producer"].close()
            _state["producer"] = None
        _state["bootstrap"] = bootstrap


def bootstrap() -> str | None:
    return _state["bootstrap"] or os.environ.get("KAFKA_BOOTSTRAP") or None


def producer():
    """Raw bytes in and out: the signature covers exactly the bytes sent (streams/identity.py)."""
    from kafka import KafkaProducer

    from streams import kafka_auth

    with _lock:
        if _state["producer"] is None:
            where = bootstrap()
            if not where:
                raise RuntimeError("не задан адрес брокера (KAFKA_BOOTSTRAP): консоль не может отправлять "
                                   "команды; запустите её через `dozor run` или задайте KAFKA_BOOTSTRAP")
            _state["producer"] = KafkaProducer(bootstrap_servers=where, acks="all", linger_ms=0,
                                               max_in_flight_requests_per_connection=1,
                                               **kafka_auth.client_options())
        return _state["producer"]
