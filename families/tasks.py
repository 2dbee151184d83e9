"""Beat's daily family reminders (times in settings.CELERY_BEAT_SCHEDULE, clinic
local). Each task calls a tested producer in families/reminders.py; running one
twice sends nothing twice (the outbox keys)."""

from celery import shared_task

from . import reminders


@shared_task
def remind_group_tonight():
    return len(reminders.group_tonight())


@shared_task
def remind_family_group_tomorrow():
    return len(reminders.family_group_tomorrow())


@shared_task
def remind_family_appointments_tomorrow():
    return len(reminders.family_appointments_tomorrow())
