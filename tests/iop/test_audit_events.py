"""The event catalogue: every name the code records is listed, and nothing else can be recorded."""

import re
from pathlib import Path

import pytest

from iop import audit
from iop.models import AuditEntry

ROOT = Path(__file__).resolve().parents[2]
APPS = ("iop", "clinicians", "groups", "families")

# record("name", ...) / record_anonymous("name", ...), and the helpers that pass a name on.
RECORDED_NAME = re.compile(
    r"""(?:\brecord|\brecord_anonymous|\b_refused|\b_do|\bstart_version_view\(\s*\w+,)\(?\s*["']([a-z0-9_]+)["']"""
)


def recorded_names():
    names = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for name in RECORDED_NAME.findall(path.read_text()):
                names.setdefault(name, str(path.relative_to(ROOT)))
    return names


def test_the_scan_finds_the_events_of_every_app():
    names = recorded_names()
    assert {"login", "login_failed", "view_chart", "start_plan", "admit", "family_view", "view_measures"} <= set(names)


def test_every_recorded_event_is_in_the_catalogue():
    unknown = {name: where for name, where in recorded_names().items() if name not in audit.Event.values}
    assert not unknown, f"add these to iop.audit.Event: {unknown}"


def test_events_other_branches_record_are_in_the_catalogue():
    expected = {
        "view_group_note", "sign_group_note", "group_addendum", "write_group_note", "view_tonight",
        "request_report", "view_report", "download_report", "family_download_report",
        "view_family_appointments", "book_family_appointment", "cancel_family_appointment",
        "family_view_appointments", "view_audit", "export_audit_csv", "view_access_history",
        "break_glass", "review_break_glass", "grant_access", "revoke_grant", "role_change",
    }  # fmt: skip
    assert expected <= set(audit.Event.values)


@pytest.mark.django_db
def test_an_unknown_event_name_is_refused_and_writes_nothing(clinic):
    with pytest.raises(ValueError, match="catalogue"):
        audit.record("veiw_chart", clinic.client_a)
    with pytest.raises(ValueError):
        audit.record_anonymous("log_in_failed", type(clinic.admin), "someone@example.org")
    assert not AuditEntry.objects.filter(event__in=["veiw_chart", "log_in_failed"]).exists()


def test_every_event_has_a_human_label():
    for event in audit.Event:
        assert event.label and event.label != event.value
    assert audit.label("view_chart") == "Viewed a chart"
    assert audit.label("retired_event") == "retired_event"
