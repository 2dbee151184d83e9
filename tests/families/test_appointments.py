"""Family sessions and check-ins: booked, changed and cancelled by the client's
clinicians and by program admins; invited families are told at once (least
information, their language, never when they must not be contacted) and see
date, time, mode and clinician on their home page, never anything clinical."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from families.models import FamilyAppointment
from iop import audit, reminders
from iop.models import AuditEntry, OutboxMessage
from tests import factories
from tests.pages import chart_tab

pytestmark = pytest.mark.django_db


def in_days(days, hour=16, minute=0):
    day = timezone.localdate() + datetime.timedelta(days=days)
    return day, datetime.time(hour, minute)


def booking(clinic, days=3, **fields):
    day, time = in_days(days)
    data = {
        "kind": "family_session",
        "day": day.isoformat(),
        "time": time.strftime("%H:%M"),
        "duration_minutes": 50,
        "mode": "video",
        "clinician": clinic.clinician_1.pk,
        "invited": [clinic.client_a.family_links.get(family_member=clinic.family_a).pk],
    }
    return {**data, **fields}


def family_messages():
    return list(OutboxMessage.objects.filter(kind=reminders.FAMILY_SESSION).order_by("pk"))


@pytest.mark.parametrize("role", ["clinician_1", "admin", "superuser"])
def test_staff_who_see_the_client_book_and_the_family_is_told_at_once(role, clinic, login):
    response = login(clinic.role(role)).post(
        reverse("families:appointment_new", args=[clinic.client_a.pk]), booking(clinic)
    )

    assert response.status_code == 302
    appointment = FamilyAppointment.objects.get()
    assert appointment.client == clinic.client_a and appointment.created_by == clinic.role(role)
    assert appointment.local_start.time() == datetime.time(16, 0) and appointment.mode == "video"
    (message,) = family_messages()
    assert message.recipient == clinic.family_a
    day = date_format(appointment.local_start, "D j M")
    assert message.body == f"Family appointment on {day} at 16:00, The clinic."
    assert AuditEntry.objects.filter(event="book_family_appointment", client_id=clinic.client_a.pk).count() == 1


def test_clinician_of_another_cohort_cannot_book_or_touch_the_appointment(clinic, login):
    appointment = factories.FamilyAppointmentFactory(client=clinic.client_a)
    browser = login(clinic.clinician_2)
    new, cancel = (
        reverse("families:appointment_new", args=[clinic.client_a.pk]),
        reverse("families:appointment_cancel", args=[appointment.pk]),
    )
    assert browser.post(new, booking(clinic)).status_code == 404
    assert browser.post(cancel, {"reason": "x"}).status_code == 404
    assert not FamilyAppointment.objects.filter(cancelled_at__isnull=False).exists()
    assert FamilyAppointment.objects.count() == 1 and not family_messages()


def test_booking_form_refuses_the_past_and_keeps_what_was_typed(clinic, login):
    data = booking(clinic, days=-1, duration_minutes=45)
    response = login(clinic.clinician_1).post(reverse("families:appointment_new", args=[clinic.client_a.pk]), data)

    assert response.status_code == 200
    assert "Choose a time in the future." in response.content.decode()
    assert response.context["form"]["duration_minutes"].value() == "45"
    assert not FamilyAppointment.objects.exists() and not family_messages()


def test_booking_form_refuses_a_time_outside_the_clinics_hours_and_keeps_what_was_typed(clinic, login):
    data = booking(clinic, time="03:00")
    response = login(clinic.clinician_1).post(reverse("families:appointment_new", args=[clinic.client_a.pk]), data)

    assert response.status_code == 200
    assert "between 07:00 and 22:00; this would run 03:00–03:50" in response.content.decode()
    assert response.context["form"]["time"].value() == "03:00"
    assert not FamilyAppointment.objects.exists() and not family_messages()


def test_only_invited_links_of_this_client_can_be_chosen(clinic, login):
    other_link = clinic.client_b.family_links.get()
    response = login(clinic.clinician_1).post(
        reverse("families:appointment_new", args=[clinic.client_a.pk]), booking(clinic, invited=[other_link.pk])
    )
    assert response.status_code == 200 and "invited" in response.context["form"].errors
    assert not FamilyAppointment.objects.exists()


def test_nothing_is_sent_to_do_not_contact_or_opted_out_members(clinic, login):
    careful = factories.FamilyLinkFactory(client=clinic.client_a).family_member
    careful.do_not_contact, careful.do_not_contact_reason = True, "Contact at home may be unsafe."
    careful.save()
    opted_out = factories.FamilyLinkFactory(client=clinic.client_a).family_member
    opted_out.reminders_opt_out = True
    opted_out.save()
    data = booking(clinic, invited=list(clinic.client_a.family_links.values_list("pk", flat=True)))

    login(clinic.clinician_1).post(reverse("families:appointment_new", args=[clinic.client_a.pk]), data)

    assert FamilyAppointment.objects.get().invited.count() == 3
    assert [m.recipient for m in family_messages()] == [clinic.family_a]


def test_spanish_speaking_family_is_told_in_spanish(clinic):
    clinic.family_a.language = "es"
    clinic.family_a.save()
    appointment = factories.FamilyAppointmentFactory.build(client=clinic.client_a)
    from families import appointments

    appointments.book(appointment, list(clinic.client_a.family_links.all()), by=clinic.clinician_1)

    (message,) = family_messages()
    assert message.body.startswith("Cita familiar el ") and message.language == "es"


def test_changing_the_time_tells_the_family_again_saving_unchanged_does_not(clinic, login):
    appointment = factories.FamilyAppointmentFactory(client=clinic.client_a)
    url = reverse("families:appointment_edit", args=[appointment.pk])
    browser = login(clinic.clinician_1)
    day = appointment.local_start.date().isoformat()

    browser.post(url, booking(clinic, day=day, time="16:00", mode="in_person"))
    assert len(family_messages()) == 1  # the booking is new to the outbox: told once
    browser.post(url, booking(clinic, day=day, time="16:00", mode="in_person"))
    assert len(family_messages()) == 1
    browser.post(url, booking(clinic, day=day, time="17:15"))
    assert len(family_messages()) == 2 and "17:15" in family_messages()[-1].body
    appointment.refresh_from_db()
    assert appointment.local_start.time() == datetime.time(17, 15) and appointment.created_by == clinic.clinician_1


def test_cancelling_keeps_the_reason_and_tells_the_family_without_it(clinic, login):
    appointment = factories.FamilyAppointmentFactory(client=clinic.client_a)
    url = reverse("families:appointment_cancel", args=[appointment.pk])
    browser = login(clinic.admin)

    assert "reason" in browser.post(url, {"reason": "  "}).context["form"].errors
    response = browser.post(url, {"reason": "Mother is in hospital."})

    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.is_cancelled and appointment.cancelled_by == clinic.admin
    (message,) = family_messages()
    assert "is cancelled" in message.body and "hospital" not in message.body
    assert AuditEntry.objects.filter(event="cancel_family_appointment", object_pk=str(appointment.pk)).exists()
    # A cancelled appointment can be neither changed nor cancelled again.
    assert browser.post(url, {"reason": "again"}).status_code == 302
    assert len(family_messages()) == 1


def test_messages_carry_no_health_words_and_no_names(clinic):
    from families import appointments

    appointment = factories.FamilyAppointmentFactory(client=clinic.client_a, kind="family_checkin", mode="phone")
    appointments.tell_invited(appointment, appointments.BOOKED)
    appointments.cancel(appointment, reason="Clinician unwell", by=clinic.clinician_1)

    texts = [m.body + " " + m.subject for m in family_messages()]
    assert len(texts) == 2
    for text in texts:
        assert not reminders.health_words_in(text)
        for client in (clinic.client_a, clinic.client_b):
            assert client.legal_first_name not in text and client.legal_last_name not in text


def test_family_page_lists_upcoming_appointments_and_audits_the_view(clinic, login, django_assert_max_num_queries):
    for days in (1, 2, 3, 4):
        factories.FamilyAppointmentFactory(client=clinic.client_a, day=timezone.localdate() + datetime.timedelta(days))
    factories.FamilyAppointmentFactory(client=clinic.client_a, day=timezone.localdate() - datetime.timedelta(days=3))
    browser = login(clinic.clinician_1)
    url = reverse("families:client_family", args=[clinic.client_a.pk])

    browser.get(url)  # the session's first request does its own bookkeeping
    with django_assert_max_num_queries(23):
        response = browser.get(url)

    assert len(response.context["appointments"]) == 4
    assert "Book a family session or check-in" in response.content.decode()
    entry = AuditEntry.objects.filter(event="view_family_appointments").latest("pk")
    assert entry.client_id == clinic.client_a.pk and len(entry.additional_data["appointments"]) == 4


def test_chart_links_to_the_family_appointments(clinic, login):
    page = chart_tab(login(clinic.clinician_1), clinic.client_a, "family")
    assert reverse("families:client_family", args=[clinic.client_a.pk]) + "#appointments" in page


# --- The portal -------------------------------------------------------------------


def test_family_sees_their_appointment_with_time_mode_and_clinician_only(clinic, login):
    appointment = factories.FamilyAppointmentFactory(client=clinic.client_a, mode="video")
    factories.NoteFactory(
        client=clinic.client_a, author=clinic.clinician_1, kind="family_session", participants="mother"
    )
    browser = login(clinic.family_a)

    page = browser.get(reverse("families:child_home", args=[clinic.client_a.pk])).content.decode()

    start = appointment.local_start
    assert f"{start:%A} {start.day} {start:%B}, 16:00" in page
    assert "Family session · Video · with " + clinic.clinician_1.get_full_name() in page
    assert "Content" not in page  # nothing of the clinical note
    entry = AuditEntry.objects.get(event="family_view_appointments")
    assert entry.actor == clinic.family_a and entry.additional_data == {"appointments": [appointment.pk]}
    # The page's view and the appointments it showed: two entries, one after the other in the chain.
    viewed = AuditEntry.objects.get(event="family_view", client_id=clinic.client_a.pk)
    assert viewed.actor == clinic.family_a and viewed.additional_data == {"page": "home"}
    assert entry.prev_hash == viewed.entry_hash
    assert audit.verify_chain()[1] is None


def test_another_family_neither_sees_nor_reaches_the_appointment(clinic, login):
    factories.FamilyAppointmentFactory(client=clinic.client_a)
    browser = login(clinic.family_b)

    assert browser.get(reverse("families:child_home", args=[clinic.client_a.pk])).status_code == 404
    page = browser.get(reverse("families:home"))
    assert page.status_code == 200 and page.context["family_sessions"] == []
    assert not AuditEntry.objects.filter(event="family_view_appointments").exists()


def test_family_member_not_invited_or_cancelled_appointments_are_not_shown(clinic, login):
    other_parent = factories.FamilyLinkFactory(client=clinic.client_a, relationship="father").family_member
    factories.FamilyAppointmentFactory(client=clinic.client_a, invited=[clinic.client_a.family_links.first()])
    cancelled = factories.FamilyAppointmentFactory(client=clinic.client_a)
    from families import appointments

    appointments.cancel(cancelled, reason="Snow", by=clinic.clinician_1)
    shown_to = {}
    for member in (clinic.family_a, other_parent):
        response = login(member).get(reverse("families:child_home", args=[clinic.client_a.pk]))
        shown_to[member] = response.context["family_sessions"]
    assert len(shown_to[clinic.family_a]) == 1 and shown_to[other_parent] == []


def test_booking_form_refuses_a_time_the_client_is_in_group_or_the_clinician_runs_one(clinic, login):
    day = timezone.localdate() + datetime.timedelta(days=3)
    factories.SessionFactory(cohort=clinic.client_a.cohort, day=day)  # 17:30-20:30
    url = reverse("families:appointment_new", args=[clinic.client_a.pk])
    browser = login(clinic.clinician_1)
    response = browser.post(url, booking(clinic, time="18:00"))
    assert response.status_code == 200
    page = response.content.decode()
    assert f"{clinic.client_a.first_name} is in group then ({clinic.client_a.cohort.name}, 17:30–20:30)." in page
    assert response.context["form"]["time"].value() == "18:00"
    assert not FamilyAppointment.objects.exists() and not family_messages()

    # The clinician runs another cohort's evening the next day.
    other_day = day + datetime.timedelta(days=1)
    other = factories.SessionFactory(cohort=clinic.client_b.cohort, day=other_day)
    other.facilitators.add(clinic.clinician_1)
    response = browser.post(url, booking(clinic, days=4, time="19:00"))
    assert f"{clinic.clinician_1.display_name} runs a group then" in response.content.decode()

    # Before the evening, and on a cancelled evening's day, the session is booked.
    assert browser.post(url, booking(clinic, time="16:00")).status_code == 302
    other.status, other.cancel_reason = "cancelled", "Snow"
    other.save()
    assert browser.post(url, booking(clinic, days=4, time="19:00")).status_code == 302


def test_booking_form_refuses_a_clinician_or_a_parent_already_booked_then(clinic, login):
    url = reverse("families:appointment_new", args=[clinic.client_a.pk])
    browser = login(clinic.admin)
    assert browser.post(url, booking(clinic, time="10:30", duration_minutes=60)).status_code == 302

    # The same clinician, overlapping by fifteen minutes.
    response = browser.post(url, booking(clinic, time="11:15", duration_minutes=60))
    assert response.status_code == 200
    page = response.content.decode()
    assert f"{clinic.clinician_1.display_name} has another family appointment then (10:30-11:30)." in page
    assert response.context["form"]["time"].value() == "11:15"

    # The same parent, with another clinician, for another of their children (named by time only).
    sibling = factories.ClientFactory(cohort=clinic.client_b.cohort)
    factories.FamilyLinkFactory(client=sibling, family_member=clinic.family_a)
    sibling_url = reverse("families:appointment_new", args=[sibling.pk])
    data = booking(clinic, time="11:00", duration_minutes=30, clinician=clinic.clinician_2.pk)
    data["invited"] = [sibling.family_links.get().pk]
    response = browser.post(sibling_url, data)
    page = response.content.decode()
    assert f"{clinic.family_a.get_full_name()} is invited to another family appointment then (10:30-11:30)." in page
    assert clinic.client_a.first_name not in page.split("<main")[1].split("is invited to another")[1][:200]

    # Back to back is fine, and so is a time freed by a cancellation.
    assert browser.post(url, booking(clinic, time="11:30", duration_minutes=30)).status_code == 302
    first = FamilyAppointment.objects.order_by("starts_at").first()
    FamilyAppointment.objects.filter(pk=first.pk).update(
        cancelled_at=timezone.now(), cancelled_by=clinic.admin, cancel_reason="Family asked to move it"
    )
    assert browser.post(sibling_url, data).status_code == 302
    # Saving an appointment again, unchanged, does not find it in its own way.
    kept = FamilyAppointment.objects.booked().get(client=sibling)
    edit = {**data, "invited": data["invited"]}
    assert browser.post(reverse("families:appointment_edit", args=[kept.pk]), edit).status_code == 302
