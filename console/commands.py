"""A moderator's decision, as a command on moderation.commands: confirm or dismiss a review item;
pardon a counted violation; ask for an early unblock after an apology. `by` the signed-in
moderator's messenger id, keyed by chat_id, signed with DOZOR_PRODUCER_KEY when one is
configured. The workers check again that this id moderates the chat (streams/policy/authority.py)."""
from __future__ import annotations

import json
import uuid
from datetime import datetime, timezone

from django.db import transaction

from streams import identity, topics

from . import metrics, runtime
from .models import Flag, Moderator, SentCommand, audit
from .queries import COMMAND_LABELS as KINDS


class SendError(RuntimeError):
    """The command did not reach the broker: nothing was recorded as sent."""


def command_for(kind: str, chat_id: str, user_id: str, moderator: Moderator, now: datetime, **fields) -> dict:
    return {"command_id": f"console-{uuid.uuid4().hex}", "kind": kind, "chat_id": chat_id, "user_id": user_id,
            "by": moderator.messenger_user_id, "at": now.isoformat(), **fields, "source": "console"}


def send(request, kind: str, item: Flag, reason: str, now: datetime | None = None) -> SentCommand:
    """confirm / dismiss a review item."""
    if kind not in KINDS:
        raise ValueError(f"unknown review command {kind!r}")
    return send_command(request, kind, item.chat_id, item.user_id, reason, now, review_id=item.review_id)


def send_command(request, kind: str, chat_id: str, user_id: str, reason: str, now: datetime | None = None,
                 **fields) -> SentCommand:
    """Any command: sent and acknowledged by the broker first, then recorded with its audit entry."""
    mod = request.user.moderator
    cmd = command_for(kind, chat_id, user_id, mod, now or datetime.now(timezone.utc), **fields)
    target = fields.get("review_id") or fields.get("message_id") or fields.get("apology_message_id") or user_id
    key, value = chat_id.encode(), json.dumps(cmd, ensure_ascii=False).encode()
    try:
        signer = identity.load_signer()
        headers = signer.headers(topics.COMMANDS, key, value) if signer else None
        runtime.producer().send(topics.COMMANDS, key=key, value=value, headers=headers).get(15)
    except Exception as err:            # the broker's or the key's: the moderator must hear it
        audit(request, "send_failed", chat_id, target, reason, kind=kind, error=str(err)[:500])
        raise SendError(f"Команда не отправлена: {err}. Проверьте, что dozor запущен, и повторите.") from err
    with transaction.atomic():
        sent = SentCommand.objects.create(command_id=cmd["command_id"], kind=kind, chat_id=chat_id,
                                          user_id=user_id, review_id=fields.get("review_id", ""),
                                          by=cmd["by"], moderator=request.user, reason=reason, data=cmd)
        audit(request, kind, chat_id, target, reason, command_id=cmd["command_id"], user_id=user_id,
              signed=bool(signer), **{k: v for k, v in fields.items() if k != "review_id"})
    metrics.command_sent(kind)
    return sent
