"""Sign-ins into the audit log: a successful one, a failed one (with the login tried, never the
password) and a lockout by django-axes."""
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .models import AuditEntry, audit


@receiver(user_logged_in)
def _in(sender, request, user, **kw):
    audit(user, "login")


@receiver(user_logged_out)
def _out(sender, request, user, **kw):
    if user is not None:
        audit(user, "logout")


@receiver(user_login_failed)
def _failed(sender, credentials, request=None, **kw):
    AuditEntry.objects.create(actor=str(credentials.get("username", ""))[:150], action="login_failed",
                              details={"ip": (request.META.get("REMOTE_ADDR", "") if request else "")})
