"""Messages at night: before 07:00 or after 21:00 in the chat's time zone (003 §5.3)."""
from __future__ import annotations

from datetime import time
from zoneinfo import ZoneInfo

from ..model import Violation
from .base import Doc

DEFAULT_TIMEZONE = "Europe/Moscow"


class QuietHours:
    """«23:15 в родительском чате» → reminder; «19:15» → nothing. Only the chat's clock counts."""
    name = category = "quiet_hours"

    def __init__(self, start: time = time(7), end: time = time(21), kinds=("parents",),
                 default_timezone: str = DEFAULT_TIMEZONE):
        self.start, self.end, self.kinds = start, end, frozenset(kinds)
        self.default = ZoneInfo(default_timezone)

    def __call__(self, doc: Doc) -> Violation | None:
        msg = doc.message
        if (msg.chat.kind if msg.chat else "parents") not in self.kinds:
            return None
        tz = ZoneInfo(msg.chat.timezone) if msg.chat and msg.chat.timezone else self.default
        local = msg.sent_at.astimezone(tz)
        if self.start <= local.time() < self.end:
            return None
        return Violation("quiet_hours", "quiet_hours.window", "low", (),
                         f"quiet_hours: sent at {local:%H:%M} chat time ({tz.key}); the chat is open "
                         f"{self.start:%H:%M}–{self.end:%H:%M} (003 §5.3)")


def quiet_hours() -> QuietHours:
    return QuietHours()
