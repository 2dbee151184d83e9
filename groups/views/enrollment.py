"""Admitting clients to cohorts, transferring and discharging them."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from iop.access import admin_required
from iop.models import Client

from .. import enrollment
from ..forms import AdmitForm, DischargeForm, TransferForm

ACTIONS = {
    "admit": (AdmitForm, lambda client, data, by: enrollment.admit(client, data["cohort"], data["on"], by)),
    "transfer": (TransferForm, lambda client, data, by: enrollment.transfer(client, data["cohort"], data["on"], by)),
    "discharge": (DischargeForm, lambda client, data, by: enrollment.discharge(client, data["on"], by)),
}
DONE = {"admit": _l("admitted"), "transfer": _l("transferred"), "discharge": _l("discharged")}


@admin_required
def enrollment_list(request):
    clients = Client.objects.visible_to(request.user).select_related("cohort").order_by("status", "legal_last_name")
    return render(request, "groups/enrollment_list.html", {"clients": clients})


@admin_required
def client_enrollment(request, pk):
    client = get_object_or_404(Client.objects.visible_to(request.user), pk=pk)
    current = enrollment.current_enrollment(client)
    names = ["transfer", "discharge"] if current else ["admit"]
    action = request.POST.get("action") if request.method == "POST" else None
    today = {"on": timezone.localdate()}
    forms = {
        name: ACTIONS[name][0](request.POST if name == action else None, prefix=name, initial=today, client=client)
        for name in names
    }
    if action in forms and forms[action].is_valid():
        try:
            ACTIONS[action][1](client, forms[action].cleaned_data, request.user)
        except ValidationError as error:
            forms[action].add_error(None, error)
        else:
            messages.success(request, _("%(c)s %(done)s.") % {"c": client, "done": DONE[action]})
            if action == "discharge":
                messages.info(
                    request, _("The client's clinician records the discharge summary and aftercare plan in the chart.")
                )
            return redirect("groups:client_enrollment", client.pk)
    context = {
        "client": client,
        "current": current,
        "forms": forms,
        "history": client.enrollments.select_related("cohort").order_by("-started_on"),
    }
    return render(request, "groups/client_enrollment.html", context)
