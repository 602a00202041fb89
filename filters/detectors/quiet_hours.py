"""Messages at night: before 07:00 or after 21:00 in the chat's time zone (003 §5.3).

Both bounds are allowed (07:00 and 21:00 themselves are fine). Parents and students
are reminded; teachers and the administration are not. A chat may declare exception
windows (a trip, a competition in another time zone) in the chat registry.
"""
from __future__ import annotations

from datetime import time
from zoneinfo import ZoneInfo

from .. import registry
from ..model import STAFF, Violation
from .base import Doc

EXEMPT_ROLES = STAFF


class QuietHours:
    """«23:15 в родительском чате» → reminder; «19:15», «21:00» → nothing. The chat's clock counts."""
    name = category = "quiet_hours"
    reads_time = True          # the only detector that judges when, not what: skipped by content-only checks

    def __init__(self, start: time = time(7), end: time = time(21), kinds=("parents",)):
        self.start, self.end, self.kinds = start, end, frozenset(kinds)
        self._zones: dict[str, ZoneInfo] = {}

    def __call__(self, doc: Doc) -> Violation | None:
        msg = doc.message
        if msg.sender_role in EXEMPT_ROLES:
            return None
        chat = registry.settings(msg.chat_id)
        kind = msg.chat.kind if msg.chat else chat.kind
        if kind not in self.kinds:
            return None
        name = (msg.chat.timezone if msg.chat and msg.chat.timezone else None) or chat.timezone
        tz = self._zones.get(name) or self._zones.setdefault(name, ZoneInfo(name))
        local = msg.sent_at.astimezone(tz)
        minute = local.time().replace(second=0, microsecond=0)
        if self.start <= minute <= self.end or chat.excepted(msg.sent_at):
            return None
        return Violation("quiet_hours", "quiet_hours.window", "low", (),
                         f"quiet_hours: sent at {local:%H:%M} chat time ({name}); the chat is open "
                         f"{self.start:%H:%M}–{self.end:%H:%M} (003 §5.3)", certainty="certain")


def quiet_hours() -> QuietHours:
    return QuietHours()
