"""Closures, reschedules and make-up evenings, and the notices families get."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from groups import changes
from groups.models import Session
from iop.models import OutboxMessage, Program
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clinic_phone(db):
    Program.objects.update_or_create(pk=1, defaults={"phone": "(555) 010-4400"})


def closure_on(day, **kwargs):
    return factories.ClosureFactory(starts_on=day, **kwargs)


def test_closure_cancels_the_evenings_it_covers_and_keeps_them(evenings):
    teens, tweens = evenings
    closure = closure_on(teens.local_date)

    cancelled = changes.apply_closure(closure)

    assert {s.pk for s in cancelled} == {teens.pk, tweens.pk}
    for session in (teens, tweens):
        session.refresh_from_db()
        assert (session.status, session.closure, session.cancel_reason) == ("cancelled", closure, "Holiday")


def test_closure_of_one_cohort_leaves_the_other(evenings):
    teens, tweens = evenings

    changes.apply_closure(closure_on(teens.local_date, cohort=teens.cohort))

    tweens.refresh_from_db()
    assert tweens.status == "scheduled"


def test_closure_does_not_touch_a_charted_evening(evenings):
    teens, _ = evenings
    teens.mark_charted()

    cancelled = changes.apply_closure(closure_on(teens.local_date))

    teens.refresh_from_db()
    assert teens.status == "scheduled"
    assert teens not in cancelled


def test_closure_tells_each_family_member_once_with_minimal_text(evenings):
    teens, _ = evenings
    clinic_a = teens.cohort.enrollments.get().client
    second_parent = factories.FamilyLinkFactory(client=clinic_a).family_member
    closure = closure_on(teens.local_date)

    changes.apply_closure(closure)
    changes.apply_closure(closure)

    messages = OutboxMessage.objects.filter(kind="closure")
    assert messages.count() == 3  # two parents of client A, one of client B
    assert messages.filter(recipient=second_parent).count() == 1
    body = messages.filter(recipient=second_parent).get().body
    day = teens.local_date
    assert body == f"No group on {day:%a} {day.day} {day:%b} (holiday). Questions: (555) 010-4400"
    assert clinic_a.legal_last_name not in body and clinic_a.first_name not in body


def test_closure_skips_family_links_with_portal_suspended(evenings, enrolled):
    enrolled.client_a.family_links.update(portal_suspended=True, suspended_reason="Contact may be unsafe")

    changes.apply_closure(closure_on(evenings[0].local_date))

    recipients = set(OutboxMessage.objects.values_list("recipient", flat=True))
    assert recipients == {enrolled.family_b.pk}


def test_family_of_a_client_not_expected_that_evening_is_not_told(evenings, enrolled):
    enrollment = enrolled.client_b.enrollments.get()
    enrollment.started_on = evenings[1].local_date + datetime.timedelta(days=1)
    enrollment.save()

    changes.apply_closure(closure_on(evenings[0].local_date))

    assert not OutboxMessage.objects.filter(recipient=enrolled.family_b).exists()


def test_reschedule_keeps_the_original_as_cancelled_and_tells_families(evenings, enrolled):
    teens, _ = evenings
    new_start = teens.starts_at + datetime.timedelta(days=1, minutes=30)

    moved = changes.reschedule(teens, new_start, enrolled.admin)

    teens.refresh_from_db()
    assert (teens.status, moved.kind, moved.replaces) == ("cancelled", "rescheduled", teens)
    assert moved.ends_at - moved.starts_at == datetime.timedelta(hours=3)
    assert set(moved.facilitators.all()) == set(teens.facilitators.all())
    message = OutboxMessage.objects.get(kind="reschedule")
    assert message.recipient == enrolled.family_a
    assert f"at {timezone.localtime(new_start):%H:%M}" in message.body


def test_reschedule_refuses_a_time_the_cohort_already_meets(evenings, enrolled):
    teens, _ = evenings
    other = factories.SessionFactory(cohort=teens.cohort, day=teens.local_date + datetime.timedelta(days=1))

    with pytest.raises(ValidationError):
        changes.reschedule(teens, other.starts_at + datetime.timedelta(minutes=60), enrolled.admin)
    teens.refresh_from_db()
    assert teens.status == "scheduled"


def test_reschedule_refuses_a_charted_evening(evenings, enrolled):
    teens, _ = evenings
    teens.mark_charted()

    with pytest.raises(ValidationError):
        changes.reschedule(teens, teens.starts_at + datetime.timedelta(days=1), enrolled.admin)


def test_make_up_stands_in_for_a_cancelled_evening(evenings, enrolled):
    teens, _ = evenings
    changes.apply_closure(closure_on(teens.local_date))
    teens.refresh_from_db()

    make_up = changes.add_make_up(
        teens.cohort, teens.starts_at + datetime.timedelta(days=4), enrolled.admin, replaces=teens
    )

    assert (make_up.kind, make_up.replaces, make_up.status) == ("make_up", teens, "scheduled")
    assert OutboxMessage.objects.filter(kind="make_up", recipient=enrolled.family_a).count() == 1


def test_make_up_cannot_replace_an_evening_that_still_happens(evenings, enrolled):
    teens, _ = evenings

    with pytest.raises(ValidationError):
        changes.add_make_up(teens.cohort, teens.starts_at + datetime.timedelta(days=4), enrolled.admin, replaces=teens)
    assert Session.objects.filter(kind="make_up").count() == 0


def test_one_make_up_per_cancelled_evening_and_none_for_a_moved_one(evenings, enrolled, login):
    from groups.forms import MakeUpForm

    teens, _ = evenings
    changes.apply_closure(closure_on(teens.local_date))
    teens.refresh_from_db()
    moved_away = factories.SessionFactory(cohort=teens.cohort, day=teens.local_date + datetime.timedelta(days=1))
    changes.reschedule(moved_away, moved_away.starts_at + datetime.timedelta(days=2, hours=-2), enrolled.admin)
    moved_away.refresh_from_db()
    offered = MakeUpForm(cohort=teens.cohort).fields["replaces"].queryset
    assert list(offered) == [teens]  # the moved evening still takes place: nothing to make up

    changes.add_make_up(teens.cohort, teens.starts_at + datetime.timedelta(days=4), enrolled.admin, replaces=teens)
    assert not MakeUpForm(cohort=teens.cohort).fields["replaces"].queryset.exists()
    for evening, why in ((teens, "already has a make-up"), (moved_away, "was moved, not cancelled")):
        with pytest.raises(ValidationError, match=why):
            changes.add_make_up(
                teens.cohort, teens.starts_at + datetime.timedelta(days=5), enrolled.admin, replaces=evening
            )
    # The page refuses the choice and keeps what was typed.
    day = teens.local_date + datetime.timedelta(days=5)
    typed = {"day": f"{day}", "start_time": "10:00", "replaces": teens.pk}
    response = login(enrolled.admin).post(reverse("groups:make_up", args=[teens.cohort_id]), typed)
    assert response.status_code == 200 and f'value="{day}"' in response.content.decode()
    assert Session.objects.filter(kind="make_up").count() == 1


def test_a_make_up_moved_elsewhere_still_counts_as_the_evening_s_make_up(evenings, enrolled):
    """The make-up was moved (so it is cancelled, pointing to where it is now): the
    cancelled evening still has its one make-up. Cancelled where it went, it has none."""
    from groups.forms import MakeUpForm

    teens, _ = evenings
    changes.apply_closure(closure_on(teens.local_date))
    teens.refresh_from_db()
    make_up = changes.add_make_up(
        teens.cohort, teens.starts_at + datetime.timedelta(days=4), enrolled.admin, replaces=teens
    )
    now_at = changes.reschedule(make_up, make_up.starts_at + datetime.timedelta(days=1), enrolled.admin)
    assert not MakeUpForm(cohort=teens.cohort).fields["replaces"].queryset.exists()
    with pytest.raises(ValidationError, match="already has a make-up"):
        changes.add_make_up(teens.cohort, teens.starts_at + datetime.timedelta(days=6), enrolled.admin, replaces=teens)

    changes.apply_closure(closure_on(now_at.local_date))
    assert teens in MakeUpForm(cohort=teens.cohort).fields["replaces"].queryset


# --- A family with children in two groups, texts and Spanish ---------------------------------


@pytest.fixture
def two_groups_parent(enrolled):
    """family_a, parent of client A (Teens) and of client B (Tweens)."""
    factories.FamilyLinkFactory(family_member=enrolled.family_a, client=enrolled.client_b)
    return enrolled.family_a


def test_a_parent_of_two_groups_is_told_which_group_and_each_day_once(evenings, two_groups_parent):
    teens, tweens = evenings
    day = teens.local_date
    changes.apply_closure(closure_on(day))  # every cohort
    body = OutboxMessage.objects.get(kind="closure", recipient=two_groups_parent).body
    names = " and ".join(sorted([teens.cohort.name, tweens.cohort.name]))
    assert body.startswith(f"No group on {day:%a} {day.day} {day:%b} for {names} (holiday).")
    assert body.count(f"{day.day} {day:%b}") == 1

    other_day = day + datetime.timedelta(days=7)
    factories.SessionFactory(cohort=tweens.cohort, day=other_day)
    changes.apply_closure(closure_on(other_day, cohort=tweens.cohort))  # the Tweens only
    later = OutboxMessage.objects.filter(kind="closure", recipient=two_groups_parent).exclude(body=body).get()
    assert f"for {tweens.cohort.name} (holiday)" in later.body and teens.cohort.name not in later.body


def test_schedule_changes_go_by_text_to_families_who_chose_texts_and_in_their_language(evenings, enrolled):
    teens, _ = evenings
    texting = enrolled.family_a
    texting.phone = "+16175550141"
    texting.give_sms_consent()
    texting.language = "es"
    texting.save()
    changes.apply_closure(closure_on(teens.local_date))
    message = OutboxMessage.objects.get(kind="closure", recipient=texting)
    assert message.channel == "sms" and message.to_address == "+16175550141"
    with translation.override("es"):
        spanish_day = date_format(teens.local_date, "D j b")  # Spanish months are lower-case
    assert message.body.startswith(f"No hay grupo el {spanish_day} (")
    assert spanish_day == spanish_day.lower()


def test_a_moved_evening_is_announced_to_the_families_of_the_old_day_too(evenings, enrolled):
    teens, _ = evenings
    enrollment = enrolled.client_a.enrollments.get()
    # Client A's last day is the evening being moved: only the old day's roster has them.
    enrollment.ended_on, enrollment.end_reason = teens.local_date, "discharge"
    enrollment.save()
    changes.reschedule(teens, teens.starts_at + datetime.timedelta(days=1), enrolled.admin)
    message = OutboxMessage.objects.get(kind="reschedule")
    assert message.recipient == enrolled.family_a


def test_an_evening_is_not_moved_into_the_past_or_onto_a_closed_day(evenings, enrolled, login):
    teens, tweens = evenings
    with pytest.raises(ValidationError, match="still to come"):
        changes.reschedule(teens, timezone.now() - datetime.timedelta(days=30), enrolled.admin)
    closed_day = teens.local_date + datetime.timedelta(days=2)
    factories.ClosureFactory(starts_on=closed_day, ends_on=closed_day, cohort=teens.cohort)
    onto_closure = teens.starts_at + datetime.timedelta(days=2)
    with pytest.raises(ValidationError, match="closed that day"):
        changes.reschedule(teens, onto_closure, enrolled.admin)
    with pytest.raises(ValidationError, match="closed that day"):
        changes.add_make_up(teens.cohort, onto_closure, enrolled.admin)
    # The other cohort is open that day.
    assert changes.reschedule(tweens, tweens.starts_at + datetime.timedelta(days=2), enrolled.admin)
    teens.refresh_from_db()
    assert teens.status == "scheduled" and not OutboxMessage.objects.filter(recipient=enrolled.family_a).exists()

    # Through the page: the form says why and keeps what was typed.
    page = login(enrolled.admin).post(
        reverse("groups:reschedule", args=[teens.pk]), {"day": f"{closed_day}", "start_time": "18:00"}
    )
    assert page.status_code == 200 and "closed that day" in page.content.decode()
    assert f'value="{closed_day}"' in page.content.decode()


def test_an_evening_moved_twice_leaves_its_first_day_pointing_to_the_last(evenings, enrolled, login):
    teens, _ = evenings
    first_move = changes.reschedule(teens, teens.starts_at + datetime.timedelta(days=1), enrolled.admin)
    second_move = changes.reschedule(first_move, teens.starts_at + datetime.timedelta(days=2), enrolled.admin)
    teens.refresh_from_db()
    first_move.refresh_from_db()
    expected = f"Moved to {second_move.local_start:%a %d %b %H:%M}"
    assert teens.cancel_reason == expected and first_move.cancel_reason == expected
    assert teens.moved_to == second_move and first_move.moved_to == second_move
    page = login(enrolled.admin).get(reverse("groups:session_detail", args=[teens.pk])).content.decode()
    assert f'Now on <a href="{reverse("groups:session_detail", args=[second_move.pk])}">' in page
    Session.objects.filter(pk=second_move.pk).update(status="cancelled", cancel_reason="Snow day")
    page = login(enrolled.admin).get(reverse("groups:session_detail", args=[teens.pk])).content.decode()
    assert "Now on" not in page  # the evening it moved to is off too


def test_an_evening_moved_back_brings_back_its_first_day(evenings, enrolled):
    teens, _ = evenings
    first_day = teens.starts_at
    moved = changes.reschedule(teens, first_day + datetime.timedelta(days=1), enrolled.admin)
    moved.facilitators.set([enrolled.clinician_2])
    Session.objects.filter(pk=moved.pk).update(room="Room 4")
    moved.refresh_from_db()

    back = changes.reschedule(moved, first_day, enrolled.admin)

    teens.refresh_from_db()
    moved.refresh_from_db()
    assert back.pk == teens.pk and (teens.status, teens.cancel_reason, teens.moved_to) == ("scheduled", "", None)
    assert moved.moved_to == teens
    assert (teens.room, list(teens.facilitators.all())) == ("Room 4", [enrolled.clinician_2])
    assert moved.status == "cancelled" and moved.cancel_reason == f"Moved to {teens.local_start:%a %d %b %H:%M}"
    assert Session.objects.scheduled().filter(cohort=teens.cohort, starts_at=first_day).count() == 1
    told = OutboxMessage.objects.filter(kind="reschedule", recipient=enrolled.family_a).order_by("pk")
    assert len(told) == 2 and told[0].body != told[1].body  # there, then back


def test_each_move_of_an_evening_moved_back_and_forth_is_told(evenings, enrolled):
    teens, _ = evenings
    first_day, next_day = teens.starts_at, teens.starts_at + datetime.timedelta(days=1, hours=1)
    second = changes.reschedule(teens, next_day, enrolled.admin)
    changes.reschedule(second, first_day, enrolled.admin)
    again = changes.reschedule(teens, next_day, enrolled.admin)

    assert again.pk == second.pk and again.status == "scheduled"
    told = list(OutboxMessage.objects.filter(kind="reschedule", recipient=enrolled.family_a).order_by("pk"))
    assert len(told) == 3
    times = [f"at {timezone.localtime(t):%H:%M}" for t in (next_day, first_day, next_day)]
    assert all(time in message.body for time, message in zip(times, told, strict=True))
    teens.refresh_from_db()
    assert teens.cancel_reason == f"Moved to {again.local_start:%a %d %b %H:%M}"


def test_moved_back_over_two_moves_every_earlier_day_points_to_where_it_is(evenings, enrolled):
    teens, _ = evenings
    monday = teens.starts_at
    tuesday = changes.reschedule(teens, monday + datetime.timedelta(days=1), enrolled.admin)
    wednesday = changes.reschedule(tuesday, monday + datetime.timedelta(days=2), enrolled.admin)

    back = changes.reschedule(wednesday, tuesday.starts_at, enrolled.admin)

    assert back.pk == tuesday.pk
    expected = f"Moved to {back.local_start:%a %d %b %H:%M}"
    for row in (teens, wednesday):
        row.refresh_from_db()
        assert (row.status, row.cancel_reason, row.moved_to) == ("cancelled", expected, back)


def test_another_evenings_cancelled_day_is_not_taken_over(evenings, enrolled):
    teens, _ = evenings
    other = factories.SessionFactory(cohort=teens.cohort, day=teens.local_date + datetime.timedelta(days=1))
    changes.reschedule(teens, teens.starts_at + datetime.timedelta(days=3), enrolled.admin)
    with pytest.raises(ValidationError):
        changes.reschedule(other, teens.starts_at, enrolled.admin)
    teens.refresh_from_db()
    other.refresh_from_db()
    assert teens.status == "cancelled" and teens.cancel_reason.startswith("Moved to")
    assert other.status == "scheduled"


def test_an_evening_is_not_brought_back_onto_a_day_a_closure_holds(evenings, enrolled):
    teens, _ = evenings
    day = teens.local_date
    changes.apply_closure(closure_on(day, ends_on=day, created_by=enrolled.admin))
    make_up = changes.add_make_up(teens.cohort, teens.starts_at + datetime.timedelta(days=1), enrolled.admin)
    with pytest.raises(ValidationError):
        changes.reschedule(make_up, teens.starts_at, enrolled.admin)
    teens.refresh_from_db()
    assert teens.status == "cancelled"


def test_evenings_moved_before_moves_were_pointed_get_their_pointer_from_the_migration(evenings, enrolled):
    from importlib import import_module

    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    name = "0004_evenings_say_where_they_moved"
    migration = import_module(f"groups.migrations.{name}")
    apps = MigrationLoader(connection).project_state(("groups", name)).apps  # the models as the migration sees them
    teens, _ = evenings
    monday = teens.starts_at
    tuesday = changes.reschedule(teens, monday + datetime.timedelta(days=1), enrolled.admin)
    wednesday = changes.reschedule(tuesday, monday + datetime.timedelta(days=2), enrolled.admin)
    back = changes.reschedule(wednesday, tuesday.starts_at, enrolled.admin)
    Session.objects.update(moved_to=None)

    migration.point_moved_evenings(apps, None)

    assert dict(Session.objects.filter(cohort=teens.cohort).values_list("pk", "moved_to")) == {
        teens.pk: back.pk,
        tuesday.pk: None,  # where it is now
        wednesday.pk: back.pk,
        **{
            s.pk: None
            for s in Session.objects.filter(cohort=teens.cohort).exclude(pk__in=[teens.pk, tuesday.pk, wednesday.pk])
        },
    }


# --- Evenings that have already happened ------------------------------------------------


@pytest.fixture
def last_night(clinic):
    """Yesterday's evening of client A's cohort: attendance taken, notes still drafts."""
    return factories.charted_evening(clinic.client_a, day=timezone.localdate() - datetime.timedelta(days=1))


def test_an_evening_that_has_happened_cannot_be_moved(last_night, login, clinic):
    next_week = timezone.localtime() + datetime.timedelta(days=7)
    with pytest.raises(ValidationError, match="has begun"):
        changes.reschedule(last_night, next_week, factories.ProgramAdminFactory())
    page = login(clinic.admin).get(reverse("groups:session_detail", args=[last_night.pk])).content.decode()
    assert reverse("groups:reschedule", args=[last_night.pk]) not in page
    last_night.refresh_from_db()
    assert last_night.status == "scheduled"


def test_a_closure_saved_the_next_morning_leaves_an_evening_that_happened_to_be_signed(last_night, clinic):
    from clinicians import group_charting

    factories.EnrollmentFactory(client=clinic.client_b, cohort=clinic.client_b.cohort)
    quiet = factories.SessionFactory(cohort=clinic.client_b.cohort, day=last_night.local_date)
    closure = closure_on(last_night.local_date)

    cancelled = changes.apply_closure(closure)

    # The other cohort's evening, with nothing recorded, is recorded as not held; nobody is told of a past day.
    assert [s.pk for s in cancelled] == [quiet.pk]
    assert not OutboxMessage.objects.filter(kind="closure").exists()
    last_night.refresh_from_db()
    assert last_night.status == "scheduled"
    group_charting.sign_all(last_night, last_night.cohort.lead_clinician)
    assert Session.objects.get(pk=last_night.pk).is_charted


def test_signing_a_cancelled_evening_says_why_instead_of_failing(last_night, clinic):
    from clinicians import group_charting

    Session.objects.filter(pk=last_night.pk).update(status="cancelled", cancel_reason="Weather")
    last_night.refresh_from_db()
    with pytest.raises(ValidationError, match=r"cancelled \(Weather\)"):
        group_charting.sign_all(last_night, last_night.cohort.lead_clinician)
    assert not Session.objects.get(pk=last_night.pk).is_charted


def test_reminders_not_yet_sent_for_an_evening_closed_or_moved_are_withdrawn(evenings, enrolled):
    from families import reminders as daily
    from groups.notices import WITHDRAWN

    teens, tweens = evenings
    daily.group_tonight(now=teens.starts_at - datetime.timedelta(hours=3))  # say the sends are being retried
    pending = OutboxMessage.objects.filter(kind="group_tonight", status="pending")
    assert set(pending.values_list("recipient", flat=True)) == {enrolled.family_a.pk, enrolled.family_b.pk}

    changes.apply_closure(closure_on(teens.local_date, cohort=teens.cohort))

    withdrawn = OutboxMessage.objects.filter(kind="group_tonight", status="skipped", skipped_reason=WITHDRAWN)
    assert list(withdrawn.values_list("recipient", flat=True)) == [enrolled.family_a.pk]
    assert list(pending.values_list("recipient", flat=True)) == [enrolled.family_b.pk]

    changes.reschedule(tweens, tweens.starts_at + datetime.timedelta(days=2), enrolled.admin)

    assert not pending.exists()
    assert withdrawn.count() == 2


def test_the_move_make_up_and_edit_pages_say_what_happens_and_lead_back(evenings, enrolled, login):
    teens, _tweens = evenings
    browser = login(enrolled.admin)
    detail = reverse("groups:session_detail", args=[teens.pk])
    page = browser.get(reverse("groups:reschedule", args=[teens.pk])).content.decode()
    assert "keeps its room, agenda, facilitators and family group" in page
    assert f'href="{detail}">Cancel</a>' in page
    page = browser.get(reverse("groups:session_edit", args=[teens.pk])).content.decode()
    assert f'href="{detail}">Cancel</a>' in page
    make_up = reverse("groups:make_up", args=[teens.cohort_id])
    page = browser.get(f"{make_up}?replaces={teens.pk}").content.decode()
    assert f'href="{detail}">Cancel</a>' in page
    page = browser.get(f"{make_up}?replaces=abc").content.decode()
    assert f'href="{reverse("groups:week")}">Cancel</a>' in page


def test_a_make_up_or_move_is_refused_when_a_facilitator_has_a_family_appointment_then(evenings, enrolled, login):
    """Nobody is in two places: the family appointment form refuses a time the
    clinician runs a group, and a make-up or moved evening refuses a time one of its
    facilitators sees a family. Named by clinician and hours, never the client."""
    teens, _ = evenings
    lead = teens.cohort.lead_clinician
    day = teens.local_date + datetime.timedelta(days=3)
    factories.FamilyAppointmentFactory(
        client=enrolled.client_b,
        clinician=lead,
        starts_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(17, 0))),
    )
    evening = timezone.make_aware(datetime.datetime.combine(day, datetime.time(17, 30)))
    with pytest.raises(ValidationError, match="has a family appointment then") as refused:
        changes.add_make_up(teens.cohort, evening, enrolled.admin)
    assert lead.display_name in str(refused.value) and enrolled.client_b.first_name not in str(refused.value)
    teens.facilitators.set([lead])
    with pytest.raises(ValidationError, match="has a family appointment then"):
        changes.reschedule(teens, evening, enrolled.admin)
    assert not Session.objects.filter(cohort=teens.cohort, starts_at=evening).exists()

    # Through the page: the form says why and keeps what was typed.
    page = login(enrolled.admin).post(
        reverse("groups:make_up", args=[teens.cohort.pk]), {"day": f"{day}", "start_time": "17:30"}
    )
    html = page.content.decode()
    assert page.status_code == 200 and "has a family appointment then (17:00-18:00)" in html
    assert f'value="{day}"' in html

    # An appointment that ends as the evening starts, or is cancelled, is no clash.
    assert changes.add_make_up(teens.cohort, evening + datetime.timedelta(minutes=30), enrolled.admin)
    next_day = evening + datetime.timedelta(days=1)
    later = factories.FamilyAppointmentFactory(
        client=enrolled.client_b, clinician=lead, starts_at=next_day - datetime.timedelta(minutes=30)
    )
    later.cancelled_at, later.cancelled_by, later.cancel_reason = timezone.now(), lead, "Ill"
    later.save()
    assert changes.reschedule(teens, next_day, enrolled.admin)
