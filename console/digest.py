"""The daily digest: every moderator account with open review items in its chats gets one `notify`
on moderation.decisions (the shape of the workers' urgent notify, streams/policy/messages.py), for the
gateway to deliver privately: how many items wait, how many are urgent, in which chats, and the link.

Its decision_id derives from (account, local date): a second run the same day sends the same id, and
consumers de-duplicate by decision_id (README, «Nothing lost, nothing doubled»). Sent, acknowledged,
then written to the audit log; signed with DOZOR_PRODUCER_KEY like the console's commands.

`dozor console digest` runs it once (`--at` for another moment); `dozor console` and `dozor run` run
it in a thread once a day at DOZOR_DIGEST_HOUR (8; `off` for never), DOZOR_CONSOLE_TIME_ZONE's time."""
from __future__ import annotations

import json
import logging
import os
import threading
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from streams import identity, topics
from streams.policy.records import stable_id

from . import metrics, queries, runtime
from .models import AuditEntry, Moderator

log = logging.getLogger("dozor.console")
DEFAULT_HOUR = 8
ACTOR = "dozor"                      # the audit log's actor for what no person did


class DigestError(RuntimeError):
    """Some digests did not reach the broker: the message says which and what to do."""


def zone() -> ZoneInfo:
    from django.conf import settings
    return ZoneInfo(settings.TIME_ZONE)


def local_date(now: datetime) -> str:
    return now.astimezone(zone()).date().isoformat()


def console_url() -> str:
    """DOZOR_CONSOLE_URL (where moderators reach it), else the address this process serves on."""
    from .server import DEFAULT_PORT
    url = os.environ.get("DOZOR_CONSOLE_URL") or runtime.url() or f"http://127.0.0.1:{DEFAULT_PORT}/"
    return url if url.endswith("/") else url + "/"


def _chats_phrase(by_chat: dict[str, int]) -> str:
    return ", ".join(f"{chat} ({n})" for chat, n in by_chat.items())


def record_for(mod: Moderator, now: datetime, link: str) -> dict | None:
    """The digest of one account, or None when nothing waits in its chats."""
    items = queries.open_items(mod.chats)
    if not items:
        return None
    by_chat = {c: n for c in mod.chats if (n := sum(1 for i in items if i.chat_id == c))}
    urgent = sum(1 for i in items if i.urgent)
    by_review = {}
    for i in items:
        by_review[i.review] = by_review.get(i.review, 0) + 1
    chats = list(by_chat)
    word = "чате" if len(chats) == 1 else "чатах"
    return {"decision_id": stable_id("dg", mod.user.username, mod.messenger_user_id, local_date(now)),
            "chat_id": chats[0],                     # the contract needs one; all of them are in `chats`
            "user_id": mod.messenger_user_id, "action": "notify", "issued_at": now.isoformat(),
            "audience": "moderators", "recipients": [mod.messenger_user_id], "link": link,
            "text": f"Ждут проверки: {len(items)} (срочных: {urgent}) в {word} {_chats_phrase(by_chat)}. "
                    f"Откройте: {link}",
            "reason": "the daily digest of review items waiting for this moderator",
            "chats": chats, "counts": {"waiting": len(items), "urgent": urgent, "by_chat": by_chat,
                                       "by_review": by_review}}


def send_all(now: datetime | None = None, link: str | None = None) -> list[dict]:
    """Send today's digests; the records sent. DigestError when some did not reach the broker (the
    others are sent and logged all the same)."""
    now = now or datetime.now(timezone.utc)
    link = link or console_url()
    signer = identity.load_signer()
    sent, failed = [], []
    for mod in Moderator.objects.select_related("user").filter(user__is_active=True).order_by("id"):
        record = record_for(mod, now, link)
        if record is None:
            continue
        key, value = record["chat_id"].encode(), json.dumps(record, ensure_ascii=False).encode()
        try:
            headers = signer.headers(topics.DECISIONS, key, value) if signer else None
            runtime.producer().send(topics.DECISIONS, key=key, value=value, headers=headers).get(15)
        except Exception as err:
            failed.append(mod.user.username)
            AuditEntry.objects.create(actor=ACTOR, action="digest_failed", target=mod.user.username,
                                      chat_id=record["chat_id"], details={"error": str(err)[:500]})
            continue
        AuditEntry.objects.create(actor=ACTOR, messenger_user_id=mod.messenger_user_id, action="digest",
                                  chat_id=record["chat_id"], target=record["decision_id"],
                                  details={"login": mod.user.username, "counts": record["counts"],
                                           "signed": bool(signer)})
        metrics.digest_sent()
        sent.append(record)
    # the day's marker: the daily thread does not run again today, even after a restart
    AuditEntry.objects.create(actor=ACTOR, action="digest_run", target=local_date(now),
                              details={"sent": len(sent), "failed": failed})
    if failed:
        raise DigestError(f"сводка не отправлена: {', '.join(failed)} (брокер недоступен?); проверьте, что "
                          f"dozor запущен и KAFKA_BOOTSTRAP верен, и запустите `dozor console digest` ещё раз: "
                          f"отправленные сегодня придут с тем же decision_id и не задвоятся")
    return sent


def hour() -> int | None:
    """DOZOR_DIGEST_HOUR: 0–23, or None for `off`."""
    value = os.environ.get("DOZOR_DIGEST_HOUR", str(DEFAULT_HOUR)).strip().lower()
    if value in ("off", "none", "no", ""):
        return None
    if not value.isdigit() or not 0 <= int(value) <= 23:
        raise ValueError(f"DOZOR_DIGEST_HOUR={value!r}: an hour 0–23 of DOZOR_CONSOLE_TIME_ZONE, or off")
    return int(value)


def due(now: datetime, at_hour: int) -> bool:
    """Past today's hour and not run yet today (a console started at 10:00 sends the 8:00 digest)."""
    local = now.astimezone(zone())
    return local.hour >= at_hour and not AuditEntry.objects.filter(action="digest_run",
                                                                   target=local.date().isoformat()).exists()


class Daily(threading.Thread):
    """Looks once a minute whether today's digest is due; a failure is logged and tried next minute
    (only when no digest went out: a partial one is retried by hand, as its error says)."""

    def __init__(self, at_hour: int, every: float = 60):
        super().__init__(name="console-digest", daemon=True)
        self.at_hour, self.every = at_hour, every
        self.stopping = threading.Event()

    def stop(self, timeout: float = 10) -> None:
        self.stopping.set()
        self.join(timeout)

    def tick(self, now: datetime | None = None) -> list[dict] | None:
        from django.db import close_old_connections

        now = now or datetime.now(timezone.utc)
        close_old_connections()
        try:
            if due(now, self.at_hour):
                return send_all(now)
        except Exception as err:
            log.warning("console digest: %s", err)
        return None

    def run(self) -> None:
        while True:
            self.tick()
            if self.stopping.wait(self.every):
                return
