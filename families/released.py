"""Clinical things released to a family, owned by the clinical record
(clinicians/). They are the one place the portal asks. Family sessions are not
connected yet and answer "nothing"."""


def upcoming_family_sessions(client):
    """Family sessions and check-ins booked for ``client`` (date, time, mode),
    never their notes. Connect to the clinical chart's appointments here."""
    return []


def family_reports(client):
    """Progress reports a clinician released to ``client``'s family (family
    variant, ready), newest first. The caller has already checked the link."""
    from clinicians.models import ProgressReport

    return list(
        ProgressReport.objects.released()
        .filter(client=client)
        .only("pk", "client_id", "period_start", "period_end", "released_at", "variant", "status")
    )
