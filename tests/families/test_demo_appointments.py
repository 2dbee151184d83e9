"""The demo clinic has upcoming family appointments its parents can see."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from families.models import FamilyAppointment
from iop.models import Client, User

pytestmark = pytest.mark.django_db


def test_demo_parent_sees_her_family_session_and_reloading_adds_none(login):
    call_command("seed_demo")
    call_command("seed_demo")
    assert FamilyAppointment.objects.upcoming().count() == 2

    rosa = User.objects.get(email="parent@demo.clinic")
    maya = Client.objects.get(chart_number="T-1001")
    response = login(rosa).get(reverse("families:child_home", args=[maya.pk]))
    (appointment,) = response.context["family_sessions"]
    assert appointment.clinician.email == "clinician@demo.clinic"
    assert "with Jordan Reyes" in response.content.decode()
    mateo = Client.objects.get(chart_number="W-2002")
    assert login(rosa).get(reverse("families:child_home", args=[mateo.pk])).context["family_sessions"] == []


def test_demo_parent_can_save_her_contact_preferences_as_they_are(login):
    """The demo's phone numbers pass the phone checks, so saving the form unchanged works."""
    call_command("seed_demo")
    rosa = User.objects.get(email="parent@demo.clinic")
    browser = login(rosa)
    form = browser.get(reverse("families:preferences")).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {name: value for name, value in data.items() if value not in (None, False)}
    response = browser.post(reverse("families:preferences"), data)
    assert response.status_code == 302, response.context["form"].errors if response.context else None
    rosa.refresh_from_db()
    assert rosa.sms_consent and rosa.phone == "+16175550141"
