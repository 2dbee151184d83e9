"""Outcome measures from baseline (product.md, "Clinical rules")."""

import pytest

from clinicians.outcomes import episode_outcome, outcome, trend


@pytest.mark.parametrize(
    ("baseline", "latest", "responded"),
    [
        (20, 10, True),  # exactly half
        (20, 11, False),
        (20, 0, True),
        (15, 7, True),  # drop of 8 is at least 7.5
        (15, 8, False),  # drop of 7 is short of 7.5
        (10, 5, True),
        (10, 10, False),
        (10, 14, False),
        (0, 0, False),  # nothing to drop from
    ],
)
def test_response_is_a_drop_of_half_the_baseline_or_more(baseline, latest, responded):
    assert outcome(baseline, latest).response is responded


@pytest.mark.parametrize(("latest", "remitted"), [(0, True), (4, True), (5, False), (12, False)])
def test_remission_is_a_latest_score_below_5(latest, remitted):
    assert outcome(18, latest).remission is remitted


@pytest.mark.parametrize(
    ("baseline", "latest", "improved", "deteriorated"),
    [
        (15, 9, True, False),  # drop of 6
        (15, 10, False, False),  # drop of 5
        (27, 0, True, False),
        (9, 15, False, True),  # rise of 6
        (10, 15, False, False),  # rise of 5
        (3, 20, False, True),
        (12, 12, False, False),
    ],
)
def test_reliable_change_is_6_points_either_way(baseline, latest, improved, deteriorated):
    result = outcome(baseline, latest)
    assert result.reliable_improvement is improved
    assert result.reliable_deterioration is deteriorated


@pytest.mark.parametrize(
    ("baseline", "latest", "important"),
    [(10, 5, True), (10, 6, False), (10, 15, True), (10, 14, False), (10, 10, False)],
)
def test_minimal_important_change_is_5_points_either_way(baseline, latest, important):
    assert outcome(baseline, latest).minimal_important_change is important


@pytest.mark.parametrize(
    ("baseline", "latest", "change", "percent"),
    [
        (20, 10, -10, -50.0),
        (10, 15, 5, 50.0),
        (16, 12, -4, -25.0),
        (12, 12, 0, 0.0),
        (3, 0, -3, -100.0),
    ],
)
def test_change_is_shown_in_points_and_percent_of_baseline(baseline, latest, change, percent):
    result = outcome(baseline, latest)
    assert (result.baseline, result.latest) == (baseline, latest)
    assert result.change == change
    assert result.percent_change == pytest.approx(percent)


def test_percent_change_from_a_baseline_of_0_is_none():
    result = outcome(0, 7)
    assert result.percent_change is None
    assert result.change == 7
    assert result.reliable_deterioration is True


def test_a_typical_improving_episode():
    result = outcome(19, 4)
    assert result.change == -15
    assert result.response and result.remission
    assert result.reliable_improvement and result.minimal_important_change
    assert not result.reliable_deterioration


def test_episode_outcome_compares_latest_with_first_score():
    result = episode_outcome([18, 14, 20, 9])
    assert (result.baseline, result.latest, result.change) == (18, 9, -9)
    assert result.response is True


def test_episode_outcome_with_one_score_is_no_change():
    result = episode_outcome([12])
    assert result.change == 0
    assert result.response is False


def test_episode_outcome_before_any_score_is_none():
    assert episode_outcome([]) is None


@pytest.mark.parametrize(
    ("scores", "direction"),
    [
        ([], "flat"),
        ([14], "flat"),
        ([14, 14], "flat"),
        ([14, 15], "up"),
        ([14, 13], "down"),
        ([20, 5, 6], "up"),  # only the last two scores count
        ([5, 20, 19], "down"),
        ([9, 3, 3], "flat"),
        ([0, 27], "up"),
    ],
)
def test_trend_compares_the_last_two_scores(scores, direction):
    assert trend(scores) == direction
