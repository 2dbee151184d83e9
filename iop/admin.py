from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import AuditEntry, Client, ClientAccessGrant, OutboxMessage, Program, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "role", "credential", "is_active"]
    list_filter = ["role", "is_active", "is_superuser"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Person", {"fields": ["first_name", "last_name", "phone", "language"]}),
        ("Role", {"fields": ["role", "credential", "is_privacy_officer", "is_active", "is_staff", "is_superuser"]}),
        (
            "Reminders and contact",
            {
                "fields": [
                    "sms_consent",
                    "sms_consent_at",
                    "reminders_opt_out",
                    "do_not_contact",
                    "do_not_contact_reason",
                ]
            },
        ),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "role", "password1", "password2"]})]


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    list_display = ["chart_number", "legal_last_name", "legal_first_name", "cohort", "status"]
    list_filter = ["status", "cohort"]
    search_fields = ["chart_number", "legal_last_name", "legal_first_name", "preferred_name"]

    def get_readonly_fields(self, request, obj=None):
        # Reports, exports and printed safety plans carry the number from admission on.
        if obj is not None and obj.status != Client.Status.REFERRED:
            return ["chart_number"]
        return []


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return not Program.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ClientAccessGrant)
class ClientAccessGrantAdmin(admin.ModelAdmin):
    list_display = ["client", "grantee", "kind", "starts_at", "expires_at", "reviewed_at"]
    list_filter = ["kind"]


# auditlog registers its own admin for the entry model; ours is stricter.
admin.site.unregister(AuditEntry)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: nobody edits or deletes the audit trail, not even a superuser."""

    list_display = ["timestamp", "event", "actor_email", "actor_role", "object_repr", "client_id", "outcome"]
    list_filter = ["event", "outcome", "actor_role"]
    search_fields = ["actor_email", "object_repr", "object_pk"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """Read-only: messages change state only through delivery (and the delivery log's retry)."""

    list_display = ["created_at", "kind", "recipient", "channel", "status", "attempts", "due_at", "sent_at"]
    list_filter = ["status", "kind", "channel", "urgent"]
    # The text is not shown: some carry a one-time link (a questionnaire, an invitation)
    # that would let whoever reads it here answer or sign in as its recipient.
    exclude = ["body"]
    search_fields = ["to_address", "idempotency_key"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# The Django admin signs in through the app's own sign-in page, never its own form:
# lockouts and two-factor apply to it as to every other sign-in.
admin.site.login = secure_admin_login(admin.site.login)
