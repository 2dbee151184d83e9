"""Who may open which part of the chart. Visibility comes from
``Client.objects.clinical_for(user)`` (and each model's ``visible_to``); this
module holds the gates that are about the person, not the client."""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404

from iop import emergency
from iop.access import clinician_required
from iop.models import Client, mark_opened
from iop.prepared import Param, Prepared

#: Every chart page's first query (``Client.objects.open_clinical``), prepared.
_CLINICAL_CLIENT = Prepared(
    lambda reader: (
        Client.objects.select_related("cohort", "lead_clinician")
        .annotate(emergency_until=emergency.open_until(reader))
        .clinical_for(reader)
        .filter(pk=Param("pk"))
    )
)


def clinical_client(user, pk):
    """The client whose clinical record ``user`` may read, or 404; with
    ``emergency_until`` (``iop.emergency.read_only_until`` tells what it means),
    marked as opened by ``user`` (``Client.objects.open_clinical``)."""
    client = _CLINICAL_CLIENT.first(user, pk=pk)
    if client is None:
        raise Http404
    return mark_opened(client, user)


def writable_client(user, pk):
    """``clinical_client`` for a page that writes to the record: refused, saying why,
    before its form is shown (not after it is typed) where ``user`` reads the client
    only by breaking the glass."""
    client = clinical_client(user, pk)
    if emergency.read_only_until(user, client):
        raise PermissionDenied(emergency.READ_ONLY)
    return client


def prescriber_required(view):
    """Medication management is for prescribers (psychiatrists, psychiatric NPs)."""

    @clinician_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_prescriber:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
