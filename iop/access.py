"""Who may open which page. Object-level visibility lives in each model's
``visible_to(user)`` queryset; this module holds the role gates views wear.

Families get 404 for anything that is not theirs (no hint it exists); staff of
the wrong role get 403; anonymous visitors go to the login page.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django_htmx.http import HttpResponseClientRedirect

from .links import is_local_path
from .models import Role

STAFF_ROLES = (Role.CLINICIAN, Role.PROGRAM_ADMIN)


def has_role(user, *roles):
    if not user.is_authenticated or not user.is_active:
        return False
    return user.role in roles or (user.is_superuser and "superuser" in roles)


def to_login(request):
    """The login page, coming back here afterwards. A piece of a page that htmx
    fetches (a timeline row opened, a report's status) after the session has ended
    takes the whole page there, and back to that page after signing in, instead of
    drawing the login form inside the piece."""
    htmx = getattr(request, "htmx", None)
    if htmx:
        # The browser says which page it is on: a path of this site only, or this request's.
        page = htmx.current_url_abs_path or ""
        if not is_local_path(request, page):
            page = request.get_full_path()
        return HttpResponseClientRedirect(redirect_to_login(page).url)
    return redirect_to_login(request.get_full_path())


def role_required(*roles):
    """Let in users with one of ``roles`` (``"superuser"`` may be listed too)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return to_login(request)
            if not has_role(user, *roles):
                if user.is_family:
                    raise Http404
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


#: Who each kind of page lets in (the main menu shows its links to the same people).
CLINICIAN_PAGES = (Role.CLINICIAN, "superuser")
ADMIN_PAGES = (Role.PROGRAM_ADMIN, "superuser")
STAFF_PAGES = (Role.CLINICIAN, Role.PROGRAM_ADMIN, "superuser")
FAMILY_PAGES = (Role.FAMILY,)

clinician_required = role_required(*CLINICIAN_PAGES)
admin_required = role_required(*ADMIN_PAGES)
staff_required = role_required(*STAFF_PAGES)
family_required = role_required(*FAMILY_PAGES)


def reviews_audit(user):
    """Program admins and privacy officers review the audit trail (superusers too).
    The privacy-officer flag counts for staff only (a clinician may hold it)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.is_program_admin or (user.is_privacy_officer and user.is_clinician)


def audit_reviewer_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return to_login(request)
        if not reviews_audit(user):
            if user.is_family:
                raise Http404
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def is_lead_clinician_of(user, client):
    cohort_lead = client.cohort.lead_clinician_id if client.cohort_id else None
    return user.is_clinician and user.pk in (client.lead_clinician_id, cohort_lead)
