"""Reminder texts carry the least health information that does the job."""

import datetime

import pytest

from iop import reminders
from iop.models import OutboxMessage

START, END = datetime.time(17, 30), datetime.time(20, 30)
DAY = datetime.date(2026, 11, 24)
CLINIC = "Riverside Clinic"

EVERY_TEXT = {
    "group_tonight": reminders.group_tonight_text("Teens", START, END, CLINIC),
    "family_group_tomorrow": reminders.family_group_tomorrow_text(DAY, START, END, CLINIC),
    "family_session": reminders.family_session_text(DAY, START, CLINIC),
    "family_session_cancelled": reminders.family_session_cancelled_text(DAY, START, CLINIC),
    "schedule_change": reminders.schedule_change_text(DAY, CLINIC),
    "closure": reminders.closure_text(DAY, CLINIC),
    "skill_summary": reminders.skill_summary_text(CLINIC),
    "check_in_due": reminders.check_in_due_text("https://iop.example/c/abc123"),
    "notes_to_sign": reminders.notes_to_sign_text(3),
    "plan_reviews_due": reminders.plan_reviews_due_text(2),
    "check_ins_overdue": reminders.check_ins_overdue_text(4),
    "plans_owed": reminders.plans_owed_text(2),
    "staff_digest": reminders.staff_digest_text(3, 2, 4, 1),
    "safety_alert": reminders.safety_alert_text(),
}

FORBIDDEN = ["suicide", "PHQ", "depression", "score", "diagnosis", "self-harm", "crisis", "anxiety", "risk"]


def test_every_builder_is_covered():
    builders = {name for name in dir(reminders) if name.endswith("_text")}
    assert builders == {f"{kind}_text" for kind in EVERY_TEXT}


@pytest.mark.parametrize("kind", EVERY_TEXT)
def test_no_text_names_health_matters(kind):
    text = EVERY_TEXT[kind]
    assert reminders.health_words_in(text) == []
    assert not [word for word in FORBIDDEN if word.lower() in text.lower()]


def test_group_tonight_says_when_and_where():
    assert EVERY_TEXT["group_tonight"] == "Teens group tonight 17:30-20:30 at Riverside Clinic."


def test_staff_digest_gives_counts_only_and_leaves_out_zeros():
    assert reminders.staff_digest_text(1, 0, 2).splitlines() == [
        "You have 1 note waiting for your signature. Open the app.",
        "2 weekly check-ins are overdue. Open the app.",
    ]
    assert reminders.staff_digest_text(0, 0, 0) == ""


def test_safety_alert_says_only_open_the_app():
    assert EVERY_TEXT["safety_alert"] == "An alert needs your attention now. Open the app."


def test_health_words_are_found_in_any_case():
    assert reminders.health_words_in("Your PHQ Score is 21") == ["phq", "score"]


def test_keys_are_stable():
    assert reminders.make_key(reminders.GROUP_TONIGHT, 12, 7) == "group_tonight:12:7"


@pytest.mark.django_db
def test_notify_texts_only_people_who_agreed(clinic):
    person = clinic.family_a
    by_mail = reminders.notify(person, kind=reminders.CLOSURE, key="k1", body=EVERY_TEXT["closure"])
    person.phone = "+15555550101"
    person.give_sms_consent()
    person.save()
    by_text = reminders.notify(person, kind=reminders.CLOSURE, key="k2", body=EVERY_TEXT["closure"])
    assert (by_mail.channel, by_mail.to_address) == (OutboxMessage.Channel.EMAIL, person.email)
    assert (by_text.channel, by_text.to_address) == (OutboxMessage.Channel.SMS, "+15555550101")


def test_days_are_named_in_the_family_members_language():
    from django.utils import translation

    assert reminders.closure_text(DAY, CLINIC).startswith("No group on Tue 24 Nov")
    with translation.override("es"):
        text = reminders.closure_text(DAY, CLINIC)
    assert "mar 24 nov" in text.lower()
    assert "Tue" not in text
