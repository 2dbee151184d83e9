"""Generating evenings from a cohort's weekly pattern."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from groups import changes, schedule
from groups.models import Attendance, Closure, CohortWeek, Session, local_days
from iop.models import OutboxMessage
from tests import factories

pytestmark = pytest.mark.django_db
NEW_YORK = ZoneInfo("America/New_York")


@pytest.fixture(autouse=True)
def _clinic_in_new_york(settings):
    settings.TIME_ZONE = "America/New_York"
    timezone.activate(NEW_YORK)
    yield
    timezone.deactivate()


@pytest.fixture
def cohort():
    return factories.CohortFactory(active_from=datetime.date(2026, 1, 1))


def local_starts(cohort):
    return [timezone.localtime(s.starts_at, NEW_YORK) for s in Session.objects.filter(cohort=cohort)]


def test_two_weeks_of_the_default_pattern_make_eight_evenings(cohort):
    result = schedule.generate(cohort, datetime.date(2026, 1, 12), datetime.date(2026, 1, 25))

    assert result.created == 8
    assert [s.weekday() for s in local_starts(cohort)] == [0, 1, 2, 3] * 2
    session = Session.objects.filter(cohort=cohort).first()
    assert session.room == cohort.room
    assert list(session.facilitators.all()) == [cohort.lead_clinician]
    assert session.agenda[0] == {"title": "Check-in", "minutes": 20}


@pytest.mark.parametrize(
    ("first", "last", "change"),
    [
        (datetime.date(2026, 3, 2), datetime.date(2026, 3, 13), datetime.date(2026, 3, 8)),
        (datetime.date(2026, 10, 26), datetime.date(2026, 11, 6), datetime.date(2026, 11, 1)),
    ],
    ids=["spring-forward-8-march", "fall-back-1-november"],
)
def test_evenings_stay_at_1730_new_york_time_across_both_2026_clock_changes(cohort, first, last, change):
    schedule.generate(cohort, first, last)

    starts = local_starts(cohort)
    assert len(starts) == 8
    assert {(s.hour, s.minute) for s in starts} == {(17, 30)}
    before = {s.utcoffset() for s in starts if s.date() < change}
    after = {s.utcoffset() for s in starts if s.date() > change}
    assert len(before) == len(after) == 1 and before != after
    for session in Session.objects.filter(cohort=cohort):
        assert session.ends_at - session.starts_at == datetime.timedelta(hours=3)


def test_generating_twice_creates_nothing_the_second_time(cohort):
    first = schedule.generate(cohort, datetime.date(2026, 1, 5), datetime.date(2026, 2, 1))
    second = schedule.generate(cohort, datetime.date(2026, 1, 5), datetime.date(2026, 2, 1))

    assert (first.created, second.created, second.kept) == (16, 0, 16)
    assert Session.objects.filter(cohort=cohort).count() == 16


def test_overlapping_ranges_add_only_the_missing_evenings(cohort):
    schedule.generate(cohort, datetime.date(2026, 1, 5), datetime.date(2026, 1, 11))
    result = schedule.generate(cohort, datetime.date(2026, 1, 8), datetime.date(2026, 1, 18))

    assert (result.created, result.kept) == (4, 1)
    assert Session.objects.filter(cohort=cohort).count() == 8


def test_regeneration_leaves_charted_cancelled_and_edited_evenings_alone(cohort):
    schedule.generate(cohort, datetime.date(2026, 1, 5), datetime.date(2026, 1, 8))
    charted, cancelled, edited, _plain = Session.objects.filter(cohort=cohort)
    charted.mark_charted()
    Session.objects.filter(pk=cancelled.pk).update(status="cancelled", cancel_reason="Weather")
    Session.objects.filter(pk=edited.pk).update(room="Gym", agenda=[{"title": "Outing", "minutes": 180}])

    schedule.generate(cohort, datetime.date(2026, 1, 5), datetime.date(2026, 1, 8))

    cancelled.refresh_from_db()
    edited.refresh_from_db()
    assert Session.objects.filter(cohort=cohort).count() == 4
    assert Session.objects.get(pk=charted.pk).charted_at is not None
    assert cancelled.status == "cancelled"
    assert (edited.room, edited.agenda[0]["title"]) == ("Gym", "Outing")


def test_changed_start_time_moves_future_evenings_without_doubling_them(cohort):
    today = timezone.localdate()
    first, last = today + datetime.timedelta(days=7), today + datetime.timedelta(days=20)
    schedule.generate(cohort, first, last)
    cohort.start_time = datetime.time(18, 0)
    cohort.save()

    before = set(Session.objects.filter(cohort=cohort).values_list("pk", flat=True))

    result = schedule.generate(cohort, first, last)

    assert (result.retimed, result.kept, result.created, result.removed) == (8, 8, 0, 0)
    assert {(s.hour, s.minute) for s in local_starts(cohort)} == {(18, 0)}
    # The same evenings, given the new times: their facilitators and agenda stay.
    assert set(Session.objects.filter(cohort=cohort).values_list("pk", flat=True)) == before


def test_past_evenings_of_an_old_pattern_are_kept(cohort):
    schedule.generate(cohort, datetime.date(2026, 1, 5), datetime.date(2026, 1, 8))
    cohort.weekdays = [0, 1]
    cohort.save()

    result = schedule.generate(cohort, datetime.date(2026, 1, 5), datetime.date(2026, 1, 8))

    assert result.removed == 0
    assert Session.objects.filter(cohort=cohort).count() == 4


def test_evenings_inside_a_closure_are_created_cancelled(cohort):
    factories.ClosureFactory(starts_on=datetime.date(2026, 11, 26), reason=Closure.Reason.HOLIDAY)

    result = schedule.generate(cohort, datetime.date(2026, 11, 23), datetime.date(2026, 11, 29))

    thursday = Session.objects.get(cohort=cohort, starts_at__date=datetime.date(2026, 11, 26))
    assert result.cancelled_by_closure == 1
    assert (thursday.status, thursday.cancel_reason) == ("cancelled", "Holiday")
    assert Session.objects.filter(cohort=cohort, status="scheduled").count() == 3


def test_a_closure_of_another_cohort_does_not_cancel_this_one(cohort):
    factories.ClosureFactory(starts_on=datetime.date(2026, 11, 26), cohort=factories.CohortFactory())

    result = schedule.generate(cohort, datetime.date(2026, 11, 23), datetime.date(2026, 11, 29))

    assert result.cancelled_by_closure == 0


def test_no_evenings_before_the_cohort_starts_or_after_it_ends():
    cohort = factories.CohortFactory(active_from=datetime.date(2026, 1, 7), active_until=datetime.date(2026, 1, 13))

    schedule.generate(cohort, datetime.date(2026, 1, 1), datetime.date(2026, 1, 31))

    assert [s.date() for s in local_starts(cohort)] == [
        datetime.date(2026, 1, 7),
        datetime.date(2026, 1, 8),
        datetime.date(2026, 1, 12),
        datetime.date(2026, 1, 13),
    ]


def test_family_group_is_the_last_hour_of_wednesday(cohort):
    cohort.family_group_weekday, cohort.family_group_start = 2, datetime.time(19, 30)
    cohort.save()

    schedule.generate(cohort, datetime.date(2026, 3, 2), datetime.date(2026, 3, 15))

    with_family = Session.objects.filter(cohort=cohort, family_group_starts_at__isnull=False)
    assert [timezone.localtime(s.starts_at).weekday() for s in with_family] == [2, 2]
    for session in with_family:
        start = timezone.localtime(session.family_group_starts_at)
        assert (start.hour, start.minute) == (19, 30)
        assert session.family_group_ends_at == session.ends_at


def test_generation_gives_each_week_a_skill_by_rotation(cohort):
    modules = [factories.SkillModuleFactory() for _ in range(3)]
    cohort.active_from = datetime.date(2026, 1, 5)
    cohort.save()

    schedule.generate(cohort, datetime.date(2026, 1, 5), datetime.date(2026, 2, 1))

    weeks = CohortWeek.objects.filter(cohort=cohort).order_by("week_of")
    assert [w.skill for w in weeks] == [modules[0], modules[1], modules[2], modules[0]]


def test_database_refuses_two_sessions_of_a_cohort_at_the_same_start(cohort):
    session = factories.SessionFactory(cohort=cohort)
    with pytest.raises(IntegrityError):
        factories.SessionFactory(cohort=cohort, starts_at=session.starts_at)


def test_database_refuses_cancelling_a_charted_session(cohort):
    session = factories.SessionFactory(cohort=cohort)
    session.mark_charted()
    with pytest.raises(IntegrityError):
        Session.objects.filter(pk=session.pk).update(status="cancelled", cancel_reason="Weather")


def _queries_to_generate(cohort, first, last):
    with CaptureQueriesContext(connection) as captured:
        schedule.generate(cohort, first, last)
    return len(captured)


def test_generating_costs_the_same_queries_for_one_week_as_for_twelve():
    factories.SkillModuleFactory.create_batch(3)
    short = factories.CohortFactory(active_from=datetime.date(2026, 1, 1))
    long = factories.CohortFactory(active_from=datetime.date(2026, 1, 1))
    for cohort in (short, long):
        cohort.co_facilitators.add(factories.ClinicianFactory())
    factories.ClosureFactory(starts_on=datetime.date(2026, 1, 8))

    one_week = _queries_to_generate(short, datetime.date(2026, 1, 5), datetime.date(2026, 1, 11))
    twelve_weeks = _queries_to_generate(long, datetime.date(2026, 1, 5), datetime.date(2026, 3, 29))

    assert Session.objects.filter(cohort=long).count() == 48
    assert one_week == twelve_weeks


def test_bulk_generation_gives_every_new_evening_its_facilitators_once(cohort):
    co = factories.ClinicianFactory()
    cohort.co_facilitators.add(co, cohort.lead_clinician)  # the lead listed twice is still one facilitator

    schedule.generate(cohort, datetime.date(2026, 1, 5), datetime.date(2026, 1, 18))

    for session in Session.objects.filter(cohort=cohort).prefetch_related("facilitators"):
        assert {p.pk for p in session.facilitators.all()} == {cohort.lead_clinician_id, co.pk}
    assert Session.facilitators.through.objects.filter(session__cohort=cohort).count() == 16


def test_regenerating_a_year_adds_only_the_evenings_that_are_missing(cohort):
    factories.SkillModuleFactory()
    first = schedule.generate(cohort, datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    Session.objects.filter(cohort=cohort, starts_at__date=datetime.date(2026, 6, 2)).delete()

    again = schedule.generate(cohort, datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))

    assert (again.created, again.kept) == (1, first.created - 1)
    assert Session.objects.filter(cohort=cohort).count() == first.created
    assert CohortWeek.objects.filter(cohort=cohort).count() == 53


def test_generating_for_many_cohorts_costs_the_same_queries_as_for_one():
    factories.SkillModuleFactory.create_batch(2)
    factories.ClosureFactory(starts_on=datetime.date(2026, 1, 8))
    one = [factories.CohortFactory(active_from=datetime.date(2026, 1, 1))]
    three = [factories.CohortFactory(active_from=datetime.date(2026, 1, 1)) for _ in range(3)]
    for cohort in [*one, *three]:
        cohort.co_facilitators.add(factories.ClinicianFactory())

    with CaptureQueriesContext(connection) as for_one:
        schedule.generate_all(one, datetime.date(2026, 1, 5), datetime.date(2026, 2, 1))
    with CaptureQueriesContext(connection) as for_three:
        result = schedule.generate_all(three, datetime.date(2026, 1, 5), datetime.date(2026, 2, 1))

    assert (result.created, result.cancelled_by_closure) == (48, 3)
    assert len(for_one) == len(for_three)
    for cohort in three:
        session = Session.objects.filter(cohort=cohort).prefetch_related("facilitators").first()
        assert {p.pk for p in session.facilitators.all()} == {
            cohort.lead_clinician_id,
            *cohort.co_facilitators.values_list("pk", flat=True),
        }


# --- A changed pattern meets evenings that already have a story ----------------------

MON, TUE, WED, THU, FRI = (datetime.date(2026, 1, day) for day in (12, 13, 14, 15, 16))


@pytest.fixture
def monday_before():
    """The clock on the Monday before the week the tests schedule."""
    with time_machine.travel(datetime.datetime(2026, 1, 5, 10, 0, tzinfo=NEW_YORK), tick=False):
        yield


def scheduled_on(cohort, day):
    return [s for s in Session.objects.filter(cohort=cohort).scheduled() if s.local_date == day]


def later_start(cohort):
    cohort.start_time = datetime.time(18, 0)
    cohort.save()


@pytest.mark.usefixtures("monday_before")
def test_a_moved_evening_does_not_come_back_on_its_old_day_when_the_start_time_changes(cohort):
    schedule.generate(cohort, MON, THU)
    tuesday = scheduled_on(cohort, TUE)[0]
    changes.reschedule(
        tuesday, datetime.datetime(2026, 1, 16, 17, 30, tzinfo=NEW_YORK), factories.ProgramAdminFactory()
    )
    later_start(cohort)

    schedule.generate(cohort, MON, FRI)

    assert scheduled_on(cohort, TUE) == []
    assert [s.local_start.time() for s in scheduled_on(cohort, FRI)] == [datetime.time(17, 30)]


@pytest.mark.usefixtures("monday_before")
def test_an_evening_with_an_absence_marked_ahead_takes_the_new_time_rather_than_getting_a_twin(cohort):
    client = factories.ClientFactory(cohort=cohort)
    factories.EnrollmentFactory(client=client, cohort=cohort, started_on=datetime.date(2026, 1, 1))
    schedule.generate(cohort, MON, THU)
    wednesday = scheduled_on(cohort, WED)[0]
    factories.AttendanceFactory(session=wednesday, client=client, status=Attendance.Status.EXCUSED)
    later_start(cohort)

    schedule.generate(cohort, MON, THU)

    assert [(s.pk, s.local_start.time()) for s in scheduled_on(cohort, WED)] == [(wednesday.pk, datetime.time(18, 0))]
    assert wednesday.attendance.get().status == Attendance.Status.EXCUSED


@pytest.mark.usefixtures("monday_before")
def test_charted_evenings_keep_their_day_to_themselves_when_past_weeks_are_generated_again():
    cohort = factories.CohortFactory(active_from=datetime.date(2025, 12, 1))
    schedule.generate(cohort, datetime.date(2025, 12, 29), datetime.date(2026, 1, 1))
    for session in Session.objects.filter(cohort=cohort):
        session.mark_charted()
    later_start(cohort)

    schedule.generate(cohort, datetime.date(2025, 12, 29), THU)

    assert Session.objects.filter(cohort=cohort, starts_at__lt=timezone.now()).count() == 4
    assert all(s.is_charted for s in Session.objects.filter(cohort=cohort, starts_at__lt=timezone.now()))


@pytest.mark.usefixtures("monday_before")
def test_a_closed_evening_is_not_made_again_nor_announced_twice_when_the_start_time_changes(cohort):
    client = factories.ClientFactory(cohort=cohort)
    factories.EnrollmentFactory(client=client, cohort=cohort, started_on=datetime.date(2026, 1, 1))
    factories.FamilyLinkFactory(client=client)
    factories.ClosureFactory(starts_on=THU, reason=Closure.Reason.WEATHER)
    schedule.generate(cohort, MON, THU)
    assert OutboxMessage.objects.filter(kind="closure").count() == 1
    later_start(cohort)

    schedule.generate(cohort, MON, THU)

    assert OutboxMessage.objects.filter(kind="closure").count() == 1
    assert Session.objects.filter(cohort=cohort, status="cancelled").count() == 1
    assert [s.local_start.time() for s in scheduled_on(cohort, WED)] == [datetime.time(18, 0)]


@pytest.mark.usefixtures("monday_before")
def test_a_shorter_evening_and_a_moved_family_group_reach_the_coming_evenings(cohort):
    cohort.family_group_weekday, cohort.family_group_start = 2, datetime.time(19, 30)
    cohort.save()
    schedule.generate(cohort, MON, THU)
    cohort.duration_minutes, cohort.family_group_weekday = 150, 3
    cohort.save()

    result = schedule.generate(cohort, MON, THU)

    assert (result.retimed, result.created) == (4, 0)
    evenings = Session.objects.filter(cohort=cohort)
    assert {timezone.localtime(s.ends_at).time() for s in evenings} == {datetime.time(20, 0)}
    assert [s.local_date for s in evenings if s.has_family_group] == [THU]


@pytest.mark.usefixtures("monday_before")
def test_evenings_that_have_begun_keep_their_times(cohort):
    schedule.generate(cohort, datetime.date(2026, 1, 5), datetime.date(2026, 1, 8))
    with time_machine.travel(datetime.datetime(2026, 1, 5, 18, 0, tzinfo=NEW_YORK), tick=False):
        later_start(cohort)
        result = schedule.generate(cohort, datetime.date(2026, 1, 5), datetime.date(2026, 1, 8))
    starts = {s.local_date: s.local_start.time() for s in Session.objects.filter(cohort=cohort)}
    assert starts[datetime.date(2026, 1, 5)] == datetime.time(17, 30)  # tonight's, under way
    assert starts[datetime.date(2026, 1, 6)] == datetime.time(18, 0)
    assert result.retimed == 3


@pytest.mark.usefixtures("monday_before")
def test_an_evening_taken_off_the_pattern_takes_its_unsent_reminders_with_it(cohort):
    from groups.notices import WITHDRAWN

    schedule.generate(cohort, MON, THU)
    tuesday, wednesday = scheduled_on(cohort, TUE)[0], scheduled_on(cohort, WED)[0]
    for session in (tuesday, wednesday):
        factories.OutboxMessageFactory(idempotency_key=f"group_tonight:{session.pk}:1")
    cohort.weekdays = [0, 2, 3]
    cohort.save()

    assert schedule.generate(cohort, MON, THU).removed == 1

    keys = dict(OutboxMessage.objects.values_list("idempotency_key", "skipped_reason"))
    assert keys == {f"group_tonight:{tuesday.pk}:1": WITHDRAWN, f"group_tonight:{wednesday.pk}:1": ""}


def test_an_evening_given_a_new_time_is_told_again_with_it_and_its_old_reminder_withdrawn(cohort):
    from families import reminders as daily
    from groups.notices import WITHDRAWN

    with time_machine.travel(datetime.datetime(2026, 1, 12, 9, 0, tzinfo=NEW_YORK), tick=False):
        client = factories.ClientFactory(cohort=cohort)
        factories.EnrollmentFactory(client=client, cohort=cohort, started_on=datetime.date(2026, 1, 1))
        factories.FamilyLinkFactory(client=client)
        schedule.generate(cohort, MON, THU)
    with time_machine.travel(datetime.datetime(2026, 1, 12, 14, 0, tzinfo=NEW_YORK), tick=False):
        (first,) = daily.group_tonight()  # its send is being retried, say
        later_start(cohort)
        assert schedule.generate(cohort, MON, THU).retimed == 4
        (again,) = daily.group_tonight()
    first.refresh_from_db()
    assert (first.status, first.skipped_reason) == ("skipped", WITHDRAWN) and "17:30" in first.body
    assert again.pk != first.pk and "18:00" in again.body and again.status == "pending"


def test_tonights_evening_is_not_given_a_start_already_gone(cohort):
    schedule.generate(cohort, MON, THU)
    with time_machine.travel(datetime.datetime(2026, 1, 12, 17, 45, tzinfo=NEW_YORK), tick=False):
        cohort.start_time = datetime.time(17, 0)  # tonight's 17:30 would become 17:00, begun already
        cohort.save()
        result = schedule.generate(cohort, MON, THU)
    starts = {s.local_date: s.local_start.time() for s in Session.objects.filter(cohort=cohort)}
    assert starts[MON] == datetime.time(17, 30) and starts[TUE] == datetime.time(17, 0)
    assert result.retimed == 3


def test_withdrawing_the_reminders_of_many_evenings_is_one_plain_update(db):
    from groups.notices import withdraw_evening_reminders

    factories.OutboxMessageFactory(idempotency_key="group_tonight:7:1:1730")
    factories.OutboxMessageFactory(idempotency_key="group_tonight:71:1:1730")
    assert withdraw_evening_reminders(list(range(1, 2000, 3))) == 1  # 7 is among them, 71 is not


@pytest.mark.usefixtures("monday_before")
def test_a_day_added_to_the_pattern_gets_no_regular_evening_beside_one_moved_there(cohort):
    schedule.generate(cohort, MON, THU)
    tuesday = scheduled_on(cohort, TUE)[0]
    friday = datetime.datetime(2026, 1, 16, 17, 30, tzinfo=NEW_YORK)
    changes.reschedule(tuesday, friday, factories.ProgramAdminFactory())
    cohort.weekdays = [0, 1, 2, 3, 4]
    cohort.start_time = datetime.time(18, 0)
    cohort.save()

    schedule.generate(cohort, MON, FRI)

    on_friday = [(s.kind, s.local_start.time()) for s in scheduled_on(cohort, FRI)]
    assert on_friday == [("rescheduled", datetime.time(17, 30))]


@pytest.mark.django_db
def test_local_days_are_each_evenings_clinic_day_as_local_date_gives_it():
    """Late evenings fall on the next UTC day; their clinic day is the day they start
    in the clinic's zone, across a clock change too."""
    cohort = factories.CohortFactory()
    starts = [
        timezone.make_aware(datetime.datetime(2026, 11, 1, 1, 30)),  # the night the clocks go back
        timezone.make_aware(datetime.datetime(2026, 12, 7, 23, 30)),  # 04:30 UTC the next day
        timezone.make_aware(datetime.datetime(2026, 12, 8, 17, 30)),
    ]
    evenings = [
        factories.SessionFactory(cohort=cohort, starts_at=start, ends_at=start + datetime.timedelta(hours=3))
        for start in starts
    ]
    assert local_days(evenings) == {evening.pk: evening.local_date for evening in evenings}
    assert list(local_days(evenings).values()) == [start.date() for start in starts]
