"""Discharge: a follow-up appointment within 7 days of discharge, the status
at discharge (tolerating no PHQ scores yet), and the episode ends."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from clinicians.discharging import last_phq_total
from clinicians.models import Discharge
from clinicians.models.discharge import FOLLOW_UP_WITHIN_DAYS
from iop.models import AuditEntry, Client

pytestmark = pytest.mark.django_db


def discharge_data(discharged_on, follow_up_on, **overrides):
    return {
        "discharged_on": discharged_on.isoformat(),
        "reason": "completed",
        "status_summary": "Back at school full days; mood steady.",
        "objectives_summary": "School attendance met; PHQ-A below 10 met.",
        "aftercare_plan": "Weekly outpatient therapy; family keeps using the skills cards.",
        "follow_up_with": "Dr. Amy Lin, PsyD",
        "follow_up_on": follow_up_on.isoformat(),
        "follow_up_time": "16:30",
        "follow_up_where": "Harborview Counseling, 44 Pine Street",
        "referrals": "Outpatient therapy",
        "safety_plan_handed_over": "on",
        **overrides,
    }


def test_follow_up_more_than_7_days_after_discharge_is_refused_and_the_form_keeps_its_text(clinic, login):
    today = timezone.localdate()
    late = today + datetime.timedelta(days=FOLLOW_UP_WITHIN_DAYS + 1)
    response = login(clinic.clinician_1).post(
        reverse("clinicians:discharge", args=[clinic.client_a.pk]), discharge_data(today, late)
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "within 7 days" in page and "Harborview Counseling" in page
    clinic.client_a.refresh_from_db()
    assert clinic.client_a.status == Client.Status.ADMITTED
    assert not Discharge.objects.exists()


def test_follow_up_before_discharge_is_refused(clinic):
    today = timezone.localdate()
    record = Discharge(client=clinic.client_a, author=clinic.clinician_1, discharged_on=today)
    record.follow_up_on = today - datetime.timedelta(days=1)
    with pytest.raises(ValidationError):
        record.clean()


def test_discharge_with_follow_up_on_day_7_ends_the_episode(clinic, login):
    today = timezone.localdate()
    response = login(clinic.clinician_1).post(
        reverse("clinicians:discharge", args=[clinic.client_a.pk]),
        discharge_data(today, today + datetime.timedelta(days=FOLLOW_UP_WITHIN_DAYS)),
    )
    assert response.status_code == 302
    clinic.client_a.refresh_from_db()
    assert clinic.client_a.status == Client.Status.DISCHARGED
    assert clinic.client_a.discharged_on == today
    record = Discharge.objects.get()
    assert record.safety_plan_handed_over and record.last_phq_total is None
    assert AuditEntry.objects.filter(event="discharge", client_id=clinic.client_a.pk).exists()
    page = login(clinic.clinician_1).get(reverse("clinicians:discharge", args=[clinic.client_a.pk])).content.decode()
    assert "Dr. Amy Lin" in page


def test_last_phq_total_is_none_before_any_scores(clinic):
    assert last_phq_total(clinic.client_a) is None


def test_discharge_cannot_be_recorded_twice(clinic, login):
    today = timezone.localdate()
    url = reverse("clinicians:discharge", args=[clinic.client_a.pk])
    data = discharge_data(today, today + datetime.timedelta(days=3))
    login(clinic.clinician_1).post(url, data)
    response = login(clinic.clinician_1).post(url, {**data, "aftercare_plan": "Other plan"})
    assert response.status_code == 200
    assert Discharge.objects.get().aftercare_plan.startswith("Weekly outpatient")


def test_discharge_form_starts_with_the_plans_objectives_and_their_progress(clinic, login):
    from tests import factories

    plan = factories.signed_plan(clinic.client_a)
    objective = plan.objectives.get()
    page = login(clinic.clinician_1).get(reverse("clinicians:discharge", args=[clinic.client_a.pk])).content.decode()
    assert f"- {objective.text} (not reviewed)" in page


def test_discharge_records_the_last_phq_total(clinic, login):
    from tests import factories

    no_self_harm = {**{f"phq9_{n}": 1 for n in range(1, 9)}, "phq9_9": 0}  # no open safety alert
    week_ago = timezone.now() - datetime.timedelta(days=7)
    factories.AdministrationFactory(client=clinic.client_a, administered_at=week_ago, answers=no_self_harm)
    factories.AdministrationFactory(client=clinic.client_a, answers={f"phq9_{n}": 0 for n in range(1, 10)})
    factories.AdministrationFactory(client=clinic.client_a, instrument="gad7")
    assert last_phq_total(clinic.client_a) == 0
    today = timezone.localdate()
    login(clinic.clinician_1).post(
        reverse("clinicians:discharge", args=[clinic.client_a.pk]),
        discharge_data(today, today + datetime.timedelta(days=2)),
    )
    assert Discharge.objects.get().last_phq_total == 0


def test_a_clinical_discharge_ends_the_cohort_enrollment_so_later_evenings_and_their_families_let_go(clinic, login):
    from groups.enrollment import current_enrollment, rosters
    from groups.notices import families_by_session
    from tests import factories

    today = timezone.localdate()
    factories.EnrollmentFactory(
        client=clinic.client_a, cohort=clinic.client_a.cohort, started_on=today - datetime.timedelta(weeks=3)
    )
    next_week = factories.SessionFactory(cohort=clinic.client_a.cohort, day=today + datetime.timedelta(days=7))
    assert families_by_session([next_week])  # client A's family hears of it while A is in the group
    response = login(clinic.clinician_1).post(
        reverse("clinicians:discharge", args=[clinic.client_a.pk]), discharge_data(today, today)
    )
    assert response.status_code == 302 and response.url == reverse("clinicians:chart", args=[clinic.client_a.pk])
    clinic.client_a.refresh_from_db()
    assert clinic.client_a.status == Client.Status.DISCHARGED and clinic.client_a.cohort is None
    assert current_enrollment(clinic.client_a) is None
    assert clinic.client_a.enrollments.get().ended_on == today
    assert rosters([next_week])[next_week.pk] == [] and not families_by_session([next_week])


def test_a_co_facilitator_who_discharges_is_told_the_chart_stays_with_the_lead(clinic, login):
    from tests import factories

    today = timezone.localdate()
    factories.EnrollmentFactory(client=clinic.client_a, cohort=clinic.client_a.cohort, started_on=today)
    colleague = factories.ClinicianFactory()
    clinic.client_a.cohort.co_facilitators.add(colleague)
    browser = login(colleague)
    response = browser.post(reverse("clinicians:discharge", args=[clinic.client_a.pk]), discharge_data(today, today))
    assert response.status_code == 302 and response.url == reverse("clinician_home")
    page = browser.get(response.url).content.decode()
    assert "is discharged" in page and "The chart stays with" in page


def test_a_discharge_is_not_dated_before_the_client_joined_their_cohort(clinic, login):
    from tests import factories

    today = timezone.localdate()
    factories.EnrollmentFactory(client=clinic.client_a, cohort=clinic.client_a.cohort, started_on=today)
    yesterday = today - datetime.timedelta(days=1)
    response = login(clinic.clinician_1).post(
        reverse("clinicians:discharge", args=[clinic.client_a.pk]), discharge_data(yesterday, today)
    )
    assert response.status_code == 200 and "the discharge is on that day or later" in response.content.decode()
    assert not Discharge.objects.exists()


def test_after_the_office_discharges_the_clinician_still_records_the_summary_and_aftercare(clinic, login):
    from groups import enrollment
    from tests import factories

    today = timezone.localdate()
    factories.EnrollmentFactory(
        client=clinic.client_a, cohort=clinic.client_a.cohort, started_on=today - datetime.timedelta(weeks=6)
    )
    enrollment.discharge(clinic.client_a, today - datetime.timedelta(days=1), clinic.admin)
    browser = login(clinic.clinician_1)  # the client's lead clinician
    chart = browser.get(reverse("clinicians:chart", args=[clinic.client_a.pk])).content.decode()
    assert "Record the discharge summary and aftercare plan" in chart
    url = reverse("clinicians:discharge", args=[clinic.client_a.pk])
    page = browser.get(url).content.decode()
    assert "The program office ended" in page and f'value="{today - datetime.timedelta(days=1)}"' in page

    yesterday = today - datetime.timedelta(days=1)
    assert browser.post(url, discharge_data(yesterday, today)).status_code == 302
    record = Discharge.objects.get(client=clinic.client_a)
    assert record.aftercare_plan.startswith("Weekly outpatient") and record.discharged_on == yesterday
    clinic.client_a.refresh_from_db()
    assert clinic.client_a.status == Client.Status.DISCHARGED and clinic.client_a.discharged_on == yesterday


def test_a_client_readmitted_after_a_discharge_is_discharged_again_with_a_new_summary(clinic, login):
    from groups import enrollment
    from tests import factories

    today = timezone.localdate()
    client = clinic.client_a
    factories.EnrollmentFactory(client=client, cohort=client.cohort, started_on=today - datetime.timedelta(weeks=10))
    url = reverse("clinicians:discharge", args=[client.pk])
    browser = login(clinic.clinician_1)
    first_day = today - datetime.timedelta(weeks=4)
    data = discharge_data(first_day, first_day, reason="step_up", aftercare_plan="Partial hospitalization program.")
    assert browser.post(url, data).status_code == 302

    client.refresh_from_db()
    enrollment.admit(
        client, clinic.client_a.enrollments.get().cohort, today - datetime.timedelta(weeks=2), clinic.admin
    )
    client.refresh_from_db()
    chart = browser.get(reverse("clinicians:chart", args=[client.pk])).content.decode()
    assert "Discharge this client" in chart and "Discharge summary</a>" not in chart
    assert "Partial hospitalization program." not in browser.get(url).content.decode()  # a new form

    assert browser.post(url, discharge_data(today, today)).status_code == 302
    assert [d.discharged_on for d in Discharge.objects.filter(client=client).order_by("discharged_on")] == [
        first_day,
        today,
    ]
    assert "Weekly outpatient therapy" in browser.get(url).content.decode()  # this episode's summary
    chart = browser.get(reverse("clinicians:chart", args=[client.pk])).content.decode()
    assert "Discharge summary</a>" in chart and "Discharge this client" not in chart


def test_a_client_without_a_lead_keeps_their_chart_with_the_cohort_lead_after_discharge(clinic, login):
    from tests import factories

    today = timezone.localdate()
    client = clinic.client_a
    factories.EnrollmentFactory(client=client, cohort=client.cohort, started_on=today - datetime.timedelta(weeks=3))
    Client.objects.filter(pk=client.pk).update(lead_clinician=None)
    browser = login(clinic.clinician_1)  # the cohort's lead
    response = browser.post(reverse("clinicians:discharge", args=[client.pk]), discharge_data(today, today))
    assert response.url == reverse("clinicians:chart", args=[client.pk])
    client.refresh_from_db()
    assert client.lead_clinician == clinic.clinician_1
    assert browser.get(response.url).status_code == 200


def test_an_office_discharge_summary_waits_for_an_open_alert_and_keeps_the_offices_date(clinic, login):
    from groups import enrollment
    from tests import factories

    today = timezone.localdate()
    factories.EnrollmentFactory(
        client=clinic.client_a, cohort=clinic.client_a.cohort, started_on=today - datetime.timedelta(weeks=6)
    )
    factories.AdministrationFactory(client=clinic.client_a)  # item 9 answered 1: an alert
    enrollment.discharge(clinic.client_a, today - datetime.timedelta(days=1), clinic.admin)
    url = reverse("clinicians:discharge", args=[clinic.client_a.pk])
    browser = login(clinic.clinician_1)
    assert "has a safety alert still open" in browser.get(url).content.decode()
    page = browser.post(url, discharge_data(today - datetime.timedelta(days=1), today)).content.decode()
    assert "has a safety alert still open" in page and not Discharge.objects.exists()

    from clinicians.models import RiskAssessment, SafetyAlert

    SafetyAlert.objects.get().close_with(
        RiskAssessment(cssrs_screen="low", disposition="home_with_follow_up", safety_plan="reviewed",
                       notes="Called at home; plan reviewed.", assessed_by=clinic.clinician_1)
    )  # fmt: skip
    page = browser.post(url, discharge_data(today - datetime.timedelta(days=9), today)).content.decode()
    assert "the summary is dated that day" in page and not Discharge.objects.exists()
    assert browser.post(url, discharge_data(today - datetime.timedelta(days=1), today)).status_code == 302


def test_a_second_discharge_of_one_episode_is_refused(clinic):
    """Two colleagues' forms, both opened before either was saved: the second finds the first."""
    from clinicians.chart_forms import DischargeForm
    from clinicians.discharging import AlreadyDischarged, discharge

    today = timezone.localdate()

    def sent_form(plan):
        form = DischargeForm(
            discharge_data(today, today, aftercare_plan=plan),
            client=clinic.client_a,
            instance=Discharge(author=clinic.clinician_1),
        )
        assert form.is_valid(), form.errors
        return form.instance

    first, second = sent_form("Weekly outpatient therapy."), sent_form("Another plan.")
    discharge(clinic.client_a, first, clinic.clinician_1)
    with pytest.raises(AlreadyDischarged):
        discharge(clinic.client_a, second, clinic.clinician_1)
    assert Discharge.objects.get().aftercare_plan == "Weekly outpatient therapy."


def test_a_follow_up_at_a_time_nobody_keeps_is_refused_and_the_form_keeps_its_text(clinic, login):
    today = timezone.localdate()
    data = discharge_data(today, today + datetime.timedelta(days=3), follow_up_time="02:00")
    response = login(clinic.clinician_1).post(reverse("clinicians:discharge", args=[clinic.client_a.pk]), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "between 07:00 and 22:00: check the time" in page and "Harborview Counseling" in page
    assert response.context["form"]["follow_up_time"].value() == "02:00"
    assert not Discharge.objects.exists()
