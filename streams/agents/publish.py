"""Sending an event's effects, and waiting until the broker has them all."""
from __future__ import annotations

import asyncio
import base64
import json
from datetime import datetime, timezone

from .. import topics
from ..policy import Effects


def _json(value: dict) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode()


class Publisher:
    def __init__(self, topic_map):
        self.t = topic_map

    async def publish(self, fx: Effects, follow: list[dict] = (), at: str = "") -> None:
        """Send everything, then await every acknowledgement: only then may state change."""
        sends = []
        for d in fx.decisions:
            sends.append(await self.t[topics.DECISIONS].send(key=d.chat_id.encode(), value=_json(d.to_dict())))
        for v in fx.violations:
            sends.append(await self.t[topics.VIOLATIONS].send(key=v["chat_id"].encode(), value=_json(v)))
        for f in fx.flags:
            sends.append(await self.t[topics.FLAGS].send(key=f["chat_id"].encode(), value=_json(f)))
        for user, chat in fx.members:
            event = {"event_id": f"seen:{chat}:{user}", "kind": "seen", "user_id": user, "chat_id": chat,
                     "at": at or datetime.now(timezone.utc).isoformat()}
            sends.append(await self.t[topics.ROSTER].send(key=user.encode(), value=_json(event)))
        for event in follow:
            sends.append(await self.t[topics.ROSTER].send(key=event["user_id"].encode(), value=_json(event)))
        if sends:
            await asyncio.gather(*sends)

    async def deadletter(self, event, reason: str) -> None:
        """The record as it came, with the reason: nothing malformed is dropped silently."""
        msg, raw = event.message, event.value or b""
        record = {"topic": msg.topic, "partition": msg.partition, "offset": msg.offset,
                  "key": (event.key or b"").decode("utf-8", "replace"), "reason": reason,
                  "original_base64": base64.b64encode(raw).decode(),
                  "at": datetime.now(timezone.utc).isoformat()}
        try:
            record["original_text"] = raw.decode("utf-8")
        except UnicodeDecodeError:
            pass
        await (await self.t[topics.DEADLETTER].send(key=event.key, value=_json(record)))
