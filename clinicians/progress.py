"""A client's progress on the PHQ series (PHQ-9 and PHQ-A) over the episode:
latest score, change from baseline, outcomes, trend and when the next is due.

Plain functions over administrations already loaded, so the measures page and
the caseload list both cost a fixed number of queries."""

import dataclasses
import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.utils import timezone

from clinicians.instruments import PHQA_AGE_MAX, PHQA_AGE_MIN
from clinicians.models import Administration, SafetyAlert
from clinicians.models.alerts import any_unhandled
from clinicians.models.measures import PHQ_KINDS, InstrumentKind, band_label
from clinicians.outcomes import Outcome, Trend, episode_outcome, trend

TREND_ARROWS = {"up": "↑", "down": "↓", "flat": "→"}
TREND_WORDS = {"up": "Higher (worse) than last time", "down": "Lower (better) than last time", "flat": "No change"}


@dataclass(frozen=True)
class Progress:
    # Administrations, or on the caseload the CaseloadScore rows read in their place.
    scored: tuple[Administration, ...]  # PHQ administrations of the episode with a total, oldest first
    latest_phq: Administration | None  # the latest PHQ administration, with or without a total
    outcome: Outcome | None
    trend: Trend
    due_on: datetime.date | None
    overdue: bool

    @property
    def baseline(self):
        return self.scored[0] if self.scored else None

    @property
    def latest(self):
        return self.scored[-1] if self.scored else None

    @property
    def trend_arrow(self):
        return TREND_ARROWS[self.trend]

    @property
    def trend_words(self):
        return TREND_WORDS[self.trend]

    @property
    def deteriorating(self):
        return bool(self.outcome and self.outcome.reliable_deterioration)

    @property
    def percent_change_rounded(self):
        if self.outcome is None or self.outcome.percent_change is None:
            return None
        return round(self.outcome.percent_change)


def default_instrument(client, day=None):
    """PHQ-A for 11-17 year olds, PHQ-9 otherwise."""
    age = client.age_on(day or timezone.localdate())
    return InstrumentKind.PHQA if PHQA_AGE_MIN <= age <= PHQA_AGE_MAX else InstrumentKind.PHQ9


def in_episode(client, administration):
    return client.admitted_on is None or timezone.localdate(administration.administered_at) >= client.admitted_on


def progress_for(client, administrations, due_days, today):
    """``administrations``: the client's administrations, any instrument, any order."""
    phq = sorted(
        (a for a in administrations if a.instrument in PHQ_KINDS and in_episode(client, a)),
        key=lambda a: (a.administered_at, a.pk),
    )
    scored = tuple(a for a in phq if a.total is not None)
    totals = [a.total for a in scored]
    latest_phq = phq[-1] if phq else None
    # A questionnaire with no total (too many blanks) measured nothing: the next one is
    # due from the last that gave a score.
    due_on, overdue = _due(client, scored[-1] if scored else None, due_days, today)
    return Progress(
        scored=scored,
        latest_phq=latest_phq,
        outcome=episode_outcome(totals),
        trend=trend(totals),
        due_on=due_on,
        overdue=overdue,
    )


def _due(client, last_scored, due_days, today):
    """Due ``due_days`` after the last scored PHQ (program setting, default weekly), or
    at admission when there is none yet; only admitted clients are ever overdue."""
    if client.status != client.Status.ADMITTED:
        return None, False
    if last_scored is not None:
        due_on = timezone.localdate(last_scored.administered_at) + datetime.timedelta(days=due_days)
    else:
        due_on = client.admitted_on or today
    return due_on, today > due_on


@dataclass(frozen=True, slots=True)
class CaseloadScore:
    """What the caseload reads of an administration (progress_for and the score
    badge): a plain row, without a model instance's cost, for every score of every
    client on the list."""

    pk: int
    client_id: int
    instrument: str
    administered_at: datetime.datetime
    total: int | None
    band: str
    prorated: bool

    @property
    def band_label(self):
        return band_label(self.instrument, self.band)


@dataclass(frozen=True)
class CaseloadRow:
    client: object
    progress: Progress
    unhandled_alert: SafetyAlert | None


def caseload(clients, due_days, today):
    """One row per client: two queries whatever the number of clients."""
    by_client = defaultdict(list)
    # Only what progress and the score badge read, as plain rows: a client's whole history is loaded.
    administrations = Administration.objects.filter(client__in=clients, instrument__in=PHQ_KINDS).values_list(
        *(field.name for field in dataclasses.fields(CaseloadScore))
    )
    for row in administrations:
        administration = CaseloadScore(*row)
        by_client[administration.client_id].append(administration)
    alerts = {}
    if any_unhandled():
        for alert in SafetyAlert.objects.filter(client__in=clients).unhandled().order_by("created_at"):
            alerts.setdefault(alert.client_id, alert)
    return [
        CaseloadRow(client, progress_for(client, by_client[client.pk], due_days, today), alerts.get(client.pk))
        for client in clients
    ]
