"""Break the glass: a clinician outside the client's cohorts states a reason,
reads the record for the program's set hours, is seen by the lead clinician,
and waits in the privacy review until someone marks it reviewed."""

import datetime

import pytest
from django.urls import reverse
from django.utils import dateformat, timezone

from iop.models import AuditEntry, ClientAccessGrant, Program
from tests import factories
from tests.pages import whole_chart

pytestmark = pytest.mark.django_db

REASON = "Covering Teens tonight; Avery disclosed self-harm at check-in and I need the safety plan."


def break_glass(browser, clinic, reason=REASON):
    return browser.post(reverse("emergency_access", args=[clinic.client_a.pk]), {"reason": reason})


def test_clinician_outside_the_cohort_finds_the_client_by_chart_number_and_is_offered_access(clinic, login):
    browser = login(clinic.clinician_2)
    response = browser.get(reverse("client_list"), {"chart": clinic.client_a.chart_number.lower()})
    assert response.url == reverse("emergency_access", args=[clinic.client_a.pk])
    page = browser.get(response.url).content.decode()
    assert "is not in your cohorts" in page and "8 hours" in page
    assert browser.get(reverse("clinicians:chart", args=[clinic.client_a.pk])).status_code == 404


def test_a_reason_is_required_and_what_was_typed_is_kept(clinic, login):
    response = break_glass(login(clinic.clinician_2), clinic, reason="need it")
    assert response.status_code == 200
    page = response.content.decode()
    assert "need it" in page and "is-invalid" in page
    assert not ClientAccessGrant.objects.exists()
    assert not AuditEntry.objects.filter(event="break_glass").exists()


def test_breaking_the_glass_opens_the_chart_for_the_program_hours_then_closes_it(clinic, login, time_machine):
    program = Program.current()
    program.emergency_access_hours = 4
    program.save()
    browser = login(clinic.clinician_2)
    response = break_glass(browser, clinic)
    chart = reverse("clinicians:chart", args=[clinic.client_a.pk])
    assert response.url == chart
    grant = ClientAccessGrant.objects.get()
    assert (grant.kind, grant.grantee, grant.reason) == ("emergency", clinic.clinician_2, REASON)
    assert grant.expires_at - grant.starts_at == datetime.timedelta(hours=4)
    entry = AuditEntry.objects.get(event="break_glass")
    assert (entry.actor, entry.client_id, entry.additional_data["reason"]) == (
        clinic.clinician_2,
        clinic.client_a.pk,
        REASON,
    )
    assert browser.get(chart).status_code == 200

    time_machine.move_to(grant.expires_at - datetime.timedelta(seconds=1))
    assert login(clinic.clinician_2).get(chart).status_code == 200
    time_machine.move_to(grant.expires_at + datetime.timedelta(seconds=1))
    assert login(clinic.clinician_2).get(chart).status_code == 404
    # The offer stands again once it has run out.
    assert login(clinic.clinician_2).get(reverse("emergency_access", args=[clinic.client_a.pk])).status_code == 200


def test_the_care_team_is_sent_to_the_chart_and_admins_cannot_break_the_glass(clinic, login):
    url = reverse("emergency_access", args=[clinic.client_a.pk])
    assert login(clinic.clinician_1).post(url, {"reason": REASON}).url == reverse(
        "clinicians:chart", args=[clinic.client_a.pk]
    )
    assert login(clinic.admin).post(url, {"reason": REASON}).status_code == 403
    assert login(clinic.family_b).post(url, {"reason": REASON}).status_code == 404
    assert not ClientAccessGrant.objects.exists()


def test_the_lead_clinician_sees_it_on_their_home_page(clinic, login):
    break_glass(login(clinic.clinician_2), clinic)
    home = login(clinic.clinician_1).get(reverse("clinician_home")).content.decode()
    assert "Emergency access to your clients" in home
    assert REASON in home and clinic.clinician_2.last_name in home
    other_home = login(clinic.clinician_2).get(reverse("clinician_home")).content.decode()
    assert "Emergency access to your clients" not in other_home


def test_it_waits_in_the_privacy_review_until_marked_reviewed(clinic, login):
    break_glass(login(clinic.clinician_2), clinic)
    grant = ClientAccessGrant.objects.get()
    browser = login(clinic.admin)
    assert list(browser.get(reverse("audit_log")).context["awaiting_review"]) == [grant]
    assert browser.post(reverse("emergency_review", args=[grant.pk])).url == reverse("audit_log")
    grant.refresh_from_db()
    assert grant.reviewed_by == clinic.admin and grant.reviewed_at is not None
    assert list(browser.get(reverse("audit_log")).context["awaiting_review"]) == []
    browser.post(reverse("emergency_review", args=[grant.pk]))  # a second click changes nothing
    assert AuditEntry.objects.filter(event="review_break_glass").count() == 1


