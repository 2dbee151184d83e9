"""The client's side: a questionnaire opened by a one-time link or on a clinic
tablet, with no account. It shows the questions and a thank-you, nothing else;
an unusable link gets one friendly page that says nothing about why."""

from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from clinicians.forms import SelfReportForm
from clinicians.models import SelfReportLink
from clinicians.models.measures import LinkUnusable, Mode
from iop import audit


def _unavailable(request):
    audit.record_anonymous("self_report_refused", SelfReportLink, "self-report link")
    return render(request, "clinicians/self_report_unavailable.html", status=404)


@never_cache
def self_report(request, token):
    link = SelfReportLink.objects.usable(token).first()
    if link is None:
        return _unavailable(request)
    form = SelfReportForm(
        request.POST if request.method == "POST" else None, instrument=link.get_instrument_definition()
    )
    if request.method == "POST" and form.is_valid():
        try:
            administration = link.complete(form.answers())
        except LinkUnusable:
            return _unavailable(request)
        audit.record("self_report_completed", administration, client=administration.client, action=audit.Action.CREATE)
        thanks = reverse("clinicians:self_report_thanks")
        # On the clinic's tablet the teen hands it back; on their own phone they are done.
        return redirect(f"{thanks}?on=tablet" if link.mode == Mode.KIOSK else thanks)
    return render(request, "clinicians/self_report.html", {"form": form, "instrument": form.instrument})


def self_report_thanks(request):
    return render(request, "clinicians/self_report_thanks.html", {"on_tablet": request.GET.get("on") == "tablet"})
