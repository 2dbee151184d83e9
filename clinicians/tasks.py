"""Background work on the clinical record; each task calls a tested function."""

from celery import shared_task


@shared_task
def escalate_safety_alerts():
    """Beat runs this every minute: alerts nobody acknowledged in time go to the
    on-call clinician and the director (see SafetyAlertQuerySet.escalate_overdue)."""
    from clinicians.models import SafetyAlert

    return len(SafetyAlert.objects.escalate_overdue())


@shared_task(bind=True, acks_late=True, max_retries=None, soft_time_limit=120, time_limit=180)
def render_report(self, report_id):
    """Render one progress report (clinicians/reports.py); a failure retries
    itself with backoff, counted on the report."""
    from clinicians import reports

    outcome = reports.render(report_id)
    if outcome.retry_in is not None:
        raise self.retry(countdown=outcome.retry_in)
    return outcome.status


@shared_task
def sweep_reports():
    """Every minute: enqueue reports left queued (broker down) or interrupted."""
    from clinicians import reports

    due = reports.sweep()
    for report_id in due:
        render_report.delay(report_id)
    return len(due)


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
