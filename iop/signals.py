"""Login, logout, failed login and lockout go into the audit trail."""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from . import audit
from .models import AuditEntry


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    audit.record("login", user, actor=user, action=audit.Action.ACCESS)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit.record("logout", user, actor=user)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    email = (credentials.get("email") or credentials.get("username") or "").lower()
    _refused("login_failed", email)


@receiver(user_locked_out)
def _locked_out(sender, request, username=None, ip_address=None, **kwargs):
    _refused("lockout", (username or "").lower(), ip_address=ip_address)


def _refused(event, email, **data):
    user = get_user_model().objects.filter(email=email).first() if email else None
    if user is not None:
        audit.record(event, user, outcome=AuditEntry.Outcome.REFUSED, **data)
    else:
        audit.record_anonymous(event, get_user_model(), email or "(blank)", **data)
