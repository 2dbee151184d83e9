"""The program office enters a referral and corrects a client's details: what is
typed is kept when something is wrong, a second chart for the same child is
asked about, the number is fixed from admission on, and each change is audited."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from iop.forms import next_chart_numbers
from iop.models import AuditEntry, Client
from tests import factories

pytestmark = pytest.mark.django_db


def years_ago(years, days=30):
    today = timezone.localdate()
    return today.replace(year=today.year - years) - datetime.timedelta(days=days)


def referral(**changes):
    data = {
        "chart_number": "W-2101",
        "legal_first_name": "Nadia",
        "legal_last_name": "Farah",
        "preferred_name": "Nadi",
        "pronouns": "she/her",
        "date_of_birth": f"{years_ago(12):%Y-%m-%d}",
        "school": "Hillside Middle School",
        "grade": "7",
        "email": "",
        "phone": "(617) 555-0142",
    }
    return {**data, **changes}


def test_admin_adds_a_referral_and_it_is_audited(clinic, login):
    browser = login(clinic.admin)
    response = browser.post(reverse("client_new"), referral())
    client = Client.objects.get(chart_number="W-2101")
    assert response.status_code == 302 and response.url == reverse("client_profile", args=[client.pk])
    assert client.status == Client.Status.REFERRED
    assert (client.display_name, client.cohort, client.lead_clinician, client.admitted_on) == (
        "Nadi Farah",
        None,
        None,
        None,
    )
    assert client.phone == "+16175550142"
    created = AuditEntry.objects.get(event="create", client_id=client.pk)
    assert created.actor == clinic.admin and created.changes["legal_last_name"] == ["None", "Farah"]
    page = browser.get(response.url).content.decode()
    assert "is on the referral list" in page and "Admit to a cohort" in page


def test_a_referral_is_listed_for_the_program_office_but_not_for_clinicians(clinic, login):
    login(clinic.admin).post(reverse("client_new"), referral())
    assert "Nadi Farah" in login(clinic.admin).get(reverse("client_list") + "?status=referred").content.decode()
    for clinician in (clinic.clinician_1, clinic.clinician_2):
        page = login(clinician).get(reverse("client_list") + "?status=referred").content.decode()
        assert "Farah" not in page and "New referral" not in page


def test_bad_input_comes_back_with_messages_and_what_was_typed(clinic, login):
    typed = referral(legal_last_name="", date_of_birth=f"{timezone.localdate() + datetime.timedelta(days=3):%Y-%m-%d}")
    response = login(clinic.admin).post(reverse("client_new"), typed)
    page = response.content.decode()
    assert response.status_code == 200
    assert "This field is required." in page and "Enter a date of birth in the past." in page
    assert 'value="Nadia"' in page and 'value="Hillside Middle School"' in page and 'value="W-2101"' in page
    assert not Client.objects.filter(legal_first_name="Nadia").exists()


@pytest.mark.parametrize("years", [4, 35])
def test_a_mistyped_year_of_birth_is_questioned(clinic, login, years):
    response = login(clinic.admin).post(reverse("client_new"), referral(date_of_birth=f"{years_ago(years):%Y-%m-%d}"))
    assert f"it makes the client {years}." in response.content.decode()
    assert not Client.objects.filter(legal_first_name="Nadia").exists()


def test_a_chart_number_is_never_given_twice_whatever_its_case(clinic, login):
    taken = clinic.client_a.chart_number
    response = login(clinic.admin).post(reverse("client_new"), referral(chart_number=taken.lower()))
    assert f"Chart number {taken} is already Avery Quill&#x27;s." in response.content.decode()
    assert Client.objects.filter(chart_number__iexact=taken).count() == 1


def test_the_same_name_and_birthday_is_asked_about_before_a_second_chart(clinic, login):
    born = clinic.client_a.date_of_birth
    same = referral(legal_first_name="avery", legal_last_name="QUILL", date_of_birth=f"{born:%Y-%m-%d}")
    browser = login(clinic.admin)
    page = browser.post(reverse("client_new"), same).content.decode()
    assert f"Avery Quill (chart {clinic.client_a.chart_number}, Admitted) has this name and date of birth" in page
    assert "It is a different person with the same name and date of birth" in page
    assert reverse("client_profile", args=[clinic.client_a.pk]) in page
    assert not Client.objects.filter(chart_number="W-2101").exists()

    browser.post(reverse("client_new"), {**same, "different_person": "on"})
    assert Client.objects.get(chart_number="W-2101").legal_last_name == "QUILL"


def test_the_form_offers_the_next_number_of_each_series(clinic):
    factories.ClientFactory(chart_number="T-1008")
    factories.ClientFactory(chart_number="T-0999")
    factories.ClientFactory(chart_number="W-2008")
    factories.ClientFactory(chart_number="legacy")
    assert [n for n in next_chart_numbers() if n[0] in "TW"] == ["T-1009", "W-2009"]


def test_corrected_details_are_saved_and_the_change_recorded(clinic, login):
    client = clinic.client_a
    form = login(clinic.admin).get(reverse("client_edit", args=[client.pk])).content.decode()
    assert f'value="{client.legal_first_name}"' in form and "Fixed once the client is admitted." in form
    data = {
        **referral(chart_number="X-1", legal_first_name="Avery", legal_last_name="Quill-Moss"),
        "date_of_birth": f"{client.date_of_birth:%Y-%m-%d}",
    }
    response = login(clinic.admin).post(reverse("client_edit", args=[client.pk]), data)
    assert response.status_code == 302
    client.refresh_from_db()
    assert client.legal_last_name == "Quill-Moss"
    assert client.chart_number != "X-1"  # fixed from admission on, whatever is posted
    assert client.status == Client.Status.ADMITTED and client.cohort_id is not None
    changed = AuditEntry.objects.filter(event="update", client_id=client.pk).latest("pk")
    assert changed.actor == clinic.admin and changed.changes["legal_last_name"] == ["Quill", "Quill-Moss"]


def test_a_referred_clients_number_can_still_be_corrected(clinic, login):
    client = factories.ClientFactory(
        chart_number="W-3", status=Client.Status.REFERRED, admitted_on=None, cohort=None, lead_clinician=None
    )
    data = {**referral(chart_number="W-0003"), "date_of_birth": f"{client.date_of_birth:%Y-%m-%d}"}
    login(clinic.admin).post(reverse("client_edit", args=[client.pk]), data)
    client.refresh_from_db()
    assert client.chart_number == "W-0003"


def test_saving_unchanged_details_records_nothing(clinic, login):
    client = clinic.client_a
    data = {
        "legal_first_name": client.legal_first_name,
        "legal_last_name": client.legal_last_name,
        "preferred_name": "",
        "pronouns": "",
        "date_of_birth": f"{client.date_of_birth:%Y-%m-%d}",
        "school": "",
        "grade": "",
        "email": "",
        "phone": "",
    }
    before = AuditEntry.objects.filter(client_id=client.pk, event="update").count()
    response = login(clinic.admin).post(reverse("client_edit", args=[client.pk]), data)
    assert response.status_code == 302
    assert AuditEntry.objects.filter(client_id=client.pk, event="update").count() == before


def test_clinicians_cannot_add_or_correct_clients(clinic, login):
    for clinician in (clinic.clinician_1, clinic.clinician_2):
        browser = login(clinician)
        assert browser.post(reverse("client_new"), referral()).status_code == 403
        edit = browser.post(reverse("client_edit", args=[clinic.client_a.pk]), referral(legal_last_name="Changed"))
        assert edit.status_code == 403
    assert not Client.objects.filter(legal_last_name__in=["Farah", "Changed"]).exists()


def test_a_client_on_file_past_the_usual_ages_can_still_be_corrected(clinic, login):
    grown = factories.ClientFactory(
        date_of_birth=years_ago(23), status=Client.Status.DISCHARGED, discharged_on=timezone.localdate()
    )
    data = {**referral(chart_number=grown.chart_number), "date_of_birth": f"{grown.date_of_birth:%Y-%m-%d}"}
    data.update(legal_first_name=grown.legal_first_name, legal_last_name=grown.legal_last_name, email="new@x.test")
    response = login(clinic.admin).post(reverse("client_edit", args=[grown.pk]), data)
    assert response.status_code == 302
    grown.refresh_from_db()
    assert grown.email == "new@x.test"


def test_twins_are_not_asked_about_again_on_every_correction(clinic, login):
    twin = factories.ClientFactory(
        legal_first_name="Avery", legal_last_name="Quill", date_of_birth=clinic.client_a.date_of_birth
    )
    data = {
        **referral(chart_number=twin.chart_number, legal_first_name="Avery", legal_last_name="Quill"),
        "date_of_birth": f"{twin.date_of_birth:%Y-%m-%d}",
    }
    response = login(clinic.admin).post(reverse("client_edit", args=[twin.pk]), data)
    assert response.status_code == 302
    twin.refresh_from_db()
    assert twin.school == "Hillside Middle School"


def test_opening_the_details_is_audited_as_a_view_of_the_profile(clinic, login):
    login(clinic.admin).get(reverse("client_edit", args=[clinic.client_a.pk]))
    entry = AuditEntry.objects.filter(event="view_profile", client_id=clinic.client_a.pk).latest("pk")
    assert entry.actor == clinic.admin and entry.additional_data["page"] == "details"


def test_chart_numbers_differing_only_in_case_are_refused_by_the_database(clinic):
    from django.db import IntegrityError, transaction

    factories.ClientFactory(chart_number="T-77")
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.ClientFactory(chart_number="t-77")


def test_a_number_taken_at_the_same_moment_comes_back_as_a_message(clinic):
    from iop.forms import ClientDetailsForm

    form = ClientDetailsForm(referral(chart_number="W-9"))
    assert form.is_valid()
    factories.ClientFactory(chart_number="w-9")  # another admin, a moment earlier
    assert form.save_details() is None
    assert form.errors["chart_number"] == ["Another client has just been given this chart number."]


def test_a_correction_leaves_an_admission_saved_meanwhile(clinic, login):
    from iop.forms import ClientDetailsForm

    referred = factories.ClientFactory(
        status=Client.Status.REFERRED, admitted_on=None, cohort=None, lead_clinician=None, chart_number="W-50"
    )
    data = {**referral(chart_number="W-50"), "date_of_birth": f"{referred.date_of_birth:%Y-%m-%d}"}
    form = ClientDetailsForm(data, instance=Client.objects.get(pk=referred.pk))
    assert form.is_valid()
    Client.objects.filter(pk=referred.pk).update(
        status=Client.Status.ADMITTED, cohort=clinic.client_a.cohort, admitted_on=timezone.localdate()
    )
    form.save_details()
    referred.refresh_from_db()
    assert (referred.status, referred.cohort, referred.legal_first_name) == (
        Client.Status.ADMITTED,
        clinic.client_a.cohort,
        "Nadia",
    )


def test_a_chart_number_typed_in_lower_case_is_kept_in_capitals_and_a_refusal_keeps_the_saved_title(clinic, login):
    login(clinic.admin).post(reverse("client_new"), referral(chart_number="w-2102"))
    assert Client.objects.filter(chart_number="W-2102").exists()
    assert next_chart_numbers()[-1] == "W-2103"
    client = clinic.client_a
    data = {
        **referral(chart_number="X", legal_first_name="Noel"),
        "date_of_birth": f"{years_ago(40):%Y-%m-%d}",
    }
    page = login(clinic.admin).post(reverse("client_edit", args=[client.pk]), data).content.decode()
    assert "Details of Avery Quill" in page and 'value="Noel"' in page
