"""Secret calendar links for family members (a feed a phone calendar can subscribe to)."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from iop.models import Role


def new_token():
    return secrets.token_urlsafe(32)


class FamilyCalendarToken(models.Model):
    """One random token per family member at a time. Revoking it makes the old link a 404."""

    family_member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="calendar_tokens",
        limit_choices_to={"role": Role.FAMILY},
    )
    token = models.CharField(max_length=64, unique=True, default=new_token)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["family_member"], condition=Q(revoked_at__isnull=True), name="one_live_calendar_link_per_member"
            ),
        ]

    def __str__(self):
        return f"Calendar link for {self.family_member} ({'revoked' if self.revoked_at else 'live'})"

    @classmethod
    def current_for(cls, member):
        return cls.objects.filter(family_member=member, revoked_at__isnull=True).first()

    @classmethod
    def renew(cls, member):
        """Revoke any live link and issue a new one."""
        cls.revoke_all(member)
        return cls.objects.create(family_member=member)

    @classmethod
    def revoke_all(cls, member):
        cls.objects.filter(family_member=member, revoked_at__isnull=True).update(revoked_at=timezone.now())
