"""Skill summaries: drafted from the curriculum, edited and published by the
cohort's clinicians; publishing tells each family once, in their language."""

import pytest
from django.urls import reverse

from families import summaries
from families.models import PersonalNote, SkillSummary
from iop import reminders
from iop.models import AuditEntry, OutboxMessage
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft_week(family_week):
    """Cohort 1's summary back to an unsaved state: only the cohort-week exists."""
    summary = family_week.summaries[family_week.client_a.pk]
    week = summary.cohort_week
    week.skill.family_tips = ["Name your own feelings out loud.", "Praise any pause."]
    week.skill.conversation_starters = ["What helped today?"]
    week.skill.save()
    summary.delete()
    return week


def test_draft_comes_from_the_weeks_curriculum_module(draft_week):
    draft = summaries.draft_for(draft_week)
    assert draft.pk is None
    assert draft.skill_title == draft_week.skill.title
    assert draft.what_it_is_for == draft_week.skill.teaches
    assert draft.help_lines == ["Name your own feelings out loud.", "Praise any pause."]


def test_clinician_edits_and_publishes_and_each_family_is_told_once(draft_week, family_week, login):
    url = reverse("families:summary_edit", args=[draft_week.pk])
    browser = login(family_week.clinician_1)
    form = browser.get(url).context["form"]
    data = {**form.initial, "practice_at_home": "Edited for our group.", "action": "publish"}

    response = browser.post(url, data)

    assert response.status_code == 302
    summary = SkillSummary.objects.get(cohort_week=draft_week)
    assert summary.is_published and summary.practice_at_home == "Edited for our group."
    (message,) = OutboxMessage.objects.filter(kind=reminders.SKILL_SUMMARY)
    assert message.recipient == family_week.family_a
    assert message.to_address == family_week.family_a.email
    assert message.body.startswith("This week's skill summary is ready: http://testserver/family/children/")
    assert not reminders.health_words_in(message.body + message.subject)
    browser.post(url, data)  # a second publish does nothing more
    assert OutboxMessage.objects.filter(kind=reminders.SKILL_SUMMARY).count() == 1
    assert AuditEntry.objects.filter(event="publish_summary", object_pk=str(summary.pk)).count() == 1


def test_family_message_is_in_their_language_and_not_sent_to_do_not_contact(draft_week, family_week):
    spanish = family_week.family_a
    spanish.language = "es"
    spanish.save()
    unsafe = factories.FamilyLinkFactory(client=family_week.client_a).family_member
    unsafe.do_not_contact, unsafe.do_not_contact_reason = True, "Contact at home may be unsafe"
    unsafe.save()
    summary = SkillSummary.objects.create(cohort_week=draft_week, **summaries.draft_fields(draft_week))

    summaries.publish(summary, by=family_week.clinician_1, base_url="https://clinic.example")

    (message,) = OutboxMessage.objects.filter(kind=reminders.SKILL_SUMMARY)
    assert message.recipient == spanish and message.language == "es"
    assert message.body.startswith("El resumen de la habilidad de esta semana está listo: https://clinic.example/")


def test_guardian_address_is_used_never_the_teens(draft_week, family_week):
    family_week.client_a.email = "teen.own@example.test"
    family_week.client_a.save()
    summary = SkillSummary.objects.create(cohort_week=draft_week, **summaries.draft_fields(draft_week))
    summaries.publish(summary, by=family_week.clinician_1, base_url="https://clinic.example")
    assert list(OutboxMessage.objects.values_list("to_address", flat=True)) == [family_week.family_a.email]


def test_clinician_of_another_cohort_cannot_edit(draft_week, family_week, login):
    url = reverse("families:summary_edit", args=[draft_week.pk])
    assert login(family_week.clinician_2).post(url, {"action": "publish"}).status_code == 404
    assert not SkillSummary.objects.filter(cohort_week=draft_week).exists()


def test_summary_form_keeps_what_was_typed_when_a_field_is_empty(draft_week, family_week, login):
    url = reverse("families:summary_edit", args=[draft_week.pk])
    response = login(family_week.clinician_1).post(url, {"skill_title": "Wise <b>mind</b>", "what_it_is_for": ""})
    assert response.status_code == 200
    assert "Wise &lt;b&gt;mind&lt;/b&gt;" in response.content.decode()
    assert not SkillSummary.objects.filter(cohort_week=draft_week).exists()


