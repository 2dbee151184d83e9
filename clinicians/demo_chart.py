"""Demo charts: a signed treatment plan for every admitted client in their own
words, a few weeks of signed check-ins and a family session each, one note
left unsigned, a safety plan, medications and a discharge. Idempotent: each
part is created only when the client does not have it yet."""

import datetime

from django.utils import timezone

from iop import grants
from iop.demo import FAMILIES, upsert_user
from iop.models import Client, Role, User

from .models import (
    Discharge,
    Intervention,
    Medication,
    Note,
    Objective,
    ObjectiveProgress,
    PlanAcknowledgement,
    PlanReview,
    SafetyPlan,
    TreatmentPlan,
)

M = Objective.Measure
DEPRESSION, ANXIETY, SI, SELF_HARM, SCHOOL = "depression", "anxiety", "suicidal_ideation", "self_harm", "school_refusal"

# chart: (problems, goal in the client's words, objectives: (text, measure, target week, how measured))
PLANS = {
    "T-1001": (
        [DEPRESSION, SCHOOL],
        "I want to stop feeling like I'm underwater all the time and actually get to first period.",
        [
            (
                "Maya gets to school by first period at least 4 of 5 days.",
                M.SCHOOL_ATTENDANCE,
                8,
                "Weekly attendance sheet from Lincoln High",
            ),
            ("Maya's PHQ-A total is below 10 by week 8.", M.PHQ, 8, "PHQ-A every week in group"),
            ("Uses opposite action when she wants to stay in bed, 3 mornings a week.", M.SKILLS_LOG, 6, "Diary card"),
        ],
    ),
    "T-1002": (
        [DEPRESSION, ANXIETY],
        "Honestly I just want to be able to hang out with my friends again without my chest getting tight.",
        [
            ("Eli joins a friend activity outside home once a week.", M.SELF_REPORT, 6, "Check-in self-report"),
            ("GAD-7 below 10.", M.GAD7, 10, "GAD-7 every two weeks"),
            (
                "Practises paced breathing before school on 5 days a week.",
                M.SKILLS_LOG,
                4,
                "Skills log reviewed at check-in",
            ),
        ],
    ),
    "T-1003": (
        [ANXIETY, SCHOOL],
        "I want to walk into school without throwing up in the morning.",
        [
            (
                "Sofia completes the morning exposure ladder up to step 5 (homeroom).",
                M.OBSERVATION,
                6,
                "Exposure ladder reviewed weekly",
            ),
            ("At school at least 3 full days a week.", M.SCHOOL_ATTENDANCE, 8, "School attendance report"),
        ],
    ),
    "T-1004": (
        [DEPRESSION, SI, SELF_HARM],
        "I don't want to hurt myself anymore when things get bad. I want to have other stuff I can do.",
        [
            (
                "Lex uses a distress-tolerance skill instead of self-harm when urges are above 7/10.",
                M.SKILLS_LOG,
                6,
                "Diary card urges and skills columns",
            ),
            ("No self-harm for 4 consecutive weeks.", M.SELF_REPORT, 8, "Weekly self-report and check-in"),
            ("PHQ-A item 9 answered 0 for 3 weeks in a row.", M.PHQ, 10, "PHQ-A item 9, weekly"),
        ],
    ),
    "T-1005": (
        [DEPRESSION],
        "I want to feel like myself again, like before eighth grade.",
        [
            (
                "Amara schedules one enjoyable activity each day (behavioural activation).",
                M.SKILLS_LOG,
                4,
                "Activity schedule",
            ),
            ("Amara's PHQ-A total drops at least 5 points from her first score.", M.PHQ, 8, "PHQ-A weekly"),
        ],
    ),
    "T-1006": (
        [ANXIETY, DEPRESSION],
        "I want to stop panicking before tests and quit skipping chemistry.",
        [
            (
                "Danny attends every chemistry class for 3 straight weeks.",
                M.SCHOOL_ATTENDANCE,
                6,
                "Teacher attendance note",
            ),
            ("Uses the TIPP skill during a panic spike at least twice a week.", M.SKILLS_LOG, 4, "Skills log"),
            ("GAD-7 in the mild range (below 10).", M.GAD7, 10, "GAD-7 every two weeks"),
        ],
    ),
    "T-1007": (
        [SELF_HARM, DEPRESSION],
        "I want my mom and me to stop fighting every night and I want to stop cutting.",
        [
            (
                "Bella and her father use the DEAR MAN script in one hard conversation a week.",
                M.OBSERVATION,
                6,
                "Family session review",
            ),
            ("Self-harm urges acted on 0 times in 3 weeks.", M.SELF_REPORT, 8, "Diary card"),
        ],
    ),
    "T-1008": (
        [DEPRESSION, SCHOOL],
        "I want to graduate on time and not feel so heavy every day.",
        [
            ("Noah turns in all missing English assignments.", M.OTHER, 6, "Teacher progress report"),
            ("Noah's PHQ-A total is below 10 when he steps down.", M.PHQ, 10, "PHQ-A weekly"),
        ],
    ),
    "W-2001": (
        [ANXIETY],
        "I want to be able to sleep at a sleepover without calling my mom to come get me.",
        [
            (
                "Lily stays at a friend's house until 9 pm without calling home.",
                M.SELF_REPORT,
                6,
                "Parent and Lily report at family check-in",
            ),
            (
                "Uses worry time instead of asking for reassurance, 4 evenings a week.",
                M.SKILLS_LOG,
                4,
                "Worry-time log",
            ),
        ],
    ),
    "W-2002": (
        [DEPRESSION, SCHOOL],
        "I want to go back to soccer and not feel tired all the time.",
        [
            ("Mateo goes to soccer practice twice a week.", M.SELF_REPORT, 6, "Weekly check-in"),
            ("At school 4 of 5 days.", M.SCHOOL_ATTENDANCE, 8, "Hillside attendance report"),
        ],
    ),
    "W-2003": (
        [ANXIETY, SCHOOL],
        "I want to be able to go in the classroom even when my stomach hurts.",
        [
            (
                "Zoe goes into class within 10 minutes of arriving, 4 days out of 5.",
                M.SCHOOL_ATTENDANCE,
                8,
                "Counselor's morning log",
            ),
            (
                "Names her worry thought and uses a coping card before school 3 times a week.",
                M.SKILLS_LOG,
                4,
                "Coping card chart",
            ),
        ],
    ),
    "W-2004": (
        [DEPRESSION, ANXIETY],
        "I don't want to feel so mad and sad at the same time.",
        [
            (
                "Aiden rates his feelings on the feelings thermometer every evening.",
                M.SKILLS_LOG,
                4,
                "Feelings thermometer sheet",
            ),
            ("Aiden's PHQ-A total is below 10 by week 10.", M.PHQ, 10, "PHQ-A weekly"),
        ],
    ),
    "W-2005": (
        [SELF_HARM, ANXIETY],
        "When I get overwhelmed I want to do something that doesn't leave marks.",
        [
            (
                "Harper uses the ice or intense-exercise skill when urges come, every time for 3 weeks.",
                M.SKILLS_LOG,
                6,
                "Diary card",
            ),
            ("Tells her guardian when urges are above 5 out of 10.", M.SELF_REPORT, 6, "Family check-in"),
        ],
    ),
    "W-2006": (
        [SCHOOL, ANXIETY],
        "I want to get on the bus by myself.",
        [
            ("Cal rides the school bus 3 mornings a week.", M.SCHOOL_ATTENDANCE, 6, "Parent log"),
            ("Completes the bus exposure ladder steps 1 to 4.", M.OBSERVATION, 4, "Exposure ladder"),
        ],
    ),
    "W-2007": (
        [DEPRESSION],
        "I want to laugh more and not stay in my room every day after school.",
        [
            (
                "Ava spends 30 minutes outside her room with her foster family each evening.",
                M.SELF_REPORT,
                6,
                "Foster parent report",
            ),
            ("Ava's PHQ-A total drops 5 points or more from admission.", M.PHQ, 10, "PHQ-A weekly"),
        ],
    ),
}

