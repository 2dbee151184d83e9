"""Demo progress reports: Maya's clinical report and her family report
(released to her mother, parent@demo.clinic), and Noah's report at discharge.
Rendered here when that stays quick (the whole seed must stay fast); otherwise
left queued for the worker. Idempotent: a report is keyed by client, variant
and summary."""

import time

from django.db import transaction

from iop.models import Client

from . import reports
from .models import Discharge, ProgressReport

#: Render in seed_demo only while the demo reports take less than this in all.
RENDER_BUDGET_SECONDS = 5.0

MAYA_CLINICAL = (
    "Maya attends four evenings most weeks and is engaged in group. Her PHQ-A has fallen steadily since "
    "admission. She is practising distress tolerance at school; continue IOP and review the plan in two weeks."
)
MAYA_FAMILY = (
    "Maya has been coming to group almost every evening and joins in. She has been practising the "
    "skills at home and at school. Thank you for coming to family group: it helps."
)


def seed(today, log):
    maya = Client.objects.filter(chart_number="T-1001").select_related("lead_clinician").first()
    noah = Client.objects.filter(chart_number="T-1008").select_related("lead_clinician").first()
    wanted = []
    if maya and maya.admitted_on:
        for variant, summary in (("clinical", MAYA_CLINICAL), ("family", MAYA_FAMILY)):
            wanted.append(_report(maya, variant, summary, maya.admitted_on, today))
    discharge = Discharge.objects.filter(client=noah).first() if noah else None
    if discharge:
        wanted.append(
            _report(noah, "clinical", discharge.status_summary, noah.admitted_on, noah.discharged_on, at_discharge=True)
        )
    started, slowest, rendered, queued = time.monotonic(), 0.0, 0, 0
    for report in wanted:
        if report.status != ProgressReport.Status.QUEUED:
            continue
        # Render only while the next one, as slow as the slowest so far, still fits the budget.
        if time.monotonic() - started + slowest < RENDER_BUDGET_SECONDS:
            began = time.monotonic()
            rendered += reports.render(report.pk).status == ProgressReport.Status.READY
            slowest = max(slowest, time.monotonic() - began)
        else:
            queued += 1
            transaction.on_commit(lambda pk=report.pk: reports.enqueue(pk))
    family = ProgressReport.objects.filter(client=maya, variant="family", summary=MAYA_FAMILY).first()
    if family and family.is_ready and not family.released_to_family:
        reports.release_to_family(family, maya.lead_clinician)
    log(f"{len(wanted)} progress reports ({rendered} rendered now, {queued} left for the worker)")


def _report(client, variant, summary, start, end, at_discharge=False):
    report, _ = ProgressReport.objects.get_or_create(
        client=client,
        variant=variant,
        summary=summary,
        defaults={
            "period_start": start,
            "period_end": end,
            "requested_by": client.lead_clinician,
            "at_discharge": at_discharge,
        },
    )
    return report
