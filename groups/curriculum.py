"""Which skill each cohort works on each week: a rotation through the program's
curriculum, starting from the cohort's first week, unless a clinician chose another."""

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from iop import audit

from .models import CohortWeek, SkillModule
from .recurrence import week_start


def rotation_skill(cohort, monday, modules):
    """The module the rotation gives ``cohort`` in the week of ``monday``."""
    if not modules:
        return None
    weeks_in = (monday - week_start(cohort.active_from)).days // 7
    return modules[weeks_in % len(modules)]


def ensure_weeks(cohort, mondays):
    """Give each of the weeks a skill by rotation, leaving chosen ones alone.
    Returns {monday: CohortWeek}."""
    return ensure_weeks_for([cohort], mondays)[cohort.pk]


def ensure_weeks_for(cohorts, mondays):
    """``ensure_weeks`` for several cohorts, in a fixed number of queries whatever the
    number of cohorts and weeks. Returns {cohort pk: {monday: CohortWeek}}."""
    mondays = list(dict.fromkeys(mondays))
    weeks = {cohort.pk: {} for cohort in cohorts}
    for week in CohortWeek.objects.filter(cohort__in=cohorts, week_of__in=mondays).select_related("skill"):
        weeks[week.cohort_id][week.week_of] = week
    missing = [(cohort, monday) for cohort in cohorts for monday in mondays if monday not in weeks[cohort.pk]]
    modules = list(SkillModule.objects.all()) if missing else []
    if modules:
        # ignore_conflicts: a week another request filled meanwhile keeps its skill.
        CohortWeek.objects.bulk_create(
            [CohortWeek(cohort=c, week_of=m, skill=rotation_skill(c, m, modules)) for c, m in missing],
            ignore_conflicts=True,
        )
        added = CohortWeek.objects.filter(cohort__in={c for c, _ in missing}, week_of__in={m for _, m in missing})
        for week in added.select_related("skill"):
            weeks[week.cohort_id].setdefault(week.week_of, week)
    return weeks


def choose_skill(cohort_week, skill, by):
    """A clinician's override of the rotation for one cohort-week."""
    cohort_week.skill = skill
    cohort_week.overridden_by = by
    cohort_week.overridden_at = timezone.now()
    cohort_week.save(update_fields=["skill", "overridden_by", "overridden_at"])
    audit.record("choose_skill", cohort_week, actor=by, skill=skill.title)
    return cohort_week


def skills_by_week(cohorts, mondays):
    """{(cohort pk, monday): SkillModule} for already-assigned weeks, in one query."""
    rows = CohortWeek.objects.filter(cohort__in=cohorts, week_of__in=mondays).select_related("skill")
    return {(row.cohort_id, row.week_of): row.skill for row in rows}


def skill_title_of_week(monday):
    """For annotating evenings: the title of the skill their cohort works on in the week
    of ``monday`` (None if the week has none yet), read in the evenings' own query."""
    # One row at most (one skill per cohort and week): unordered, so the subquery
    # does not join the cohort only to sort by the model's default ordering.
    week = CohortWeek.objects.filter(cohort_id=OuterRef("cohort_id"), week_of=monday).order_by()
    return Subquery(week.values("skill__title")[:1])
