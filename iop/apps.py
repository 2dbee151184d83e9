from django.apps import AppConfig


class IopConfig(AppConfig):
    name = "iop"
    verbose_name = "IOP core"

    def ready(self):
        from . import date_limits, signals  # noqa: F401  (signals: sign-in and access-grant auditing)
        from .celery import ensure_broker_folders

        date_limits.apply()
        signals.watch_deletes_under_emergency_access()

        ensure_broker_folders()
        self._register_audited_models()

    def _register_audited_models(self):
        """Changes to who people are and what they may see are recorded with diffs
        (a change to someone's role is named ``role_change``)."""
        from auditlog.registry import auditlog

        from .models import Client, User

        auditlog.register(
            User,
            include_fields=[
                "first_name",
                "last_name",
                "email",
                "role",
                "credential",
                "is_active",
                "is_superuser",
                "is_privacy_officer",
                # who may be contacted, and how (the reason text stays on the person)
                "sms_consent",
                "reminders_opt_out",
                "do_not_contact",
            ],
        )
        # Recorded by name instead: program settings (change_program, by its page, with
        # each change) and access grants (grant_access, break_glass, revoke_grant... in signals.py).
        # Its own columns only: the reverse relations (notes, enrollments...) are not
        # the client's details and would fill every diff with "None" pairs.
        auditlog.register(Client, include_fields=[field.name for field in Client._meta.concrete_fields])