def test_personal_note_is_seen_by_the_family_only_once_released(family_week, login):
    summary = family_week.summaries[family_week.client_a.pk]
    url = reverse("families:personal_note", args=[summary.pk, family_week.client_a.pk])
    summary_url = reverse("families:summary", args=[family_week.client_a.pk, summary.pk])
    staff = login(family_week.clinician_1)
    staff.post(url, {"text": "Avery did well this week.", "action": "save"})
    assert "Avery did well" not in login(family_week.family_a).get(summary_url).content.decode()

    login(family_week.clinician_1).post(url, {"text": "Avery did well this week.", "action": "release"})

    assert "Avery did well" in login(family_week.family_a).get(summary_url).content.decode()
    note = PersonalNote.objects.get()
    assert note.is_released
    assert AuditEntry.objects.filter(event="release_to_family", client_id=family_week.client_a.pk).exists()
    # Released notes are locked.
    login(family_week.clinician_1).post(url, {"text": "Changed", "action": "save"})
    note.refresh_from_db()
    assert note.text == "Avery did well this week."


def test_personal_note_for_a_client_outside_the_cohort_is_404(family_week, login):
    summary = family_week.summaries[family_week.client_a.pk]
    url = reverse("families:personal_note", args=[summary.pk, family_week.client_b.pk])
    assert login(family_week.clinician_1).get(url).status_code == 404


def test_summary_list_query_count_is_pinned(family_week, login, django_assert_max_num_queries):
    browser = login(family_week.clinician_1)
    with django_assert_max_num_queries(12):
        assert browser.get(reverse("families:summary_list")).status_code == 200


def test_a_summary_every_family_reads_names_no_client(draft_week, family_week, login):
    """The summary goes to every family of the cohort: a client's name in it (a
    classmate, or the family's own child, whom other families would read about) is
    refused with the name found, and what was typed is kept."""
    classmate = factories.ClientFactory(
        cohort=family_week.client_a.cohort, legal_first_name="Oxana", legal_last_name="Krein"
    )
    factories.EnrollmentFactory(client=classmate, cohort=classmate.cohort)
    url = reverse("families:summary_edit", args=[draft_week.pk])
    browser = login(family_week.clinician_1)
    form = browser.get(url).context["form"]
    typed = "Oxana showed everyone how to breathe slowly."
    response = browser.post(url, {**form.initial, "practice_at_home": typed, "action": "publish"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "must not name a client (found: Oxana)" in page and typed in page
    assert not SkillSummary.objects.filter(cohort_week=draft_week).exists()
    assert not OutboxMessage.objects.filter(kind=reminders.SKILL_SUMMARY).exists()


def test_a_personal_note_may_name_its_own_child_but_no_other_client(family_week, login):
    summary = family_week.summaries[family_week.client_a.pk]
    classmate = factories.ClientFactory(cohort=family_week.client_a.cohort, legal_first_name="Oxana")
    factories.EnrollmentFactory(client=classmate, cohort=classmate.cohort)
    url = reverse("families:personal_note", args=[summary.pk, family_week.client_a.pk])
    staff = login(family_week.clinician_1)
    own = family_week.client_a.first_name
    response = staff.post(url, {"text": f"{own} helped Oxana with the exercise.", "action": "save"})
    assert response.status_code == 200
    assert "must not name another client (found: Oxana)" in response.content.decode()
    assert not PersonalNote.objects.exists()
    staff.post(url, {"text": f"{own} helped a classmate with the exercise.", "action": "save"})
    assert PersonalNote.objects.get().text.startswith(own)


def test_a_summary_published_ahead_names_its_week_and_waits_for_it_in_the_archive(family_week, login):
    import datetime

    from django.utils import timezone

    from groups.recurrence import week_start

    next_monday = week_start(timezone.localdate()) + datetime.timedelta(weeks=1)
    this_week = family_week.summaries[family_week.client_a.pk].cohort_week
    ahead = factories.CohortWeekFactory(cohort=this_week.cohort, week_of=next_monday)
    url = reverse("families:summary_edit", args=[ahead.pk])
    browser = login(family_week.clinician_1)
    form = browser.get(url).context["form"]
    filled = {"how_to_help": "Ask how it went.", "conversation_starters": "What helped today?"}
    response = browser.post(url, {**form.initial, **filled, "action": "publish"})
    assert response.status_code == 302
    (message,) = OutboxMessage.objects.filter(kind=reminders.SKILL_SUMMARY)
    assert message.body.startswith(f"The skill summary for the week of {next_monday.day} ")
    archive = login(family_week.family_a).get(reverse("families:archive", args=[family_week.client_a.pk]))
    weeks = [summary.cohort_week.week_of for summary in archive.context["summaries"]]
    assert next_monday not in weeks and this_week.week_of in weeks
