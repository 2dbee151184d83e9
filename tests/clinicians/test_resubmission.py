"""A form sent a second time (Back, then the same button again) finds what the first
sending saved and goes to it, instead of saving a twin: a note, a report request, a
questionnaire entered by a clinician."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from clinicians.models import Administration, Note, ProgressReport
from tests.clinicians.test_measures_pages import entry_url, form_data, phq9_total
from tests.clinicians.test_signing import check_in

pytestmark = pytest.mark.django_db

AGAIN = "This was already saved a moment ago: here it is."


def test_a_check_in_sent_twice_is_saved_once(clinic, login):
    url = reverse("clinicians:note_new", args=[clinic.client_a.pk, "individual_checkin"])
    data = check_in(content="Talked.", save="")
    browser = login(clinic.clinician_1)
    first = browser.post(url, data)
    again = browser.post(url, data, follow=True)
    note = Note.objects.get()
    assert first["Location"] == reverse("clinicians:note", args=[note.pk])
    assert again.redirect_chain[0][0] == first["Location"] and AGAIN in again.content.decode()
    # Different words are a different note.
    browser.post(url, {**data, "content": "Talked again later."})
    assert Note.objects.count() == 2


def test_a_report_requested_twice_is_requested_once(clinic, login):
    today = timezone.localdate().isoformat()
    data = {"variant": "family", "period_start": today, "period_end": today, "language": "en", "summary": "Well."}
    url = reverse("clinicians:report_new", args=[clinic.client_a.pk])
    browser = login(clinic.clinician_1)
    browser.post(url, data)
    again = browser.post(url, data, follow=True)
    report = ProgressReport.objects.get()
    assert again.redirect_chain[0][0] == reverse("clinicians:report", args=[report.pk])
    assert AGAIN in again.content.decode()
    # A failed render may be asked for again.
    ProgressReport.objects.filter(pk=report.pk).update(status=ProgressReport.Status.FAILED, error="broken")
    browser.post(url, data)
    assert ProgressReport.objects.count() == 2


def test_a_questionnaire_entered_twice_is_recorded_once(clinic, login):
    when = timezone.localtime() - datetime.timedelta(minutes=5)
    browser = login(clinic.clinician_1)
    browser.post(entry_url(clinic.client_a), form_data(phq9_total(11), when))
    again = browser.post(entry_url(clinic.client_a), form_data(phq9_total(11), when), follow=True)
    administration = Administration.objects.get()
    assert again.redirect_chain[0][0] == reverse("clinicians:administration", args=[administration.pk])
    assert AGAIN in again.content.decode()
