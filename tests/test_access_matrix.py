"""Every URL of the project, as every role, against objects each does and does
not own. A URL without a declared expectation fails this test.

Objects belong to client A (cohort 1): family_a and clinician_1 own them;
family_b and clinician_2 do not. Families must get 404 for anything not theirs;
staff of the wrong role 403 (or 404 where the object is out of their reach);
anonymous visitors are sent to the login page.
"""

from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "family_a", "family_b", "clinician_1", "clinician_2", "admin", "superuser")

OK, REDIRECT, LOGIN, NOT_FOUND, FORBIDDEN, NOT_ALLOWED = 200, "redirect", "login", 404, 403, 405
NO_CONTENT = 204


@dataclass(frozen=True)
class Expect:
    anonymous: object = LOGIN
    family_a: object = NOT_FOUND
    family_b: object = NOT_FOUND
    clinician_1: object = FORBIDDEN
    clinician_2: object = FORBIDDEN
    admin: object = FORBIDDEN
    superuser: object = FORBIDDEN
    kwargs: object = None  # clinic -> URL kwargs (client A's objects)


def for_client_a(clinic):
    return {"pk": clinic.client_a.pk}


STAFF_ONLY = dict(clinician_1=OK, clinician_2=OK, admin=OK, superuser=OK)
OWN_COHORT = dict(clinician_1=OK, clinician_2=NOT_FOUND, admin=OK, superuser=OK)
ADMIN_ONLY = dict(admin=OK, superuser=OK)


def for_cohort_1(clinic):
    return {"pk": clinic.client_a.cohort_id}


def for_cohort_1_evening(clinic):
    from tests.factories import SessionFactory

    return {"pk": SessionFactory(cohort=clinic.client_a.cohort).pk}


def for_cohort_1_charted_evening(clinic):
    from tests.factories import charted_evening

    return {"pk": charted_evening(clinic.client_a).pk}


def for_client_a_group_entry(clinic):
    from tests.factories import charted_evening

    evening = charted_evening(clinic.client_a)
    return {"pk": clinic.client_a.pk, "entry": evening.entries.get(client=clinic.client_a).pk}


def for_family_a_calendar_link(clinic):
    from groups.models import FamilyCalendarToken

    return {"token": FamilyCalendarToken.renew(clinic.family_a).token}


def chart_object(kind):
    """URL kwargs for one of client A's chart records (drafts are clinician_1's)."""

    def build(clinic):
        from clinicians.models import SafetyPlan, TreatmentPlan
        from tests import factories

        client = clinic.client_a
        if kind == "signed_plan":
            return {"pk": factories.signed_plan(client).pk}
        if kind == "draft_plan":
            return {"pk": TreatmentPlan.start_draft(client, clinic.clinician_1)[0].pk}
        if kind == "plan_row":
            return {"pk": TreatmentPlan.start_draft(client, clinic.clinician_1)[0].pk, "part": "objectives"}
        if kind == "note":
            return {"pk": factories.NoteFactory(client=client, author=clinic.clinician_1).pk}
        if kind == "new_note":
            return {"pk": client.pk, "kind": "individual_checkin"}
        if kind == "medication":
            return {"pk": factories.MedicationFactory(client=client).pk}
        if kind == "safety_plan":
            return {"pk": SafetyPlan.start_draft(client, clinic.clinician_1)[0].pk}
        raise ValueError(kind)

    return build


CHART = dict(clinician_1=OK, clinician_2=NOT_FOUND, admin=FORBIDDEN, superuser=OK)
CHART_DRAFT = dict(clinician_1=OK, clinician_2=NOT_FOUND, admin=FORBIDDEN, superuser=FORBIDDEN)
CHART_ACTION = dict(clinician_1=NOT_ALLOWED, clinician_2=NOT_ALLOWED, admin=FORBIDDEN, superuser=NOT_ALLOWED)
PRESCRIBERS = dict(clinician_1=FORBIDDEN, clinician_2=FORBIDDEN, admin=FORBIDDEN, superuser=FORBIDDEN)


# Scores, answers and alerts: the client's clinicians only (admins see none of them).
CLINICAL = dict(clinician_1=OK, clinician_2=NOT_FOUND, superuser=OK)
CLINICAL_POST_ONLY = dict(clinician_1=NOT_ALLOWED, clinician_2=NOT_ALLOWED, superuser=NOT_ALLOWED)
EVERYONE = {r: OK for r in ROLES}