DISCHARGE_CRITERIA = (
    "Objectives met or clearly progressing, PHQ-A below 10 for two weeks, no self-harm or suicidal "
    "ideation for 4 weeks, and attending school."
)
DISCHARGE_PROCESS = (
    "Discuss step-down two weeks ahead with client and family; schedule outpatient therapy within 7 days "
    "of discharge; update the safety plan; send a summary to the outpatient provider with consent."
)

CHECKIN_TEXTS = [
    (
        "Reviewed the week's diary card. Reports using the skill of the week twice; hardest moment was "
        "Sunday evening before school. Mood described as 'okay, kind of flat'. No safety concerns voiced.",
        "Continue skill practice; bring diary card Thursday.",
    ),
    (
        "Talked through a conflict at home over phone use. Identified the prompting event and urges; "
        "practised a DEAR MAN script for asking for phone time back. Engaged and thoughtful.",
        "Try the script at home this week; review at next check-in.",
    ),
    (
        "Check-in focused on school attendance and the plan for Monday mornings. Client named two "
        "barriers (sleep, fear of questions from classmates) and chose a coping statement for each.",
        "Morning plan written on a card; family to support wake-up routine.",
    ),
]
FAMILY_SESSION = (
    "Reviewed progress toward treatment goals with client and parent. Parent practised validation "
    "during a role-play of a homework disagreement. Agreed on a calm-down space at home.",
    "Family to use validation before problem-solving; next family session in two weeks.",
)

