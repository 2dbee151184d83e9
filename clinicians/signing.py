"""Unsigned work that has waited too long. Used by the clinician's home page
and by the reminders that nudge authors to sign."""

import datetime

from django.utils import timezone

from .models import GroupNote, IndividualEntry, Note

#: A note left unsigned longer than this is flagged to its author (product.md).
SIGN_WITHIN = datetime.timedelta(hours=24)


def unsigned_overdue(user, now=None):
    """``user``'s own unsigned notes, group notes and group entries written more
    than 24 hours ago, oldest first (a list)."""
    if not user.is_authenticated:
        return []
    cutoff = (now or timezone.now()) - SIGN_WITHIN
    notes = Note.objects.visible_to(user).select_related("client")
    group_notes = GroupNote.objects.visible_to(user).select_related("session__cohort")
    entries = IndividualEntry.objects.visible_to(user).select_related("client", "session__cohort")
    overdue = [
        record
        for queryset in (notes, group_notes, entries)
        for record in queryset.drafts().filter(author=user, created_at__lt=cutoff)
    ]
    return sorted(overdue, key=lambda record: (record.created_at, record.pk))
