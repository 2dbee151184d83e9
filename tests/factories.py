"""factory-boy factories for every model the tests build."""

import datetime

import factory
from django.utils import timezone
from faker import Faker

from clinicians.models import (
    GroupNote,
    IndividualEntry,
    Intervention,
    Medication,
    Note,
    Objective,
    ProgressReport,
    SafetyPlan,
    TreatmentPlan,
)
from families.models import FamilyAppointment, FamilyLink, SkillSummary
from groups.models import Attendance, Closure, Cohort, CohortWeek, Enrollment, Session, SkillModule
from groups.recurrence import week_start
from iop.delivery import forget_program_settings
from iop.models import Client, Credential, OutboxMessage, Program, Role, User

PASSWORD = "correct-horse-battery-9"

# A test often checks that one client's name is absent from a page or message that
# names other people. Generated clients therefore take names from these lists, which
# share no name, and no part of one, with the names generated for staff and families
# or with each other; the lengths (40, 43) repeat a full name only after 1720 clients.
CLIENT_FIRST_NAMES = (
    "Lisbeth", "Emelie", "Nanni", "Arvid", "Boris", "Viveka", "Chantel", "Massimo", "Beata", "Thijn",
    "Gudula", "Annita", "Carmel", "Pompeo", "Ottmar", "Birte", "Herwig", "Ceara", "Paulette", "Bekir",
    "Dietlind", "Hanife", "Benthe", "Natalija", "Assar", "Hadassa", "Arnulf", "Eckard", "Kalina", "Oxana",
    "Eline", "Wenke", "Darko", "Lasse", "Franca", "Clemente", "Gabino", "Cianan", "Berend", "Benedikt",
)  # fmt: skip
CLIENT_LAST_NAMES = (
    "Giannelli", "Bouvet", "Millican", "Elberts", "Cicala", "Linehan", "Thanel", "Scalera", "Keane",
    "Breslin", "Beresford", "Antonacci", "Busoni", "Ariens", "Cavazos", "Nerger", "Macedo", "Madera",
    "Flannery", "Steinberg", "Buonauro", "Maillet", "Miskell", "Renier", "Seifert", "Fleury", "Dargan",
    "Merle", "Finlay", "Petitjean", "Sitters", "Nallon", "Rydberg", "Krein", "McConaghy", "Lindmark",
    "Laurent", "Ziegert", "McCarron", "Arnaud", "Fagan", "MacKenna", "Procacci",
)  # fmt: skip
#: The shared test clinic's clients (tests/conftest.py); no generated person is named so.
CLINIC_CLIENT_NAMES = frozenset({"Avery", "Quill", "Blake", "Rowan"})
_fake = Faker("en_US")


def _person_name(draw):
    """A generated staff or family name, never one of the test clinic's clients' names."""
    name = draw()
    while name in CLINIC_CLIENT_NAMES:
        name = draw()
    return name


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.test")
    first_name = factory.LazyFunction(lambda: _person_name(_fake.first_name))
    last_name = factory.LazyFunction(lambda: _person_name(_fake.last_name))
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class ClinicianFactory(UserFactory):
    role = Role.CLINICIAN
    credential = Credential.LCSW


class ProgramAdminFactory(UserFactory):
    role = Role.PROGRAM_ADMIN


class FamilyMemberFactory(UserFactory):
    role = Role.FAMILY


class SuperuserFactory(UserFactory):
    is_superuser = True
    is_staff = True


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Cohort {n}")
    slug = factory.Sequence(lambda n: f"cohort-{n}")
    age_min = 14
    age_max = 17
    room = factory.Sequence(lambda n: f"Room {n}")
    capacity = 10
    lead_clinician = factory.SubFactory(ClinicianFactory)
    active_from = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=180))


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    chart_number = factory.Sequence(lambda n: f"C-{n:05d}")
    legal_first_name = factory.Iterator(CLIENT_FIRST_NAMES)
    legal_last_name = factory.Iterator(CLIENT_LAST_NAMES)
    date_of_birth = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=15 * 365))
    cohort = factory.SubFactory(CohortFactory)
    lead_clinician = factory.SelfAttribute("cohort.lead_clinician")
    status = Client.Status.ADMITTED
    admitted_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(weeks=4))


class FamilyLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FamilyLink

    family_member = factory.SubFactory(FamilyMemberFactory)
    client = factory.SubFactory(ClientFactory)
    relationship = FamilyLink.Relationship.MOTHER
    legal_authority = True


class PrescriberFactory(ClinicianFactory):
    credential = Credential.NP


class TreatmentPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TreatmentPlan

    client = factory.SubFactory(ClientFactory)
    author = factory.SelfAttribute("client.lead_clinician")
    problems = factory.LazyFunction(lambda: ["depression"])
    goal = factory.Sequence(lambda n: f"I want to feel like myself again, number {n}.")
    discharge_criteria = "PHQ-A below 10 for two weeks and back at school."
    discharge_process = "Step down to weekly outpatient therapy with a follow-up within 7 days."


class ObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Objective

    plan = factory.SubFactory(TreatmentPlanFactory)
    text = factory.Sequence(lambda n: f"At school {n % 5 + 1} of 5 days, objective {n}.")
    measure = Objective.Measure.SCHOOL_ATTENDANCE
    target_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(weeks=6))
    how_measured = "Weekly school attendance report"


class InterventionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Intervention

    plan = factory.SubFactory(TreatmentPlanFactory)
    kind = Intervention.Kind.SKILLS_GROUP
    frequency = "4 evenings a week"
    responsible = factory.SelfAttribute("plan.author")


def signed_plan(client, **kwargs):
    """A complete plan for ``client`` signed by its author."""
    plan = TreatmentPlanFactory(client=client, **kwargs)
    ObjectiveFactory(plan=plan)
    InterventionFactory(plan=plan)
    plan.sign(plan.author)
    return plan


class NoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Note

    client = factory.SubFactory(ClientFactory)
    author = factory.SelfAttribute("client.lead_clinician")
    kind = Note.Kind.INDIVIDUAL_CHECKIN
    duration_minutes = 20
    content = factory.Sequence(lambda n: f"Talked about the week at school; confidential detail {n}.")
    plan = "Practise the skill of the week."


class SafetyPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SafetyPlan

    client = factory.SubFactory(ClientFactory)
    author = factory.SelfAttribute("client.lead_clinician")
    warning_signs = "Staying in my room; not answering texts."
    internal_coping = "Ice cubes, music, drawing."
    people_to_ask = "Mom, (555) 010-0000."
    professionals = "Clinic (555) 010-4400; 988 Suicide & Crisis Lifeline."
    environment = "Medications locked away."


class MedicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Medication

    client = factory.SubFactory(ClientFactory)
    name = "Sertraline"
    dose = "50 mg by mouth daily"
    prescriber = factory.SubFactory(PrescriberFactory)
    recorded_by = factory.SelfAttribute("prescriber")
    started_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(weeks=2))


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment

    client = factory.SubFactory(ClientFactory)
    cohort = factory.SelfAttribute("client.cohort")
    started_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(weeks=4))


class SessionFactory(factory.django.DjangoModelFactory):
    """An evening at 17:30 clinic time, three hours long."""

    class Meta:
        model = Session
        skip_postgeneration_save = True

    class Params:
        day = factory.LazyFunction(timezone.localdate)

    cohort = factory.SubFactory(CohortFactory)
    starts_at = factory.LazyAttribute(
        lambda o: timezone.make_aware(datetime.datetime.combine(o.day, datetime.time(17, 30)))
    )
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=3))
    room = factory.SelfAttribute("cohort.room")

    @factory.post_generation
    def facilitators(obj, create, extracted, **kwargs):
        if create:
            obj.facilitators.set(extracted if extracted is not None else [obj.cohort.lead_clinician])


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    session = factory.SubFactory(SessionFactory)
    client = factory.SubFactory(ClientFactory)
    status = Attendance.Status.PRESENT


class ClosureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Closure

    starts_on = factory.LazyFunction(timezone.localdate)
    ends_on = factory.SelfAttribute("starts_on")
    reason = Closure.Reason.HOLIDAY
    created_by = factory.SubFactory(ProgramAdminFactory)


class SkillModuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SkillModule

    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Skill {n + 1}")
    modality = "DBT"
    teaches = "What the skill teaches."
    home_practice = "Practise once a day."


class AdministrationFactory(factory.django.DjangoModelFactory):
    """A questionnaire saved the way the app saves one (answers, derived total, any alert)."""

    class Meta:
        model = "clinicians.Administration"

    client = factory.SubFactory(ClientFactory)
    instrument = "phq9"
    answers = factory.LazyAttribute(
        lambda o: {f"{o.instrument}_{n}": 1 for n in range(1, 10 if o.instrument != "gad7" else 8)}
    )
    mode = "clinician"
    entered_by = factory.SelfAttribute("client.lead_clinician")
    administered_at = factory.LazyFunction(timezone.now)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return model_class.record(**kwargs)


class OutboxMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutboxMessage

    idempotency_key = factory.Sequence(lambda n: f"test:{n}")
    kind = "group_tonight"
    recipient = factory.SubFactory(FamilyMemberFactory)
    to_address = factory.SelfAttribute("recipient.email")
    body = "Group tonight 17:30-20:30 at The clinic."


class CohortWeekFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CohortWeek

    cohort = factory.SubFactory(CohortFactory)
    week_of = factory.LazyFunction(lambda: week_start(timezone.localdate()))
    skill = factory.SubFactory(SkillModuleFactory)


class SkillSummaryFactory(factory.django.DjangoModelFactory):
    """A published summary of this week's skill for a cohort."""

    class Meta:
        model = SkillSummary

    cohort_week = factory.SubFactory(CohortWeekFactory)
    skill_title = factory.SelfAttribute("cohort_week.skill.title")
    what_it_is_for = "Noticing feelings without acting on them."
    practice_at_home = "Three slow breaths before answering."
    how_to_help = "Practise it yourself, out loud.\nPraise any pause you see."
    conversation_starters = "When did you notice a pause today?"
    status = SkillSummary.Status.PUBLISHED
    published_by = factory.SelfAttribute("cohort_week.cohort.lead_clinician")
    published_at = factory.LazyFunction(timezone.now)


class GroupNoteFactory(factory.django.DjangoModelFactory):
    """A complete draft of an evening's shared group note by the cohort's lead."""

    class Meta:
        model = GroupNote

    session = factory.SubFactory(SessionFactory)
    author = factory.SelfAttribute("session.cohort.lead_clinician")
    skill = "Distress tolerance: TIPP"
    activities = "Practised paced breathing and a cold-water demonstration; role-played a hard evening at home."
    themes = "Pressure before exams; wanting more privacy at home."


class IndividualEntryFactory(factory.django.DjangoModelFactory):
    """A complete draft entry for one attendee."""

    class Meta:
        model = IndividualEntry

    session = factory.SubFactory(SessionFactory)
    client = factory.SubFactory(ClientFactory, cohort=factory.SelfAttribute("..session.cohort"))
    author = factory.SelfAttribute("session.cohort.lead_clinician")
    participation = IndividualEntry.Participation.ACTIVE
    mood_affect = "Euthymic, bright"
    progress = "Named two times this week she used paced breathing before school."
    risk = IndividualEntry.Risk.NONE
    plan = "Keep practising before first period; review the diary card Thursday."


def charted_evening(client, **kwargs):
    """An evening of ``client``'s cohort today, the client present, with a draft
    group note and a draft entry by the cohort's lead."""
    EnrollmentFactory(client=client)
    session = SessionFactory(cohort=client.cohort, **kwargs)
    AttendanceFactory(session=session, client=client)
    GroupNoteFactory(session=session)
    IndividualEntryFactory(session=session, client=client)
    return session


def emergency_grant(client, clinician, reason="Covering the group tonight; the client disclosed self-harm."):
    """A break-the-glass access, as the emergency-access page opens it."""
    from iop.emergency import break_glass

    return break_glass(clinician, client, reason)


class ProgressReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressReport

    client = factory.SubFactory(ClientFactory)
    requested_by = factory.SelfAttribute("client.lead_clinician")
    variant = ProgressReport.Variant.CLINICAL
    period_start = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(weeks=4))
    period_end = factory.LazyFunction(timezone.localdate)
    summary = "Attends well; uses skills at home."


def ready_report(client, released=False, **kwargs):
    """A report with a (tiny) PDF in private storage, as a finished render leaves it."""
    from django.core.files.base import ContentFile

    report = ProgressReportFactory(client=client, **kwargs)
    report.pdf.save(f"report-{report.pk}.pdf", ContentFile(b"%PDF-1.7 test report"), save=False)
    report.status = ProgressReport.Status.READY
    report.pdf_pages = 1
    report.finished_at = timezone.now()
    report.save()
    if released:
        ProgressReport.objects.filter(pk=report.pk).update(released_to_family=True, released_at=timezone.now())
    return report


class FamilyAppointmentFactory(factory.django.DjangoModelFactory):
    """A family session with the client's lead clinician at 16:00 clinic time,
    two days from now, every family member of the client invited."""

    class Meta:
        model = FamilyAppointment
        skip_postgeneration_save = True

    class Params:
        day = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=2))

    client = factory.SubFactory(ClientFactory)
    starts_at = factory.LazyAttribute(
        lambda o: timezone.make_aware(datetime.datetime.combine(o.day, datetime.time(16, 0)))
    )
    clinician = factory.SelfAttribute("client.lead_clinician")
    created_by = factory.SelfAttribute("clinician")

    @factory.post_generation
    def invited(obj, create, extracted, **kwargs):
        if create:
            obj.invited.set(extracted if extracted is not None else obj.client.family_links.all())


def set_quiet_hours(start, end):
    """Save the program's quiet hours (clinic time; a start equal to the end means none)."""
    Program.objects.update_or_create(pk=1, defaults={"quiet_hours_start": start, "quiet_hours_end": end})
    forget_program_settings()
