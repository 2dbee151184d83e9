"""Scoring rules for PHQ-9, PHQ-A and GAD-7 (product.md, "Clinical rules")."""

import itertools

import pytest

from clinicians import instruments
from clinicians.instruments import GAD7, INSTRUMENTS, PHQ9, PHQA
from clinicians.scoring import band_for, score


def answers_for(instrument, values):
    """Answer the scored items in order; None leaves an item unanswered."""
    return {item.key: v for item, v in zip(instrument.items, values, strict=True)}


def vector_summing_to(total, item_count):
    """Answers (3s first, then the remainder) adding up to total."""
    values = []
    for _ in range(item_count):
        values.append(min(3, total))
        total -= values[-1]
    return values


# --- Severity bands ----------------------------------------------------------

PHQ_BOUNDARIES = [
    (0, "minimal", "Minimal"),
    (4, "minimal", "Minimal"),
    (5, "mild", "Mild"),
    (9, "mild", "Mild"),
    (10, "moderate", "Moderate"),
    (14, "moderate", "Moderate"),
    (15, "moderately_severe", "Moderately severe"),
    (19, "moderately_severe", "Moderately severe"),
    (20, "severe", "Severe"),
    (27, "severe", "Severe"),
]


@pytest.mark.parametrize("kind", ["phq9", "phqa"])
@pytest.mark.parametrize(
    ("total", "band", "label"),
    PHQ_BOUNDARIES,
    ids=[f"total_of_{t}_is_{b}" for t, b, _ in PHQ_BOUNDARIES],
)
def test_phq_total_falls_in_its_severity_band(kind, total, band, label):
    instrument = INSTRUMENTS[kind]
    result = score(kind, answers_for(instrument, vector_summing_to(total, 9)))
    assert (result.total, result.band, result.band_label) == (total, band, label)
    assert result.prorated is False


GAD7_BOUNDARIES = [
    (0, "minimal"),
    (4, "minimal"),
    (5, "mild"),
    (9, "mild"),
    (10, "moderate"),
    (14, "moderate"),
    (15, "severe"),
    (21, "severe"),
]


@pytest.mark.parametrize(
    ("total", "band"),
    GAD7_BOUNDARIES,
    ids=[f"total_of_{t}_is_{b}" for t, b in GAD7_BOUNDARIES],
)
def test_gad7_total_falls_in_its_severity_band(total, band):
    result = score("gad7", answers_for(GAD7, vector_summing_to(total, 7)))
    assert (result.total, result.band) == (total, band)


def test_total_of_10_is_moderate():
    assert band_for("phq9", 10).key == "moderate"


def test_gad7_has_no_moderately_severe_band():
    assert band_for("gad7", 15).key == "severe"
    assert band_for("gad7", 19).key == "severe"


def test_bands_cover_every_possible_total_exactly_once():
    for instrument in INSTRUMENTS.values():
        for total in range(instrument.max_total + 1):
            matches = [b for b in instrument.severity_bands if b.contains(total)]
            assert len(matches) == 1, (instrument.kind, total)


@pytest.mark.parametrize(("kind", "total"), [("phq9", 28), ("phq9", -1), ("gad7", 22)])
def test_band_for_total_outside_the_range_is_refused(kind, total):
    with pytest.raises(ValueError, match="outside"):
        band_for(kind, total)


def test_band_for_no_total_is_none():
    assert band_for(PHQ9, None) is None


def test_phq_maxima_are_27_and_gad7_21():
    assert (PHQ9.max_total, PHQA.max_total, GAD7.max_total) == (27, 27, 21)


# --- Totals over many answer vectors -----------------------------------------

PHQ9_VECTORS = [
    ([0, 0, 0, 0, 0, 0, 0, 0, 0], 0, "minimal"),
    ([1, 1, 1, 1, 0, 0, 0, 0, 0], 4, "minimal"),
    ([1, 1, 1, 1, 1, 0, 0, 0, 0], 5, "mild"),
    ([3, 3, 3, 0, 0, 0, 0, 0, 0], 9, "mild"),
    ([0, 0, 0, 0, 0, 1, 3, 3, 3], 10, "moderate"),
    ([2, 2, 2, 2, 2, 2, 2, 0, 0], 14, "moderate"),
    ([2, 2, 2, 2, 2, 2, 2, 1, 0], 15, "moderately_severe"),
    ([3, 3, 3, 3, 3, 3, 1, 0, 0], 19, "moderately_severe"),
    ([3, 3, 3, 3, 3, 3, 2, 0, 0], 20, "severe"),
    ([1, 2, 3, 0, 1, 2, 3, 0, 1], 13, "moderate"),
    ([3, 3, 3, 3, 3, 3, 3, 3, 3], 27, "severe"),
]


