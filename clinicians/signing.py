"""Unsigned work that has waited too long. Used by the clinician's home page
and by the reminders that nudge authors to sign."""

import datetime

from django.utils import timezone

from .models import Note

#: A note left unsigned longer than this is flagged to its author (product.md).
SIGN_WITHIN = datetime.timedelta(hours=24)


def unsigned_overdue(user, now=None):
    """``user``'s own unsigned notes written more than 24 hours ago, oldest first."""
    if not user.is_authenticated:
        return Note.objects.none()
    cutoff = (now or timezone.now()) - SIGN_WITHIN
    return (
        Note.objects.visible_to(user)
        .drafts()
        .filter(author=user, created_at__lt=cutoff)
        .select_related("client")
        .order_by("created_at")
    )
