"""What storage must do, whichever database is under it: run in-process on SQLite by
test_storage.py, and in a child process against a real PostgreSQL server."""
from __future__ import annotations

import json


def exercise() -> None:
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from console import accounts
    from console.ingest import store
    from console.models import AuditEntry, Decision, Flag, Violation

    def put(topic, record):
        with transaction.atomic():
            return store(topic, record if isinstance(record, bytes) else json.dumps(record, ensure_ascii=False))

    flag = {"flag_id": "rv-1", "kind": "review", "review_id": "rv-1", "chat_id": "c-1", "user_id": "u-1",
            "text": "Корова, верни тетрадь", "urgent": True}
    decision = {"decision_id": "d-1", "chat_id": "c-1", "user_id": "u-1", "action": "block",
                "until": "2026-12-18T21:30:00+05:00", "issued_at": "2026-11-18T21:30:00+05:00",
                "grounds": [{"message_id": "m-1", "category": "insult", "rule": "insult.lexicon"}]}
    violation = {"violation_id": "v-1", "chat_id": "c-1", "user_id": "u-1", "message_id": "m-1", "counted": True,
                 "sent_at": "2026-11-18T21:30:00+05:00", "violations": [{"category": "insult"}]}
    cases = [("moderation.flags", flag), ("moderation.decisions", decision), ("moderation.violations", violation)]
    for topic, record in cases:
        assert put(topic, record) == "stored"
        assert put(topic, record) == "duplicate"
    for topic, bad in [("moderation.flags", b"not json"), ("moderation.flags", b"[1, 2]"),
                       ("moderation.flags", {"kind": "review", "chat_id": "c"}),          # no flag_id
                       ("moderation.decisions", {"decision_id": "d-2", "action": "remind"}),  # no chat_id
                       ("moderation.violations", {"violation_id": {"x": 1}, "chat_id": "c"}),
                       ("moderation.flags", b"\xff\xfe")]:
        assert put(topic, bad) == "skipped", bad
    assert put("moderation.flags", b"[" * 100000 + b"]" * 100000) == "skipped"          # nested too deep
    # valid JSON neither database can hold as it is: a NUL, a lone surrogate; kept, replaced by U+FFFD
    assert put("moderation.flags", b'{"flag_id": "f-nul", "kind": "finding", "chat_id": "c-1", '
                                   b'"text": "a\\u0000b \\ud800c"}') == "stored"
    assert Flag.objects.get(flag_id="f-nul").data["text"] == "a\ufffdb \ufffdc"
    Flag.objects.filter(flag_id="f-nul").delete()
    assert (Flag.objects.count(), Decision.objects.count(), Violation.objects.count()) == (1, 1, 1)
    assert Flag.objects.get().data["text"] == "Корова, верни тетрадь" and Flag.objects.get().urgent
    assert Decision.objects.get().data["grounds"][0]["rule"] == "insult.lexicon"

    mod = accounts.add("teacher", "t-7", "c-1,c-2", "длинный-пароль-99")
    user = get_user_model().objects.get(username="teacher")
    assert user.password.startswith("argon2$") and user.check_password("длинный-пароль-99")
    assert mod.chats == ["c-1", "c-2"] and mod.moderates("c-2") and not mod.moderates("c-3")

    entry = AuditEntry.objects.filter(action="account_created").get()
    entry.reason = "changed"
    for attempt in (entry.save, entry.delete, AuditEntry.objects.all().delete,
                    lambda: AuditEntry.objects.update(reason="x")):
        try:
            attempt()
        except PermissionError:
            continue
        raise AssertionError(f"the audit log let {attempt} through")
    assert AuditEntry.objects.get(pk=entry.pk).reason == "dozor console-user add"


def main() -> None:
    """In a child process: the environment names the database."""
    from console import server

    server.setup()
    server.migrate()
    from django.db import connection

    exercise()
    print(f"storage checks passed on {connection.vendor}")


if __name__ == "__main__":
    main()