@pytest.mark.parametrize(("values", "total", "band"), PHQ9_VECTORS)
def test_phq9_total_is_the_sum_of_the_nine_items(values, total, band):
    result = score(PHQ9, answers_for(PHQ9, values))
    assert (result.total, result.band, result.answered) == (total, band, 9)


def test_every_gad7_answer_vector_totals_its_sum_and_band():
    for values in itertools.product(range(4), repeat=7):
        result = score(GAD7, answers_for(GAD7, values))
        assert result.total == sum(values)
        assert band_for(GAD7, sum(values)).key == result.band


def test_a_wide_sample_of_phq9_vectors_totals_its_sum_and_band():
    vectors = itertools.islice(itertools.product(range(4), repeat=9), 0, None, 97)
    for values in vectors:
        result = score(PHQ9, answers_for(PHQ9, values))
        assert result.total == sum(values)
        assert band_for(PHQ9, sum(values)).key == result.band


def test_difficulty_question_is_recorded_but_not_scored():
    answers = answers_for(PHQ9, [1] * 9)
    assert score(PHQ9, answers | {"phq9_difficulty": 3}).total == 9
    assert score(PHQ9, answers | {"phq9_difficulty": None}).total == 9


# --- Missing answers -----------------------------------------------------------

PRORATED = [
    # (instrument, answered values, prorated total)
    (PHQ9, [1, 1, 1, 1, 1, 1, 1, 1, None], 9),  # 8 x 9 / 8
    (PHQ9, [None, 3, 3, 3, 3, 3, 3, 3, 3], 27),  # 24 x 9 / 8
    (PHQ9, [1, 1, 1, 1, 0, 0, 0, 0, None], 5),  # 4 x 9 / 8 = 4.5, half rounds up
    (PHQ9, [2, 2, 2, 1, 1, 1, 1, 0, None], 11),  # 10 x 9 / 8 = 11.25
    (PHQ9, [3, 3, 2, 1, 0, 0, 1, None, None], 13),  # 10 x 9 / 7 = 12.86
    (PHQ9, [1, 1, 1, 1, 1, 1, 1, None, None], 9),  # 7 x 9 / 7
    (PHQ9, [None, None, 3, 3, 3, 3, 3, 3, 3], 27),
    (PHQ9, [None, 0, 0, 0, 0, 0, 0, 0, None], 0),
    (PHQA, [2, 2, 2, 2, 2, 2, 2, None, None], 18),  # 14 x 9 / 7
    (GAD7, [1, 1, 1, 0, 0, 0, None], 4),  # 3 x 7 / 6 = 3.5, half rounds up
    (GAD7, [3, 3, 3, 0, 0, 0, None], 11),  # 9 x 7 / 6 = 10.5, half rounds up
    (GAD7, [1, 1, 1, 1, 1, None, None], 7),  # 5 x 7 / 5
    (GAD7, [3, 3, 3, 3, 2, None, None], 20),  # 14 x 7 / 5 = 19.6
]


@pytest.mark.parametrize(("instrument", "values", "total"), PRORATED)
def test_one_or_two_unanswered_items_are_prorated(instrument, values, total):
    result = score(instrument, answers_for(instrument, values))
    assert result.total == total
    assert result.prorated is True
    assert result.answered == sum(v is not None for v in values)
    assert result.reason_no_total == ""


def test_prorating_rounds_half_up_not_to_even():
    # 4 x 9 / 8 = 4.5: banker's rounding would say 4 (minimal), the rule says 5.
    result = score(PHQ9, answers_for(PHQ9, [1, 1, 1, 1, 0, 0, 0, 0, None]))
    assert (result.total, result.band) == (5, "mild")


def test_a_left_out_key_counts_as_unanswered_like_none():
    answers = answers_for(PHQ9, [2] * 9)
    del answers["phq9_4"]
    assert score(PHQ9, answers).total == 18
    assert score(PHQ9, answers).prorated is True


def test_complete_answers_are_not_prorated():
    assert score(PHQ9, answers_for(PHQ9, [2] * 9)).prorated is False


