"""What the portal shows of the clinical side: the one place it asks, so a page
never reaches into notes. Family appointments are booked in families/; reports
answer "nothing" until that part exists on this branch."""

from . import appointments


def upcoming_family_sessions(client, member):
    """Family sessions and check-ins booked for ``client`` that ``member`` is
    invited to: date, time, mode and clinician, never their notes."""
    return appointments.for_family(client, member)


def family_reports(client):
    """Progress reports a clinician marked family-facing for ``client``."""
    return []
