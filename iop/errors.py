"""Friendly error pages that reveal nothing about what exists."""

from django.shortcuts import render
from django.utils.functional import Promise


def permission_denied(request, exception=None):
    # The reason the app itself gave, such as "Emergency access is read-only", else none.
    reason = exception.args[0] if exception is not None and exception.args else ""
    return render(request, "403.html", {"reason": reason if isinstance(reason, str | Promise) else ""}, status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors that touch the database: the database may be why we are here.
    from django.http import HttpResponseServerError
    from django.template import loader

    return HttpResponseServerError(loader.get_template("500.html").render())
