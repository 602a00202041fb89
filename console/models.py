"""What the console keeps: the records dozor published (each stored once, by its own id), the
commands moderators sent from here, their accounts, and an audit log nobody can edit."""
from __future__ import annotations

from django.conf import settings
from django.db import models


class Record(models.Model):
    """A record read from a topic: the fields pages filter on, and the whole record as it came."""
    chat_id = models.CharField(max_length=200, db_index=True)
    user_id = models.CharField(max_length=200, blank=True, db_index=True)
    data = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)
    topic_offset = models.CharField(max_length=100, blank=True)   # "partition:offset", for tracing

    class Meta:
        abstract = True


class Flag(Record):
    """moderation.flags: findings, review items (kind "review"), their closing ("review_closed"),
    pardons, refused commands."""
    flag_id = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=40, db_index=True)
    review_id = models.CharField(max_length=200, blank=True, db_index=True)
    review = models.CharField(max_length=40, blank=True)          # finding | block | removal
    outcome = models.CharField(max_length=40, blank=True)         # of review_closed
    urgent = models.BooleanField(default=False)
    message_id = models.CharField(max_length=200, blank=True)
    at = models.CharField(max_length=40, blank=True)              # sent_at / at, ISO, as the record says


class Decision(Record):
    decision_id = models.CharField(max_length=200, unique=True)
    action = models.CharField(max_length=40, db_index=True)
    message_id = models.CharField(max_length=200, blank=True)
    issued_at = models.CharField(max_length=40, blank=True)
    until = models.CharField(max_length=40, blank=True)


class Violation(Record):
    violation_id = models.CharField(max_length=200, unique=True)
    message_id = models.CharField(max_length=200, blank=True)
    counted = models.BooleanField(default=False)
    sent_at = models.CharField(max_length=40, blank=True)


class SentCommand(models.Model):
    """A command this console put on moderation.commands, shown as «отправлено» until its answer
    (a review_closed flag, or command_refused) comes back through the ingest."""
    command_id = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=40)
    chat_id = models.CharField(max_length=200, db_index=True)
    user_id = models.CharField(max_length=200)
    review_id = models.CharField(max_length=200, blank=True, db_index=True)
    by = models.CharField(max_length=200)
    moderator = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    reason = models.TextField(blank=True)
    data = models.JSONField()
    sent_at = models.DateTimeField(auto_now_add=True)


class Moderator(models.Model):
    """A console account's messenger identity: commands go out `by` this user id, and the account
    sees only these chats (the workers check again that the id moderates the chat)."""
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="moderator")
    messenger_user_id = models.CharField(max_length=200)
    chats = models.JSONField(default=list)

    def moderates(self, chat_id: str) -> bool:
        return chat_id in self.chats


class AppendOnly(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("the audit log is append-only: entries are never changed")

    def delete(self):
        raise PermissionError("the audit log is append-only: entries are never deleted")


class AuditEntry(models.Model):
    """Who did what, when and why: every action, refusal and sign-in. Only ever added to."""
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.CharField(max_length=150)                     # the login (kept if the account goes)
    messenger_user_id = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=60)
    chat_id = models.CharField(max_length=200, blank=True)
    target = models.CharField(max_length=200, blank=True)         # review_id, user id…
    reason = models.TextField(blank=True)
    details = models.JSONField(default=dict)

    objects = AppendOnly.as_manager()

    class Meta:
        ordering = ["-at", "-id"]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("the audit log is append-only: entries are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("the audit log is append-only: entries are never deleted")


def audit(request_or_user, action: str, chat_id: str = "", target: str = "", reason: str = "",
          **details) -> AuditEntry:
    user = getattr(request_or_user, "user", request_or_user)
    actor = getattr(user, "username", "") or "(не вошёл)"
    mod = getattr(user, "moderator", None) if getattr(user, "is_authenticated", False) else None
    return AuditEntry.objects.create(actor=actor, messenger_user_id=mod.messenger_user_id if mod else "",
                                     action=action, chat_id=chat_id, target=target, reason=reason,
                                     details=details)
