"""The program office's page of who may read a client's record outside the team."""

import datetime

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from . import grants
from .access import admin_required
from .forms import AccessGrantForm
from .models import Client, ClientAccessGrant


@admin_required
def client_access(request, pk):
    client = get_object_or_404(
        Client.objects.visible_to(request.user).select_related("cohort", "lead_clinician"), pk=pk
    )
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "revoke":
        if not request.POST.get("grant", "").isdigit():
            raise Http404
        grant = get_object_or_404(
            ClientAccessGrant.objects.filter(client=client, kind=ClientAccessGrant.Kind.GRANTED),
            pk=request.POST.get("grant"),
        )
        grants.revoke(grant)
        messages.success(request, _("%(person)s no longer has access to %(client)s.") % _names(grant, client))
        return redirect("client_access", client.pk)
    initial = {"until": timezone.localdate() + datetime.timedelta(days=grants.DEFAULT_GRANT_DAYS)}
    form = AccessGrantForm(request.POST if action == "grant" else None, client=client, initial=initial)
    if action == "grant" and form.is_valid():
        data = form.cleaned_data
        grant = grants.grant(client, data["grantee"], request.user, data["reason"], data["until"])
        values = {**_names(grant, client), "day": date_format(data["until"], "D j M Y")}
        messages.success(request, _("%(person)s may read and write %(client)s's record until %(day)s.") % values)
        return redirect("client_access", client.pk)
    active, ended = grants.for_client(client)
    context = {"client": client, "form": form, "active": active, "ended": ended}
    return render(request, "iop/client_access.html", context)


def _names(grant, client):
    return {"person": grant.grantee, "client": client}
