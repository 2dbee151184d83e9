"""Every staff page shows the unhandled safety alerts its viewer may act on."""

from django.utils.functional import SimpleLazyObject

from clinicians.models import SafetyAlert
from clinicians.models.alerts import any_unhandled


def safety_alerts(request):
    """Lazy: nothing runs unless a page's layout renders the banner. Then one short
    query asks whether any alert is open at all (most of the time none is), and only
    if one is, the viewer's own list is read through the reading rules."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not (user.is_clinician or user.is_superuser):
        return {}

    def open_alerts():
        if not any_unhandled():
            return []
        return list(SafetyAlert.objects.visible_to(user).unhandled().select_related("client").order_by("created_at"))

    return {"unhandled_safety_alerts": SimpleLazyObject(open_alerts)}
