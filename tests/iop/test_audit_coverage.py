"""Every audited event writes exactly one entry, done the way a user does it."""

import pytest
from django.urls import reverse
from django.utils import timezone

from clinicians.instruments import PHQA
from clinicians.models import SelfReportLink
from iop.models import AuditEntry, ClientAccessGrant
from tests import factories
from tests.families.conftest import family_week  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db


def sign_in(clinic, login, password=factories.PASSWORD):
    form = {"login": clinic.clinician_1.email, "password": password}
    return login(None).post(reverse("account_login"), form, REMOTE_ADDR="10.0.0.7")


def lock_out(clinic, login):
    for _ in range(5):
        sign_in(clinic, login, password="wrong-password")


def open_as(user, name, pk, login):
    assert login(user).get(reverse(name, args=[pk])).status_code == 200


def post_as(user, name, pk, login, data=None):
    assert login(user).post(reverse(name, args=[pk]), data or {}).status_code in (200, 302)


def a_signed_note(clinic):
    note = factories.NoteFactory(client=clinic.client_a, author=clinic.clinician_1)
    note.sign(clinic.clinician_1)
    return note


def fill_in_a_one_time_link(clinic, login):
    _link, token = SelfReportLink.issue(
        client=clinic.client_a, instrument="phqa", created_by=clinic.clinician_1, mode="link"
    )
    answers = {item.key: "1" for item in PHQA.items[:8]} | {"phqa_9": "0", "send_anyway": "1"}
    assert login(None).post(reverse("clinicians:self_report", args=[token]), answers).status_code == 302


def release_a_personal_note(clinic, login):
    summary = clinic.summaries[clinic.client_a.pk]
    url = reverse("families:personal_note", args=[summary.pk, clinic.client_a.pk])
    login(clinic.clinician_1).post(url, {"text": "Avery did well this week.", "action": "release"})


def change_a_role(clinic, login):
    login(clinic.superuser).post(
        reverse("admin:iop_user_change", args=[clinic.clinician_2.pk]),
        {"email": clinic.clinician_2.email, "role": "program_admin", "language": "en", "is_active": "on"},
    )


def grant_access(clinic, login):
    ClientAccessGrant.objects.create(
        client=clinic.client_a,
        grantee=clinic.clinician_2,
        granted_by=clinic.admin,
        kind=ClientAccessGrant.Kind.GRANTED,
        reason="Covering the Teens group next week",
        expires_at=timezone.now() + timezone.timedelta(days=7),
    )


def revoke_a_grant(clinic, login):
    grant = ClientAccessGrant.objects.filter(grantee=clinic.clinician_2).get()
    grant.expires_at = timezone.now()
    grant.save()


def review_break_glass(clinic, login):
    grant = ClientAccessGrant.objects.get(kind="emergency")
    post_as(clinic.admin, "emergency_review", grant.pk, login)


REASON = {"reason": "Covering Teens tonight; the client disclosed self-harm at check-in."}