def test_clinicians_cannot_mark_their_own_break_the_glass_reviewed(clinic, login):
    grant = factories.emergency_grant(clinic.client_a, clinic.clinician_2)
    assert login(clinic.clinician_2).post(reverse("emergency_review", args=[grant.pk])).status_code == 403
    grant.refresh_from_db()
    assert grant.reviewed_at is None


def test_an_ordinary_grant_cannot_be_reviewed_as_an_emergency(clinic, login):
    grant = ClientAccessGrant.objects.create(
        client=clinic.client_a,
        grantee=clinic.clinician_2,
        granted_by=clinic.admin,
        kind="granted",
        reason="Covering next week",
        expires_at=timezone.now() + datetime.timedelta(days=7),
    )
    assert login(clinic.admin).post(reverse("emergency_review", args=[grant.pk])).status_code == 404


def test_role_change_in_the_django_admin_is_recorded_with_before_and_after(clinic, login):
    login(clinic.superuser).post(
        reverse("admin:iop_user_change", args=[clinic.clinician_2.pk]),
        {"email": clinic.clinician_2.email, "role": "clinician", "credential": "LPC", "language": "en",
         "is_active": "on", "is_privacy_officer": "on"},
    )  # fmt: skip
    entry = AuditEntry.objects.get(event="role_change")
    assert entry.actor == clinic.superuser
    assert entry.changes["is_privacy_officer"] == ["False", "True"]


def test_emergency_access_reads_but_never_writes(clinic, login):
    from clinicians.models import Note

    browser = login(clinic.clinician_2)
    break_glass(browser, clinic)
    assert browser.get(reverse("clinicians:chart", args=[clinic.client_a.pk])).status_code == 200
    new_note = reverse("clinicians:note_new", args=[clinic.client_a.pk, "individual_checkin"])
    typed = {
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": 20,
        "mode": "in_person",
        "content": "Seen at the desk.",
        "plan": "Call home.",
    }
    response = browser.post(new_note, typed)
    assert response.status_code == 403
    assert not Note.objects.filter(client=clinic.client_a).exists()

    # The client's own team writes as before, and so does the same clinician for their own cohort.
    assert login(clinic.clinician_1).post(new_note, typed).status_code == 302
    assert Note.objects.filter(client=clinic.client_a, author=clinic.clinician_1).count() == 1
    own = reverse("clinicians:note_new", args=[clinic.client_b.pk, "individual_checkin"])
    assert login(clinic.clinician_2).post(own, typed).status_code == 302
    assert Note.objects.filter(client=clinic.client_b, author=clinic.clinician_2).count() == 1


def test_emergency_access_changes_nothing_in_bulk_either(clinic, login):
    """Releasing a report, taking over or discarding a draft, lifting "do not contact":
    each changes rows without a model save, and each is refused under break the glass."""
    from clinicians.models import ProgressReport, SafetyPlan, TreatmentPlan
    from families import contact

    report = factories.ready_report(clinic.client_a, variant=ProgressReport.Variant.FAMILY)
    plan, _ = TreatmentPlan.start_draft(clinic.client_a, clinic.clinician_1)
    safety_plan, _ = SafetyPlan.start_draft(clinic.client_a, clinic.clinician_1)
    contact.stop_contact(clinic.family_a, reason="Contact at home may be unsafe.", by=clinic.clinician_1)
    browser = login(clinic.clinician_2)
    break_glass(browser, clinic)

    for route, pk in [
        ("clinicians:report_release", report.pk),
        ("clinicians:report_retry", report.pk),
        ("clinicians:plan_take_over", plan.pk),
        ("clinicians:plan_discard", plan.pk),
        ("clinicians:safety_plan_take_over", safety_plan.pk),
        ("clinicians:safety_plan_discard", safety_plan.pk),
    ]:
        assert browser.post(reverse(route, args=[pk])).status_code == 403, route
    lift = reverse("families:do_not_contact", args=[clinic.family_a.pk])
    assert browser.post(lift, {"reason": "Spoke with mum."}).status_code == 403

    report.refresh_from_db()
    assert not report.released_to_family
    assert TreatmentPlan.objects.get(pk=plan.pk).author == clinic.clinician_1
    assert SafetyPlan.objects.get(pk=safety_plan.pk).author == clinic.clinician_1
    clinic.family_a.refresh_from_db()
    assert clinic.family_a.do_not_contact and clinic.family_a.family_links.get().portal_suspended
    # The client's team still does each.
    team = login(clinic.clinician_1)
    assert team.post(reverse("clinicians:report_release", args=[report.pk])).status_code == 302
    assert team.post(reverse("clinicians:plan_discard", args=[plan.pk])).status_code == 302
    assert not TreatmentPlan.objects.filter(pk=plan.pk).exists()


