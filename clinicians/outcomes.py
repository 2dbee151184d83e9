"""Change over an episode, from its PHQ-9 / PHQ-A totals in date order.

The first total of the episode is the baseline (product.md). The thresholds
and their sources live in instruments.py.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from clinicians.instruments import (
    MINIMAL_IMPORTANT_CHANGE,
    RELIABLE_CHANGE,
    REMISSION_BELOW,
    RESPONSE_DROP,
)

Trend = Literal["up", "down", "flat"]


@dataclass(frozen=True)
class Outcome:
    baseline: int
    latest: int
    change: int  # latest - baseline: negative means fewer symptoms
    percent_change: float | None  # of the baseline; None when baseline is 0
    response: bool
    remission: bool
    reliable_improvement: bool
    reliable_deterioration: bool
    minimal_important_change: bool


def outcome(baseline: int, latest: int) -> Outcome:
    change = latest - baseline
    drop = -change
    return Outcome(
        baseline=baseline,
        latest=latest,
        change=change,
        percent_change=None if baseline == 0 else 100 * change / baseline,
        # A baseline of 0 has nothing to drop from, so it is never a response.
        response=baseline > 0 and drop >= RESPONSE_DROP * baseline,
        remission=latest < REMISSION_BELOW,
        reliable_improvement=drop >= RELIABLE_CHANGE,
        reliable_deterioration=change >= RELIABLE_CHANGE,
        minimal_important_change=abs(change) >= MINIMAL_IMPORTANT_CHANGE,
    )


def episode_outcome(scores: Sequence[int]) -> Outcome | None:
    """The latest total against the baseline; None before the first score."""
    if not scores:
        return None
    return outcome(scores[0], scores[-1])


def trend(scores: Sequence[int]) -> Trend:
    """Direction of the last change; "up" is a higher, i.e. worse, score."""
    if len(scores) < 2:
        return "flat"
    previous, latest = scores[-2], scores[-1]
    if latest > previous:
        return "up"
    if latest < previous:
        return "down"
    return "flat"
