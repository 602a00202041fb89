"""Record fields as a Russian reader expects them: dates as 02.12.2026 14:05 on the clock the record
was stamped in (the chat's own, when the gateway sends it so), dozor's words in Russian."""
from datetime import datetime

from django import template

register = template.Library()

CERTAINTY = {"certain": "уверенно", "likely": "вероятно", "possible": "возможно", "confirmed": "подтверждено"}


@register.filter
def when(value):
    if not value:
        return "—"
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return value
    zone = moment.strftime("%z")
    shown = f" (UTC{zone[:3]}:{zone[3:]})" if zone and zone != "+0000" else (" (UTC)" if zone else "")
    return moment.strftime("%d.%m.%Y %H:%M") + shown


@register.filter
def certainty(value):
    return CERTAINTY.get(value, value)


@register.filter
def category(value):
    from console.queries import CATEGORIES
    return CATEGORIES.get(value, value)


@register.filter
def outcome(value):
    from console.queries import OUTCOMES
    return OUTCOMES.get(value, value)


@register.filter
def action(value):
    from console.queries import ACTIONS
    return ACTIONS.get(value, value)


AUDIT = {"login": "вход", "logout": "выход", "login_failed": "неудачный вход", "confirm": "подтверждение",
         "dismiss": "отклонение (ложное срабатывание)", "forbidden": "отказано: запись чужого чата",
         "send_failed": "команда не отправлена", "account_created": "создана учётная запись",
         "password_set": "задан пароль", "login_locked": "вход закрыт (слишком много неверных паролей)",
         "digest": "ежедневная сводка модератору", "digest_run": "ежедневная сводка разослана",
         "digest_failed": "сводка не отправлена", "pardon": "отмена нарушения (ошибка)",
         "unblock_request": "досрочная разблокировка", "block": "блокировка модератором",
         "block_refused": "отказано в блокировке (правила не позволяют)"}


@register.filter
def audit_action(value):
    return AUDIT.get(value, value)


@register.filter
def minutes(value):
    """A timedelta as «15 мин.» (the lockout's cool-off)."""
    try:
        return f"{max(1, round(value.total_seconds() / 60))} мин."
    except AttributeError:
        return "некоторое время"
