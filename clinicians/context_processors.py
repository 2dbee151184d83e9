"""Every staff page shows the unhandled safety alerts its viewer may act on."""

from clinicians.models import SafetyAlert


def safety_alerts(request):
    """A lazy queryset: one query, and only when a page's layout renders the banner."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not (user.is_clinician or user.is_superuser):
        return {}
    alerts = SafetyAlert.objects.visible_to(user).unhandled().select_related("client").order_by("created_at")
    return {"unhandled_safety_alerts": alerts}
