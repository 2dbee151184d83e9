"""Demo measures: a weekly PHQ-A for every admitted (and the discharged) demo
client since admission, on believable trajectories, a GAD-7 for the anxious
ones, one open safety alert in the Teens group, and one closed last week whose
safety plan update is still owed. The charts (plans, notes,
safety plan, medications, discharge) come from demo_chart.py; the group
evenings' notes from demo_group.py; progress reports from demo_reports.py."""

import datetime

from django.utils import timezone

from iop.demo import CLIENTS

from . import demo_chart, demo_group, demo_reports
from .instruments import INSTRUMENTS
from .models import Administration
from .models.measures import Mode
from .progress import default_instrument

# Weekly PHQ totals from the first week on; the last value repeats once the
# list runs out. Most improve, a few stay flat, one gets worse.
TRAJECTORIES = {
    "T-1001": [17, 16, 14, 12, 11, 9],
    "T-1002": [21, 19, 18, 15, 13, 12, 10, 8, 7, 6],  # overdue: last week's was missed
    "T-1003": [13, 13, 12, 13],  # flat
    "T-1004": [16, 14, 13, 11, 10, 9, 8, 7],
    "T-1005": [19, 18, 16],  # the open safety alert, on the latest
    "T-1006": [15, 13, 11, 9, 8, 6, 5, 4, 4, 3, 3],  # remission
    "T-1007": [12, 12, 11, 12, 12, 11, 12],  # flat
    "T-1008": [20, 18, 16, 13, 11, 9, 7, 6, 5, 4, 4],  # discharged in remission
    "W-2001": [14, 12, 11, 9, 8],
    "W-2002": [11, 10, 9, 8, 8, 7],
    "W-2003": [18, 17, 15, 13, 12, 10, 9, 8, 7],
    "W-2004": [9, 10, 9, 9],  # flat
    "W-2005": [8, 9, 11, 12, 14, 15, 16],  # deteriorating
    "W-2006": [12, 11],
    "W-2007": [22, 20, 19, 16, 14, 12, 10, 9, 8, 7, 6],
}
MISSED_LAST_WEEK = {"T-1002"}
ALERT_CLIENT = "T-1005"
# Last week's questionnaire raised an alert that the clinician covering on call
# closed that evening without the chart: the safety plan update is the team's,
# and the lead clinician's home page lists it as owed.
OWED_PLAN_CLIENT = "T-1004"
COVERING_ON_CALL = "tweens.lead@demo.clinic"
GAD7_CLIENTS = {"T-1003": [14, 13, 13, 12], "W-2004": [15, 14, 12, 11], "T-1007": [11, 10, 10, 9, 9, 8, 8]}

# Monday evening, at the start of group.
ADMINISTERED_AT = datetime.time(17, 40)


def spread(total, item_count, *, max_value=3, keep_last=None):
    """Item answers adding up to ``total``, spread evenly over the items; the last
    item (PHQ item 9) stays 0 unless ``keep_last`` is given."""
    values = [0] * item_count
    slots = item_count if keep_last is None else item_count - 1
    if keep_last is not None:
        values[-1] = keep_last
        total -= keep_last
    for i in range(total):
        index = (i * 5) % slots
        while values[index] >= max_value:
            index = (index + 1) % slots
        values[index] += 1
    return values


