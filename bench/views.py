"""Reference pages for the benchmark: the least a response and the least an
authenticated page of this app can cost, through the same middleware."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from groups.models import Session

MINIMAL_ROWS = 50


def bare(request):
    return HttpResponse(b"ok", content_type="text/plain")


@login_required
def minimal(request):
    """50 rows from one query (no related objects), in a small standalone template."""
    rows = Session.objects.order_by("-starts_at").values("pk", "starts_at", "room", "status")[:MINIMAL_ROWS]
    return render(request, "bench/minimal.html", {"rows": rows})


@login_required
def layout(request):
    """The same 50 rows inside the app's base layout (navigation, safety-alert banner,
    idle warning): what any page of the app costs its role before its own content."""
    rows = Session.objects.order_by("-starts_at").values("pk", "starts_at", "room", "status")[:MINIMAL_ROWS]
    return render(request, "bench/layout.html", {"rows": rows})
