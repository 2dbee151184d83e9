"""Unsigned work that has waited too long. Used by the clinician's home page
and by the reminders that nudge authors to sign."""

import datetime

from django.db.models import Value
from django.utils import timezone

from iop.prepared import Param, Prepared

from .models import GroupNote, IndividualEntry, Note

#: A note left unsigned longer than this is flagged to its author (product.md).
SIGN_WITHIN = datetime.timedelta(hours=24)


class Overdue(list):
    """Unsigned records, oldest first; ``out_of_reach`` counts the author's other old
    drafts, for clients they can no longer open (a grant ended, a cohort left): still
    theirs to sign, so still flagged, without a name or a link they may not follow."""

    out_of_reach = 0

    @property
    def total(self):
        return len(self) + self.out_of_reach


#: The records an author signs, by the kind ``unsigned_overdue`` reads them under.
DRAFT_KINDS = {"note": Note, "group_note": GroupNote, "entry": IndividualEntry}


def _own_old_drafts():
    """The kind of each of the author's drafts older than the cutoff (one row each)."""
    own = [
        model.objects.drafts()
        .filter(author=Param("user"), created_at__lt=Param("cutoff"))
        .order_by()
        .values_list(Value(kind))
        for kind, model in DRAFT_KINDS.items()
    ]
    return own[0].union(*own[1:], all=True)


_OWN_OLD_DRAFTS = Prepared(_own_old_drafts)


def unsigned_overdue(user, now=None):
    """``user``'s own unsigned notes, group notes and group entries written more
    than 24 hours ago, oldest first (an ``Overdue`` list)."""
    if not user.is_authenticated:
        return Overdue()
    cutoff = (now or timezone.now()) - SIGN_WITHIN
    readable = {
        "note": lambda: Note.objects.visible_to(user).select_related("client"),
        "group_note": lambda: GroupNote.objects.visible_to(user).select_related("session__cohort"),
        "entry": lambda: IndividualEntry.objects.visible_to(user).select_related("client", "session__cohort"),
    }
    # The reading rules are long queries to build and most days nothing is overdue: one
    # short query over the author's own old drafts says which kinds need reading at all.
    drafts = [kind for (kind,) in _OWN_OLD_DRAFTS.run(user=user, cutoff=cutoff)]
    waiting = set(drafts)
    overdue = Overdue(
        sorted(
            (
                record
                for kind in DRAFT_KINDS
                if kind in waiting
                for record in readable[kind]().drafts().filter(author=user, created_at__lt=cutoff)
            ),
            key=lambda record: (record.created_at, record.pk),
        )
    )
    overdue.out_of_reach = len(drafts) - len(overdue)
    return overdue
