"""The demo clinic's measures: weekly scores on believable paths, one open alert, idempotent."""

import pytest
from django.core.management import call_command

from clinicians.models import Administration, SafetyAlert
from clinicians.progress import progress_for
from iop.models import Client

pytestmark = pytest.mark.django_db


def test_demo_measures_are_weekly_believable_and_idempotent():
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    count = Administration.objects.count()
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    assert Administration.objects.count() == count > 50
    alert = SafetyAlert.objects.unhandled().get()
    assert alert.status == "open"
    # Last week's, closed by the on-call cover, is the only other one.
    assert list(SafetyAlert.objects.exclude(pk=alert.pk).values_list("client__chart_number", "status")) == [
        ("T-1004", "closed")
    ]
    assert alert.client.cohort.slug == "teens"
    assert alert.owner.email == "clinician@demo.clinic"
    admitted = Client.objects.filter(status="admitted")
    outcomes = []
    for client in admitted:
        administrations = list(Administration.objects.filter(client=client))
        assert administrations, client
        assert {a.instrument for a in administrations} <= {"phqa", "gad7"}  # every demo client is 11-17
        progress = progress_for(client, administrations, 7, client.admitted_on)
        if progress.outcome and len(progress.scored) > 2:
            outcomes.append(progress.outcome.change)
    improving = sum(change <= -3 for change in outcomes)
    assert improving > len(outcomes) / 2
    assert sum(change >= 6 for change in outcomes) == 1
