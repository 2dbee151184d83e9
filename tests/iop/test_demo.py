"""The demo clinic loads, and loading it again gives the same clinic."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from families.models import FamilyLink
from groups.models import Cohort
from iop.models import MESSAGE_KIND_LABELS, Client, OutboxMessage, User

pytestmark = pytest.mark.django_db

DEMO_LOGINS = ["admin@demo.clinic", "clinician@demo.clinic", "parent@demo.clinic"]


def snapshot():
    return {
        "users": sorted(User.objects.values_list("email", "role")),
        "clients": sorted(Client.objects.values_list("chart_number", "cohort__slug", "status", "admitted_on")),
        "cohorts": sorted(Cohort.objects.values_list("slug", "lead_clinician__email")),
        "links": sorted(FamilyLink.objects.values_list("family_member__email", "client__chart_number")),
    }


def test_seed_demo_twice_gives_the_same_clinic():
    call_command("seed_demo")
    first = snapshot()
    call_command("seed_demo")
    assert snapshot() == first


def test_demo_has_the_documented_logins_and_shape():
    call_command("seed_demo")
    for email in DEMO_LOGINS:
        assert User.objects.get(email=email).check_password("demo-pass-2026")
    assert set(Cohort.objects.values_list("name", flat=True)) == {"Tweens 11-13", "Teens 14-17"}
    assert User.objects.filter(role="clinician").count() >= 3
    assert Client.objects.count() >= 16
    teens = Cohort.objects.get(slug="teens")
    assert teens.lead_clinician.email == "clinician@demo.clinic"
    parent_children = Client.objects.filter(family_links__family_member__email="parent@demo.clinic")
    assert parent_children.filter(cohort=teens).exists()
    for client in Client.objects.exclude(cohort=None):
        assert client.cohort.age_min <= client.age <= client.cohort.age_max, client


def test_demo_evenings_have_no_scheduling_conflicts():
    from groups.conflicts import conflicts_for
    from groups.models import Session

    call_command("seed_demo")
    sessions = list(Session.objects.scheduled().prefetch_related("facilitators").select_related("cohort"))
    assert sessions
    found = {pk: issues for pk, issues in conflicts_for(sessions).items() if issues}
    assert not found, found


def test_the_demo_prescriber_reaches_the_clients_she_prescribes_for_by_a_grant():
    call_command("seed_demo")
    prescriber = User.objects.get(email="prescriber@demo.clinic")
    reached = set(Client.objects.visible_to(prescriber).values_list("chart_number", flat=True))
    assert reached == {"T-1002", "T-1004", "T-1006", "W-2007"}
    call_command("seed_demo")
    assert prescriber.access_grants.count() == 4


def test_the_demo_lead_clinician_is_owed_a_safety_plan_after_last_weeks_alert(client):
    """The tour's clinician finds the safety plan the on-call cover left to the team;
    its alert's messages went out when it was raised, not when the demo loads."""
    from clinicians.models import SafetyAlert
    from iop.models import OutboxMessage

    call_command("seed_demo")
    call_command("seed_demo")
    closed = SafetyAlert.objects.get(client__chart_number="T-1004")
    assert closed.is_handled and closed.risk_assessment.assessed_by.email == "tweens.lead@demo.clinic"
    messages = OutboxMessage.objects.filter(idempotency_key__startswith=f"safety_alert:{closed.pk}:")
    assert messages.exists() and set(messages.values_list("status", flat=True)) == {"sent"}
    client.force_login(User.objects.get(email="clinician@demo.clinic"))
    home = client.get(reverse("clinician_home")).content.decode()
    assert "Safety plans owed after an alert" in home and "Lex Kowalski" in home
    assert "closed by Priya Raman, LPC as a safety plan made" in home


def test_every_kind_of_message_the_demo_sends_can_be_picked_in_the_delivery_log():
    # The log's kind filter offers the kinds with a label (not those found by reading
    # every message), so a kind the program sends without one could not be picked.
    call_command("seed_demo")
    sent = set(OutboxMessage.objects.values_list("kind", flat=True))
    assert len(sent) >= 5
    assert sent <= set(MESSAGE_KIND_LABELS)
