"""Unsigned work that has waited too long. Used by the clinician's home page
and by the reminders that nudge authors to sign."""

import datetime

from django.db.models import Value
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
    kinds = {
        "note": (Note, lambda: Note.objects.visible_to(user).select_related("client")),
        "group_note": (GroupNote, lambda: GroupNote.objects.visible_to(user).select_related("session__cohort")),
        "entry": (
            IndividualEntry,
            lambda: IndividualEntry.objects.visible_to(user).select_related("client", "session__cohort"),
        ),
    }
    # The reading rules are long queries to build and most days nothing is overdue: one
    # short query over the author's own old drafts says which kinds need reading at all.
    own = [
        model.objects.drafts().filter(author=user, created_at__lt=cutoff).order_by().values_list(Value(kind))
        for kind, (model, _readable) in kinds.items()
    ]
    waiting = {kind for (kind,) in own[0].union(*own[1:], all=True)}
    overdue = [
        record
        for kind, (_model, readable) in kinds.items()
        if kind in waiting
        for record in readable().drafts().filter(author=user, created_at__lt=cutoff)
    ]
    return sorted(overdue, key=lambda record: (record.created_at, record.pk))
