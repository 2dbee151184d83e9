"""The audit review pages (admins and privacy officers), a client's access
history (also for the client's lead clinician), and emergency access."""

import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import audit, audit_review, emergency
from .access import audit_reviewer_required, clinician_required, is_lead_clinician_of, reviews_audit, staff_required
from .audit_forms import AccessHistoryForm, AuditFilterForm, EmergencyAccessForm
from .models import Client, ClientAccessGrant, Program


def _cursor(request, name):
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() else None


@audit_reviewer_required
def audit_log(request):
    form = AuditFilterForm(request.GET or None)
    filters = form.filters() if form.is_bound and form.is_valid() else {}
    entries = audit_review.filtered(**filters) if not form.errors else audit_review.filtered().none()
    page = audit_review.page(entries, before=_cursor(request, "before"), after=_cursor(request, "after"))
    audit.record("view_audit", request.user, filters=_described(filters))
    query = request.GET.copy()
    for key in ("before", "after"):
        query.pop(key, None)
    awaiting_review, recently_reviewed = (emergency.shown(grants) for grants in emergency.for_review())
    context = {
        "form": form,
        "form_html": form.html(),
        "page": page,
        "query": query.urlencode(),
        "awaiting_review": awaiting_review,
        "recently_reviewed": recently_reviewed,
    }
    return render(request, "iop/audit/log.html", context)


@audit_reviewer_required
def audit_export(request):
    """The filtered view as CSV, streamed; the export itself is the last thing it records first."""
    form = AuditFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        messages.error(request, _("Fix the filters before exporting."))
        return redirect("audit_log")
    filters = form.filters() if form.is_bound else {}
    audit.record("export_audit_csv", request.user, filters=_described(filters))
    writer = csv.writer(_Echo())
    rows = (writer.writerow(row) for row in audit_review.csv_rows(audit_review.filtered(**filters)))
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    return response


class _Echo:
    def write(self, value):
        return value


def _described(filters):
    """Filters as plain values for the entry's details (who looked at what slice of the trail)."""
    return {
        key: getattr(value, "email", None) or getattr(value, "chart_number", None) or str(value)
        for key, value in filters.items()
    }


@staff_required
def access_history(request, pk):
    """Every access to one client in a period: an accounting of disclosures, printable."""
    if reviews_audit(request.user):
        client = get_object_or_404(Client, pk=pk)
    else:
        client = get_object_or_404(Client.objects.visible_to(request.user).select_related("cohort"), pk=pk)
        if not is_lead_clinician_of(request.user, client):
            raise PermissionDenied
    form = AccessHistoryForm(request.GET)
    date_from, date_to = form.period()
    entries = audit_review.within(audit_review.filtered(client=client), date_from, date_to)
    audit.record("view_access_history", client, date_from=str(date_from), date_to=str(date_to))
    limit = 2000
    rows = audit_review.describe(entries.select_related("content_type").order_by("pk")[: limit + 1], shown=True)
    context = {
        "client": client,
        "form": form,
        "date_from": date_from,
        "date_to": date_to,
        "summary": audit_review.access_summary(entries),
        "rows": rows[:limit],
        "truncated": len(rows) > limit,
        "grants": client.access_grants.select_related("grantee", "reviewed_by"),
    }
    return render(request, "iop/audit/access_history.html", context)


@clinician_required
def emergency_access(request, pk):
    client = get_object_or_404(Client, pk=pk)
    if Client.objects.clinical_for(request.user).filter(pk=pk).exists():
        return redirect("clinicians:chart", pk)
    form = EmergencyAccessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        grant = emergency.break_glass(request.user, client, form.cleaned_data["reason"])
        until = timezone.localtime(grant.expires_at)
        messages.warning(
            request, _("Emergency access is open until %(until)s and recorded.") % {"until": f"{until:%H:%M}"}
        )
        return redirect("clinicians:chart", pk)
    if request.method == "GET":
        # Even the offer names the client: who looked up whom is kept.
        audit.record("emergency_access_offered", client)
    context = {"client": client, "form": form, "hours": Program.current().emergency_access_hours}
    return render(request, "iop/audit/emergency_access.html", context)


@clinician_required
@require_POST
def emergency_access_end(request, pk):
    """The clinician is done with a record opened by breaking the glass: it closes
    now rather than when its hours are up (kept, with its reason, for the review)."""
    client = get_object_or_404(Client, pk=pk)
    if emergency.end(request.user, client):
        messages.success(request, _("Your emergency access to %(client)s has ended.") % {"client": client.display_name})
    return redirect("client_list")


@audit_reviewer_required
@require_POST
def emergency_review(request, pk):
    grant = get_object_or_404(ClientAccessGrant, pk=pk, kind=ClientAccessGrant.Kind.EMERGENCY)
    if grant.grantee_id == request.user.pk:
        # A review is someone else's look at why the glass was broken.
        messages.error(request, _("Your own emergency access is reviewed by another privacy officer."))
        return redirect("audit_log")
    emergency.mark_reviewed(grant, request.user)
    messages.success(request, _("Marked reviewed."))
    return redirect("audit_log")
