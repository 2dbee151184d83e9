"""Browser journeys: the demo clinic served by a live server, Chromium at phone or desktop size."""

from pathlib import Path

import pytest
from django.core.management import call_command

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
DEMO_PASSWORD = "demo-pass-2026"


@pytest.fixture
def demo_clinic(transactional_db):
    call_command("seed_demo", verbosity=0)


@pytest.fixture
def sign_in(live_server):
    def _sign_in(page, email, password=DEMO_PASSWORD):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state("networkidle")

    return _sign_in


@pytest.fixture
def screenshot():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def _shot(page, name):
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    return _shot


@pytest.fixture(autouse=True)
def no_console_errors(page, request):
    """Every journey fails on a browser console error, which includes any
    Content-Security-Policy violation (an inline script or style, say)."""
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield
    # A 404 page is an expected answer in access journeys, and a 400 page a form sent
    # back with its errors; the browser logs either as a failed resource.
    # A journey that breaks something on purpose names what the browser will log.
    marker = request.node.get_closest_marker("console_errors")
    expected = ("status of 404", "status of 400", *(marker.args if marker else ()))
    real = [e for e in errors if not any(part in e for part in expected)]
    assert not real, real
