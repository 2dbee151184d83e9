"""The client chart: one page per client for the clinical team."""

from django.shortcuts import render

from iop import audit
from iop.access import clinician_required

from .access import clinical_client
from .chart import chart as chart_sections


@clinician_required
def chart(request, pk):
    client = clinical_client(request.user, pk)
    audit.record("view_chart", client)
    return render(request, "clinicians/chart/chart.html", chart_sections(client, request.user))
