"""Signing locks a note; corrections are addenda by the author; the original
stays readable; notes left unsigned for 24 hours are flagged to their author."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from clinicians.models import Addendum, Note, SignedRecordLocked
from clinicians.signing import unsigned_overdue
from iop.models import AuditEntry
from tests import factories

pytestmark = pytest.mark.django_db

_YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)
YESTERDAY_16, YESTERDAY_17 = f"{_YESTERDAY:%Y-%m-%d}T16:00", f"{_YESTERDAY:%Y-%m-%d}T17:00"


def check_in(**fields):
    """What the new-check-in page posts: yesterday at 17:00, 20 minutes, in person."""
    return {"occurred_at": YESTERDAY_17, "duration_minutes": 20, "mode": "in_person", **fields}


@pytest.fixture
def signed_note(clinic):
    note = factories.NoteFactory(client=clinic.client_a, content="Original words of the note.")
    note.sign(clinic.clinician_1)
    return note


def test_signed_note_refuses_edit(signed_note):
    signed_note.content = "Rewritten later."
    with pytest.raises(SignedRecordLocked):
        signed_note.save()
    signed_note.refresh_from_db()
    assert signed_note.content == "Original words of the note."


def test_signed_note_refuses_delete_and_bulk_update(signed_note):
    with pytest.raises(SignedRecordLocked):
        signed_note.delete()
    Note.objects.filter(pk=signed_note.pk).update(content="Changed in bulk.")
    signed_note.refresh_from_db()
    assert signed_note.content == "Original words of the note."


def test_draft_note_can_be_edited_until_signed(clinic):
    note = factories.NoteFactory(client=clinic.client_a)
    note.content = "Better wording."
    note.save()
    note.sign(clinic.clinician_1)
    assert Note.objects.get(pk=note.pk).content == "Better wording."
    with pytest.raises(SignedRecordLocked):
        note.sign(clinic.clinician_1)


def test_only_the_author_signs(clinic):
    note = factories.NoteFactory(client=clinic.client_a)
    with pytest.raises(PermissionError):
        note.sign(clinic.superuser)


def test_posting_an_edit_to_a_signed_note_changes_nothing(clinic, login, signed_note):
    client = login(clinic.clinician_1)
    response = client.post(
        reverse("clinicians:note_edit", args=[signed_note.pk]),
        {
            "occurred_at": YESTERDAY_17,
            "duration_minutes": 30,
            "mode": "in_person",
            "content": "Changed.",
            "plan": "x",
        },
    )
    assert response.status_code == 302
    signed_note.refresh_from_db()
    assert signed_note.content == "Original words of the note."
    page = client.get(response.url).content.decode()
    assert "signed and locked" in page


def test_addendum_is_dated_by_its_author_and_the_original_stays_readable(clinic, login, signed_note):
    client = login(clinic.clinician_1)
    response = client.post(reverse("clinicians:note_addendum", args=[signed_note.pk]), {"text": "Duration was 30 min."})
    assert response.status_code == 302
    addendum = signed_note.addenda.get()
    assert addendum.author == clinic.clinician_1
    assert addendum.written_at is not None
    page = client.get(reverse("clinicians:note", args=[signed_note.pk])).content.decode()
    assert "Original words of the note." in page
    assert "Duration was 30 min." in page
    assert AuditEntry.objects.filter(event="addendum", client_id=clinic.client_a.pk).exists()


def test_addendum_cannot_be_changed(clinic, signed_note):
    addendum = signed_note.add_addendum(clinic.clinician_1, "Later information.")
    addendum.text = "Rewritten."
    with pytest.raises(SignedRecordLocked):
        addendum.save()


def test_addenda_are_for_signed_notes_and_their_author_only(clinic, login, signed_note):
    draft = factories.NoteFactory(client=clinic.client_a)
    with pytest.raises(ValidationError):
        draft.add_addendum(clinic.clinician_1, "Too early.")
    colleague = factories.ClinicianFactory()
    clinic.client_a.cohort.co_facilitators.add(colleague)
    response = login(colleague).post(reverse("clinicians:note_addendum", args=[signed_note.pk]), {"text": "Mine."})
    assert response.status_code == 403
    assert not Addendum.objects.exists()


def test_empty_addendum_re_renders_with_a_message(clinic, login, signed_note):
    response = login(clinic.clinician_1).post(reverse("clinicians:note_addendum", args=[signed_note.pk]), {"text": ""})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    # Its address opened again (a reload, Back): the note, not a bare error page.
    again = login(clinic.clinician_1).get(reverse("clinicians:note_addendum", args=[signed_note.pk]))
    assert again.status_code == 302 and again.url == reverse("clinicians:note", args=[signed_note.pk])


def test_signing_through_the_page_locks_and_audits(clinic, login):
    note = factories.NoteFactory(client=clinic.client_a)
    response = login(clinic.clinician_1).post(reverse("clinicians:note_sign", args=[note.pk]))
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.is_signed and note.signed_by == clinic.clinician_1
    assert AuditEntry.objects.filter(event="sign_note", object_pk=str(note.pk)).exists()


def test_viewing_a_note_and_a_chart_is_audited(clinic, login, signed_note):
    client = login(clinic.clinician_1)
    client.get(reverse("clinicians:note", args=[signed_note.pk]))
    client.get(reverse("clinicians:chart", args=[clinic.client_a.pk]))
    events = set(AuditEntry.objects.filter(actor=clinic.clinician_1).values_list("event", flat=True))
    assert {"view_note", "view_chart"} <= events


def test_new_check_in_keeps_what_was_typed_when_invalid(clinic, login):
    response = login(clinic.clinician_1).post(
        reverse("clinicians:note_new", args=[clinic.client_a.pk, "individual_checkin"]),
        {
            "occurred_at": YESTERDAY_17,
            "duration_minutes": "",
            "mode": "in_person",
            "content": "Kept words",
            "plan": "",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Kept words" in page and "is-invalid" in page
    assert not Note.objects.exists()


def test_save_and_sign_writes_a_signed_check_in(clinic, login):
    response = login(clinic.clinician_1).post(
        reverse("clinicians:note_new", args=[clinic.client_a.pk, "individual_checkin"]),
        check_in(content="Went over the week.", plan="Keep going.", sign=""),
    )
    assert response.status_code == 302
    note = Note.objects.get()
    assert note.is_signed and note.kind == Note.Kind.INDIVIDUAL_CHECKIN


def test_family_session_needs_participants_and_records_mode(clinic, login):
    url = reverse("clinicians:note_new", args=[clinic.client_a.pk, "family_session"])
    data = {"occurred_at": YESTERDAY_16, "duration_minutes": 50, "mode": "video", "content": "Met.", "plan": "p"}
    response = login(clinic.clinician_1).post(url, data)
    assert response.status_code == 200 and not Note.objects.exists()
    response = login(clinic.clinician_1).post(url, {**data, "participants": "Client, mother"})
    assert response.status_code == 302
    assert Note.objects.get().mode == Note.Mode.VIDEO


def test_only_prescribers_write_medication_notes(clinic, login):
    prescriber = factories.PrescriberFactory()
    clinic.client_a.cohort.co_facilitators.add(prescriber)
    url = reverse("clinicians:note_new", args=[clinic.client_a.pk, "medication"])
    data = {"occurred_at": YESTERDAY_16, "duration_minutes": 20, "mode": "in_person", "content": "Med check."}
    assert login(clinic.clinician_1).post(url, {**data, "plan": "Continue."}).status_code == 403
    assert login(prescriber).post(url, {**data, "plan": "Continue."}).status_code == 302
    assert Note.objects.get().author == prescriber


def test_medication_note_by_non_prescriber_fails_model_validation(clinic):
    note = factories.NoteFactory.build(client=clinic.client_a, author=clinic.clinician_1, kind=Note.Kind.MEDICATION)
    with pytest.raises(ValidationError):
        note.full_clean()


def test_unsigned_note_older_than_24_hours_is_flagged_to_its_author(clinic):
    now = timezone.now()
    old = factories.NoteFactory(client=clinic.client_a, created_at=now - datetime.timedelta(hours=25))
    factories.NoteFactory(client=clinic.client_a, created_at=now - datetime.timedelta(hours=23))
    signed = factories.NoteFactory(client=clinic.client_a, created_at=now - datetime.timedelta(hours=30))
    signed.sign(clinic.clinician_1)
    assert list(unsigned_overdue(clinic.clinician_1)) == [old]
    assert not unsigned_overdue(clinic.clinician_2)
    colleague = factories.ClinicianFactory()
    clinic.client_a.cohort.co_facilitators.add(colleague)
    assert not unsigned_overdue(colleague)


def test_clinician_home_lists_notes_waiting_over_24_hours(clinic, login):
    note = factories.NoteFactory(client=clinic.client_a, created_at=timezone.now() - datetime.timedelta(days=2))
    page = login(clinic.clinician_1).get(reverse("clinician_home")).content.decode()
    assert "unsigned for more than 24 hours" in page
    assert reverse("clinicians:note", args=[note.pk]) in page
    assert (
        "unsigned for more than 24 hours"
        not in login(clinic.clinician_2).get(reverse("clinician_home")).content.decode()
    )


def test_signature_and_addendum_lines_use_the_clinic_s_24_hour_time(clinic, login):
    note = factories.NoteFactory(client=clinic.client_a)
    evening = timezone.make_aware(datetime.datetime(2026, 11, 30, 21, 5))
    note.sign(clinic.clinician_1, when=evening)
    Addendum.objects.create(note=note, author=clinic.clinician_1, text="Later.", written_at=evening)
    page = login(clinic.clinician_1).get(reverse("clinicians:note", args=[note.pk])).content.decode()
    assert "on Mon 30 Nov 2026, 21:05" in page
    assert "Addendum by" in page and page.count("Mon 30 Nov 2026, 21:05") >= 2
    assert "p.m." not in page


def test_a_draft_may_wait_without_its_plan_but_is_not_signed_without_it(clinic, login):
    url = reverse("clinicians:note_new", args=[clinic.client_a.pk, "individual_checkin"])
    data = {"occurred_at": YESTERDAY_17, "duration_minutes": 20, "mode": "in_person", "content": "Rough evening."}
    browser = login(clinic.clinician_1)
    refused = browser.post(url, {**data, "sign": "1"})
    assert refused.status_code == 200 and "This field is required." in refused.content.decode()
    assert not Note.objects.exists()

    assert browser.post(url, data).status_code == 302
    note = Note.objects.get()
    assert note.plan == "" and not note.is_signed
    response = browser.post(reverse("clinicians:note_sign", args=[note.pk]), follow=True)
    page = response.content.decode()
    assert "Add the plan before signing." in page
    # The draft opens with the plan marked as needed beside its field, the rest as saved.
    assert response.redirect_chain[-1][0].endswith("?to_sign=1")
    assert response.context["form"].errors == {"plan": ["This field is required."]}
    assert "Rough evening." in page
    note.refresh_from_db()
    assert not note.is_signed and note.plan == ""

    edit = reverse("clinicians:note_edit", args=[note.pk])
    browser.post(edit, {**data, "plan": "Call mother tomorrow.", "sign": "1"})
    note.refresh_from_db()
    assert note.is_signed and note.plan == "Call mother tomorrow."


def test_a_draft_left_when_access_ended_stays_flagged_to_its_author_without_the_clients_name(clinic, login):
    from iop import grants

    covering = factories.ClinicianFactory()
    grant = grants.grant(clinic.client_a, covering, clinic.admin, "Covering for a week", timezone.localdate())
    note = factories.NoteFactory(
        client=clinic.client_a, author=covering, created_at=timezone.now() - datetime.timedelta(hours=30)
    )
    assert list(unsigned_overdue(covering)) == [note]
    grants.revoke(grant)
    overdue = unsigned_overdue(covering)
    assert list(overdue) == [] and overdue.out_of_reach == 1 and overdue.total == 1
    page = login(covering).get(reverse("clinician_home")).content.decode()
    assert "1 more of your drafts, unsigned for more than 24 hours, is for a client whose chart" in page
    assert "Ask the program office for access again" in page and "Nothing overdue to sign." not in page
    assert clinic.client_a.display_name not in page
    assert reverse("clinicians:note", args=[note.pk]) not in page


def test_a_note_longer_than_its_limit_is_refused_and_kept(clinic, login):
    from clinicians.chart_forms import NOTE_LONGEST_TEXT

    typed = "word " * (NOTE_LONGEST_TEXT // 5 + 10)
    response = login(clinic.clinician_1).post(
        reverse("clinicians:note_new", args=[clinic.client_a.pk, "individual_checkin"]),
        check_in(content=typed, save=""),
    )
    assert response.status_code == 200 and "is-invalid" in response.content.decode()
    assert typed.strip() in response.content.decode()
    assert not Note.objects.exists()
