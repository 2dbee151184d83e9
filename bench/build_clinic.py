"""A large clinic for the page benchmarks: 20 cohorts, 300 active clients and two
years of history (evenings, attendance, signed group notes with an entry for
every attendee, check-in notes, weekly PHQ-9, published skill summaries, and a
signed treatment plan for each active client, and the outbox's reminders and
digests: about 200,000 messages), written with bulk inserts so it
builds in about a minute.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/iop_bench .venv/bin/python bench/build_clinic.py [--fresh]

Every active client's cohort has 15 places filled back to back by episodes of
8 to 14 weeks, so two years make about 3,000 clients of whom 300 are in group
today. Logins (password ``bench-pass-2026``): ``lead-01@bench.clinic`` (lead
clinician of cohort 1), ``admin@bench.clinic`` (program admin) and
``family-01-01@bench.clinic`` (parent of the first active client of cohort 1).
The database is created if it does not exist. Running it again on a built
clinic does nothing; ``--fresh`` drops and recreates the database first."""

import argparse
import datetime
import os
import random
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
if str(BASE_DIR) not in sys.path:
    sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iop.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

PASSWORD = "bench-pass-2026"
DOMAIN = "bench.clinic"
COHORTS = 20
PLACES = 15  # active clients per cohort: 20 x 15 = 300
YEARS = 2
EPISODE_WEEKS = (8, 10, 12, 14)
BATCH = 5000
CLINICIAN_LOGIN = f"lead-01@{DOMAIN}"
ADMIN_LOGIN = f"admin@{DOMAIN}"
FAMILY_LOGIN = f"family-01-01@{DOMAIN}"


