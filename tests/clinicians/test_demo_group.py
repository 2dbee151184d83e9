"""The demo's group evenings: six weeks of signed group notes and entries for the
attendees, no client named in a shared part, tonight's Teens evening left to chart."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from clinicians.group_charting import ATTENDED, names_in_shared_text
from clinicians.models import GroupNote, IndividualEntry
from groups.models import Attendance, Session

pytestmark = pytest.mark.django_db


def test_demo_group_evenings_are_signed_name_free_and_seed_idempotently():
    call_command("seed_demo", verbosity=0)
    counts = (GroupNote.objects.count(), IndividualEntry.objects.count())
    assert counts[0] >= 6 * 4 * 2 - 8  # six weeks of four evenings, two cohorts (a closure or two aside)
    assert not GroupNote.objects.drafts().exists() and not IndividualEntry.objects.drafts().exists()
    for note in GroupNote.objects.select_related("session__cohort"):
        assert names_in_shared_text(note) == {}, note.themes
        present = set(
            Attendance.objects.filter(session=note.session, status__in=ATTENDED).values_list("client", flat=True)
        )
        assert set(note.session.entries.values_list("client", flat=True)) == present
    assert len({note.themes for note in GroupNote.objects.all()}) > 5
    assert IndividualEntry.objects.filter(risk="observed").exclude(risk_details="").exists()
    call_command("seed_demo", verbosity=0)
    assert (GroupNote.objects.count(), IndividualEntry.objects.count()) == counts


def test_todays_teens_evening_is_left_for_the_demo_clinician_to_chart():
    call_command("seed_demo", verbosity=0)
    today = timezone.localdate()
    for session in Session.objects.between_days(today, today):
        assert not GroupNote.objects.filter(session=session).exists()
        assert not session.is_charted
