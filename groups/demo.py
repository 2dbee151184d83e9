"""Demo cohorts: Tweens (11-13) and Teens (14-17), Monday to Thursday evenings."""

import datetime

from iop.demo import CLIENTS, COHORT_LEADS
from iop.models import Client, User

from .models import Cohort

COHORTS = [
    # slug, name, ages, room, co-facilitators
    ("tweens", "Tweens 11-13", (11, 13), "Room B (Willow)", ["cofacilitator@demo.clinic"]),
    ("teens", "Teens 14-17", (14, 17), "Room A (Cedar)", ["cofacilitator@demo.clinic"]),
]


def seed(today, log):
    for slug, name, (age_min, age_max), room, cofacilitators in COHORTS:
        cohort, _ = Cohort.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "age_min": age_min,
                "age_max": age_max,
                "room": room,
                "capacity": 10,
                "lead_clinician": User.objects.get(email=COHORT_LEADS[slug]),
                "active_from": today - datetime.timedelta(days=365),
            },
        )
        cohort.co_facilitators.set(User.objects.filter(email__in=cofacilitators))
    for chart, *_rest, cohort_slug, _weeks, _status in CLIENTS:
        Client.objects.filter(chart_number=chart).update(cohort=Cohort.objects.get(slug=cohort_slug))
    log(f"{len(COHORTS)} cohorts")
