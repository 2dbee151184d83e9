"""The request's actor and address reach the audit trail, and only during that request."""

import pytest
from django.urls import reverse

from iop import audit
from iop.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_profile_view_records_actor_address_and_agent(clinic, login):
    login(clinic.clinician_1).get(
        reverse("client_profile", args=[clinic.client_a.pk]), REMOTE_ADDR="10.1.2.3", HTTP_USER_AGENT="ClinicLaptop/1"
    )
    entry = AuditEntry.objects.get(event="view_profile")
    assert (entry.actor, entry.actor_role, entry.client_id) == (clinic.clinician_1, "clinician", clinic.client_a.pk)
    assert (entry.remote_addr, entry.user_agent) == ("10.1.2.3", "ClinicLaptop/1")


def test_entries_written_after_a_request_do_not_inherit_its_actor(clinic, login):
    login(clinic.clinician_1).get(reverse("client_profile", args=[clinic.client_a.pk]))
    later = audit.record("retry_delivery", clinic.client_b)
    assert later.actor is None and later.remote_addr is None
