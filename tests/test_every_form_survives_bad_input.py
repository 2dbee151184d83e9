"""Every form of every page (searches and filters too), sent back with hostile
values in each of its fields (hidden ones and named buttons included): no 500, and a script typed into it is
never echoed unescaped. The pages are those of the access matrix, each opened as
the first role that may open it, so a new page's forms are walked without being
listed here."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.test_access_matrix import EXPECTATIONS, OK

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
VALUES = {
    "empty": "",
    "huge": "x" * 100_000,
    "unicode": "Zoë ✓ 日本語 🙂 ‮",
    "script": SCRIPT,
    "sql": "'; DROP TABLE iop_client; --",
    "nul": "a\x00b",
    "number-like": "-1e309",
}
#: The roles a page is opened as, in this order: the first one the page answers with 200.
OPENERS = ("clinician_1", "admin", "family_a", "superuser", "anonymous")


class Forms(HTMLParser):
    """The forms inside <main>: each form's action, method and the names of its fields."""

    def __init__(self):
        super().__init__()
        self.forms, self.in_main, self.current = [], False, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "main":
            self.in_main = True
        elif not self.in_main:
            return
        elif tag == "form":
            method = (attrs.get("method") or "get").lower()
            self.current = {"action": attrs.get("action"), "method": method, "fields": set()}
            self.forms.append(self.current)
        elif self.current is not None and tag in ("input", "textarea", "select", "button") and attrs.get("name"):
            if attrs["name"] != "csrfmiddlewaretoken":
                self.current["fields"].add(attrs["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "main":
            self.in_main = False


def opened(name, clinic, login):
    """(browser, url, html) of the page as the first role allowed to open it, or None."""
    expectation = EXPECTATIONS[name]
    kwargs = expectation.kwargs(clinic) if expectation.kwargs else None
    url = reverse(name, kwargs=kwargs)
    for role in OPENERS:
        if getattr(expectation, role) == OK:
            browser = login(clinic.role(role))
            response = browser.get(url)
            if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
                return browser, url, response.content.decode()
            return None
    return None


def pages_with_forms():
    return sorted(name for name, expectation in EXPECTATIONS.items() if OK in vars(expectation).values())


@pytest.mark.parametrize("name", pages_with_forms())
def test_every_form_on_the_page_survives_hostile_values(name, clinic, login):
    page = opened(name, clinic, login)
    if page is None:
        return  # a download or a redirect: no form to send back
    browser, url, html = page
    parser = Forms()
    parser.feed(html)
    for form in parser.forms:
        action = form["action"] or url
        if action.startswith("#"):
            action = url  # sent by htmx to the page itself
        if not action.startswith("/"):
            continue
        for label, value in VALUES.items():
            send = browser.post if form["method"] == "post" else browser.get
            response = send(action, {field: value for field in form["fields"]})
            assert response.status_code < 500, (name, action, label)
            if response.get("Content-Type", "").startswith("text/html"):
                assert SCRIPT not in response.content.decode(), (name, action, label)


#: Every query-string parameter a view of this project reads (grep request.GET).
QUERY_PARAMETERS = ("instrument", "index", "client", "page", "week", "replaces", "status", "kind", "chart", "next")


@pytest.mark.parametrize("name", pages_with_forms())
def test_every_page_survives_hostile_query_parameters(name, clinic, login):
    page = opened(name, clinic, login)
    if page is None:
        return
    browser, url, _html = page
    for label, value in VALUES.items():
        response = browser.get(url, {parameter: value for parameter in QUERY_PARAMETERS})
        assert response.status_code < 500, (name, label)
        if response.get("Content-Type", "").startswith("text/html"):
            assert SCRIPT not in response.content.decode(), (name, label)


def test_the_walk_reaches_the_forms_that_matter(clinic, login):
    """The walk above is not empty: it finds the forms of the pages people type into most."""
    found = {}
    for name in ("clinicians:safety_plan_edit", "program_settings", "clinicians:alert", "groups:closures"):
        page = opened(name, clinic, login)
        if page:
            parser = Forms()
            parser.feed(page[2])
            found[name] = set().union(*(form["fields"] for form in parser.forms)) if parser.forms else set()
    assert {"warning_signs", "people_to_ask", "environment"} <= found["clinicians:safety_plan_edit"]
    assert {"on_call_clinician", "alert_escalation_minutes", "seen"} <= found["program_settings"]
    assert {"cssrs_screen", "disposition", "notes", "safety_plan"} <= found["clinicians:alert"]
    assert {"starts_on", "ends_on", "reason", "cohort"} <= found["groups:closures"]
