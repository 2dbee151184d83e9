"""Typed text is escaped everywhere it is shown: a script tag stored in every
free-text column of every model never reaches a page as markup.

Built on the access matrix: every declared page is fetched by every role that
may open it, after the payload has been written into the database."""

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse

from .test_access_matrix import EXPECTATIONS, OK, ROLES

pytestmark = pytest.mark.django_db

PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>'
RAW_MARKERS = ("<script>alert(", "<img src=x onerror")
PROJECT_APPS = ("iop", "groups", "clinicians", "families")
# Columns that are not typed free text: identifiers, secrets, hashes and the audit chain.
SKIP_NAMES = ("token", "hash", "key", "password", "slug", "email", "phone", "language", "loinc", "path", "sha")
SKIP_MODELS = {"AuditEntry", "AuditChainHead"}


def free_text_fields(model):
    for field in model._meta.concrete_fields:
        if not isinstance(field, models.CharField | models.TextField) or isinstance(field, models.EmailField):
            continue
        if field.choices or field.unique or field.primary_key or any(part in field.name for part in SKIP_NAMES):
            continue
        if isinstance(field, models.CharField) and field.max_length and field.max_length < len(PAYLOAD):
            yield field.name, PAYLOAD[: field.max_length]
        else:
            yield field.name, PAYLOAD


def fill_every_text_column():
    filled = 0
    for label in PROJECT_APPS:
        for model in apps.get_app_config(label).get_models():
            if model.__name__ in SKIP_MODELS:
                continue
            values = dict(free_text_fields(model))
            if values and model._base_manager.exists():
                # The base manager bypasses the "signed records are locked" queryset on purpose.
                filled += model._base_manager.update(**values)
    return filled


@pytest.mark.parametrize("name", sorted(EXPECTATIONS))
def test_stored_markup_is_escaped_on_every_page(name, clinic, login):
    expectation = EXPECTATIONS[name]
    kwargs = expectation.kwargs(clinic) if expectation.kwargs else None
    url = reverse(name, kwargs=kwargs)
    assert fill_every_text_column() > 0
    for role in ROLES:
        if getattr(expectation, role) != OK:
            continue
        response = login(clinic.role(role)).get(url)
        if response.status_code != OK or not response.get("Content-Type", "").startswith("text/html"):
            continue
        page = response.content.decode()
        for marker in RAW_MARKERS:
            assert marker not in page, f"{name} as {role} shows stored markup unescaped"


def test_the_payload_really_reaches_pages_in_escaped_form(clinic, login):
    fill_every_text_column()
    page = login(clinic.clinician_1).get(reverse("client_profile", kwargs={"pk": clinic.client_a.pk})).content.decode()
    assert "&lt;script&gt;alert(" in page


def test_stored_markup_reaches_pdf_reports_as_plain_text(clinic):
    """PDFs are rendered from autoescaped HTML: a typed script is printed as text."""
    import io
    import re

    from pypdf import PdfReader

    from clinicians import reports
    from tests.factories import ProgressReportFactory

    for variant in ("clinical", "family", "payer"):
        ProgressReportFactory(client=clinic.client_a, variant=variant)
    fill_every_text_column()
    for report in clinic.client_a.progress_reports.all():
        assert reports.render(report.pk).status == "ready", report.variant
        report.refresh_from_db()
        with report.pdf.open("rb") as pdf:
            reader = PdfReader(io.BytesIO(pdf.read()))
        text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
        assert '<script>alert("x")</script>' in text, report.variant
