"""The questionnaires the program measures with (PHQ-9, PHQ-A, GAD-7), as data.

Every number with clinical meaning is named and sourced here, once; scoring.py
and outcomes.py only read it. The item texts are the clinic's own plain wording
of each item's meaning, not a copy of the printed forms.
"""

from dataclasses import dataclass

# --- Clinical constants and their sources -----------------------------------


@dataclass(frozen=True)
class SeverityBand:
    key: str  # stable, stored and used in CSS: "moderately_severe"
    label: str  # shown to clinicians: "Moderately severe"
    low: int
    high: int  # inclusive

    def contains(self, total: int) -> bool:
        return self.low <= total <= self.high


# Kroenke, Spitzer & Williams 2001, J Gen Intern Med 16:606-613 (PHQ-9).
# The PHQ-A is scored and banded the same way (product.md; Johnson, Harris,
# Spitzer & Williams 2002, J Adolesc Health 30:196-204).
PHQ_SEVERITY_BANDS = (
    SeverityBand("minimal", "Minimal", 0, 4),
    SeverityBand("mild", "Mild", 5, 9),
    SeverityBand("moderate", "Moderate", 10, 14),
    SeverityBand("moderately_severe", "Moderately severe", 15, 19),
    SeverityBand("severe", "Severe", 20, 27),
)

# Spitzer, Kroenke, Williams & Lowe 2006, Arch Intern Med 166:1092-1097.
GAD7_SEVERITY_BANDS = (
    SeverityBand("minimal", "Minimal", 0, 4),
    SeverityBand("mild", "Mild", 5, 9),
    SeverityBand("moderate", "Moderate", 10, 14),
    SeverityBand("severe", "Severe", 15, 21),
)

# Item 9 of both the PHQ-9 and the PHQ-A asks about thoughts of being better
# off dead or of self-harm; any answer above 0 is a safety event (product.md).
# The PHQ-A orders its items differently, so its key differs: callers should
# read Score.safety_flag rather than look up either key themselves.
SUICIDE_ITEM_NUMBER = 9
SUICIDE_ITEM_KEY = "phq9_9"
PHQA_SUICIDE_ITEM_KEY = "phqa_9"

# Missing answers (product.md, "Clinical rules"): with up to this many scored
# items unanswered the total is prorated; with more there is no total. The
# same two-item allowance is applied to the GAD-7's seven items.
MAX_UNANSWERED_FOR_PRORATING = 2

# Outcome thresholds for PHQ-9 / PHQ-A totals, measured from the episode's
# baseline (product.md, "Clinical rules"):
# - reliable change: NHS Talking Therapies manual, PHQ-9 change of 6+ points.
RELIABLE_CHANGE = 6
# - minimal important change: Lowe, Unutzer, Callahan, Perkins & Kroenke 2004,
#   "Monitoring depression treatment outcomes with the PHQ-9", Med Care
#   42:1194-1201.
MINIMAL_IMPORTANT_CHANGE = 5
# - response (a drop of half the baseline or more) and remission (a score
#   below 5): the usual measurement-based-care definitions, as in the
#   MN Community Measurement / NQF depression response and remission measures.
RESPONSE_DROP = 0.5
REMISSION_BELOW = 5

# --- Answer options ----------------------------------------------------------


@dataclass(frozen=True)
class AnswerOption:
    value: int
    label: str


FREQUENCY_OPTIONS = (
    AnswerOption(0, "Not at all"),
    AnswerOption(1, "Several days"),
    AnswerOption(2, "More than half the days"),
    AnswerOption(3, "Nearly every day"),
)

DIFFICULTY_OPTIONS = (
    AnswerOption(0, "Not difficult at all"),
    AnswerOption(1, "Somewhat difficult"),
    AnswerOption(2, "Very difficult"),
    AnswerOption(3, "Extremely difficult"),
)

# --- Questions and instruments ----------------------------------------------


@dataclass(frozen=True)
class Item:
    """One question answered on a scale: scored, or (difficulty) only recorded."""

    key: str
    number: int
    text: str
    loinc: str | None  # None where no code has been verified (see PHQ-A)
    options: tuple[AnswerOption, ...] = FREQUENCY_OPTIONS

    @property
    def values(self) -> tuple[int, ...]:
        return tuple(option.value for option in self.options)

    def label_for(self, value: int) -> str:
        return next(o.label for o in self.options if o.value == value)


@dataclass(frozen=True)
class YesNoQuestion:
    """A PHQ-A yes/no question: recorded, never part of the total."""

    key: str
    text: str
    asks_about_suicide: bool  # a "yes" is a safety event


@dataclass(frozen=True)
class Instrument:
    kind: str  # registry key and stored value: "phq9", "phqa", "gad7"
    name: str
    stem: str  # the lead-in read before the scored items
    panel_loinc: str
    total_loinc: str
    items: tuple[Item, ...]  # the scored items, in the order they are asked
    severity_bands: tuple[SeverityBand, ...]
    difficulty: Item | None = None
    yes_no_questions: tuple[YesNoQuestion, ...] = ()
    safety_item_key: str | None = None

    @property
    def max_total(self) -> int:
        return sum(max(item.values) for item in self.items)

    @property
    def min_answered_for_total(self) -> int:
        return len(self.items) - MAX_UNANSWERED_FOR_PRORATING

    def question(self, key: str) -> Item | YesNoQuestion | None:
        questions = (*self.items, self.difficulty, *self.yes_no_questions)
        return next((q for q in questions if q and q.key == key), None)