def for_client_a_alert(clinic):
    from clinicians.models import SafetyAlert
    from tests.factories import AdministrationFactory

    answers = {f"phq9_{n}": 1 for n in range(1, 10)}  # item 9 above 0: an alert
    AdministrationFactory(client=clinic.client_a, answers=answers)
    return {"pk": SafetyAlert.objects.get(client=clinic.client_a).pk}


def for_client_a_administration(clinic):
    from tests.factories import AdministrationFactory

    return {"pk": AdministrationFactory(client=clinic.client_a).pk}


def for_client_a_self_report(clinic):
    from clinicians.models import SelfReportLink

    _link, token = SelfReportLink.issue(
        client=clinic.client_a, instrument="phqa", created_by=clinic.clinician_1, mode="link"
    )
    return {"token": token}


def for_a_failed_message(clinic):
    from tests.factories import OutboxMessageFactory

    return {"pk": OutboxMessageFactory(recipient=clinic.family_a, status="failed", last_error="test").pk}


def for_client_a_summary(clinic):
    from tests.factories import CohortWeekFactory, EnrollmentFactory, SkillSummaryFactory

    EnrollmentFactory(client=clinic.client_a)
    summary = SkillSummaryFactory(cohort_week=CohortWeekFactory(cohort=clinic.client_a.cohort))
    return {"pk": clinic.client_a.pk, "summary_pk": summary.pk}


def for_client_a_note(clinic):
    kwargs = for_client_a_summary(clinic)
    return {"pk": kwargs["summary_pk"], "client_pk": clinic.client_a.pk}


def for_cohort_1_week(clinic):
    from tests.factories import CohortWeekFactory

    return {"pk": CohortWeekFactory(cohort=clinic.client_a.cohort).pk}


def for_cohort_1_family_group(clinic):
    import datetime

    from tests.factories import SessionFactory

    session = SessionFactory(cohort=clinic.client_a.cohort)
    session.family_group_starts_at = session.starts_at + datetime.timedelta(hours=2)
    session.family_group_ends_at = session.ends_at
    session.save()
    return {"pk": session.pk}


def for_client_a_appointment(clinic):
    from tests.factories import FamilyAppointmentFactory

    return {"pk": FamilyAppointmentFactory(client=clinic.client_a).pk}


def for_family_a(clinic):
    return {"pk": clinic.family_a.pk}


def for_family_a_used_invitation(clinic):
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    return {"uidb64": urlsafe_base64_encode(force_bytes(clinic.family_a.pk)), "token": "cxyz12-0123456789abcdef"}


def for_client_a_emergency_access(clinic):
    from tests.factories import emergency_grant

    return {"pk": emergency_grant(clinic.client_a, clinic.clinician_2).pk}


def for_client_a_report(variant="clinical", released=False):
    def build(clinic):
        from tests.factories import ready_report

        return {"pk": ready_report(clinic.client_a, variant=variant, released=released).pk}

    return build


def for_client_a_released_report(clinic):
    from tests.factories import ready_report

    report = ready_report(clinic.client_a, variant="family", released=True)
    return {"pk": clinic.client_a.pk, "report_pk": report.pk}


