"""What the portal shows of the clinical side: the one place it asks, so a page
never reaches into notes. Family appointments are booked in families/;
released progress reports come from the clinical record (clinicians/)."""

from . import appointments


def upcoming_family_sessions(client, member):
    """Family sessions and check-ins booked for ``client`` that ``member`` is
    invited to: date, time, mode and clinician, never their notes."""
    return appointments.for_family(client, member)


def family_reports(client):
    """Progress reports a clinician released to ``client``'s family (family
    variant, ready), newest first. The caller has already checked the link."""
    from clinicians.models import ProgressReport

    return list(
        ProgressReport.objects.released()
        .filter(client=client)
        .only("pk", "client_id", "period_start", "period_end", "released_at", "variant", "status")
    )
