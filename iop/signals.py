"""Login, logout, failed login and lockout go into the audit trail, and so does
every change to who may see a client outside their cohorts (access grants and
break-the-glass), whoever makes it: a page, the Django admin or the shell."""

from auditlog.context import auditlog_value
from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver
from django.utils import timezone

from . import audit
from .models import AuditEntry, ClientAccessGrant


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


@receiver(pre_save, sender=ClientAccessGrant)
def _remember_grant(sender, instance, **kwargs):
    instance._saved = (
        ClientAccessGrant.objects.filter(pk=instance.pk).values("expires_at", "reviewed_at").first()
        if instance.pk
        else None
    )


@receiver(post_save, sender=ClientAccessGrant)
def _grant_saved(sender, instance, created, **kwargs):
    grant, before = instance, getattr(instance, "_saved", None)
    details = {"grantee": grant.grantee.email, "expires_at": grant.expires_at.isoformat()}
    if created:
        event = "break_glass" if grant.kind == ClientAccessGrant.Kind.EMERGENCY else "grant_access"
        audit.record(event, grant, actor=grant.granted_by, action=audit.Action.CREATE, reason=grant.reason, **details)
        return
    if before is None:
        return
    if grant.reviewed_at and not before["reviewed_at"]:
        audit.record("review_break_glass", grant, actor=grant.reviewed_by, action=audit.Action.UPDATE, **details)
    if grant.expires_at != before["expires_at"]:
        event = "revoke_grant" if grant.expires_at <= timezone.now() else "grant_access"
        audit.record(event, grant, action=audit.Action.UPDATE, was=before["expires_at"].isoformat(), **details)


@receiver(post_delete, sender=ClientAccessGrant)
def _grant_deleted(sender, instance, **kwargs):
    audit.record("revoke_grant", instance, action=audit.Action.DELETE, grantee=instance.grantee.email)


@receiver(pre_save)
def _emergency_access_is_read_only(sender, instance, raw=False, **kwargs):
    """Break-the-glass grants read access only: whatever page or form tries to
    save or delete a record of the clinical side for such a client, it is refused
    (bulk updates are checked by their views). Deletes are watched model by model
    (``watch_deletes_under_emergency_access``)."""
    from .emergency import READ_ONLY_APPS, refuse_writes_under_emergency_access

    if raw or sender._meta.app_label not in READ_ONLY_APPS:
        return
    actor = (auditlog_value.get(None) or {}).get("actor")
    if actor is not None:
        refuse_writes_under_emergency_access(actor, instance)


def watch_deletes_under_emergency_access():
    """The same refusal before a delete, for the read-only apps' models only: a
    receiver for every model would stop Django deleting other tables' rows in bulk
    (expired sessions, lockout records) without loading each one."""
    from django.apps import apps

    from .emergency import READ_ONLY_APPS

    for model in apps.get_models():
        if model._meta.app_label in READ_ONLY_APPS:
            pre_delete.connect(
                _emergency_access_is_read_only, sender=model, dispatch_uid=f"read-only-{model._meta.label_lower}"
            )
