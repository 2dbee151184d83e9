"""Scoring through the models: totals, bands and flags are derived from the
stored answers on every save and can never be typed."""

import pytest
from django.db import IntegrityError, transaction

from clinicians.instruments import GAD7, PHQ9, PHQA
from clinicians.models import Administration, Answer
from tests.factories import AdministrationFactory

pytestmark = pytest.mark.django_db


def phq9(*values):
    return {item.key: v for item, v in zip(PHQ9.items, values, strict=True) if v is not None}


@pytest.mark.parametrize(
    ("values", "total", "band"),
    [
        ((0, 0, 0, 0, 0, 0, 0, 0, 0), 0, "minimal"),
        ((1, 1, 1, 1, 0, 0, 0, 0, 0), 4, "minimal"),
        ((1, 1, 1, 1, 1, 0, 0, 0, 0), 5, "mild"),
        ((2, 2, 2, 2, 2, 0, 0, 0, 0), 10, "moderate"),
        ((3, 3, 3, 3, 3, 0, 0, 0, 0), 15, "moderately_severe"),
        ((3, 3, 3, 3, 3, 3, 2, 0, 0), 20, "severe"),
        ((3, 3, 3, 3, 3, 3, 3, 3, 3), 27, "severe"),
    ],
)
def test_saved_phq9_stores_the_scored_total_and_band(clinic, values, total, band):
    administration = AdministrationFactory(client=clinic.client_a, answers=phq9(*values))
    administration.refresh_from_db()
    assert (administration.total, administration.band, administration.prorated) == (total, band, False)


def test_two_missing_items_are_prorated_and_marked(clinic):
    administration = AdministrationFactory(client=clinic.client_a, answers=phq9(2, 2, 2, 2, 2, 2, 1, None, None))
    # 13 x 9 / 7 = 16.7 -> 17
    assert (administration.total, administration.prorated, administration.answered) == (17, True, 7)


def test_three_missing_items_give_no_total_and_say_why(clinic):
    administration = AdministrationFactory(client=clinic.client_a, answers=phq9(3, 3, 3, 3, 3, 3, None, None, None))
    administration.refresh_from_db()
    assert administration.total is None
    assert administration.band == ""
    assert administration.reason_no_total.startswith("3 of 9 items unanswered")


def test_a_typed_total_is_overwritten_by_the_answers_on_save(clinic):
    administration = AdministrationFactory(client=clinic.client_a, answers=phq9(1, 1, 1, 1, 1, 1, 1, 1, 0))
    administration.total, administration.band = 3, "minimal"
    administration.save()
    administration.refresh_from_db()
    assert (administration.total, administration.band) == (8, "mild")


def test_update_fields_save_still_recomputes_the_total(clinic):
    administration = AdministrationFactory(client=clinic.client_a, answers=phq9(2, 2, 2, 2, 2, 0, 0, 0, 0))
    Answer.objects.filter(administration=administration, item_key="phq9_1").update(value=0)
    administration.save(update_fields=["administered_at"])
    administration.refresh_from_db()
    assert administration.total == 8


def test_each_answer_is_stored_with_its_loinc_code(clinic):
    answers = {**phq9(1, 0, 0, 0, 0, 0, 0, 0, 0), "phq9_difficulty": 2}
    administration = AdministrationFactory(client=clinic.client_a, answers=answers)
    codes = dict(administration.answers.values_list("item_key", "loinc"))
    assert codes["phq9_1"] == "44250-9"
    assert codes["phq9_9"] == "44260-8"
    assert codes["phq9_difficulty"] == "69722-7"
    assert len(codes) == 10


def test_phqa_answers_keep_teen_keys_and_yes_no_as_one_and_zero(clinic):
    answers = {item.key: 0 for item in PHQA.items} | {
        "phqa_depressed_past_year": True,
        "phqa_suicide_attempt_ever": False,
    }
    administration = AdministrationFactory(client=clinic.client_a, instrument="phqa", answers=answers)
    stored = dict(administration.answers.values_list("item_key", "value"))
    assert stored["phqa_depressed_past_year"] == 1
    assert stored["phqa_suicide_attempt_ever"] == 0
    assert administration.answers.get(item_key="phqa_1").loinc == ""  # no verified teen item code
    assert administration.answer_values()["phqa_depressed_past_year"] is True


@pytest.mark.parametrize(
    ("total", "band"), [(4, "minimal"), (5, "mild"), (10, "moderate"), (15, "severe"), (21, "severe")]
)
def test_gad7_totals_and_bands_through_the_model(clinic, total, band):
    values = [min(3, max(0, total - 3 * i)) for i in range(7)]
    answers = {item.key: v for item, v in zip(GAD7.items, values, strict=True)}
    administration = AdministrationFactory(client=clinic.client_a, instrument="gad7", answers=answers)
    assert (administration.total, administration.band) == (total, band)


def test_an_answer_the_instrument_does_not_offer_saves_nothing(clinic):
    with pytest.raises(ValueError):
        AdministrationFactory(client=clinic.client_a, answers={"phq9_1": 4})
    assert not Administration.objects.exists()


def test_database_refuses_a_total_without_its_band(clinic):
    administration = AdministrationFactory(client=clinic.client_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Administration.objects.filter(pk=administration.pk).update(band="")


def test_database_refuses_a_phq_total_above_27(clinic):
    administration = AdministrationFactory(client=clinic.client_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Administration.objects.filter(pk=administration.pk).update(total=28)
