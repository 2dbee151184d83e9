"""Links: for pages that list many objects of one route, and for messages sent out."""

from django.urls import reverse

_MARKER = 987654321


def url_for_each(name):
    """A function ``pk -> URL`` of the route ``name`` (one integer argument), reversing
    the route once: a page of 80 cards pays one reverse, not 80 ``{% url %}`` tags."""
    head, tail = reverse(name, args=[_MARKER]).split(str(_MARKER))
    return lambda pk: f"{head}{pk}{tail}"


def site_url(request):
    """The site's own address as this request reached it, for links in emails."""
    return request.build_absolute_uri("/")