def test_the_on_call_clinician_who_broke_the_glass_still_acknowledges_and_closes_the_alert(clinic, login):
    from clinicians.models import SafetyAlert

    program = Program.current()
    program.on_call_clinician = clinic.clinician_2
    program.save()
    factories.AdministrationFactory(client=clinic.client_a)  # item 9 answered 1: an alert
    alert = SafetyAlert.objects.get(client=clinic.client_a)
    browser = login(clinic.clinician_2)
    break_glass(browser, clinic)  # to read the safety plan first

    assert browser.post(reverse("clinicians:acknowledge_alert", args=[alert.pk])).status_code == 302
    alert.refresh_from_db()
    assert alert.acknowledged_by == clinic.clinician_2
    page = browser.get(reverse("clinicians:alert", args=[alert.pk])).content.decode()
    assert "You read this chart with emergency access" in page and "Write safety plan" not in page
    # Made with her tonight, signed by the team: it is then owed to them, as when closed without the chart.
    assessment = {"cssrs_screen": "low", "disposition": "home_with_plan", "safety_plan": "created"}
    assessment["notes"] = "Seen with her mother; no plan or intent; Jordan signs the plan with her tomorrow."
    response = browser.post(reverse("clinicians:risk_assessment", args=[alert.pk]), assessment)
    alert.refresh_from_db()
    assert alert.is_handled, response.context["form"].errors
    assert SafetyAlert.objects.safety_plan_owed().get() == alert


def test_a_privacy_officer_does_not_review_their_own_break_the_glass(clinic, login):
    clinic.clinician_2.is_privacy_officer = True
    clinic.clinician_2.save()
    grant = factories.emergency_grant(clinic.client_a, clinic.clinician_2)
    browser = login(clinic.clinician_2)
    assert "Mark reviewed</button>" not in browser.get(reverse("audit_log")).content.decode()
    response = browser.post(reverse("emergency_review", args=[grant.pk]), follow=True)
    assert "reviewed by another privacy officer" in response.content.decode()
    grant.refresh_from_db()
    assert grant.reviewed_at is None


def test_the_emergency_access_offer_is_itself_recorded(clinic, login):
    login(clinic.clinician_2).get(reverse("emergency_access", args=[clinic.client_a.pk]))
    entry = AuditEntry.objects.get(event="emergency_access_offered")
    assert (entry.actor, entry.client_id) == (clinic.clinician_2, clinic.client_a.pk)


def test_the_chart_says_it_is_read_only_and_offers_no_writing_under_emergency_access(clinic, login):
    browser = login(clinic.clinician_2)
    break_glass(browser, clinic)
    grant = ClientAccessGrant.objects.get()
    page = whole_chart(browser, clinic.client_a)
    until = dateformat.format(timezone.localtime(grant.expires_at), "D j M, H:i")  # e.g. "Fri 4 Dec, 13:05"
    assert f"read-only, until {until}" in page
    assert reverse("emergency_access_end", args=[clinic.client_a.pk]) in page
    writing = [
        reverse("clinicians:note_new", args=[clinic.client_a.pk, "individual_checkin"]),
        reverse("clinicians:new_administration", args=[clinic.client_a.pk]),
        reverse("clinicians:report_new", args=[clinic.client_a.pk]),
        reverse("clinicians:plan_start", args=[clinic.client_a.pk]),
        reverse("clinicians:safety_plan_start", args=[clinic.client_a.pk]),
        reverse("clinicians:discharge", args=[clinic.client_a.pk]),
    ]
    for url in writing:
        assert f'"{url}"' not in page, url
    # The same pages, reached by address, refuse before their form is filled in, and say why.
    for url in writing[:3] + writing[5:]:
        response = browser.get(url)
        assert response.status_code == 403, url
        assert "Emergency access is read-only" in response.content.decode()

    # The client's own team sees the buttons and no banner.
    own = whole_chart(login(clinic.clinician_1), clinic.client_a)
    assert "read-only, until" not in own
    assert all(f'"{url}"' in own for url in writing)


def test_the_clinician_ends_their_emergency_access_early_and_it_stays_for_the_review(clinic, login):
    chart = reverse("clinicians:chart", args=[clinic.client_a.pk])
    browser = login(clinic.clinician_2)
    break_glass(browser, clinic)
    response = browser.post(reverse("emergency_access_end", args=[clinic.client_a.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("client_list")
    assert f"Your emergency access to {clinic.client_a.display_name} has ended." in response.content.decode()
    assert browser.get(chart).status_code == 404
    grant = ClientAccessGrant.objects.get()
    assert grant.expires_at <= timezone.now() and grant.reviewed_at is None
    revoked = AuditEntry.objects.get(event="revoke_grant")
    assert (revoked.actor, revoked.client_id) == (clinic.clinician_2, clinic.client_a.pk)
    # It is still there for the privacy officer, with its reason.
    assert REASON in login(clinic.admin).get(reverse("audit_log")).content.decode()
    # Ending again, or someone else's, changes nothing.
    assert login(clinic.clinician_1).post(reverse("emergency_access_end", args=[clinic.client_a.pk])).status_code == 302
    assert ClientAccessGrant.objects.get().expires_at == grant.expires_at
