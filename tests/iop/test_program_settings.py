"""The program office keeps the program's settings: who is on call, how the clinic
is reached, quiet hours and the clinical cadences, each change in the audit trail."""

import html
import re

import pytest
from django.urls import reverse

from clinicians.instruments import PHQ9
from iop.models import AuditEntry, OutboxMessage, Program
from tests.factories import AdministrationFactory, ClinicianFactory

pytestmark = pytest.mark.django_db

URL = reverse("program_settings")


def form_data(program, **changes):
    data = {
        "name": program.name,
        "clinic_name": program.clinic_name,
        "address": program.address,
        "phone": program.phone,
        "on_call_clinician": program.on_call_clinician_id or "",
        "director": program.director_id or "",
        "alert_escalation_minutes": program.alert_escalation_minutes,
        "quiet_hours_start": program.quiet_hours_start.strftime("%H:%M"),
        "quiet_hours_end": program.quiet_hours_end.strftime("%H:%M"),
        "plan_review_days": program.plan_review_days,
        "phq_due_days": program.phq_due_days,
        "max_clients_per_staff": program.max_clients_per_staff,
        "emergency_access_hours": program.emergency_access_hours,
    }
    return data | changes


def test_the_office_puts_a_clinician_on_call_and_the_next_alert_reaches_them(clinic, login):
    program = Program.current()
    response = login(clinic.admin).post(
        URL, form_data(program, on_call_clinician=clinic.clinician_2.pk, alert_escalation_minutes=10), follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("admin_home")
    assert "Program settings saved." in response.content.decode()
    program = Program.objects.get()
    assert (program.on_call_clinician, program.alert_escalation_minutes) == (clinic.clinician_2, 10)
    entry = AuditEntry.objects.get(event="change_program")
    assert entry.actor == clinic.admin
    assert entry.additional_data["changed"] == {
        "on_call_clinician": ["", str(clinic.clinician_2)],
        "alert_escalation_minutes": ["15", "10"],
    }
    assert f"{clinic.clinician_2} is on call" in login(clinic.admin).get(reverse("admin_home")).content.decode()
    audit_page = login(clinic.admin).get(reverse("audit_log"), {"event": "change_program"}).content.decode()
    assert f"On-call clinician: — \u2192 {clinic.clinician_2}" in audit_page
    assert "Alert escalates after (minutes): 15 \u2192 10" in audit_page
    csv = b"".join(login(clinic.admin).get(reverse("audit_export"), {"event": "change_program"}).streaming_content)
    assert '""alert_escalation_minutes"": [""15"", ""10""]' in csv.decode()

    AdministrationFactory(client=clinic.client_a, answers={item.key: 1 for item in PHQ9.items})
    recipients = set(OutboxMessage.objects.filter(kind="safety_alert").values_list("recipient", flat=True))
    assert recipients == {clinic.clinician_1.pk, clinic.clinician_2.pk}


def test_a_refused_change_says_why_keeps_what_was_typed_and_saves_nothing(clinic, login):
    program = Program.current()
    data = form_data(
        program,
        name="Evening IOP (renamed)",
        phone="12",
        alert_escalation_minutes=150,
        quiet_hours_start="21:00",
        quiet_hours_end="21:00",
        plan_review_days=3,
    )
    response = login(clinic.admin).post(URL, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Ensure this value is less than or equal to 60." in page
    assert "Ensure this value is greater than or equal to 7." in page
    assert "Quiet hours need different start and end times." in page
    assert 'min="5"' in page and 'max="60"' in page and "From 5 to 60." in page
    assert "Enter a valid phone number" in page
    assert 'value="Evening IOP (renamed)"' in page and 'value="150"' in page
    assert Program.objects.get().name == program.name
    assert not AuditEntry.objects.filter(event="change_program").exists()


def test_only_active_clinicians_are_offered_for_on_call_and_director(clinic, login):
    gone = ClinicianFactory(is_active=False)
    page = login(clinic.admin).get(URL).content.decode()
    assert str(clinic.clinician_1) in page and str(gone) not in page
    for person in (gone, clinic.admin, clinic.family_a):
        response = login(clinic.admin).post(URL, form_data(Program.current(), director=person.pk))
        assert response.status_code == 400
        assert "Select a valid choice." in response.content.decode()
    assert Program.objects.get().director is None


def test_saving_without_a_change_writes_no_entry_and_nobody_on_call_is_pointed_out(clinic, login):
    response = login(clinic.admin).post(URL, form_data(Program.current()), follow=True)
    assert "Nobody is on call: safety alerts reach each client&#x27;s lead clinician only." in (
        response.content.decode()
    )
    assert not AuditEntry.objects.filter(event="change_program").exists()


def test_the_clinic_phone_is_kept_as_families_read_it(clinic, login):
    login(clinic.admin).post(URL, form_data(Program.current(), phone="617 555 0140"))
    assert Program.objects.get().phone == "(617) 555-0140"


def test_an_unchanged_phone_spelled_differently_is_no_change(clinic, login):
    program = Program.current()
    program.phone = "(617) 555-0140"
    program.save()
    login(clinic.admin).post(URL, form_data(program, phone="617-555-0140"))
    assert not AuditEntry.objects.filter(event="change_program").exists()


def test_an_on_call_clinician_who_left_is_named_not_dropped_unseen(clinic, login):
    program = Program.current()
    program.on_call_clinician = clinic.clinician_2
    program.save()
    clinic.clinician_2.is_active = False
    clinic.clinician_2.save()
    browser = login(clinic.admin)
    assert f"selected>{clinic.clinician_2}</option>" in browser.get(URL).content.decode()
    response = browser.post(URL, form_data(program, phone="617 555 0140"))
    assert response.status_code == 400
    assert f"{clinic.clinician_2} is no longer an active clinician who has joined" in response.content.decode()
    assert Program.objects.get().on_call_clinician == clinic.clinician_2 and Program.objects.get().phone == ""


def test_an_invited_clinician_who_has_not_joined_is_not_offered_for_on_call(clinic, login):
    invited = ClinicianFactory()
    invited.set_unusable_password()
    invited.save()
    response = login(clinic.admin).post(URL, form_data(Program.current(), on_call_clinician=invited.pk))
    assert response.status_code == 400 and "Select a valid choice." in response.content.decode()


def test_a_save_over_a_change_made_meanwhile_is_stopped_and_says_what_changed(clinic, login):
    browser = login(clinic.admin)
    page = browser.get(URL).content.decode()
    seen = re.search(r'name="seen" value="([^"]*)"', page).group(1)
    seen = html.unescape(seen)
    # Another admin puts clinician 2 on call meanwhile.
    program = Program.current()
    program.on_call_clinician = clinic.clinician_2
    program.save()
    stale = form_data(Program.objects.get(), on_call_clinician="", phone="617 555 0140", seen=seen)
    refused = browser.post(URL, stale)
    assert refused.status_code == 400
    text = refused.content.decode()
    assert "Someone saved the settings while you had this page open." in text
    assert f"On-call clinician: {clinic.clinician_2}" in text
    assert Program.objects.get().on_call_clinician == clinic.clinician_2
    # Saved again from the page as it is now, it goes through.
    fresh = html.unescape(re.search(r'name="seen" value="([^"]*)"', text).group(1))
    assert browser.post(URL, stale | {"seen": fresh}).status_code == 302
    assert Program.objects.get().phone == "(617) 555-0140"


def test_a_number_out_of_range_gets_one_message_naming_the_programs_range(clinic, login):
    program = Program.current()
    response = login(clinic.admin).post(URL, form_data(program, phq_due_days=-1))
    assert response.status_code == 400
    errors = response.context["form"].errors["phq_due_days"]
    assert errors == ["Ensure this value is greater than or equal to 7."]
