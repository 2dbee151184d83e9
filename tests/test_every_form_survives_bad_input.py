"""Every form of every page (searches and filters too) sent back with hostile
values: no 500, and nothing typed is echoed unescaped. Each form is sent twice
over: every field hostile at once, then one field at a time with the others as
the page filled them in, so the checks behind the first refusal are reached too.
Every query-string parameter a view reads gets the same, one at a time.

The pages are those of the access matrix, each opened as the first role that may
open it, so a new page's forms are walked without being listed here."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.urls import reverse

from tests.test_access_matrix import EXPECTATIONS, OK

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
BREAKOUT = '"><svg onload=alert(2)>'
VALUES = {
    "empty": "",
    "huge": "x" * 100_000,
    "unicode": "Zoë ✓ 日本語 🙂 ‮",
    "script": SCRIPT,
    "attribute": BREAKOUT,
    "sql": "'; DROP TABLE iop_client; --",
    "nul": "a\x00b",
    "number-like": "-1e309",
}
#: What each single field is given while the rest of its form is as the page filled it in.
ONE_AT_A_TIME = ("huge", "attribute", "nul")
#: The roles a page is opened as, in this order: the first one the page answers with 200.
OPENERS = ("clinician_1", "admin", "family_a", "superuser", "anonymous")
PROJECT = Path(__file__).resolve().parent.parent
APPS = ("iop", "clinicians", "groups", "families")


class Forms(HTMLParser):
    """The forms inside <main>: each form's action, method, the names of its fields
    and the values the page filled them in with (checked boxes, selected options,
    typed text)."""

    def __init__(self):
        super().__init__()
        self.forms, self.in_main, self.current = [], False, None
        self.select = self.textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "main":
            self.in_main = True
        elif not self.in_main:
            return
        elif tag == "form":
            method = (attrs.get("method") or "get").lower()
            self.current = {"action": attrs.get("action"), "method": method, "fields": set(), "filled": {}}
            self.forms.append(self.current)
        elif self.current is None or not attrs.get("name") or attrs["name"] == "csrfmiddlewaretoken":
            if tag == "option" and self.select is not None:
                self._option(attrs)
            return
        else:
            self._field(tag, attrs)

    def _field(self, tag, attrs):
        name, kind = attrs["name"], (attrs.get("type") or "text").lower()
        self.current["fields"].add(name)
        filled = self.current["filled"]
        if tag == "input" and kind in ("checkbox", "radio"):
            if "checked" in attrs or (kind == "radio" and name not in filled):
                filled[name] = attrs.get("value", "on")
        elif tag == "input" and kind not in ("submit", "button", "file"):
            filled[name] = attrs.get("value") or ""
        elif tag == "select":
            self.select = name
        elif tag == "textarea":
            self.textarea = name
            filled[name] = ""

    def _option(self, attrs):
        filled = self.current["filled"]
        if "selected" in attrs or self.select not in filled:
            filled[self.select] = attrs.get("value", "")

    def handle_data(self, data):
        if self.textarea is not None:
            self.current["filled"][self.textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "main":
            self.in_main = False


def opened(name, clinic, login):
    """(browser, url, html) of the page as the first role allowed to open it; None
    for a page that is a file or sends on elsewhere."""
    expectation = EXPECTATIONS[name]
    kwargs = expectation.kwargs(clinic) if expectation.kwargs else None
    url = reverse(name, kwargs=kwargs)
    role = next((role for role in OPENERS if getattr(expectation, role) == OK), None)
    if role is None:
        return None
    browser = login(clinic.role(role))
    response = browser.get(url)
    assert response.status_code in (200, 302), f"{name} as {role}: {response.status_code}"
    if response.status_code == 302 or not response.get("Content-Type", "").startswith("text/html"):
        return None
    return browser, url, response.content.decode()


def pages():
    return sorted(name for name, expectation in EXPECTATIONS.items() if OK in vars(expectation).values())


def forms_of(html):
    parser = Forms()
    parser.feed(html)
    return parser.forms


def assert_survived(response, *where):
    assert response.status_code < 500, where
    if response.get("Content-Type", "").startswith("text/html"):
        page = response.content.decode()
        assert SCRIPT not in page and BREAKOUT not in page, where


@pytest.mark.parametrize("name", pages())
def test_every_form_on_the_page_survives_hostile_values(name, clinic, login):
    page = opened(name, clinic, login)
    if page is None:
        return
    browser, url, html = page
    for form in forms_of(html):
        action = form["action"] or url
        if action.startswith("#"):
            action = url  # sent by htmx to the page itself
        if not action.startswith("/"):
            continue
        send = browser.post if form["method"] == "post" else browser.get
        for label, value in VALUES.items():
            assert_survived(send(action, {field: value for field in form["fields"]}), name, action, label)
        for field in sorted(form["fields"]):
            for label in ONE_AT_A_TIME:
                data = {**form["filled"], field: VALUES[label]}
                assert_survived(send(action, data), name, action, field, label)


def query_parameters():
    """Every query-string parameter a view of the project reads."""
    found = set()
    for app in APPS:
        for path in (PROJECT / app).rglob("*.py"):
            found |= set(re.findall(r"request\.GET\.get\(\s*[\"'](\w+)[\"']", path.read_text()))
    return sorted(found)


@pytest.mark.parametrize("name", pages())
def test_every_page_survives_hostile_query_parameters(name, clinic, login):
    page = opened(name, clinic, login)
    if page is None:
        return
    browser, url, _html = page
    for parameter in query_parameters():
        for label, value in VALUES.items():
            assert_survived(browser.get(url, {parameter: value}), name, parameter, label)


def test_the_walk_reaches_the_forms_and_parameters_that_matter(clinic, login):
    """The walks above are not empty: they find the forms of the pages people type
    into most, filled in as the page fills them, and the parameters views read."""
    found = {}
    for name in ("clinicians:safety_plan_edit", "program_settings", "clinicians:alert", "groups:closures"):
        forms = forms_of(opened(name, clinic, login)[2])
        found[name] = {key: value for form in forms for key, value in form["filled"].items()}
    assert {"warning_signs", "people_to_ask", "environment"} <= set(found["clinicians:safety_plan_edit"])
    assert "988" in found["clinicians:safety_plan_edit"]["professionals"]  # a textarea's text
    assert {"on_call_clinician", "alert_escalation_minutes", "seen"} <= set(found["program_settings"])
    assert found["program_settings"]["alert_escalation_minutes"] == "15"
    assert {"cssrs_screen", "disposition", "notes", "safety_plan"} <= set(found["clinicians:alert"])
    assert {"starts_on", "ends_on", "reason", "cohort"} <= set(found["groups:closures"])
    assert {"chart", "kind", "status", "week", "instrument", "page"} <= set(query_parameters())