# Project URLs, by name. Add every new URL here.
EXPECTATIONS = {
    "home": Expect(**{r: REDIRECT for r in ROLES[1:]}),
    "clinician_home": Expect(**STAFF_ONLY),
    "admin_home": Expect(admin=OK, superuser=OK),
    "client_list": Expect(**STAFF_ONLY),
    "client_profile": Expect(clinician_1=OK, clinician_2=NOT_FOUND, admin=OK, superuser=OK, kwargs=for_client_a),
    "client_new": Expect(**ADMIN_ONLY),
    "client_edit": Expect(**ADMIN_ONLY, kwargs=for_client_a),
    "client_access": Expect(**ADMIN_ONLY, kwargs=for_client_a),
    "staff_list": Expect(**ADMIN_ONLY),
    "staff_new": Expect(**ADMIN_ONLY),
    "program_settings": Expect(**ADMIN_ONLY),
    "staff_edit": Expect(**ADMIN_ONLY, kwargs=lambda clinic: {"pk": clinic.clinician_1.pk}),
    "delivery_log": Expect(**ADMIN_ONLY),
    # The audit trail: program admins and privacy officers (tests/iop/test_audit_pages.py).
    "audit_log": Expect(**ADMIN_ONLY),
    "audit_export": Expect(**ADMIN_ONLY),
    "emergency_review": Expect(admin=NOT_ALLOWED, superuser=NOT_ALLOWED, kwargs=for_client_a_emergency_access),
    # Who has seen a client's record: the lead clinician and the reviewers.
    "client_access_history": Expect(clinician_1=OK, clinician_2=NOT_FOUND, admin=OK, superuser=OK, kwargs=for_client_a),
    # Break the glass: offered to clinicians outside the client's cohort; the care team goes to the chart.
    "emergency_access": Expect(clinician_1=REDIRECT, clinician_2=OK, superuser=REDIRECT, kwargs=for_client_a),
    # Ending one's own emergency access early: POST only, for clinicians (tests/iop/test_emergency_access.py).
    "emergency_access_end": Expect(**CHART_ACTION, kwargs=for_client_a),
    # POST only (tests/iop/test_delivery_log.py posts to it as every role).
    "delivery_retry": Expect(admin=NOT_ALLOWED, superuser=NOT_ALLOWED, kwargs=for_a_failed_message),
    "keepalive": Expect(**{r: NO_CONTENT for r in ROLES[1:]}),
    "families:home": Expect(family_a=OK, family_b=OK),
    # Family portal: the own family only; everyone else 404 (families) or 403 (staff).
    "families:child_home": Expect(family_a=OK, kwargs=for_client_a),
    "families:archive": Expect(family_a=OK, kwargs=for_client_a),
    "families:summary": Expect(family_a=OK, kwargs=for_client_a_summary),
    # A progress report released to client A's family: that family only.
    "families:report_download": Expect(family_a=OK, kwargs=for_client_a_released_report),
    "families:preferences": Expect(family_a=OK, family_b=OK),
    "families:set_language": Expect(family_a=REDIRECT, family_b=REDIRECT),  # GET leads to the preferences
    # The invitation link is the key; a used or wrong one gets a friendly page for anyone
    # (tests/families/test_invitations.py follows a valid one).
    "families:welcome": Expect(**EVERYONE, kwargs=for_family_a_used_invitation),
    "families:member_list": Expect(**ADMIN_ONLY),
    "families:invite": Expect(**ADMIN_ONLY),
    "families:reinvite": Expect(admin=NOT_ALLOWED, superuser=NOT_ALLOWED, kwargs=for_family_a),
    "families:client_family": Expect(**OWN_COHORT, kwargs=for_client_a),
    # A link made by mistake is removed by the program office (POST only; tests/families/test_invitations.py).
    "families:unlink": Expect(
        admin=NOT_ALLOWED, superuser=NOT_ALLOWED, kwargs=lambda clinic: {"pk": clinic.family_a.family_links.get().pk}
    ),
    # Family appointments: whoever may see the client (admins schedule; no note content).
    "families:appointment_new": Expect(**OWN_COHORT, kwargs=for_client_a),
    "families:appointment_edit": Expect(**OWN_COHORT, kwargs=for_client_a_appointment),
    "families:appointment_cancel": Expect(**OWN_COHORT, kwargs=for_client_a_appointment),
    "families:do_not_contact": Expect(clinician_1=OK, clinician_2=NOT_FOUND, superuser=OK, kwargs=for_family_a),
    "families:summary_list": Expect(clinician_1=OK, clinician_2=OK, superuser=OK),
    "families:summary_edit": Expect(clinician_1=OK, clinician_2=NOT_FOUND, superuser=OK, kwargs=for_cohort_1_week),
    "families:personal_note": Expect(clinician_1=OK, clinician_2=NOT_FOUND, superuser=OK, kwargs=for_client_a_note),
    "families:family_group_list": Expect(clinician_1=OK, clinician_2=OK, superuser=OK),
    "families:family_group_sheet": Expect(
        clinician_1=OK, clinician_2=NOT_FOUND, superuser=OK, kwargs=for_cohort_1_family_group
    ),
    "robots": Expect(**{r: OK for r in ROLES}),
    "groups:week": Expect(**STAFF_ONLY),
    "groups:hours": Expect(**STAFF_ONLY),
    "groups:cohort_list": Expect(**STAFF_ONLY),
    "groups:session_detail": Expect(**OWN_COHORT, kwargs=for_cohort_1_evening),
    "groups:attendance": Expect(**OWN_COHORT, kwargs=for_cohort_1_evening),
    "groups:session_edit": Expect(**ADMIN_ONLY, kwargs=for_cohort_1_evening),
    "groups:reschedule": Expect(**ADMIN_ONLY, kwargs=for_cohort_1_evening),
    "groups:cohort_new": Expect(**ADMIN_ONLY),
    "groups:cohort_edit": Expect(**ADMIN_ONLY, kwargs=for_cohort_1),
    "groups:cohort_weeks": Expect(**OWN_COHORT, kwargs=for_cohort_1),
    "groups:cohort_feed": Expect(**OWN_COHORT, kwargs=for_cohort_1),
    "groups:make_up": Expect(**ADMIN_ONLY, kwargs=for_cohort_1),
    "groups:generate": Expect(**ADMIN_ONLY),
    "groups:closures": Expect(**ADMIN_ONLY),
    "groups:enrollment_list": Expect(**ADMIN_ONLY),
    "groups:client_enrollment": Expect(**ADMIN_ONLY, kwargs=for_client_a),
    "groups:family_calendar": Expect(family_a=OK, family_b=OK),
    # The secret link is the key (calendar apps cannot log in); revoked links are 404.
    "groups:family_feed": Expect(**{r: OK for r in ROLES}, kwargs=for_family_a_calendar_link),
    # The clinical chart: the client's clinical team only; admins never see clinical content.
    "clinicians:chart": Expect(**CHART, kwargs=for_client_a),
    "clinicians:chart_section": Expect(**CHART, kwargs=lambda clinic: {"pk": clinic.client_a.pk, "section": "plan"}),
    "clinicians:client_notes": Expect(**CHART, kwargs=for_client_a),
    "clinicians:chart_entry": Expect(**CHART, kwargs=for_client_a_group_entry),
    "clinicians:plan_start": Expect(**CHART_ACTION, kwargs=for_client_a),
    "clinicians:plan": Expect(**CHART, kwargs=chart_object("signed_plan")),
    "clinicians:plan_edit": Expect(**CHART_DRAFT, kwargs=chart_object("draft_plan")),
    "clinicians:plan_take_over": Expect(**CHART_ACTION, kwargs=chart_object("draft_plan")),
    "clinicians:plan_discard": Expect(**CHART_ACTION, kwargs=chart_object("draft_plan")),
    "clinicians:plan_row": Expect(**CHART_DRAFT, kwargs=chart_object("plan_row")),
    "clinicians:plan_sign": Expect(**CHART_DRAFT, kwargs=chart_object("draft_plan")),
    "clinicians:plan_acknowledge": Expect(**CHART_ACTION, kwargs=chart_object("signed_plan")),
    "clinicians:plan_review": Expect(**CHART, kwargs=chart_object("signed_plan")),
    "clinicians:note_new": Expect(**CHART, kwargs=chart_object("new_note")),
    "clinicians:note": Expect(**CHART, kwargs=chart_object("note")),
    "clinicians:note_edit": Expect(**CHART_DRAFT, kwargs=chart_object("note")),
    "clinicians:note_sign": Expect(**CHART_ACTION, kwargs=chart_object("note")),
    # Opened by address (Back after a refused addendum): back to the note, for those who see it.
    "clinicians:note_addendum": Expect(
        clinician_1=REDIRECT, clinician_2=NOT_FOUND, admin=FORBIDDEN, superuser=REDIRECT, kwargs=chart_object("note")
    ),
    "clinicians:medication_new": Expect(**PRESCRIBERS, kwargs=for_client_a),
    "clinicians:medication_stop": Expect(**PRESCRIBERS, kwargs=chart_object("medication")),
    "clinicians:safety_plan_start": Expect(**CHART_ACTION, kwargs=for_client_a),
    "clinicians:safety_plan": Expect(**CHART, kwargs=chart_object("safety_plan")),
    "clinicians:safety_plan_edit": Expect(**CHART_DRAFT, kwargs=chart_object("safety_plan")),
    "clinicians:safety_plan_take_over": Expect(**CHART_ACTION, kwargs=chart_object("safety_plan")),
    "clinicians:safety_plan_discard": Expect(**CHART_ACTION, kwargs=chart_object("safety_plan")),
    "clinicians:safety_plan_print": Expect(**CHART, kwargs=chart_object("safety_plan")),
    "clinicians:discharge": Expect(**CHART, kwargs=for_client_a),
    # Progress reports: the client's clinical team (admins never see clinical content).
    "clinicians:report_new": Expect(**CHART, kwargs=for_client_a),
    "clinicians:report": Expect(**CHART, kwargs=for_client_a_report()),
    "clinicians:report_download": Expect(**CHART, kwargs=for_client_a_report()),
    "clinicians:report_retry": Expect(**CHART_ACTION, kwargs=for_client_a_report()),
    "clinicians:report_release": Expect(**CHART_ACTION, kwargs=for_client_a_report("family")),
    "clinicians:client_measures": Expect(**CLINICAL, kwargs=for_client_a),
    "clinicians:new_administration": Expect(**CLINICAL, kwargs=for_client_a),
    "clinicians:export_fhir": Expect(**CLINICAL, kwargs=for_client_a),
    "clinicians:send_self_report_link": Expect(**CLINICAL_POST_ONLY, kwargs=for_client_a),
    "clinicians:start_kiosk": Expect(**CLINICAL_POST_ONLY, kwargs=for_client_a),
    "clinicians:administration": Expect(**CLINICAL, kwargs=for_client_a_administration),
    "clinicians:caseload": Expect(clinician_1=OK, clinician_2=OK, superuser=OK),
    "clinicians:alert": Expect(**CLINICAL, kwargs=for_client_a_alert),
    "clinicians:acknowledge_alert": Expect(**CLINICAL_POST_ONLY, kwargs=for_client_a_alert),
    "clinicians:risk_assessment": Expect(**CLINICAL_POST_ONLY, kwargs=for_client_a_alert),
    # Tonight's group: the cohort's clinicians chart; admins never see note contents.
    "clinicians:tonight": Expect(clinician_1=OK, clinician_2=OK, superuser=OK),
    "clinicians:group_chart": Expect(**CHART, kwargs=for_cohort_1_charted_evening),
    "clinicians:group_autosave": Expect(**CHART_ACTION, kwargs=for_cohort_1_charted_evening),
    # Opened by address (Back after a refused addendum): back to the evening, for its team.
    "clinicians:group_addendum": Expect(
        clinician_1=REDIRECT,
        clinician_2=NOT_FOUND,
        admin=FORBIDDEN,
        superuser=REDIRECT,
        kwargs=for_cohort_1_charted_evening,
    ),
    # No account: the one-time token is the only key (see tests/clinicians/test_self_report_links.py).
    "clinicians:self_report": Expect(**EVERYONE, kwargs=for_client_a_self_report),
    "clinicians:self_report_thanks": Expect(**EVERYONE),
}

