"""Links: for pages that list many objects of one route, and for messages sent out."""

import datetime

from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _l

_MARKER = 987654321


def url_for_each(name, *leading):
    """A function ``pk -> URL`` of the route ``name`` (an integer argument, after the
    ``leading`` ones all the URLs share), reversing the route once: a page of 80 cards
    pays one reverse, not 80 ``{% url %}`` tags."""
    head, tail = reverse(name, args=[*leading, _MARKER]).split(str(_MARKER))
    return lambda pk: f"{head}{pk}{tail}"


def site_url(request):
    """The site's own address as this request reached it, for links in emails."""
    return request.build_absolute_uri("/")


def is_local_path(request, url):
    """Whether ``url`` is a path of this site (not another site, nor a word
    ``redirect`` would take for a route name): where a redirect may go back to."""
    return url.startswith("/") and url_has_allowed_host_and_scheme(
        url, {request.get_host()}, require_https=request.is_secure()
    )


def back_to_next(request, fallback):
    """A redirect to the form's ``next`` if it is a path of this site, else to ``fallback``."""
    next_url = request.POST.get("next", "")
    return redirect(next_url if is_local_path(request, next_url) else reverse(fallback))


#: Sent by the staff idle time-out's script when it saves a draft being written just
#: before it ends the session (static/js/app.js).
DRAFT_SAVE_HEADER = "X-Draft-Save"


def draft_saved(request, to, pk, resume=None):
    """The answer to a draft saved: a redirect to the route ``to`` of ``pk``, or, when
    the idle time-out's script saved it on its way to signing out, "204 No Content"
    with the page to go on writing it (the route ``resume``, else ``to``) in
    ``X-Draft-Location``: the script signs out and the sign-in page leads back there.
    Following a redirect would have recorded a view of a page nobody saw."""
    if request.headers.get(DRAFT_SAVE_HEADER):
        return HttpResponse(status=204, headers={"X-Draft-Location": reverse(resume or to, args=[pk])})
    return redirect(to, pk)


#: A form sent twice (Back, then the same button again) within this long is the same
#: record, not a second one; the page says so.
ALREADY_SAVED = _l("This was already saved a moment ago: here it is.")
RESUBMITTED_WITHIN_MINUTES = 30


def recent_twin(queryset, by_field, user, **same):
    """The record ``user`` (in ``by_field``) saved with exactly these ``same`` values in
    the last RESUBMITTED_WITHIN_MINUTES, if any: a form sent again goes to it."""
    since = timezone.now() - datetime.timedelta(minutes=RESUBMITTED_WITHIN_MINUTES)
    return queryset.filter(**{by_field: user, "created_at__gte": since}, **same).order_by("-pk").first()