def prepare_database(fresh):
    """Create the database named by DATABASE_URL if it does not exist (``fresh``:
    drop it first), connecting to the server's 'postgres' database."""
    import environ
    import psycopg

    config = environ.Env.db_url_config(os.environ["DATABASE_URL"])
    name = config["NAME"]
    with psycopg.connect(
        dbname="postgres",
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
        autocommit=True,
    ) as connection:
        if fresh:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def build(today=None, log=print):
    """Build the clinic in the configured database (already migrated). Returns the
    counts of rows written, by model."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from groups import demo as groups_demo
    from groups import schedule
    from groups.models import Closure, Cohort
    from iop.models import Credential, Program, Role, User

    today = today or timezone.localdate()
    rng = random.Random(2026)
    password = make_password(PASSWORD)
    first = today - datetime.timedelta(weeks=52 * YEARS)
    last = today + datetime.timedelta(weeks=4)
    counts = {}

    with transaction.atomic():
        # 15 clients with two facilitators each evening: the program's ratio allows 8 each.
        Program.objects.update_or_create(pk=1, defaults={"max_clients_per_staff": 8})
        groups_demo._curriculum()
        admin = User.objects.create(
            email=ADMIN_LOGIN, password=password, first_name="Bench", last_name="Admin", role=Role.PROGRAM_ADMIN
        )
        staff = User.objects.bulk_create(
            User(
                email=f"{kind}-{n:02d}@{DOMAIN}",
                password=password,
                first_name=kind.title(),
                last_name=f"{n:02d}",
                role=Role.CLINICIAN,
                credential=Credential.LCSW if kind == "lead" else Credential.LPC,
            )
            for n in range(1, COHORTS + 1)
            for kind in ("lead", "co")
        )
        cohorts = Cohort.objects.bulk_create(
            Cohort(
                name=f"Cohort {n:02d}",
                slug=f"cohort-{n:02d}",
                age_min=11 if n % 2 else 14,
                age_max=13 if n % 2 else 17,
                room=f"Room {n:02d}",
                capacity=PLACES + 1,
                lead_clinician=staff[2 * (n - 1)],
                active_from=first,
                family_group_weekday=2,
                family_group_start=datetime.time(19, 30),
            )
            for n in range(1, COHORTS + 1)
        )
        through = Cohort.co_facilitators.through
        through.objects.bulk_create(
            through(cohort_id=cohort.pk, user_id=staff[2 * i + 1].pk) for i, cohort in enumerate(cohorts)
        )
        _closures(first, last, admin, Closure)
        started = time.perf_counter()
        generated = schedule.generate_all(cohorts, first, last)
        log(f"  {generated.created} evenings generated in {time.perf_counter() - started:.1f} s")
        counts["Session"] = generated.created
        episodes = _clients(cohorts, first, today, rng, counts)
        _chart_past_evenings(counts)
        _attendance(episodes, rng, counts)
        _group_notes(counts)
        _treatment_plans(episodes, today, counts)
        _measures_and_notes(episodes, today, rng, counts)
        _families(episodes, password, counts)
        _summaries(cohorts, today, counts)
        _message_history(cohorts, staff, today, rng, counts)
    return counts


def _closures(first, last, admin, Closure):
    from groups.demo import thanksgiving

    days = []
    for year in range(first.year, last.year + 1):
        days.append((thanksgiving(year), "Thanksgiving"))
        days.append((datetime.date(year, 12, 25), "Winter break"))
    Closure.objects.bulk_create(
        Closure(
            starts_on=day,
            ends_on=day + datetime.timedelta(days=3 if note == "Winter break" else 0),
            reason="holiday",
            note=note,
            created_by=admin,
        )
        for day, note in days
        if first <= day <= last
    )


class Episode:
    """One client's stay in a cohort: the client, the enrollment's days, the clinician."""

    def __init__(self, client, cohort, started_on, ended_on):
        self.client, self.cohort, self.started_on, self.ended_on = client, cohort, started_on, ended_on


def _clients(cohorts, first, today, rng, counts):
    from groups.models import Enrollment
    from iop.models import Client

    plans = []
    for cohort in cohorts:
        for place in range(1, PLACES + 1):
            # Stagger places so admissions and discharges spread over the weeks.
            day = first + datetime.timedelta(days=rng.randrange(0, 7 * 8))
            number = 0
            while True:
                number += 1
                ends = day + datetime.timedelta(weeks=rng.choice(EPISODE_WEEKS), days=-1)
                active = ends >= today
                plans.append((cohort, place, number, day, None if active else ends))
                if active:
                    break
                day = ends + datetime.timedelta(days=rng.choice((1, 3, 7)))
    clients = Client.objects.bulk_create(
        (
            Client(
                chart_number=f"B{cohort.pk:02d}-{place:02d}-{number:02d}",
                legal_first_name=f"Client{place:02d}{number:02d}",
                legal_last_name=f"{cohort.slug.title()}",
                date_of_birth=started - datetime.timedelta(days=365 * (cohort.age_min + 1) + place * 11),
                cohort=cohort if ended is None else None,
                lead_clinician=cohort.lead_clinician,
                status=Client.Status.ADMITTED if ended is None else Client.Status.DISCHARGED,
                admitted_on=started,
                discharged_on=ended,
            )
            for cohort, place, number, started, ended in plans
        ),
        batch_size=BATCH,
    )
    Enrollment.objects.bulk_create(
        (
            Enrollment(
                client=client,
                cohort=cohort,
                started_on=started,
                ended_on=ended,
                end_reason=Enrollment.EndReason.DISCHARGE if ended else "",
            )
            for client, (cohort, _place, _number, started, ended) in zip(clients, plans, strict=True)
        ),
        batch_size=BATCH,
    )
    counts["Client"] = counts["Enrollment"] = len(clients)
    counts["active clients"] = sum(1 for plan in plans if plan[4] is None)
    return [
        Episode(client, cohort, started, ended)
        for client, (cohort, _place, _number, started, ended) in zip(clients, plans, strict=True)
    ]


def _chart_past_evenings(counts):
    from django.db.models import F
    from django.utils import timezone

    from groups.models import Session

    counts["charted evenings"] = (
        Session.objects.scheduled().filter(ends_at__lt=timezone.now()).update(charted_at=F("ends_at"))
    )


def _attendance(episodes, rng, counts):
    from collections import defaultdict

    from django.utils import timezone

    from groups.models import Attendance, Session

    by_cohort = defaultdict(list)
    for episode in episodes:
        by_cohort[episode.cohort.pk].append(episode)
    past = Session.objects.scheduled().filter(ends_at__lt=timezone.now()).values_list("pk", "cohort_id", "starts_at")
    statuses = ["present"] * 14 + ["late", "left_early", "excused", "absent"]
    rows = []
    for pk, cohort_id, starts_at in past.iterator(chunk_size=BATCH):
        day = timezone.localtime(starts_at).date()
        for episode in by_cohort[cohort_id]:
            if episode.started_on <= day and (episode.ended_on is None or day <= episode.ended_on):
                status = rng.choice(statuses)
                rows.append(
                    Attendance(
                        session_id=pk,
                        client_id=episode.client.pk,
                        status=status,
                        late_minutes=20 if status == "late" else 0,
                        left_early_minutes=30 if status == "left_early" else 0,
                        recorded_by_id=episode.cohort.lead_clinician_id,
                    )
                )
    Attendance.objects.bulk_create(rows, batch_size=BATCH)
    counts["Attendance"] = len(rows)


def _group_notes(counts):
    """A signed group note for every charted evening and a signed entry for every
    client who came (present, late or left early), by the cohort's lead clinician,
    as the group chart writes them."""
    from collections import defaultdict

    from clinicians.models import GroupNote, IndividualEntry
    from groups.models import Attendance, Session

    charted = Session.objects.filter(charted_at__isnull=False).values_list("pk", "cohort__lead_clinician_id", "ends_at")
    leads, signed = {}, {}
    notes = []
    for pk, lead, ends_at in charted.iterator(chunk_size=BATCH):
        leads[pk], signed[pk] = lead, ends_at
        notes.append(
            GroupNote(
                session_id=pk,
                author_id=lead,
                created_at=ends_at,
                signed_at=ends_at,
                signed_by_id=lead,
                skill="The skill of the week",
                activities="Check-in, skill teaching with role-plays, practice in pairs, goal setting for the week.",
                themes="Stress at school; asking for help at home; sleep.",
            )
        )
    GroupNote.objects.bulk_create(notes, batch_size=BATCH)
    came = Attendance.objects.filter(session_id__in=leads, status__in=["present", "late", "left_early"])
    participation = ["active", "active", "prompted", "minimal"]
    entries = defaultdict(int)
    rows = []
    for session_id, client_id in came.values_list("session_id", "client_id").iterator(chunk_size=BATCH):
        entries[client_id] += 1
        lead = leads[session_id]
        rows.append(
            IndividualEntry(
                session_id=session_id,
                client_id=client_id,
                author_id=lead,
                created_at=signed[session_id],
                signed_at=signed[session_id],
                signed_by_id=lead,
                participation=participation[(session_id + client_id) % len(participation)],
                mood_affect="Euthymic, brighter by the end" if client_id % 3 else "Anxious at first, settled",
                progress="Named a trigger from the week and practised the skill in role-play.",
                risk=IndividualEntry.Risk.NONE,
                plan="Practise the skill at home twice before the next evening.",
            )
        )
    IndividualEntry.objects.bulk_create(rows, batch_size=BATCH)
    counts["GroupNote"] = len(notes)
    counts["IndividualEntry"] = len(rows)


def _treatment_plans(episodes, today, counts):
    """A signed plan (goal, two objectives, two interventions) for each active client,
    written and signed the way the plan editor does it."""
    from clinicians.models import Intervention, Objective, TreatmentPlan

    objectives = (
        ("At school 4 of 5 days for two weeks in a row", Objective.Measure.SCHOOL_ATTENDANCE, "Weekly school report"),
        ("PHQ-A total below 10 on two weekly check-ins", Objective.Measure.PHQ, "Weekly PHQ-A"),
    )

    plans = 0
    for episode in episodes:
        if episode.ended_on is not None:
            continue
        client, lead = episode.client, episode.cohort.lead_clinician
        plan = TreatmentPlan.objects.create(
            client=client,
            author=lead,
            problems=["depression", "anxiety"],
            goal=f"I want to get back to school and feel like myself again ({client.chart_number}).",
            discharge_criteria="PHQ-A below 10 for two weeks and at school 4 of 5 days.",
            discharge_process="Step down to weekly outpatient therapy, first visit within 7 days.",
        )
        target = max(today, episode.started_on + datetime.timedelta(weeks=8))
        for text, measure, how in objectives:
            Objective.objects.create(
                plan=plan,
                text=f"{text} ({client.chart_number}).",
                measure=measure,
                target_date=target,
                how_measured=how,
            )
        for kind, frequency in (
            (Intervention.Kind.SKILLS_GROUP, "4 evenings a week"),
            (Intervention.Kind.FAMILY_GROUP, "weekly"),
        ):
            Intervention.objects.create(plan=plan, kind=kind, frequency=frequency, responsible=lead)
        plan.sign(lead)
        plans += 1
    counts["TreatmentPlan"] = plans


def _measures_and_notes(episodes, today, rng, counts):
    """A PHQ-9 and an individual check-in note every week of each episode (the
    first on admission), and a family session every fourth week; scores fall
    slowly. Item 9 stays 0, so no safety alert is due."""
    from django.utils import timezone

    from clinicians.instruments import PHQ9
    from clinicians.models import Administration, Answer, Note
    from clinicians.models.measures import Mode
    from clinicians.scoring import score

    zone = timezone.get_current_timezone()
    administrations, answer_sets, notes = [], [], []
    keys = [item.key for item in PHQ9.items]
    for episode in episodes:
        end = min(episode.ended_on or today, today)
        week, day = 0, episode.started_on
        baseline = rng.randrange(10, 22)
        while day <= end:
            at = datetime.datetime.combine(day, datetime.time(17, 40), tzinfo=zone)
            level = max(0, baseline - 2 * week + rng.randrange(-2, 3))
            answers = {key: min(3, level // 8 + (i < level % 8)) for i, key in enumerate(keys[:-1])}
            answers[keys[-1]] = 0
            result = score(PHQ9, answers)
            lead = episode.cohort.lead_clinician_id
            administrations.append(
                Administration(
                    client=episode.client,
                    instrument=PHQ9.kind,
                    administered_at=at,
                    mode=Mode.CLINICIAN,
                    entered_by_id=lead,
                    total=result.total,
                    band=result.band or "",
                    prorated=result.prorated,
                    answered=result.answered,
                    reason_no_total=result.reason_no_total,
                    safety_flag=False,
                )
            )
            answer_sets.append(answers)
            family = week % 4 == 3
            notes.append(
                Note(
                    client=episode.client,
                    kind=Note.Kind.FAMILY_SESSION if family else Note.Kind.INDIVIDUAL_CHECKIN,
                    occurred_at=at + datetime.timedelta(hours=1),
                    duration_minutes=50 if family else 20,
                    participants="client, mother" if family else "",
                    content=f"Week {week + 1}: reviewed home practice and the week's skill; mood {level}/27.",
                    plan="Continue group; practise the skill daily.",
                    author_id=lead,
                    signed_at=at + datetime.timedelta(hours=3),
                    signed_by_id=lead,
                )
            )
            week += 1
            day += datetime.timedelta(weeks=1)
    Administration.objects.bulk_create(administrations, batch_size=BATCH)
    Answer.objects.bulk_create(
        (
            Answer(administration=administration, item_key=key, value=value)
            for administration, answers in zip(administrations, answer_sets, strict=True)
            for key, value in answers.items()
        ),
        batch_size=BATCH,
    )
    Note.objects.bulk_create(notes, batch_size=BATCH)
    counts["Administration"] = len(administrations)
    counts["Answer"] = len(administrations) * len(keys)
    counts["Note"] = len(notes)


def _families(episodes, password, counts):
    from families.models import FamilyLink
    from iop.models import Role, User

    active = [e for e in episodes if e.ended_on is None]
    members = User.objects.bulk_create(
        User(
            email=f"family-{e.cohort.slug[-2:]}-{i % PLACES + 1:02d}@{DOMAIN}",
            password=password,
            first_name="Parent",
            last_name=e.client.legal_first_name,
            role=Role.FAMILY,
        )
        for i, e in enumerate(active)
    )
    FamilyLink.objects.bulk_create(
        FamilyLink(
            family_member=member, client=e.client, relationship=FamilyLink.Relationship.MOTHER, legal_authority=True
        )
        for member, e in zip(members, active, strict=True)
    )
    counts["FamilyLink"] = len(members)


def _summaries(cohorts, today, counts):
    """A published skill summary for every week up to this one."""
    from django.utils import timezone

    from families.models import SkillSummary
    from groups.models import CohortWeek
    from groups.recurrence import week_start

    leads = {cohort.pk: cohort.lead_clinician_id for cohort in cohorts}
    weeks = CohortWeek.objects.filter(week_of__lte=week_start(today)).select_related("skill")
    now = timezone.now()
    summaries = SkillSummary.objects.bulk_create(
        (
            SkillSummary(
                cohort_week=week,
                skill_title=week.skill.title,
                what_it_is_for=week.skill.teaches,
                practice_at_home=week.skill.home_practice,
                how_to_help="\n".join(week.skill.family_tips),
                conversation_starters="\n".join(week.skill.conversation_starters),
                status=SkillSummary.Status.PUBLISHED,
                edited_by_id=leads[week.cohort_id],
                published_by_id=leads[week.cohort_id],
                published_at=now,
            )
            for week in weeks
        ),
        batch_size=BATCH,
    )
    counts["SkillSummary"] = len(summaries)


def _message_history(cohorts, staff, today, rng, counts):
    """Two years of the outbox, as the delivery log holds it: tonight's reminder to each
    family of a cohort on each past evening, the family-group reminder (the evening
    before Wednesday's family group) and the skill summary (Mondays) weekly, each
    clinician's morning digest on weekdays. Nearly all sent; a few skipped (opted out)
    or failed after their last attempt. Only the families of today's clients get them."""
    from django.db.models import F, Max
    from django.utils import timezone

    from groups.models import Enrollment, Session
    from iop import reminders
    from iop.models import OutboxMessage, User

    Status = OutboxMessage.Status
    families = {cohort.pk: [] for cohort in cohorts}
    current = Enrollment.objects.filter(ended_on__isnull=True, client__family_links__isnull=False)
    for cohort_id, pk, email in current.values_list(
        "cohort_id", "client__family_links__family_member_id", "client__family_links__family_member__email"
    ):
        families[cohort_id].append({"pk": pk, "email": email})
    now = timezone.now()
    evenings = Session.objects.filter(starts_at__lt=now, status=Session.Status.SCHEDULED).values_list(
        "pk", "cohort_id", "starts_at"
    )

    def message(key, kind, person, due_at, body):
        roll = rng.random()
        status = Status.SENT if roll > 0.006 else Status.SKIPPED if roll > 0.001 else Status.FAILED
        return OutboxMessage(
            idempotency_key=key,
            kind=kind,
            recipient_id=person["pk"],
            to_address=person["email"],
            body=body,
            due_at=due_at,
            status=status,
            attempts=0 if status == Status.SKIPPED else 5 if status == Status.FAILED else 1,
            sent_at=due_at + datetime.timedelta(seconds=2) if status == Status.SENT else None,
            skipped_reason="Opted out of reminders" if status == Status.SKIPPED else "",
            last_error="SMTPServerDisconnected: Connection unexpectedly closed" if status == Status.FAILED else "",
        )

    weekly = {
        0: (reminders.SKILL_SUMMARY, "This week's skill summary is ready."),
        1: (reminders.FAMILY_GROUP_TOMORROW, "Family group tomorrow at 19:30."),
    }

    def rows():
        for pk, cohort_id, starts_at in evenings.iterator(chunk_size=BATCH):
            afternoon = starts_at - datetime.timedelta(hours=4)
            kinds = [(reminders.GROUP_TONIGHT, "Group tonight 17:30-20:30 at the clinic.")]
            weekday = timezone.localtime(starts_at).weekday()
            if weekday in weekly:
                kinds.append(weekly[weekday])
            for kind, body in kinds:
                for person in families[cohort_id]:
                    key = reminders.make_key(kind, pk, person["pk"])
                    yield message(key, kind, person, afternoon, body)
        clinicians = list(User.objects.filter(pk__in=[s.pk for s in staff]).values("pk", "email"))
        day = today - datetime.timedelta(weeks=52 * YEARS)
        while day < today:
            if day.weekday() < 5:
                morning = timezone.make_aware(datetime.datetime.combine(day, datetime.time(7, 30)))
                for person in clinicians:
                    key = reminders.make_key(reminders.STAFF_DIGEST, person["pk"], day)
                    body = "Notes to sign: 2. Plan reviews due: 1."
                    yield message(key, reminders.STAFF_DIGEST, person, morning, body)
            day += datetime.timedelta(days=1)

    before = OutboxMessage.objects.aggregate(last=Max("pk"))["last"] or 0
    written = 0
    for batch in _batches(rows()):
        written += len(OutboxMessage.objects.bulk_create(batch))
    # Written as they were at the time, not now (created_at is set on insert).
    OutboxMessage.objects.filter(pk__gt=before).update(created_at=F("due_at"))
    counts["OutboxMessage"] = written


def _batches(items):
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def is_built():
    from iop.models import User

    return User.objects.filter(email=CLINICIAN_LOGIN).exists()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the database first")
    args = parser.parse_args(argv)
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database, e.g. postgres://postgres@127.0.0.1:5432/iop_bench")
    prepare_database(args.fresh)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    if is_built():
        print("The benchmark clinic is already built (use --fresh to rebuild it).")
        return
    started = time.perf_counter()
    counts = build()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # plans from real statistics, as an established clinic has
    print(f"Built the benchmark clinic in {time.perf_counter() - started:.1f} s:")
    for model, count in counts.items():
        print(f"  {model:<18} {count:>8}")


if __name__ == "__main__":
    main()
