"""Admission to a cohort, transfer between cohorts and discharge, and who is
expected at an evening. ``Client.cohort`` (the current cohort, which decides who
may see the client) is only ever changed here, in step with the open enrollment."""

import datetime
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from iop import audit
from iop.models import Client
from iop.prepared import Param, ParamList, Prepared

from .models import Attendance, Enrollment, local_days, local_midnight


def current_enrollment(client):
    return Enrollment.objects.filter(client=client, ended_on__isnull=True).select_related("cohort").first()


@transaction.atomic
def admit(client, cohort, on, by):
    """Start an episode: the client joins ``cohort`` from ``on``."""
    client = Client.objects.select_for_update().get(pk=client.pk)
    if current_enrollment(client):
        raise ValidationError(
            "%(client)s is already in a cohort; transfer or discharge instead.", params={"client": client}
        )
    last = Enrollment.objects.filter(client=client).order_by("-ended_on").first()
    if last and on <= last.ended_on:
        raise ValidationError(
            "Admission must be after the last enrollment ended (%(day)s).", params={"day": last.ended_on}
        )
    enrollment = Enrollment.objects.create(client=client, cohort=cohort, started_on=on, created_by=by)
    client.status = Client.Status.ADMITTED
    client.admitted_on = on
    client.discharged_on = None
    _sync(client, cohort)
    audit.record("admit", enrollment, client=client, actor=by, cohort=cohort.name, on=str(on))
    return enrollment


@transaction.atomic
def transfer(client, cohort, on, by):
    """Move the client to ``cohort`` from ``on``; the old enrollment ends the day
    before, and what was marked ahead for its later evenings is cleared."""
    client = Client.objects.select_for_update().get(pk=client.pk)
    old = current_enrollment(client)
    if old is None:
        raise ValidationError("%(client)s is not in a cohort; admit them first.", params={"client": client})
    if old.cohort_id == cohort.pk:
        raise ValidationError("%(client)s is already in %(cohort)s.", params={"client": client, "cohort": cohort})
    if on <= old.started_on:
        raise ValidationError(
            "A transfer must start after %(day)s, when the current cohort began.", params={"day": old.started_on}
        )
    _end(old, on - datetime.timedelta(days=1), Enrollment.EndReason.TRANSFER)
    _clear_marked_ahead(client, on)
    enrollment = Enrollment.objects.create(client=client, cohort=cohort, started_on=on, created_by=by)
    _sync(client, cohort)
    audit.record("transfer", enrollment, client=client, actor=by, from_cohort=old.cohort.name, on=str(on))
    return enrollment


@transaction.atomic
def discharge(client, on, by):
    """End the episode on ``on`` (the last day in group). Later evenings no longer
    expect the client, and anything marked ahead for them is cleared. The chart stays
    with the client's lead clinician; with none named, the cohort's lead becomes it
    (without a cohort no clinician would reach the chart to write the discharge)."""
    client = Client.objects.select_for_update().get(pk=client.pk)
    old = current_enrollment(client)
    if old is None:
        raise ValidationError("%(client)s is not in a cohort.", params={"client": client})
    if on < old.started_on:
        raise ValidationError(
            "Discharge cannot be before %(day)s, when the current cohort began.", params={"day": old.started_on}
        )
    _end(old, on, Enrollment.EndReason.DISCHARGE)
    _clear_marked_ahead(client, on + datetime.timedelta(days=1))
    client.status = Client.Status.DISCHARGED
    client.discharged_on = on
    if client.lead_clinician_id is None:
        client.lead_clinician_id = old.cohort.lead_clinician_id
        client.save(update_fields=["lead_clinician"])
    _sync(client, None)
    audit.record("discharge", old, client=client, actor=by, on=str(on))
    return old


def sync_client_cohort(client):
    """Set ``Client.cohort`` from the open enrollment (used by the demo and repairs)."""
    open_enrollment = current_enrollment(client)
    _sync(client, open_enrollment.cohort if open_enrollment else None)


def _clear_marked_ahead(client, first_day):
    """Attendance marked ahead (an absence excused in advance) for evenings from
    ``first_day`` on that are still to come, which no longer expect the client:
    their rows would count against a cohort the client has left. Marks of evenings
    already under way or past stay, dated back or not: they record what happened."""
    Attendance.objects.filter(
        client=client,
        session__starts_at__gte=max(local_midnight(first_day), timezone.now()),
        session__charted_at__isnull=True,
    ).delete()


def _end(enrollment, on, reason):
    enrollment.ended_on = on
    enrollment.end_reason = reason
    enrollment.save(update_fields=["ended_on", "end_reason"])


def _sync(client, cohort):
    client.cohort = cohort
    client.save(update_fields=["cohort", "status", "admitted_on", "discharged_on"])


# --- Who is expected at an evening ------------------------------------------------


def enrolled_on(cohort, day):
    """Enrollments of ``cohort`` that cover the clinic-local ``day``."""
    return Enrollment.objects.filter(cohort=cohort, started_on__lte=day).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=day)
    )


def roster(session):
    """The clients expected at ``session``, by name."""
    ids = enrolled_on(session.cohort, session.local_date).values("client")
    return Client.objects.filter(pk__in=ids).order_by("legal_last_name", "legal_first_name")


def rosters(sessions, *, with_clients=False):
    """{session pk: [enrollment, ...]} for many sessions in one query."""
    sessions = list(sessions)
    if not sessions:
        return {}
    days = local_days(sessions)
    first, last = min(days.values()), max(days.values())
    enrollments = Enrollment.objects.filter(cohort__in={s.cohort_id for s in sessions}, started_on__lte=last).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=first)
    )
    if with_clients:
        enrollments = enrollments.select_related("client")
    by_cohort = defaultdict(list)
    for enrollment in enrollments:
        by_cohort[enrollment.cohort_id].append(enrollment)
    return {s.pk: [e for e in by_cohort[s.cohort_id] if e.covers(days[s.pk])] for s in sessions}


#: The enrollments of some cohorts (``cohorts``: their keys) covering a day from
#: ``first`` to ``last``: their cohort and days only.
_SPANS = Prepared(
    lambda: (
        Enrollment.objects.filter(cohort_id__in=ParamList("cohorts"), started_on__lte=Param("last"))
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=Param("first")))
        .order_by()  # counted, not listed: no join to the clients for their names
        .values_list("cohort_id", "started_on", "ended_on")
    )
)


def expected_counts(sessions):
    """{session pk: number of clients expected} for many sessions in one query, reading
    only the enrollments' cohorts and days."""
    sessions = list(sessions)
    if not sessions:
        return {}
    days = local_days(sessions)
    cohorts = {s.pk: s.cohort_id for s in sessions}
    spans = defaultdict(list)
    rows = _SPANS.run(cohorts=sorted(set(cohorts.values())), first=min(days.values()), last=max(days.values()))
    for cohort_id, started_on, ended_on in rows:
        spans[cohort_id].append((started_on, ended_on))
    counts = {}
    for pk, day in days.items():
        cohort_spans = spans[cohorts[pk]]
        counts[pk] = sum(1 for start, end in cohort_spans if start <= day and (end is None or day <= end))
    return counts
