"""Reminder texts and the entry point producers use to send them.

A text or email can be read by anyone holding the phone, so every text here
carries the least health information that does the job: a time, a place, "open
the app". Never a diagnosis, a score, a questionnaire's name or what someone
answered (``HEALTH_WORDS`` lists words no message may contain; the tests check
every builder, and producers' tests should check their texts with
``health_words_in``).

How an app sends a reminder (inside the transaction that records the event)::

    from iop import reminders

    reminders.notify(
        parent,
        kind=reminders.GROUP_TONIGHT,
        key=reminders.make_key(reminders.GROUP_TONIGHT, session.pk, parent.pk),
        body=reminders.group_tonight_text(cohort.name, session.start, session.end, program.clinic_name),
        due_at=afternoon_of_the_session,   # default: now
    )

- ``key`` must be the same every time the same reminder would be produced
  (same event, same person): the outbox refuses a second row for it, so
  re-running a producer, a beat job or a retried request never sends twice.
- ``notify`` picks the channel: a text when the person agreed to texts and has
  a phone number, else email. Delivery re-checks consent, opt-outs, "do not
  contact" and quiet hours at sending time (iop/delivery.py).
- Write ``body`` (and ``subject``) in the recipient's language
  (``person.language``); the outbox stores the language with the message.
- ``urgent=True`` only for safety alerts to staff: sent at once, even in quiet
  hours, never batched. Its text says "open the app", nothing more.
- For an address without an account (a client's own email), call
  ``iop.outbox.queue_message`` with ``recipient=None, to_address=...``.
"""

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import OutboxMessage
from .outbox import queue_message

# Kinds of message (the delivery log filters by them). Families:
GROUP_TONIGHT = "group_tonight"
FAMILY_GROUP_TOMORROW = "family_group_tomorrow"
FAMILY_SESSION = "family_session"
SCHEDULE_CHANGE = "schedule_change"
CLOSURE = "closure"
SKILL_SUMMARY = "skill_summary"
# Clients:
CHECK_IN_DUE = "check_in_due"
# Clinicians:
NOTES_TO_SIGN = "notes_to_sign"
PLAN_REVIEWS_DUE = "plan_reviews_due"
CHECK_INS_OVERDUE = "check_ins_overdue"
STAFF_DIGEST = "staff_digest"  # the morning digest: the three above, counts only
SAFETY_ALERT = "safety_alert"

#: Words no reminder may contain: they would tell whoever holds the phone
#: about someone's mental health.
HEALTH_WORDS = (
    "suicide",
    "suicidal",
    "self-harm",
    "depression",
    "depressed",
    "anxiety",
    "diagnosis",
    "psychiatric",
    "mental health",
    "therapy",
    "phq",
    "score",
    "severity",
    "crisis",
    "safety plan",
    "risk",
    "medication",
)


def health_words_in(text):
    """The ``HEALTH_WORDS`` found in ``text`` (case-insensitive); empty when it is fine."""
    lowered = text.lower()
    return [word for word in HEALTH_WORDS if word in lowered]


def make_key(kind, *parts):
    """An idempotency key: the kind and what makes this reminder unique."""
    return ":".join([kind, *map(str, parts)])


def notify(person, *, kind, key, body, subject="", due_at=None, urgent=False, stale_after=None):
    """Queue one message to ``person`` (a User) by text if they agreed to texts,
    else by email. Returns the OutboxMessage (the existing one for a known key);
    ``stale_after``: when it would no longer be true (see ``queue_message``)."""
    by_text = person.sms_consent and bool(person.phone)
    return queue_message(
        key=key,
        kind=kind,
        recipient=person,
        body=body,
        subject=subject,
        channel=OutboxMessage.Channel.SMS if by_text else OutboxMessage.Channel.EMAIL,
        due_at=due_at,
        urgent=urgent,
        stale_after=stale_after,
    )


def _hhmm(value):
    return value.strftime("%H:%M")


def _day(value):
    """ "Fri 4 Dec" in English, "vie 4 dic" in Spanish: the active language names the
    day, and its translation of the format keeps Spanish months lower-case."""
    return date_format(value, _("D j M"))


def group_tonight_text(cohort_name, start, end, clinic):
    return _("%(cohort)s group tonight %(start)s-%(end)s at %(clinic)s.") % {
        "cohort": cohort_name,
        "start": _hhmm(start),
        "end": _hhmm(end),
        "clinic": clinic,
    }


def family_group_tomorrow_text(day, start, end, clinic):
    """Sent the day before, it names the day rather than "tomorrow": held over quiet
    hours, it arrives on the day itself and is still true."""
    return _("Family group %(day)s %(start)s-%(end)s at %(clinic)s.") % {
        "day": _day(day),
        "start": _hhmm(start),
        "end": _hhmm(end),
        "clinic": clinic,
    }


def family_session_text(day, start, clinic):
    return _("Family appointment on %(day)s at %(start)s, %(clinic)s.") % {
        "day": _day(day),
        "start": _hhmm(start),
        "clinic": clinic,
    }


def family_session_cancelled_text(day, start, clinic):
    return _("The family appointment on %(day)s at %(start)s, %(clinic)s, is cancelled.") % {
        "day": _day(day),
        "start": _hhmm(start),
        "clinic": clinic,
    }


def schedule_change_text(day, clinic):
    return _("The schedule for %(day)s at %(clinic)s has changed. Open the app for the new times.") % {
        "day": _day(day),
        "clinic": clinic,
    }


def closure_text(day, clinic):
    return _("No group on %(day)s: %(clinic)s is closed.") % {"day": _day(day), "clinic": clinic}


def skill_summary_text(clinic):
    return _("This week's family summary from %(clinic)s is ready in the app.") % {"clinic": clinic}


def check_in_due_text(link):
    return _("Your weekly check-in is ready: %(link)s") % {"link": link}


def notes_to_sign_text(count):
    text = ngettext(
        "You have %(count)s note waiting for your signature. Open the app.",
        "You have %(count)s notes waiting for your signature. Open the app.",
        count,
    )
    return text % {"count": count}


def plan_reviews_due_text(count):
    text = ngettext(
        "%(count)s plan review is due. Open the app.", "%(count)s plan reviews are due. Open the app.", count
    )
    return text % {"count": count}


def check_ins_overdue_text(count):
    text = ngettext(
        "%(count)s weekly check-in is overdue. Open the app.",
        "%(count)s weekly check-ins are overdue. Open the app.",
        count,
    )
    return text % {"count": count}


def plans_owed_text(count):
    text = ngettext(
        "%(count)s client is owed a plan after an alert. Open the app.",
        "%(count)s clients are owed a plan after an alert. Open the app.",
        count,
    )
    return text % {"count": count}


def staff_digest_text(notes_to_sign, plan_reviews_due, check_ins_overdue, plans_owed=0):
    """The morning digest: one line per count that is not zero (empty when all are),
    a plan owed after an alert first."""
    lines = [
        builder(count)
        for builder, count in (
            (plans_owed_text, plans_owed),
            (notes_to_sign_text, notes_to_sign),
            (plan_reviews_due_text, plan_reviews_due),
            (check_ins_overdue_text, check_ins_overdue),
        )
        if count
    ]
    return "\n".join(lines)


def safety_alert_text():
    return _("An alert needs your attention now. Open the app.")
