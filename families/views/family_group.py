"""Family-group attendance: which family members came to the weekly family group,
recorded by the cohort's clinicians from that evening."""

import datetime

from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from groups.enrollment import rosters
from groups.models import Session
from iop import audit
from iop.access import clinician_required

from ..forms import FamilyGroupSheet
from ..models import FamilyGroupAttendance, FamilyLink

EVENINGS_BACK = datetime.timedelta(weeks=6)


@clinician_required
def family_group_list(request):
    now = timezone.now()
    sessions = (
        Session.objects.visible_to(request.user)
        .scheduled()
        .filter(family_group_starts_at__isnull=False, starts_at__gte=now - EVENINGS_BACK, starts_at__lte=now)
        .select_related("cohort")
        .order_by("-starts_at")
    )
    return render(request, "families/staff/family_group_list.html", {"sessions": sessions})


@clinician_required
def family_group_sheet(request, pk):
    session = get_object_or_404(
        Session.objects.visible_to(request.user)
        .scheduled()
        .filter(family_group_starts_at__isnull=False)
        .select_related("cohort"),
        pk=pk,
    )
    clients = [e.client_id for e in rosters([session])[session.pk]]
    links = FamilyLink.objects.live().filter(client__in=clients).select_related("family_member", "client")
    marks = dict(FamilyGroupAttendance.objects.filter(session=session).values_list("link_id", "attended"))
    sheet = FamilyGroupSheet(request.POST if request.method == "POST" else None, links=links, marks=marks)
    if sheet.is_valid():
        with transaction.atomic():
            for link, attended in sheet.attended().items():
                FamilyGroupAttendance.objects.update_or_create(
                    session=session, link=link, defaults={"attended": attended, "recorded_by": request.user}
                )
            audit.record("record_family_group", session, rows=len(sheet.links))
        messages.success(request, _("Family group attendance saved."))
        return redirect("families:family_group_list")
    return render(request, "families/staff/family_group_sheet.html", {"session": session, "sheet": sheet})