HIGHEST_RISK_TEEN = "T-1004"  # the Teens client whose plan lists suicidal ideation and self-harm
MEDICATIONS = [
    # chart, name, dose, weeks after admission started, weeks after admission stopped, reason
    ("T-1002", "Sertraline", "50 mg by mouth every morning", 1, None, ""),
    ("T-1004", "Fluoxetine", "20 mg by mouth every morning", 0, None, ""),
    ("T-1006", "Escitalopram", "10 mg by mouth daily", 0, 4, "Nausea; switched to sertraline"),
    ("T-1006", "Sertraline", "25 mg by mouth daily", 4, None, ""),
    ("W-2007", "Hydroxyzine", "10 mg by mouth at bedtime as needed for sleep", 2, None, ""),
]


def family_of(chart):
    """The demo family members of one client, from the core demo data. The chart
    is seeded before families/ links them, so the people come from the data."""
    return [
        (email, first, last, language, relationship, authority)
        for email, first, last, language, links in FAMILIES
        for linked_chart, relationship, authority in links
        if linked_chart == chart
    ]


def at(day, hour, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def seed(today, log):
    prescriber = User.objects.get(email="prescriber@demo.clinic")
    clients = Client.objects.filter(chart_number__in=PLANS).select_related("lead_clinician")
    for client in clients:
        seed_plan(client, today)
        seed_notes(client, today)
    seed_unsigned_note(today)
    seed_safety_plan(Client.objects.get(chart_number=HIGHEST_RISK_TEEN), today)
    seed_medications(prescriber, today)
    seed_discharge(Client.objects.get(chart_number="T-1008"))
    log(f"{TreatmentPlan.objects.count()} treatment plans, {Note.objects.count()} notes")


def seed_plan(client, today):
    if TreatmentPlan.objects.filter(client=client).exists():
        return
    problems, goal, objectives = PLANS[client.chart_number]
    lead = client.lead_clinician
    written = client.admitted_on + datetime.timedelta(days=1)
    plan = TreatmentPlan.objects.create(
        client=client,
        author=lead,
        created_at=at(written, 16),
        problems=problems,
        goal=goal,
        discharge_criteria=DISCHARGE_CRITERIA,
        discharge_process=DISCHARGE_PROCESS,
    )
    for text, measure, weeks, how in objectives:
        target = client.admitted_on + datetime.timedelta(weeks=weeks)
        Objective.objects.create(plan=plan, text=text, measure=measure, target_date=target, how_measured=how)
    kinds = [*Intervention.CORE, Intervention.Kind.FAMILY_SESSION]
    if client.chart_number in {m[0] for m in MEDICATIONS}:
        kinds.append(Intervention.Kind.MEDICATION)
    prescriber = User.objects.get(email="prescriber@demo.clinic")
    for kind in kinds:
        Intervention.objects.create(
            plan=plan,
            kind=kind,
            frequency=str(Intervention.USUAL_FREQUENCY[kind]),
            responsible=prescriber if kind == Intervention.Kind.MEDICATION else lead,
        )
    plan.sign(lead, when=at(written, 17))
    PlanAcknowledgement.objects.create(plan=plan, party="client", acknowledged_on=written, recorded_by=lead)
    for email, first, last, language, _relationship, authority in family_of(client.chart_number):
        if authority:
            member = upsert_user(email, first_name=first, last_name=last, role=Role.FAMILY, language=language)
            PlanAcknowledgement.objects.create(
                plan=plan, party="family", family_member=member, acknowledged_on=written, recorded_by=lead
            )
    # Plans reach their first review after 30 days; one teen's is left overdue on purpose.
    if (today - written).days >= 30 and client.chart_number != "T-1006":
        review = PlanReview.objects.create(
            plan=plan,
            reviewed_on=written + datetime.timedelta(days=30),
            reviewer=lead,
            summary="Engaged in group and check-ins; steady progress. Plan continues unchanged.",
        )
        for index, objective in enumerate(plan.objectives.all()):
            status = ObjectiveProgress.Status.MET if index == 0 else ObjectiveProgress.Status.PROGRESSING
            ObjectiveProgress.objects.create(review=review, objective=objective, status=status)


def seed_notes(client, today):
    if Note.objects.filter(client=client).exists():
        return
    lead = client.lead_clinician
    end = client.discharged_on or today
    weeks = min(3, max(0, (end - client.admitted_on).days // 7))
    for week in range(weeks):
        day = end - datetime.timedelta(weeks=week + 1) + datetime.timedelta(days=(1 - end.weekday()) % 7)
        if day >= end or day <= client.admitted_on:
            continue
        content, plan = CHECKIN_TEXTS[week % len(CHECKIN_TEXTS)]
        note = Note.objects.create(
            client=client,
            author=lead,
            kind=Note.Kind.INDIVIDUAL_CHECKIN,
            occurred_at=at(day, 17, 0),
            created_at=at(day, 20, 45),
            duration_minutes=20,
            content=content,
            plan=plan,
        )
        note.sign(lead, when=at(day, 20, 50))
    family = family_of(client.chart_number)
    if family and (end - client.admitted_on).days >= 7:
        day = client.admitted_on + datetime.timedelta(days=9)
        participants = f"{client.first_name}, {family[0][4]} ({family[0][1]})"
        content, plan = FAMILY_SESSION
        note = Note.objects.create(
            client=client,
            author=lead,
            kind=Note.Kind.FAMILY_SESSION,
            occurred_at=at(day, 16, 0),
            created_at=at(day, 17, 0),
            duration_minutes=50,
            mode=Note.Mode.IN_PERSON,
            participants=participants,
            content=content,
            plan=plan,
        )
        note.sign(lead, when=at(day, 17, 10))


def seed_unsigned_note(today):
    """One draft clinician@demo.clinic forgot to sign two days ago (flagged on their home page)."""
    clinician = User.objects.get(email="clinician@demo.clinic")
    client = Client.objects.get(chart_number="T-1003")
    if Note.objects.filter(client=client).drafts().exists():
        return
    day = today - datetime.timedelta(days=2)
    Note.objects.create(
        client=client,
        author=clinician,
        kind=Note.Kind.INDIVIDUAL_CHECKIN,
        occurred_at=at(day, 17, 5),
        created_at=at(day, 20, 40),
        duration_minutes=15,
        content="Brief check-in before group about the exposure ladder. Sofia reached step 3 (school parking lot) "
        "twice this week and rated her anxiety 6/10 at the door.",
        plan="Step 4 (front entrance) on Monday with mother waiting in the car.",
    )


def seed_safety_plan(client, today):
    if SafetyPlan.objects.filter(client=client).exists():
        return
    lead = client.lead_clinician
    written = client.admitted_on + datetime.timedelta(days=2)
    plan = SafetyPlan.objects.create(
        client=client,
        author=lead,
        created_at=at(written, 17),
        warning_signs="Staying in my room with the lights off. Thinking 'nobody would notice'. Not answering texts.",
        internal_coping="Hold ice cubes. Listen to my 'calm' playlist. Draw in my sketchbook. Take a hot shower.",
        distraction="Text my cousin Jess. Go to the skate park with Theo. Sit in the kitchen with my mom.",
        people_to_ask="Mom (Ann): (555) 010-2231. Aunt Carla: (555) 010-7789.",
        professionals="Lakeside IOP, (617) 555-0140 (evenings). On-call clinician through the clinic line. "
        "988 Suicide & Crisis Lifeline: call or text 988. Emergency: 911 or St. Luke's ER.",
        environment="Mom keeps all medications in the locked box. No firearms in the house (confirmed with Mom). "
        "Razors removed from my bathroom.",
        reasons_for_living="My dog Pepper. My little brother. Finishing my comic. Seeing the ocean.",
    )
    plan.sign(lead, when=at(written, 18))


def seed_medications(prescriber, today):
    """The medications, and the office's grant that lets the prescriber, who runs no
    group, read and write the record of each client she prescribes for."""
    office = User.objects.get(email="admin@demo.clinic")
    for chart, name, dose, start_week, stop_week, reason in MEDICATIONS:
        client = Client.objects.get(chart_number=chart)
        started = client.admitted_on + datetime.timedelta(weeks=start_week)
        stopped = client.admitted_on + datetime.timedelta(weeks=stop_week) if stop_week is not None else None
        Medication.objects.get_or_create(
            client=client,
            name=name,
            defaults={
                "dose": dose,
                "prescriber": prescriber,
                "started_on": started,
                "stopped_on": stopped,
                "stop_reason": reason,
                "recorded_by": prescriber,
            },
        )
        if grants.active_grant(prescriber, client) is None and prescriber.pk not in grants.team_ids(client):
            until = today + datetime.timedelta(days=90)
            grants.grant(client, prescriber, office, "Medication management", until)


def seed_discharge(client):
    if Discharge.objects.filter(client=client).exists() or not client.discharged_on:
        return
    follow_up = client.discharged_on + datetime.timedelta(days=5)
    Discharge.objects.create(
        client=client,
        discharged_on=client.discharged_on,
        reason=Discharge.Reason.COMPLETED,
        status_summary="Mood much improved; back at school full days; no safety concerns for 6 weeks.",
        objectives_summary="Missing English work turned in (met). PHQ-A below 10 (met).",
        aftercare_plan="Weekly outpatient therapy with Dr. Lin; monthly medication follow-up with primary care; "
        "family to continue weekly check-ins using the skills cards.",
        follow_up_with="Dr. Amy Lin, PsyD",
        follow_up_on=follow_up,
        follow_up_time=datetime.time(16, 30),
        follow_up_where="Harborview Counseling, 44 Pine Street",
        referrals="Outpatient therapy (Harborview Counseling); school counselor check-ins.",
        safety_plan_handed_over=True,
        author=client.lead_clinician,
    )
