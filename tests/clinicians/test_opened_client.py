"""Records of one client through ``of_opened``: by client alone only for a client
opened with ``Client.objects.open_clinical`` by the same user; any other client
object gets the model's full ``visible_to``."""

import pytest

from clinicians.models import Note, ProgressReport, SafetyAlert
from iop.models import Client

pytestmark = pytest.mark.django_db


def test_opening_applies_clinical_visibility(clinic):
    opened = Client.objects.open_clinical(clinic.clinician_1, clinic.client_a.pk)
    assert opened == clinic.client_a
    assert opened.opened_clinically_by == clinic.clinician_1.pk
    for outsider in (clinic.clinician_2, clinic.admin, clinic.family_a):
        with pytest.raises(Client.DoesNotExist):
            Client.objects.open_clinical(outsider, clinic.client_a.pk)


def test_rows_of_an_opened_client_match_visible_to(clinic, chart):
    opened = Client.objects.open_clinical(clinic.clinician_1, clinic.client_a.pk)
    expected = set(Note.objects.visible_to(clinic.clinician_1).filter(client=clinic.client_a))
    assert expected
    assert set(Note.objects.of_opened(opened, clinic.clinician_1)) == expected
    for model in (SafetyAlert, ProgressReport):  # the other querysets the chart opens this way
        assert hasattr(model.objects.all(), "of_opened")


def test_client_not_opened_by_this_user_goes_through_visible_to(clinic, chart):
    assert Note.objects.filter(client=clinic.client_a).exists()
    # Opened by the cohort's clinician, then handed to someone else: nothing.
    opened = Client.objects.open_clinical(clinic.clinician_1, clinic.client_a.pk)
    assert not Note.objects.of_opened(opened, clinic.clinician_2).exists()
    # A client object fetched without the check: nothing for an outsider either.
    plain = Client.objects.get(pk=clinic.client_a.pk)
    assert not Note.objects.of_opened(plain, clinic.clinician_2).exists()
    assert not Note.objects.of_opened(plain, clinic.admin).exists()
    # ... while the clinical team still sees the client's notes through visible_to.
    assert Note.objects.of_opened(plain, clinic.clinician_1).exists()
