"""Moderators' accounts, made by an administrator on the command line (`dozor console-user`):
there is no sign-up page and no default password anywhere."""
from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from .models import Moderator, audit


class AccountError(ValueError):
    pass


def _chats(chats) -> list[str]:
    out = [c.strip() for c in (chats.split(",") if isinstance(chats, str) else chats) if c.strip()]
    if not out:
        raise AccountError("укажите хотя бы один чат: --chats ЧАТ1,ЧАТ2 (идентификаторы чатов, chat_id)")
    return list(dict.fromkeys(out))


def _checked(password: str, user=None) -> str:
    try:
        validate_password(password, user)
    except ValidationError as err:
        raise AccountError("пароль не подходит: " + " ".join(err.messages)) from None
    return password


def add(login: str, user_id: str, chats, password: str) -> Moderator:
    User = get_user_model()
    if not login or not user_id:
        raise AccountError("нужны логин и --user-id (идентификатор модератора в мессенджере)")
    if User.objects.filter(username=login).exists():
        raise AccountError(f"учётная запись {login!r} уже есть: задайте пароль командой "
                           f"`dozor console-user password {login}`")
    with transaction.atomic():
        user = User(username=login)
        user.set_password(_checked(password, user))
        user.save()
        mod = Moderator.objects.create(user=user, messenger_user_id=user_id, chats=_chats(chats))
        audit(user, "account_created", target=login, reason="dozor console-user add",
              user_id=user_id, chats=mod.chats)
    return mod


def set_password(login: str, password: str) -> None:
    User = get_user_model()
    user = User.objects.filter(username=login).first()
    if user is None:
        raise AccountError(f"учётной записи {login!r} нет: создайте её командой `dozor console-user add`")
    user.set_password(_checked(password, user))
    user.save()
    audit(user, "password_set", target=login, reason="dozor console-user password")


def demo(login: str, user_id: str, chat_id: str) -> str:
    """The demo moderator for `dozor run --demo`, with a new random password each time (printed)."""
    password = secrets.token_urlsafe(12)
    User = get_user_model()
    user = User.objects.filter(username=login).first()
    if user is None:
        add(login, user_id, [chat_id], password)
    else:
        set_password(login, password)
        Moderator.objects.update_or_create(user=user, defaults={"messenger_user_id": user_id, "chats": [chat_id]})
    return password


def listing() -> list[str]:
    return [f"{m.user.username}\t{m.messenger_user_id}\t{','.join(m.chats)}\t"
            f"{'активна' if m.user.is_active else 'отключена'}"
            for m in Moderator.objects.select_related("user").order_by("user__username")]