@pytest.mark.parametrize(
    ("instrument", "values", "reason"),
    [
        (
            PHQ9,
            [1, 1, 1, 1, 1, 1, None, None, None],
            "3 of 9 items unanswered: a total needs at least 7 answers",
        ),
        (
            PHQA,
            [None, 3, None, 3, None, 3, None, 3, 3],
            "4 of 9 items unanswered: a total needs at least 7 answers",
        ),
        (
            PHQ9,
            [None] * 9,
            "9 of 9 items unanswered: a total needs at least 7 answers",
        ),
        (
            GAD7,
            [2, 2, 2, 2, None, None, None],
            "3 of 7 items unanswered: a total needs at least 5 answers",
        ),
    ],
)
def test_three_or_more_unanswered_items_give_no_total(instrument, values, reason):
    result = score(instrument, answers_for(instrument, values))
    assert (result.total, result.band, result.band_label) == (None, None, None)
    assert result.prorated is False
    assert result.reason_no_total == reason


def test_empty_answers_give_no_total():
    result = score("phq9", {})
    assert (result.total, result.answered) == (None, 0)


# --- Safety ---------------------------------------------------------------------


@pytest.mark.parametrize("item_9", [1, 2, 3])
@pytest.mark.parametrize("instrument", [PHQ9, PHQA], ids=["phq9", "phqa"])
def test_item_9_above_0_is_a_safety_event(instrument, item_9):
    result = score(instrument, answers_for(instrument, [0] * 8 + [item_9]))
    assert result.safety_flag is True
    assert len(result.safety_reasons) == 1
    assert "Item 9" in result.safety_reasons[0]


@pytest.mark.parametrize("item_9", [0, None])
def test_item_9_at_0_or_unanswered_is_not_a_safety_event(item_9):
    result = score(PHQ9, answers_for(PHQ9, [3] * 8 + [item_9]))
    assert result.safety_flag is False
    assert result.safety_reasons == ()


def test_item_9_raises_the_flag_even_when_there_is_no_total():
    result = score(PHQ9, answers_for(PHQ9, [None, None, None, 0, 0, 0, 0, 0, 1]))
    assert result.total is None
    assert result.safety_flag is True


def test_safety_reason_names_the_answer_given():
    result = score(PHQ9, answers_for(PHQ9, [0] * 8 + [2]))
    assert '"More than half the days"' in result.safety_reasons[0]


def test_gad7_never_raises_a_safety_flag():
    assert score(GAD7, answers_for(GAD7, [3] * 7)).safety_flag is False


PHQA_QUIET = answers_for(PHQA, [0] * 9)


@pytest.mark.parametrize("key", ["phqa_suicidal_thoughts_past_month", "phqa_suicide_attempt_ever"])
def test_yes_to_a_phqa_suicide_question_is_a_safety_event(key):
    result = score(PHQA, PHQA_QUIET | {key: True})
    assert result.safety_flag is True
    assert result.safety_reasons == (f'Answered yes to "{PHQA.question(key).text}"',)
    assert result.total == 0  # yes/no answers never change the total


@pytest.mark.parametrize(
    "answers",
    [
        {"phqa_depressed_past_year": True},
        {"phqa_suicidal_thoughts_past_month": False},
        {"phqa_suicide_attempt_ever": False},
        {"phqa_suicide_attempt_ever": None},
    ],
)
def test_other_phqa_yes_no_answers_are_not_a_safety_event(answers):
    assert score(PHQA, PHQA_QUIET | answers).safety_flag is False


def test_every_safety_reason_is_listed():
    answers = answers_for(PHQA, [0] * 8 + [3]) | {
        "phqa_suicidal_thoughts_past_month": True,
        "phqa_suicide_attempt_ever": True,
    }
    assert len(score(PHQA, answers).safety_reasons) == 3


# --- Invalid input ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "answers", "message"),
    [
        ("phq9", {"phq9_10": 1}, "not a question on the PHQ-9"),
        ("phq9", {"gad7_1": 1}, "not a question on the PHQ-9"),
        ("phq9", {"phqa_suicide_attempt_ever": True}, "not a question"),
        ("gad7", {"gad7_8": 0}, "not a question on the GAD-7"),
        ("phq9", {"phq9_1": 4}, "takes one of"),
        ("phq9", {"phq9_1": -1}, "takes one of"),
        ("phq9", {"phq9_1": "2"}, "takes one of"),
        ("phq9", {"phq9_1": 2.0}, "takes one of"),
        ("phq9", {"phq9_9": True}, "takes one of"),
        ("phq9", {"phq9_difficulty": 4}, "takes one of"),
        ("phqa", {"phqa_suicide_attempt_ever": 1}, "yes/no question"),
        ("phqa", {"phqa_depressed_past_year": "yes"}, "yes/no question"),
    ],
)
def test_invalid_answers_are_refused(kind, answers, message):
    with pytest.raises(ValueError, match=message):
        score(kind, answers)


