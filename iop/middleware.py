"""Request-wide rules: the audit context, staff two-factor, staff idle time-out,
and no copy of a signed-in page kept by the browser."""

import ipaddress
import logging
import time

from auditlog.context import auditlog_value
from auditlog.middleware import AuditlogMiddleware
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template import loader
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation import gettext as _

from .audit import AuditUnavailable

logger = logging.getLogger(__name__)


class HealthCheckMiddleware:
    """Answers /healthz before host validation and the HTTPS redirect, so a
    container health check can ask over plain HTTP on 127.0.0.1."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/healthz":
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            return JsonResponse({"status": "ok"})
        return self.get_response(request)


def client_address(request):
    """The address of whoever sent ``request``: X-Forwarded-For is trusted only as far
    as the configured number of proxies put it there (a client can write anything to
    its left). Login lockouts (axes) and the audit trail both key on it."""
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",") if part.strip()]
    if proxies and len(forwarded) >= proxies:
        try:
            # Not an address (a proxy set up otherwise than said): the peer's address instead.
            return str(ipaddress.ip_address(forwarded[-proxies]))
        except ValueError:
            pass
    return request.META.get("REMOTE_ADDR")


class AuditContextMiddleware(AuditlogMiddleware):
    """auditlog's actor capture, plus the user agent, and an address that trusts
    X-Forwarded-For only behind the configured number of proxies."""

    @staticmethod
    def _get_remote_addr(request):
        return client_address(request)

    def get_extra_data(self, request):
        data = super().get_extra_data(request)
        data["user_agent"] = request.headers.get("User-Agent", "")[:300]
        return data

    def __call__(self, request):
        try:
            return super().__call__(request)
        finally:
            # auditlog leaves the request's actor in the context variable; clear it so
            # nothing recorded after this request (in this thread) inherits that actor.
            auditlog_value.set({})

    def process_exception(self, request, exception):
        """An audit entry that cannot be written stops the request with a clear page
        (503: try again), never a page shown without its entry."""
        if isinstance(exception, AuditUnavailable):
            logger.error("Audit trail unavailable; request refused: %s", exception)
            # No request context: the database may be what failed.
            return HttpResponse(loader.get_template("503_audit.html").render(), status=503)
        return None


class StaffTwoFactorMiddleware:
    """Where the setting requires it, staff must enrol TOTP before anything else."""

    ALLOWED_PREFIXES = ("/accounts/", "/static/", "/healthz")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            settings.IOP_REQUIRE_STAFF_MFA
            and user.is_authenticated
            and (user.is_clinician or user.is_program_admin or user.is_superuser)
            and not request.path.startswith(self.ALLOWED_PREFIXES)
            and not user.authenticator_set.exists()
        ):
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)


def is_poll(request):
    """A panel refreshing itself on a timer (a report's status while it renders),
    which says so with this header: not someone at work."""
    return request.headers.get("X-Poll") == "1"


#: A family member's session (SESSION_COOKIE_AGE, twelve hours) is moved forward at
#: most this often: every page of theirs would otherwise write the session row again,
#: to move an end twelve hours away by a few seconds. Staff sessions, fifteen idle
#: minutes long, move on every request.
FAMILY_SESSION_REFRESH_SECONDS = 5 * 60
REFRESHED_AT = "_refreshed_at"


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's, except that a poll does not move the session's end forward: a
    report left rendering on an unattended screen must not keep it signed in; and
    that a family member's session moves forward at most every few minutes."""

    def process_response(self, request, response):
        session = request.session
        if not session.modified and (is_poll(request) or not _family_session_due(request, session)):
            if session.accessed:
                patch_vary_headers(response, ("Cookie",))
            return response
        return super().process_response(request, response)


def _family_session_due(request, session):
    """False for a family member's session moved forward in the last few minutes;
    when it is due, it is stamped, so that the response saves it. True for anyone
    else's. A value changed in place without marking the session modified waits for
    the next refresh (nothing here does that: sessions are written by assignment)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_family:
        return True
    now = int(time.time())
    if now - session.get(REFRESHED_AT, 0) < FAMILY_SESSION_REFRESH_SECONDS:
        return False
    session[REFRESHED_AT] = now
    return True


class RoleSessionAgeMiddleware:
    """Staff sessions end after STAFF_SESSION_SECONDS idle; families keep the longer default."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not user.is_family and not is_poll(request):
            request.session.set_expiry(settings.STAFF_SESSION_SECONDS)
        return self.get_response(request)


class EndedAccountMiddleware:
    """A session whose account has since been deactivated (someone who left) ends
    with a word of explanation instead of a bare sign-in page. Django already
    refuses the inactive user; this only clears the session and says why."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.user.is_authenticated and SESSION_KEY in request.session:
            request.session.flush()
            messages.info(
                request,
                _("You are signed out: this account is no longer active. The program office can tell you more."),
            )
        return self.get_response(request)


class SignedInPagesNotStoredMiddleware:
    """Nothing shown to a signed-in person is kept in the browser's or a proxy's
    cache: on a clinic's shared computer, Back after signing out must not show a
    chart again. Responses that set their own caching (a calendar feed, a PDF) keep
    it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated and not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response
