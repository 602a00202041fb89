"""Sign-ins into the audit log and the console's metrics: a successful one, a failed one (with the
login tried, never the password) and a lockout by django-axes."""
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from axes.signals import user_locked_out

from . import metrics
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
    metrics.login_failed()


@receiver(user_locked_out)
def _locked(sender, request=None, username=None, ip_address=None, **kw):
    # the attempt that locks, and each one during the cool-off: the journal shows someone kept trying
    metrics.locked_out()
    AuditEntry.objects.create(actor=str(username or "")[:150], action="login_locked",
                              details={"ip": str(ip_address or "")})