def phq_answers(kind, total, *, item_9=0):
    instrument = INSTRUMENTS[kind]
    values = spread(total, len(instrument.items), keep_last=item_9)
    answers = {item.key: value for item, value in zip(instrument.items, values, strict=True)}
    answers[instrument.difficulty.key] = min(3, total // 7)
    for question in instrument.yes_no_questions:
        answers[question.key] = not question.asks_about_suicide and total >= 10
    return answers


def weekly_dates(client, today, count):
    tz = timezone.get_current_timezone()
    end = client.discharged_on or today
    now = timezone.localtime()
    dates = []
    for week in range(count):
        day = client.admitted_on + datetime.timedelta(weeks=week)
        moment = datetime.datetime.combine(day, ADMINISTERED_AT, tzinfo=tz)
        if day > end or moment > now:
            break
        dates.append(moment)
    return dates


def seed(today, log):
    from iop.models import Client

    created = 0
    clients = Client.objects.filter(chart_number__in=[c[0] for c in CLIENTS], admitted_on__isnull=False)
    for client in clients.select_related("lead_clinician"):
        totals = TRAJECTORIES.get(client.chart_number, [])
        weeks = (min(client.discharged_on or today, today) - client.admitted_on).days // 7 + 1
        dates = weekly_dates(client, today, weeks)
        if client.chart_number in MISSED_LAST_WEEK:
            dates = dates[:-1]
        kind = default_instrument(client, client.admitted_on)
        for week, moment in enumerate(dates):
            total = totals[min(week, len(totals) - 1)]
            alert_here = client.chart_number == ALERT_CLIENT and week == len(dates) - 1
            alert_here |= client.chart_number == OWED_PLAN_CLIENT and week == len(dates) - 2
            answers = phq_answers(kind, total, item_9=1 if alert_here else 0)
            created += _record_once(client, kind, moment, answers)
        for week, total in enumerate(GAD7_CLIENTS.get(client.chart_number, [])[: len(dates)]):
            gad = INSTRUMENTS["gad7"]
            answers = dict(zip((i.key for i in gad.items), spread(total, 7), strict=True))
            created += _record_once(client, "gad7", dates[week] + datetime.timedelta(minutes=5), answers)
    log(f"{created} questionnaires added ({Administration.objects.count()} in all)")
    close_last_weeks_alert()
    demo_chart.seed(today, log)
    demo_group.seed(today, log)
    demo_reports.seed(today, log)


def close_last_weeks_alert():
    """The alert of last week, raised when its answers were entered and closed 40
    minutes later by the clinician covering on call (its messages went out then)."""
    from iop.models import OutboxMessage, User

    from .models import RiskAssessment, SafetyAlert

    alert = (
        SafetyAlert.objects.filter(client__chart_number=OWED_PLAN_CLIENT)
        .select_related("administration", "client")
        .first()
    )
    if alert is None or alert.is_handled:
        return
    raised = alert.administration.administered_at
    SafetyAlert.objects.filter(pk=alert.pk).update(created_at=raised)
    alert.created_at = raised
    closed = raised + datetime.timedelta(minutes=40)
    alert.close_with(
        RiskAssessment(
            cssrs_screen=RiskAssessment.ScreenResult.LOW,
            disposition=RiskAssessment.Disposition.HOME_WITH_PLAN,
            safety_plan=RiskAssessment.SafetyPlan.REVIEWED,
            family_contacted=True,
            notes=f"Covering on call. Spoke with {alert.client.preferred_name or alert.client.legal_first_name} "
            "and their mother by phone: passive thoughts this week, no plan, no intent; went through the "
            "safety plan's steps together. The team updates the written plan with them at the next group.",
            assessed_by=User.objects.get(email=COVERING_ON_CALL),
            assessed_at=closed,
        )
    )
    SafetyAlert.objects.filter(pk=alert.pk).update(closed_at=closed)
    OutboxMessage.objects.filter(idempotency_key__startswith=f"safety_alert:{alert.pk}:").update(
        created_at=raised, due_at=raised, status=OutboxMessage.Status.SENT, sent_at=raised, attempts=1
    )


def _record_once(client, kind, moment, answers):
    """Idempotent: an administration is keyed by client, instrument and time."""
    if Administration.objects.filter(client=client, instrument=kind, administered_at=moment).exists():
        return 0
    Administration.record(
        client=client,
        instrument=kind,
        answers=answers,
        mode=Mode.CLINICIAN,
        entered_by=client.lead_clinician,
        administered_at=moment,
    )
    return 1
