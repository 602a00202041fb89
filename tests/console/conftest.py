"""The console's tests: Django set up once for this package on a SQLite file in a temporary data
dir (never the user's), tables emptied before each test; helpers to sign in and to make records."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

DATA = Path(tempfile.mkdtemp(prefix="dozor-console-test-"))
PASSWORD = "верный-пароль-42"


@pytest.fixture(scope="package", autouse=True)
def django_ready():
    """Set up once; the environment is given back when the package's tests are done, so tests run
    after them see none of it."""
    saved = {k: os.environ.get(k) for k in ("DOZOR_DATA_DIR", "DJANGO_SETTINGS_MODULE",
                                             "DOZOR_CONSOLE_DATABASE_URL", "DOZOR_PRODUCER_KEY")}
    os.environ.update(DOZOR_DATA_DIR=str(DATA), DJANGO_SETTINGS_MODULE="console.settings")
    os.environ.pop("DOZOR_CONSOLE_DATABASE_URL", None)
    os.environ.pop("DOZOR_PRODUCER_KEY", None)
    from django.test.utils import setup_test_environment, teardown_test_environment

    from console import server

    server.setup()
    setup_test_environment()
    server.migrate()
    yield DATA
    teardown_test_environment()
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


@pytest.fixture
def db(django_ready):
    """Empty tables (flush bypasses the audit log's refusal: it is the test's own database)."""
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)
    yield


@pytest.fixture
def moderator(db):
    """make(login, user_id, chats) → the account, password PASSWORD."""
    from console import accounts

    def make(login="teacher", user_id="t-7", chats=("chat-a",)):
        return accounts.add(login, user_id, list(chats), PASSWORD)
    return make


def review_flag(chat="chat-a", user="u-42", rid="rv-1", mid="m-1", urgent=False, text="Корова, верни тетрадь",
                review="finding", at="2026-11-18T12:00:00+03:00") -> dict:
    return {"flag_id": rid, "kind": "review", "review_id": rid, "review": review, "chat_id": chat,
            "user_id": user, "message_id": mid, "sent_at": at, "categories": ["insult"], "certainty": "likely",
            "urgent": urgent, "strikes": 0, "suggested": ["strike"], "text": text,
            "evidence": [{"start": 0, "end": 6, "text": text[:6], "entry": "корова", "rule": "insult.lexicon"}],
            "expires_at": "2026-11-21T12:00:00+03:00", "explanation": "слово оскорбляет, если обращено к человеку"}


def closed_flag(rid="rv-1", outcome="dismissed", chat="chat-a", user="u-42", by="t-7") -> dict:
    return {"flag_id": f"rc-{rid}-{outcome}", "kind": "review_closed", "review_id": rid, "review": "finding",
            "outcome": outcome, "chat_id": chat, "user_id": user, "at": "2026-11-18T13:00:00+03:00",
            "message_id": "m-1", "categories": ["insult"], "by": by,
            "entries": [{"category": "insult", "rule": "insult.lexicon", "entry": "корова", "source": "x.tsv"}]}


def put(topic: str, record: dict) -> str:
    import json

    from django.db import transaction

    from console.ingest import store

    with transaction.atomic():
        return store(topic, json.dumps(record, ensure_ascii=False).encode())


def signed_in(client, login="teacher"):
    """Through the sign-in form (django-axes needs the request, which Client.login does not give)."""
    response = client.post("/login/", {"username": login, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def until(condition, timeout=60, what="the condition"):
    """Wait for a condition and return what it gave (a bound, not a timing assertion)."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = condition()
        if got:
            return got
        time.sleep(0.1)
    raise AssertionError(f"waited {timeout}s for {what}")