def test_unknown_instrument_is_refused():
    with pytest.raises(ValueError, match="Unknown instrument 'phq8'"):
        score("phq8", {})


# --- The instruments as data --------------------------------------------------------


def test_phq9_total_is_coded_44261_6_not_item_9_or_the_panel():
    assert PHQ9.total_loinc == "44261-6"
    assert PHQ9.total_loinc not in {"44260-8", "44249-1"}
    assert PHQ9.panel_loinc == "44249-1"


def test_phq9_item_9_is_coded_44260_8():
    item_9 = PHQ9.question(instruments.SUICIDE_ITEM_KEY)
    assert (item_9.number, item_9.loinc) == (9, "44260-8")


def test_phq9_items_carry_their_loinc_codes_in_order():
    assert [item.loinc for item in PHQ9.items] == [
        "44250-9",
        "44255-8",
        "44259-0",
        "44254-1",
        "44251-7",
        "44258-2",
        "44252-5",
        "44253-3",
        "44260-8",
    ]
    assert PHQ9.difficulty.loinc == "69722-7"


def test_gad7_codes_total_70274_6_and_panel_69737_5():
    assert (GAD7.panel_loinc, GAD7.total_loinc) == ("69737-5", "70274-6")
    assert [item.loinc for item in GAD7.items] == [
        "69725-0",
        "68509-9",
        "69733-4",
        "69734-2",
        "69735-9",
        "69689-8",
        "69736-7",
    ]


def test_phqa_codes_its_own_total_and_panel():
    assert (PHQA.panel_loinc, PHQA.total_loinc) == ("89206-7", "89204-2")


def test_no_item_shares_a_code_with_its_total_or_panel():
    for instrument in INSTRUMENTS.values():
        codes = [item.loinc for item in instrument.items if item.loinc]
        assert len(codes) == len(set(codes))
        assert instrument.total_loinc not in codes
        assert instrument.panel_loinc not in codes


def test_items_are_numbered_and_keyed_in_order():
    for instrument in INSTRUMENTS.values():
        for number, item in enumerate(instrument.items, 1):
            assert item.number == number
            assert item.key == f"{instrument.kind}_{number}"


def test_scored_items_offer_the_four_frequency_answers():
    labels = [
        "Not at all",
        "Several days",
        "More than half the days",
        "Nearly every day",
    ]
    for instrument in INSTRUMENTS.values():
        for item in instrument.items:
            assert [(o.value, o.label) for o in item.options] == list(enumerate(labels))


def test_difficulty_question_offers_its_own_answers():
    assert [o.label for o in PHQ9.difficulty.options] == [
        "Not difficult at all",
        "Somewhat difficult",
        "Very difficult",
        "Extremely difficult",
    ]
    assert GAD7.difficulty is None


def test_phqa_uses_teen_wording():
    assert "irritable" in PHQA.items[0].text
    assert "school work" in PHQA.items[6].text
    assert "irritable" not in PHQ9.items[0].text


def test_phqa_asks_three_yes_no_questions_two_about_suicide():
    questions = PHQA.yes_no_questions
    assert len(questions) == 3
    assert [q.asks_about_suicide for q in questions] == [False, True, True]
    assert "ending your life" in questions[1].text
    assert "suicide attempt" in questions[2].text


def test_phqa_item_9_is_its_safety_item():
    assert PHQA.safety_item_key == "phqa_9"
    assert "better off dead" in PHQA.question("phqa_9").text


def test_registry_holds_the_three_instruments():
    assert set(INSTRUMENTS) == {"phq9", "phqa", "gad7"}
    assert all(kind == i.kind for kind, i in INSTRUMENTS.items())


def test_clinical_thresholds_are_the_sourced_values():
    assert instruments.RELIABLE_CHANGE == 6
    assert instruments.MINIMAL_IMPORTANT_CHANGE == 5
    assert instruments.RESPONSE_DROP == 0.5
    assert instruments.REMISSION_BELOW == 5
    assert instruments.SUICIDE_ITEM_KEY == "phq9_9"
