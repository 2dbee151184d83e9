"""Discharge: the record that ends an episode, with its aftercare plan."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from iop import audit, emergency
from iop.access import clinician_required
from iop.models import Client

from .access import clinical_client
from .chart_forms import DischargeForm
from .discharging import AlreadyDischarged, discharge, last_phq_total, objectives_at_discharge, what_waits
from .models import Discharge


@clinician_required
def discharge_client(request, pk):
    client = clinical_client(request.user, pk)
    existing = Discharge.objects.select_related("author").of_episode(client)
    if existing:
        audit.record("view_discharge", existing, client=client)
        return render(request, "clinicians/discharge_detail.html", {"client": client, "discharge": existing})
    if emergency.read_only_until(request.user, client):
        raise PermissionDenied(emergency.READ_ONLY)
    if client.status == Client.Status.REFERRED:
        messages.error(request, _("Only an admitted client can be discharged."))
        return redirect("clinicians:chart", client.pk)
    if request.method == "GET":
        # The form shows the last PHQ total and the plan's objectives.
        audit.record("open_discharge", client)
    initial = {"objectives_summary": objectives_at_discharge(client)}
    if client.status == Client.Status.DISCHARGED:
        # The program office ended the enrollment; the summary and aftercare plan are
        # still the clinician's to record (product.md: a discharge comes with them).
        initial["discharged_on"] = client.discharged_on
    form = DischargeForm(request.POST or None, client=client, instance=Discharge(author=request.user), initial=initial)
    if form.is_valid():
        try:
            discharge(client, form.instance, request.user)
        except AlreadyDischarged:
            messages.info(request, _("A colleague recorded this discharge a moment ago; here it is."))
            return redirect("clinicians:discharge", client.pk)
        messages.success(request, _("%(name)s is discharged.") % {"name": client.display_name})
        if not Client.objects.clinical_for(request.user).filter(pk=client.pk).exists():
            # Out of the cohort now, the chart stays with the client's lead clinician.
            messages.info(
                request, _("The chart stays with %(lead)s, the lead clinician.") % {"lead": client.lead_clinician}
            )
            return redirect("clinician_home")
        return redirect("clinicians:chart", client.pk)
    context = {"client": client, "form": form, "last_phq_total": last_phq_total(client)}
    if not form.is_bound:
        # Said before anything is typed; a sent form says it again among its errors.
        context["waiting"] = what_waits(client)
    return render(request, "clinicians/discharge_form.html", context)
