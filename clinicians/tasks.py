"""Periodic work on the clinical record; each task calls a tested model method."""

from celery import shared_task


@shared_task
def escalate_safety_alerts():
    """Beat runs this every minute: alerts nobody acknowledged in time go to the
    on-call clinician and the director (see SafetyAlertQuerySet.escalate_overdue)."""
    from clinicians.models import SafetyAlert

    return len(SafetyAlert.objects.escalate_overdue())


@shared_task
def send_check_in_links():
    """Beat, daily in the afternoon: questionnaire links to clients whose PHQ is due."""
    from clinicians import reminders

    return len(reminders.send_check_in_links())


@shared_task
def send_morning_digests():
    """Beat, daily in the morning: each clinician's counts of work waiting."""
    from clinicians import reminders

    return len(reminders.send_morning_digests())
