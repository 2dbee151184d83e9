"""Rules of an evening's chart: the name guard on the shared group note, locking,
addenda, sign all, who sees what, and the 24-hour flag."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from clinicians.group_charting import cohort_client_names, names_in, sign_all
from clinicians.models import GroupAddendum, GroupNote, IndividualEntry, SignedRecordLocked, add_group_addendum
from clinicians.signing import unsigned_overdue
from groups.models import Enrollment
from iop.models import ClientAccessGrant
from tests import factories

pytestmark = pytest.mark.django_db


# --- The name guard -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text, found",
    [
        ("Maya shared first.", ["Maya"]),
        ("then MAYA laughed", ["Maya"]),
        ("maya's turn", ["Maya"]),
        ("Mayan history came up", []),
        ("a sense of relief", []),
        ("Eli and the group", ["Eli"]),
        ("Mary  Ann joined", ["Mary Ann"]),
        ("", []),
    ],
)
def test_names_are_found_as_whole_words_in_any_case(text, found):
    assert names_in(text, {"Maya", "Eli", "Mary Ann"}) == found


def test_cohort_names_hold_legal_and_preferred_names_of_past_and_present_clients(clinic):
    cohort = clinic.client_a.cohort
    preferred = factories.ClientFactory(
        cohort=cohort, legal_first_name="Elijah", legal_last_name="Brooks", preferred_name="Eli"
    )
    former = factories.ClientFactory(
        cohort=None, lead_clinician=None, legal_first_name="Noah", legal_last_name="Fitzgerald"
    )
    Enrollment.objects.create(
        client=former,
        cohort=cohort,
        started_on=datetime.date(2026, 1, 5),
        ended_on=datetime.date(2026, 3, 1),
        end_reason="discharge",
    )
    names = cohort_client_names(cohort)
    assert {"Avery", "Quill", "Elijah", "Brooks", "Eli", "Noah", "Fitzgerald"} <= names
    assert "Blake" not in names and "Rowan" not in names  # the other cohort's client
    assert preferred.pk


@pytest.mark.parametrize("field", ["skill", "activities", "themes"])
@pytest.mark.parametrize("name", ["Avery", "quill", "AVERY"])
def test_group_note_naming_a_client_of_the_cohort_is_refused(clinic, field, name):
    session = factories.SessionFactory(cohort=clinic.client_a.cohort)
    note = factories.GroupNoteFactory.build(session=session, author=clinic.clinician_1)
    setattr(note, field, f"Worked on this with {name} tonight.")
    with pytest.raises(ValidationError) as error:
        note.full_clean()
    assert field in error.value.message_dict
    assert "individual entries" in error.value.message_dict[field][0]


def test_group_note_may_mention_a_name_of_another_cohort(clinic):
    session = factories.SessionFactory(cohort=clinic.client_a.cohort)
    note = factories.GroupNoteFactory.build(session=session, themes="Blake Rowan is not in this group.")
    note.full_clean()


# --- Database constraints -------------------------------------------------------------


def test_one_group_note_per_evening_and_one_entry_per_client(clinic):
    session = factories.charted_evening(clinic.client_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.GroupNoteFactory(session=session)
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.IndividualEntryFactory(session=session, client=clinic.client_a)


def test_an_incomplete_entry_cannot_be_signed_even_from_the_shell(clinic):
    session = factories.charted_evening(clinic.client_a)
    entry = IndividualEntry.objects.get(session=session)
    with pytest.raises(IntegrityError), transaction.atomic():
        IndividualEntry._base_manager.filter(pk=entry.pk).update(
            plan="", signed_at=timezone.now(), signed_by=clinic.clinician_1
        )


def test_observed_risk_without_details_stays_a_draft(clinic):
    session = factories.charted_evening(clinic.client_a)
    entry = IndividualEntry.objects.get(session=session)
    entry.risk = IndividualEntry.Risk.OBSERVED
    entry.save()  # a draft may be saved half-written
    assert not entry.is_complete
    result = sign_all(session, clinic.clinician_1)
    assert result.incomplete == [entry]
    entry.refresh_from_db()
    assert not entry.is_signed


# --- Locking and addenda -----------------------------------------------------------------


def test_signed_group_note_and_entry_are_locked(clinic):
    session = factories.charted_evening(clinic.client_a)
    sign_all(session, clinic.clinician_1)
    note, entry = GroupNote.objects.get(session=session), IndividualEntry.objects.get(session=session)
    for record in (note, entry):
        setattr(record, "plan" if isinstance(record, IndividualEntry) else "themes", "changed")
        with pytest.raises(SignedRecordLocked):
            record.save()
        with pytest.raises(SignedRecordLocked):
            record.delete()
    assert IndividualEntry.objects.filter(pk=entry.pk).update(plan="changed") == 0


def test_addendum_is_for_signed_records_by_their_author_and_never_changes(clinic):
    session = factories.charted_evening(clinic.client_a)
    entry = IndividualEntry.objects.get(session=session)
    with pytest.raises(ValidationError):
        add_group_addendum(entry, clinic.clinician_1, "Too early.")
    sign_all(session, clinic.clinician_1)
    entry.refresh_from_db()
    with pytest.raises(PermissionError):
        add_group_addendum(entry, factories.ClinicianFactory(), "Not mine.")
    addendum = add_group_addendum(entry, clinic.clinician_1, "Mother called: she used the skill at home.")
    addendum.text = "rewritten"
    with pytest.raises(SignedRecordLocked):
        addendum.save()
    entry.refresh_from_db()
    assert entry.plan == factories.IndividualEntryFactory.plan
    assert list(GroupAddendum.objects.filter(entry=entry).values_list("text", flat=True)) == [
        "Mother called: she used the skill at home."
    ]


# --- Sign all ------------------------------------------------------------------------------


def test_sign_all_signs_own_group_note_and_complete_entries_and_charts_the_evening(clinic):
    session = factories.charted_evening(clinic.client_a)
    incomplete = factories.IndividualEntryFactory(session=session, plan="")
    colleague = factories.ClinicianFactory()
    clinic.client_a.cohort.co_facilitators.add(colleague)
    others = factories.IndividualEntryFactory(session=session, author=colleague)
    result = sign_all(session, clinic.clinician_1)
    assert len(result.signed) == 2 and result.incomplete == [incomplete]
    assert GroupNote.objects.get(session=session).is_signed
    assert IndividualEntry.objects.get(session=session, client=clinic.client_a).is_signed
    assert not IndividualEntry.objects.get(pk=incomplete.pk).is_signed
    assert not IndividualEntry.objects.get(pk=others.pk).is_signed
    session.refresh_from_db()
    assert session.is_charted


def test_sign_all_refuses_everything_when_the_group_note_names_a_client(clinic):
    session = factories.charted_evening(clinic.client_a)
    # Written before the name guard could see it (say, a client admitted since).
    GroupNote.objects.filter(session=session).update(themes="Avery talked about exams.")
    with pytest.raises(ValidationError):
        sign_all(session, clinic.clinician_1)
    assert not GroupNote.objects.signed().exists() and not IndividualEntry.objects.signed().exists()


def test_sign_all_refuses_an_evening_still_to_come(clinic):
    session = factories.charted_evening(clinic.client_a, day=timezone.localdate() + datetime.timedelta(days=2))
    with pytest.raises(ValidationError):
        sign_all(session, clinic.clinician_1)


# --- Who sees what -------------------------------------------------------------------------


def test_group_notes_and_entries_are_seen_by_the_cohorts_clinicians_only(clinic):
    session = factories.charted_evening(clinic.client_a)
    colleague = factories.ClinicianFactory()
    clinic.client_a.cohort.co_facilitators.add(colleague)
    for user in (clinic.clinician_1, colleague, clinic.superuser):
        assert GroupNote.objects.visible_to(user).filter(session=session).exists()
        assert IndividualEntry.objects.visible_to(user).filter(session=session).exists()
    for user in (clinic.clinician_2, clinic.admin, clinic.family_a, clinic.family_b):
        assert not GroupNote.objects.visible_to(user).exists()
        assert not IndividualEntry.objects.visible_to(user).exists()
        assert not GroupAddendum.objects.visible_to(user).exists()


def test_a_clinician_granted_one_client_sees_that_clients_entry_and_the_shared_note(clinic):
    session = factories.charted_evening(clinic.client_a)
    other = factories.ClientFactory(cohort=clinic.client_a.cohort)
    factories.IndividualEntryFactory(session=session, client=other)
    ClientAccessGrant.objects.create(
        client=clinic.client_a,
        grantee=clinic.clinician_2,
        granted_by=clinic.admin,
        kind="granted",
        reason="Covering check-ins this week",
        expires_at=timezone.now() + datetime.timedelta(days=1),
    )
    assert list(IndividualEntry.objects.visible_to(clinic.clinician_2).values_list("client", flat=True)) == [
        clinic.client_a.pk
    ]
    assert GroupNote.objects.visible_to(clinic.clinician_2).filter(session=session).exists()


# --- The 24-hour flag ------------------------------------------------------------------------


def test_unsigned_group_note_and_entries_older_than_24_hours_are_flagged_to_their_author(clinic):
    long_ago = timezone.now() - datetime.timedelta(hours=25)
    session = factories.SessionFactory(cohort=clinic.client_a.cohort, day=timezone.localdate() - datetime.timedelta(2))
    note = factories.GroupNoteFactory(session=session, created_at=long_ago)
    entry = factories.IndividualEntryFactory(session=session, client=clinic.client_a, created_at=long_ago)
    recent = factories.SessionFactory(cohort=clinic.client_a.cohort)
    factories.GroupNoteFactory(session=recent)
    old_note = factories.NoteFactory(client=clinic.client_a, created_at=long_ago - datetime.timedelta(hours=1))
    assert unsigned_overdue(clinic.clinician_1) == [old_note, note, entry]
    colleague = factories.ClinicianFactory()
    clinic.client_a.cohort.co_facilitators.add(colleague)
    assert unsigned_overdue(colleague) == [] and unsigned_overdue(clinic.clinician_2) == []
    sign_all(session, clinic.clinician_1)
    assert unsigned_overdue(clinic.clinician_1) == [old_note]