def _scored_items(prefix: str, codes: tuple[str | None, ...], texts: tuple[str, ...]) -> tuple[Item, ...]:
    return tuple(
        Item(f"{prefix}_{number}", number, text, code)
        for number, (code, text) in enumerate(zip(codes, texts, strict=True), 1)
    )


# Wording the PHQ-9 and the PHQ-A share.
SLEEP_TEXT = "Trouble falling asleep or staying asleep, or sleeping too much"
SELF_WORTH_TEXT = (
    "Feeling bad about yourself, or feeling like a failure or that you have let yourself or your family down"
)
PSYCHOMOTOR_TEXT = (
    "Moving or talking so slowly that other people could notice, or the "
    "opposite: being so fidgety or restless that you moved around a lot "
    "more than usual"
)
DEATH_OR_SELF_HARM_TEXT = "Thinking you would be better off dead, or thinking about hurting yourself in some way"
DIFFICULTY_TEXT = (
    "If any of these problems have bothered you, how hard have they made it to "
    "do your work, take care of things at home, or get along with other people?"
)

# LOINC 44249-1 panel; items in PHQ-9 order, item 9 = 44260-8. The total is
# 44261-6, never 44260-8 (item 9) or 44249-1 (the panel).
PHQ9 = Instrument(
    kind="phq9",
    name="PHQ-9",
    stem="Over the last 2 weeks, how often have you been bothered by:",
    panel_loinc="44249-1",
    total_loinc="44261-6",
    items=_scored_items(
        "phq9",
        (
            "44250-9",
            "44255-8",
            "44259-0",
            "44254-1",
            "44251-7",
            "44258-2",
            "44252-5",
            "44253-3",
            "44260-8",
        ),
        (
            "Having little interest or pleasure in doing things",
            "Feeling down, depressed or hopeless",
            SLEEP_TEXT,
            "Feeling tired or having little energy",
            "Not feeling like eating, or eating too much",
            SELF_WORTH_TEXT,
            "Trouble focusing on things, like reading or watching TV",
            PSYCHOMOTOR_TEXT,
            DEATH_OR_SELF_HARM_TEXT,
        ),
    ),
    severity_bands=PHQ_SEVERITY_BANDS,
    difficulty=Item("phq9_difficulty", 10, DIFFICULTY_TEXT, "69722-7", DIFFICULTY_OPTIONS),
    safety_item_key=SUICIDE_ITEM_KEY,
)

# PHQ-9 Modified for Teens (Johnson et al. 2002). LOINC panel 89206-7, total
# 89204-2 (the codes CMS159 accepts for adolescents). LOINC codes the teen
# items separately from the adult ones; those item codes are not verified
# here, so they stay None rather than borrowing the adult codes.
# The teen form swaps items 1/2 and 4/5 relative to the PHQ-9.
PHQA = Instrument(
    kind="phqa",
    name="PHQ-A",
    stem="In the past 2 weeks, how often have you been bothered by:",
    panel_loinc="89206-7",
    total_loinc="89204-2",
    items=_scored_items(
        "phqa",
        (None,) * 9,
        (
            "Feeling down, depressed, irritable or hopeless",
            "Having little interest or pleasure in doing things",
            SLEEP_TEXT,
            "Not feeling like eating, losing weight, or eating too much",
            "Feeling tired or having little energy",
            SELF_WORTH_TEXT,
            "Trouble focusing on things like school work, reading or watching TV",
            PSYCHOMOTOR_TEXT,
            DEATH_OR_SELF_HARM_TEXT,
        ),
    ),
    severity_bands=PHQ_SEVERITY_BANDS,
    difficulty=Item("phqa_difficulty", 10, DIFFICULTY_TEXT, None, DIFFICULTY_OPTIONS),
    yes_no_questions=(
        YesNoQuestion(
            "phqa_depressed_past_year",
            "In the past year have you felt depressed or sad most days, even if you felt okay sometimes?",
            asks_about_suicide=False,
        ),
        YesNoQuestion(
            "phqa_suicidal_thoughts_past_month",
            "Has there been a time in the past month when you have had serious thoughts about ending your life?",
            asks_about_suicide=True,
        ),
        YesNoQuestion(
            "phqa_suicide_attempt_ever",
            "Have you ever, in your whole life, tried to kill yourself or made a suicide attempt?",
            asks_about_suicide=True,
        ),
    ),
    safety_item_key=PHQA_SUICIDE_ITEM_KEY,
)

# LOINC 69737-5 panel, total 70274-6 (the panel is not a score).
GAD7 = Instrument(
    kind="gad7",
    name="GAD-7",
    stem="Over the last 2 weeks, how often have you been bothered by:",
    panel_loinc="69737-5",
    total_loinc="70274-6",
    items=_scored_items(
        "gad7",
        (
            "69725-0",
            "68509-9",
            "69733-4",
            "69734-2",
            "69735-9",
            "69689-8",
            "69736-7",
        ),
        (
            "Feeling nervous, anxious or on edge",
            "Not being able to stop worrying or control it",
            "Worrying too much about lots of different things",
            "Having a hard time relaxing",
            "Being so restless that it is hard to sit still",
            "Getting annoyed or irritated easily",
            "Feeling scared, as if something awful might happen",
        ),
    ),
    severity_bands=GAD7_SEVERITY_BANDS,
)

INSTRUMENTS = {instrument.kind: instrument for instrument in (PHQ9, PHQA, GAD7)}

# The PHQ-A is the adolescent form, validated for ages 11-17 (Johnson et al.
# 2002; product.md): a client of these ages gets it by default.
PHQA_AGE_MIN = 11
PHQA_AGE_MAX = 17
