from django.conf import settings


def clinic(request):
    """What every page's layout needs: the program name and the idle time-out for the warning."""
    from .models import Program

    user = request.user
    staff = user.is_authenticated and not user.is_family
    return {
        "program": Program.current() if user.is_authenticated else None,
        "idle_timeout_seconds": settings.STAFF_SESSION_SECONDS if staff else None,
        # django-htmx's {% htmx_script %} reads this name for the CSP nonce.
        "csp_nonce": getattr(request, "csp_nonce", ""),
        # What the team writes (skill summaries, notes) is in the clinic's language;
        # pages in another language mark it with lang= and say so to families.
        "team_language": settings.LANGUAGE_CODE,
    }
