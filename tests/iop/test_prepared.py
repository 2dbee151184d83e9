"""Prepared queries: built once per shape, run with values, and giving exactly the
rows the queryset gives, through the same visibility rules."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import Count, Prefetch
from django.utils import timezone

from groups.models import Session
from iop import grants
from iop.models import Client, ClientAccessGrant
from iop.prepared import Param, ParamList, Prepared, Reader
from tests import factories

ROLES = ("clinician_1", "clinician_2", "admin", "superuser", "family_a", "family_b")


def _visible(reader):
    return Client.objects.visible_to(reader).order_by("pk")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_each_role_reads_what_its_queryset_reads(clinic, role):
    user = clinic.role(role)
    prepared = Prepared(_visible)
    assert prepared.run(user) == list(Client.objects.visible_to(user).order_by("pk"))


@pytest.mark.django_db
def test_one_compiled_query_serves_every_reader_of_a_role(clinic):
    """Built once for clinicians, once for families: the values, not the query, tell
    clinician 1 from clinician 2."""
    built = []

    def build(reader):
        built.append(reader)
        return _visible(reader)

    prepared = Prepared(build)
    assert prepared.run(clinic.clinician_1) == [clinic.client_a]
    assert prepared.run(clinic.clinician_2) == [clinic.client_b]
    assert prepared.run(clinic.family_a) == [clinic.client_a]
    assert prepared.run(clinic.family_b) == [clinic.client_b]
    assert prepared.run(AnonymousUser()) == []
    assert [r.is_clinician for r in built] == [True, False, False]
    assert built[0] == Reader.of(clinic.clinician_2)


@pytest.mark.django_db
def test_time_limited_access_is_judged_at_each_run(clinic):
    """A grant's window is compared with the time of the run, not of the build."""
    now = timezone.now()
    grants.open_grant(
        clinic.client_b,
        clinic.clinician_1,
        clinic.admin,
        ClientAccessGrant.Kind.GRANTED,
        "Covering the Tweens group this week.",
        now - datetime.timedelta(hours=1),
        now + datetime.timedelta(hours=1),
    )
    prepared = Prepared(_visible)
    assert prepared.run(clinic.clinician_1) == [clinic.client_a, clinic.client_b]
    later = now + datetime.timedelta(hours=2)
    assert prepared.run(clinic.clinician_1, reader_now=later) == [clinic.client_a]
    assert list(Client.objects.visible_to(clinic.clinician_1)) == [clinic.client_a, clinic.client_b]


@pytest.mark.django_db
def test_dates_joins_annotations_and_prefetches_come_back_as_the_orm_gives_them(clinic):
    cohort = clinic.client_a.cohort
    start = timezone.now().replace(microsecond=0)
    evenings = [factories.SessionFactory(cohort=cohort, starts_at=start + datetime.timedelta(days=d)) for d in range(4)]
    factories.AttendanceFactory(session=evenings[1], client=clinic.client_a)

    def build(reader):
        return (
            Session.objects.visible_to(reader)
            .filter(starts_at__gte=Param("start"), starts_at__lt=Param("end"))
            .select_related("cohort")
            .annotate(marks=Count("attendance"))
            .prefetch_related(Prefetch("attendance"))
            .order_by("starts_at")
        )

    prepared = Prepared(build)
    rows = prepared.run(clinic.clinician_1, start=start, end=start + datetime.timedelta(days=2))
    assert rows == evenings[:2]
    assert [s.marks for s in rows] == [0, 1]
    assert rows[0].cohort == cohort and "cohort" in rows[0]._state.fields_cache
    assert [list(s.attendance.all()) for s in rows] == [[], list(evenings[1].attendance.all())]
    assert prepared.run(clinic.clinician_2, start=start, end=start + datetime.timedelta(days=9)) == []


@pytest.mark.django_db
def test_values_rows_and_first(clinic):
    prepared = Prepared(lambda: Client.objects.filter(pk=Param("pk")).values("pk", "legal_first_name"))
    assert prepared.run(pk=clinic.client_a.pk) == [{"pk": clinic.client_a.pk, "legal_first_name": "Avery"}]
    assert prepared.first(pk=0) is None


@pytest.mark.django_db
def test_a_list_of_keys_is_one_value_of_any_length(clinic):
    """One compiled query for lists of any length, empty included; keys or rows."""
    prepared = Prepared(lambda reader: _visible(reader).filter(pk__in=ParamList("ids")).values_list("pk", flat=True))
    a, b = clinic.client_a, clinic.client_b
    assert prepared.run(clinic.admin, ids=[a.pk, b.pk]) == [a.pk, b.pk]
    assert prepared.run(clinic.admin, ids=[b]) == [b.pk]
    assert prepared.run(clinic.admin, ids=[]) == []
    # Still read through the reader's rules: another cohort's client is not among them.
    assert prepared.run(clinic.clinician_1, ids=[a.pk, b.pk]) == [a.pk]
    assert len(prepared._compiled) == 2
    # Keys only: a None would make NOT IN match nothing, a string would be its characters.
    for bad in ([a.pk, None], "12", [datetime.date(2026, 12, 7)], [True]):
        with pytest.raises(TypeError, match="'ids'"):
            prepared.run(clinic.admin, ids=bad)


@pytest.mark.django_db
def test_a_missing_value_a_second_user_or_a_naive_time_is_refused(clinic):
    with pytest.raises(TypeError, match="'pk'"):
        Prepared(lambda: Client.objects.filter(pk=Param("pk"))).run()
    with pytest.raises(TypeError, match="'user'"):
        Prepared(_visible).run(clinic.clinician_1, user=clinic.clinician_2.pk)
    naive = datetime.datetime(2026, 12, 1, 18, 0)
    with pytest.raises(ValueError, match="naive"):
        Prepared(lambda: Session.objects.filter(starts_at__gte=Param("start"))).run(start=naive)


@pytest.mark.django_db(transaction=True)
def test_a_query_built_once_serves_threads_that_ask_at_the_same_time(clinic):
    """Requests on several threads (the development server) share one build."""
    import threading

    built = []
    barrier = threading.Barrier(4)

    def build(reader):
        built.append(reader)
        return _visible(reader).select_related("cohort", "lead_clinician")

    prepared = Prepared(build)
    results = []

    def read():
        barrier.wait()
        try:
            results.append([c.pk for c in prepared.run(clinic.clinician_1)])
        finally:
            connection.close()  # each thread's own

    threads = [threading.Thread(target=read) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(built) == 1
    assert results == [[clinic.client_a.pk]] * 4
