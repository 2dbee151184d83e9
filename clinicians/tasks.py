"""Periodic work on the clinical record; each task calls a tested model method."""

from celery import shared_task


@shared_task
def escalate_safety_alerts():
    """Beat runs this every minute: alerts nobody acknowledged in time go to the
    on-call clinician and the director (see SafetyAlertQuerySet.escalate_overdue)."""
    from clinicians.models import SafetyAlert

    return len(SafetyAlert.objects.escalate_overdue())
