"""The demo clinic's people: staff, clients and their families (as data), and
the core records. groups/, clinicians/ and families/ add their parts on top."""

import datetime

from django.utils import timezone

from . import reminders
from .models import Client, Credential, OutboxMessage, Program, Role, User

DEMO_PASSWORD = "demo-pass-2026"

STAFF = [
    # email, first, last, role, credential, superuser
    ("admin@demo.clinic", "Dana", "Whitfield", Role.PROGRAM_ADMIN, "", False),
    ("clinician@demo.clinic", "Jordan", "Reyes", Role.CLINICIAN, Credential.LCSW, False),
    ("tweens.lead@demo.clinic", "Priya", "Raman", Role.CLINICIAN, Credential.LPC, False),
    ("cofacilitator@demo.clinic", "Marcus", "Bell", Role.CLINICIAN, Credential.LMFT, False),
    ("tweens.cofacilitator@demo.clinic", "Ana", "Torres", Role.CLINICIAN, Credential.LPC, False),
    ("prescriber@demo.clinic", "Helen", "Okafor", Role.CLINICIAN, Credential.NP, False),
    ("superuser@demo.clinic", "Sam", "Ito", "", "", True),
]

# chart, legal first, last, preferred, pronouns, age, grade, school, cohort, weeks since admission, status
CLIENTS = [
    ("T-1001", "Maya", "Alvarez", "", "she/her", 15, "10", "Lincoln High School", "teens", 5, "admitted"),
    ("T-1002", "Elijah", "Brooks", "Eli", "he/him", 16, "11", "Lincoln High School", "teens", 9, "admitted"),
    ("T-1003", "Sofia", "Nguyen", "", "she/her", 14, "9", "Westbrook High School", "teens", 3, "admitted"),
    ("T-1004", "Alexander", "Kowalski", "Lex", "they/them", 17, "12", "Westbrook High School", "teens", 7, "admitted"),
    ("T-1005", "Amara", "Johnson", "", "she/her", 15, "10", "Central Academy", "teens", 2, "admitted"),
    ("T-1006", "Daniel", "Park", "Danny", "he/him", 16, "11", "Lincoln High School", "teens", 10, "admitted"),
    ("T-1007", "Isabella", "Romero", "Bella", "she/her", 14, "9", "St. Mary's", "teens", 6, "admitted"),
    ("T-1008", "Noah", "Fitzgerald", "", "he/him", 17, "12", "Central Academy", "teens", 12, "discharged"),
    ("W-2001", "Lily", "Chen", "", "she/her", 12, "7", "Hillside Middle School", "tweens", 4, "admitted"),
    ("W-2002", "Mateo", "Alvarez", "", "he/him", 12, "7", "Hillside Middle School", "tweens", 5, "admitted"),
    ("W-2003", "Zoe", "Williams", "", "she/her", 11, "6", "Oak Park Middle School", "tweens", 8, "admitted"),
    ("W-2004", "Aiden", "Patel", "", "he/him", 13, "8", "Oak Park Middle School", "tweens", 3, "admitted"),
    ("W-2005", "Harper", "Simmons", "", "she/her", 12, "7", "Hillside Middle School", "tweens", 6, "admitted"),
    ("W-2006", "Caleb", "Morrison", "Cal", "he/him", 13, "8", "Riverside Middle School", "tweens", 1, "admitted"),
    ("W-2007", "Ava", "Thompson", "", "she/her", 11, "6", "Riverside Middle School", "tweens", 10, "admitted"),
    ("W-2008", "Ethan", "Okoro", "", "he/him", 13, "8", "Oak Park Middle School", "tweens", 0, "referred"),
]

# email, first, last, language, links: (chart, relationship, legal authority)
FAMILIES = [
    ("parent@demo.clinic", "Rosa", "Alvarez", "en", [("T-1001", "mother", True), ("W-2002", "mother", True)]),
    ("parent2@demo.clinic", "Grace", "Chen", "en", [("W-2001", "mother", True)]),
    ("eli.dad@demo.clinic", "Marcus", "Brooks", "en", [("T-1002", "father", True)]),
    ("sofia.mom@demo.clinic", "Linh", "Nguyen", "es", [("T-1003", "mother", True)]),
    ("lex.parent@demo.clinic", "Ann", "Kowalski", "en", [("T-1004", "parent", True)]),
    ("amara.gran@demo.clinic", "Ruth", "Johnson", "en", [("T-1005", "grandparent", True)]),
    ("danny.mom@demo.clinic", "Jin", "Park", "en", [("T-1006", "mother", True)]),
    ("bella.dad@demo.clinic", "Luis", "Romero", "es", [("T-1007", "father", True)]),
    ("zoe.mom@demo.clinic", "Tanya", "Williams", "en", [("W-2003", "mother", True)]),
    ("aiden.dad@demo.clinic", "Raj", "Patel", "en", [("W-2004", "father", True)]),
    ("harper.guardian@demo.clinic", "Denise", "Simmons", "en", [("W-2005", "guardian", True)]),
    ("cal.mom@demo.clinic", "Erin", "Morrison", "en", [("W-2006", "mother", True)]),
    ("ava.foster@demo.clinic", "Paul", "Greene", "en", [("W-2007", "foster", False)]),
]