# Account pages come from django-allauth: the public ones answer everybody,
# the rest need a login. None may fail.
PUBLIC_ACCOUNT_PAGES = {
    "account_login",
    "account_logout",
    "account_signup",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key_done",
    "account_inactive",
    "account_email_verification_sent",
    "account_confirm_login_code",
    "account_confirm_email",
    "account_reset_password_from_key",
    "mfa_authenticate",
}


def project_patterns(patterns=None, namespace=""):
    """(qualified name, pattern) for every named URL, walking includes."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from project_patterns(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}" if entry.name else None, entry


def is_third_party(name):
    return name is None or name.startswith(("admin:", "account_", "mfa_", "usersessions_"))


def test_every_project_url_has_a_declared_expectation():
    undeclared = sorted(name for name, _ in project_patterns() if not is_third_party(name) and name not in EXPECTATIONS)
    assert not undeclared, f"declare the access expectation of: {undeclared}"


def check(response, expected, role):
    if expected == REDIRECT:
        assert response.status_code == 302 and "/accounts/login/" not in response.url, role
    elif expected == LOGIN:
        assert response.status_code == 302 and "/accounts/login/" in response.url, role
    else:
        assert response.status_code == expected, f"{role}: {response.status_code} != {expected}"


@pytest.mark.parametrize("name", sorted(EXPECTATIONS))
def test_url_answers_each_role_as_declared(name, clinic, login):
    expectation = EXPECTATIONS[name]
    kwargs = expectation.kwargs(clinic) if expectation.kwargs else None
    url = reverse(name, kwargs=kwargs)
    for role in ROLES:
        check(login(clinic.role(role)).get(url), getattr(expectation, role), role)


@pytest.mark.parametrize("role", ROLES)
def test_account_pages_never_fail_and_private_ones_need_login(role, clinic, login):
    client = login(clinic.role(role))
    for name, pattern in project_patterns():
        if name is None or not name.startswith(("account_", "mfa_", "usersessions_")) or pattern.pattern.regex.groups:
            continue
        response = client.get(reverse(name))
        assert response.status_code < 500, (name, role)
        if role == "anonymous" and name not in PUBLIC_ACCOUNT_PAGES and response.status_code == 302:
            assert "/accounts/login/" in response.url, name


@pytest.mark.parametrize("role", ROLES)
def test_django_admin_is_for_superusers_only(role, clinic, login):
    response = login(clinic.role(role)).get(reverse("admin:iop_client_changelist"))
    if role == "superuser":
        assert response.status_code == OK
    else:
        assert response.status_code == 302 and "/django-admin/login/" in response.url
