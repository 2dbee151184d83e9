"""The project's URLs plus two reference pages the benchmark compares every page to."""

from django.urls import path

from iop.urls import handler403, handler404, handler500  # noqa: F401
from iop.urls import urlpatterns as project_urlpatterns

from . import views

urlpatterns = [
    path("bench/bare/", views.bare, name="bench_bare"),
    path("bench/minimal/", views.minimal, name="bench_minimal"),
    path("bench/layout/", views.layout, name="bench_layout"),
    *project_urlpatterns,
]