COHORT_LEADS = {"teens": "clinician@demo.clinic", "tweens": "tweens.lead@demo.clinic"}


def upsert_user(email, **fields):
    user, created = User.objects.update_or_create(email=email, defaults=fields)
    if created or not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def admission_date(today, weeks_ago):
    """Rolling admission: clients started on Mondays some weeks ago."""
    monday = today - datetime.timedelta(days=today.weekday())
    return monday - datetime.timedelta(weeks=weeks_ago)


def date_of_birth(today, age, chart):
    # Spread birthdays through the year, deterministically per chart.
    offset = (sum(map(ord, chart)) * 37) % 360
    return today.replace(year=today.year - age - 1) + datetime.timedelta(days=offset + 3)


def seed(today, log):
    users = {}
    for email, first, last, role, credential, superuser in STAFF:
        users[email] = upsert_user(
            email,
            first_name=first,
            last_name=last,
            role=role,
            credential=credential,
            is_superuser=superuser,
            is_staff=superuser,
            is_privacy_officer=email == "admin@demo.clinic",
        )
    Program.objects.update_or_create(
        pk=1,
        defaults={
            "name": "Evening IOP for Teens & Tweens",
            "clinic_name": "Lakeside Youth Behavioral Health",
            "address": "120 Harbor Street, Suite 300",
            "phone": "(617) 555-0140",
            "on_call_clinician": users["cofacilitator@demo.clinic"],
            "director": users["prescriber@demo.clinic"],
        },
    )
    for chart, first, last, preferred, pronouns, age, grade, school, cohort, weeks, status in CLIENTS:
        admitted = admission_date(today, weeks) if status != "referred" else None
        discharged = admitted + datetime.timedelta(weeks=10, days=3) if status == "discharged" else None
        Client.objects.update_or_create(
            chart_number=chart,
            defaults={
                "legal_first_name": first,
                "legal_last_name": last,
                "preferred_name": preferred,
                "pronouns": pronouns,
                "date_of_birth": date_of_birth(today, age, chart),
                "school": school,
                "grade": grade,
                "status": status,
                "admitted_on": admitted,
                "discharged_on": discharged,
                "lead_clinician": users[COHORT_LEADS[cohort]],
            },
        )
    log(f"{len(STAFF)} staff, {len(CLIENTS)} clients")
    seed_delivery_history(today, users)
    log("reminder delivery history")


def seed_delivery_history(today, users):
    """A few days of staff reminders as the delivery log shows them: sent, one
    failure waiting for a retry, one not sent because the person opted out."""
    users["prescriber@demo.clinic"].reminders_opt_out = True
    users["prescriber@demo.clinic"].save(update_fields=["reminders_opt_out"])
    clinic = Program.current().clinic_name
    Status = OutboxMessage.Status
    history = [
        # key, kind, recipient, body, days ago, hour, status, fields
        (
            "notes",
            reminders.NOTES_TO_SIGN,
            "clinician@demo.clinic",
            reminders.notes_to_sign_text(2),
            1,
            16,
            Status.SENT,
            {"attempts": 1},
        ),
        (
            "alert",
            reminders.SAFETY_ALERT,
            "cofacilitator@demo.clinic",
            reminders.safety_alert_text(),
            2,
            19,
            Status.SENT,
            {"attempts": 1, "urgent": True},
        ),
        (
            "plans",
            reminders.PLAN_REVIEWS_DUE,
            "tweens.lead@demo.clinic",
            reminders.plan_reviews_due_text(1),
            1,
            9,
            Status.FAILED,
            {"attempts": 5, "last_error": "SMTPRecipientsRefused: 452 mailbox full (demo)"},
        ),
        (
            "overdue",
            reminders.CHECK_INS_OVERDUE,
            "prescriber@demo.clinic",
            reminders.check_ins_overdue_text(2),
            1,
            9,
            Status.SKIPPED,
            {"skipped_reason": "Opted out of reminders"},
        ),
    ]
    for key, kind, email, body, days_ago, hour, status, fields in history:
        when = timezone.make_aware(
            datetime.datetime.combine(today - datetime.timedelta(days=days_ago), datetime.time(hour))
        )
        person = users[email]
        OutboxMessage.objects.update_or_create(
            idempotency_key=f"demo:{key}",
            defaults={
                "kind": kind,
                "recipient": person,
                "to_address": person.email,
                "subject": clinic,
                "body": body,
                "due_at": when,
                "status": status,
                "sent_at": when if status == Status.SENT else None,
                "provider_id": f"<demo.{key}@demo.clinic>" if status == Status.SENT else "",
                **fields,
            },
        )
        OutboxMessage.objects.filter(idempotency_key=f"demo:{key}").update(created_at=when)