# event -> (set-up before counting, the user's action)
ACTIONS = {
    "login": (None, sign_in),
    "logout": (None, lambda c, login: login(c.clinician_1).post(reverse("account_logout"))),
    "login_failed": (None, lambda c, login: sign_in(c, login, password="wrong-password")),
    "lockout": (None, lock_out),
    "view_chart": (None, lambda c, login: open_as(c.clinician_1, "clinicians:chart", c.client_a.pk, login)),
    "view_note": (
        a_signed_note,
        lambda c, login: open_as(c.clinician_1, "clinicians:note", c.setup.pk, login),
    ),
    "view_measure": (
        lambda c: factories.AdministrationFactory(client=c.client_a),
        lambda c, login: open_as(c.clinician_1, "clinicians:administration", c.setup.pk, login),
    ),
    "view_measures": (
        None,
        lambda c, login: open_as(c.clinician_1, "clinicians:client_measures", c.client_a.pk, login),
    ),
    "view_safety_plan": (
        lambda c: factories.SafetyPlanFactory(client=c.client_a),
        lambda c, login: open_as(c.clinician_1, "clinicians:safety_plan", c.setup.pk, login),
    ),
    "export_fhir": (None, lambda c, login: open_as(c.clinician_1, "clinicians:export_fhir", c.client_a.pk, login)),
    "sign_note": (
        lambda c: factories.NoteFactory(client=c.client_a, author=c.clinician_1),
        lambda c, login: post_as(c.clinician_1, "clinicians:note_sign", c.setup.pk, login),
    ),
    "addendum": (
        a_signed_note,
        lambda c, login: post_as(c.clinician_1, "clinicians:note_addendum", c.setup.pk, login, {"text": "Later."}),
    ),
    "start_plan": (
        lambda c: factories.signed_plan(c.client_a),
        lambda c, login: post_as(c.clinician_1, "clinicians:plan_start", c.client_a.pk, login),
    ),
    "release_to_family": (None, release_a_personal_note),
    "do_not_contact": (
        None,
        lambda c, login: post_as(
            c.clinician_1, "families:do_not_contact", c.family_a.pk, login, {"reason": "Unsafe", "do_not_contact": "on"}
        ),
    ),
    "issue_self_report_link": (
        None,
        lambda c, login: post_as(
            c.clinician_1, "clinicians:send_self_report_link", c.client_a.pk, login, {"instrument": "phqa"}
        ),
    ),
    "self_report_completed": (None, fill_in_a_one_time_link),
    "family_view": (None, lambda c, login: open_as(c.family_a, "families:child_home", c.client_a.pk, login)),
    "view_audit": (None, lambda c, login: login(c.admin).get(reverse("audit_log"))),
    "export_audit_csv": (
        None,
        lambda c, login: b"".join(login(c.admin).get(reverse("audit_export")).streaming_content),
    ),
    "view_access_history": (
        None,
        lambda c, login: open_as(c.admin, "client_access_history", c.client_a.pk, login),
    ),
    "break_glass": (None, lambda c, login: post_as(c.clinician_2, "emergency_access", c.client_a.pk, login, REASON)),
    "review_break_glass": (lambda c: factories.emergency_grant(c.client_a, c.clinician_2), review_break_glass),
    "grant_access": (None, grant_access),
    "revoke_grant": (lambda c: grant_access(c, None), revoke_a_grant),
    "role_change": (None, change_a_role),
}


@pytest.mark.parametrize("event", sorted(ACTIONS))
def test_each_event_writes_exactly_one_entry(event, family_week, login):  # noqa: F811
    clinic = family_week
    setup, action = ACTIONS[event]
    clinic.setup = setup(clinic) if setup else None
    before = AuditEntry.objects.filter(event=event).count()
    action(clinic, login)
    assert AuditEntry.objects.filter(event=event).count() - before == 1


READS = ["view_chart", "view_note", "view_measure", "view_safety_plan", "family_view", "view_access_history"]


@pytest.mark.parametrize("event", READS)
def test_a_read_writes_nothing_but_its_entry(event, family_week, login):  # noqa: F811
    clinic = family_week
    setup, action = ACTIONS[event]
    clinic.setup = setup(clinic) if setup else None
    others = AuditEntry.objects.exclude(event__in=["login", "logout"])  # the test's own sign-in
    before = others.count()
    action(clinic, login)
    assert others.count() - before == 1


def a_draft_plan(clinic):
    from clinicians.models import TreatmentPlan

    return TreatmentPlan.start_draft(clinic.client_a, clinic.clinician_1)[0]


def a_draft_safety_plan(clinic):
    from clinicians.models import SafetyPlan

    return SafetyPlan.start_draft(clinic.client_a, clinic.clinician_1)[0]


# The pages that write to the record show it too (a draft's text, the plan to sign or
# review, the last score on the discharge form): opening one is a read like any other.
EDIT_PAGES = {
    "note_edit": ("view_note", lambda c: factories.NoteFactory(client=c.client_a, author=c.clinician_1).pk),
    "plan_edit": ("view_plan", lambda c: a_draft_plan(c).pk),
    "plan_sign": ("view_plan", lambda c: a_draft_plan(c).pk),
    "plan_review": ("view_plan", lambda c: factories.signed_plan(c.client_a).pk),
    "safety_plan_edit": ("view_safety_plan", lambda c: a_draft_safety_plan(c).pk),
    "discharge": ("open_discharge", lambda c: c.client_a.pk),
}


@pytest.mark.parametrize("page", sorted(EDIT_PAGES))
def test_opening_a_page_that_writes_records_what_it_shows(page, clinic, login):
    event, make = EDIT_PAGES[page]
    pk = make(clinic)
    others = AuditEntry.objects.exclude(event__in=["login", "logout"])
    before = others.count()
    open_as(clinic.clinician_1, f"clinicians:{page}", pk, login)
    (entry,) = others.order_by("-pk")[: others.count() - before]
    assert (entry.event, entry.actor, entry.client_id) == (event, clinic.clinician_1, clinic.client_a.pk)
