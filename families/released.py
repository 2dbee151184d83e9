"""Clinical things released to a family, owned by the clinical record
(clinicians/). Until those parts exist on this branch these answer "nothing";
they are the one place the portal asks, so connecting them changes no page."""


def upcoming_family_sessions(client):
    """Family sessions and check-ins booked for ``client`` (date, time, mode),
    never their notes. Connect to the clinical chart's appointments here."""
    return []


def family_reports(client):
    """Progress reports a clinician marked family-facing for ``client``."""
    return []
