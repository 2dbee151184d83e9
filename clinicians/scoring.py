"""Scoring one administration: total, severity band, prorating and safety flag.

Plain functions over the data in instruments.py. Models, views and reports
call score() and never add up answers themselves.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from clinicians.instruments import (
    INSTRUMENTS,
    MAX_UNANSWERED_FOR_PRORATING,
    Instrument,
    Item,
    SeverityBand,
    YesNoQuestion,
)

# A scale answer (0-3), a yes/no answer, or None for "not answered".
Answer = int | bool | None


@dataclass(frozen=True)
class Score:
    instrument: str  # the instrument's kind: "phq9", "phqa", "gad7"
    total: int | None  # None when too many items are unanswered
    band: str | None  # stable key, e.g. "moderately_severe"
    band_label: str | None
    answered: int  # scored items answered
    prorated: bool
    reason_no_total: str  # a sentence for the page when total is None, else ""
    safety_flag: bool
    safety_reasons: tuple[str, ...]


def instrument_for(instrument_or_kind: Instrument | str) -> Instrument:
    if isinstance(instrument_or_kind, Instrument):
        return instrument_or_kind
    try:
        return INSTRUMENTS[instrument_or_kind]
    except KeyError:
        known = ", ".join(INSTRUMENTS)
        raise ValueError(f"Unknown instrument {instrument_or_kind!r}; expected one of {known}") from None


def band_for(instrument_or_kind: Instrument | str, total: int | None) -> SeverityBand | None:
    """The severity band a total falls in; None when there is no total."""
    if total is None:
        return None
    instrument = instrument_for(instrument_or_kind)
    for band in instrument.severity_bands:
        if band.contains(total):
            return band
    raise ValueError(f"{total} is outside the {instrument.name} range 0-{instrument.max_total}")


def validate_answers(instrument: Instrument, answers: Mapping[str, Answer]) -> None:
    """Raise ValueError for a key the instrument does not ask or a value it
    does not offer. A missing key or None means "not answered"."""
    for key, value in answers.items():
        question = instrument.question(key)
        if question is None:
            raise ValueError(f"{key!r} is not a question on the {instrument.name}")
        if value is None or _is_offered(question, value):
            continue
        if isinstance(question, YesNoQuestion):
            expected = "a yes/no question: answer True, False or None"
        else:
            expected = f"takes one of {question.values} or None"
        raise ValueError(f"{key!r} {expected}, not {value!r}")


def _is_offered(question: Item | YesNoQuestion, value: Answer) -> bool:
    if isinstance(question, YesNoQuestion):
        return isinstance(value, bool)
    # An exact type check: True (a bool is an int) must not pass as a 1, nor
    # 2.0 (which equals 2) as a 2.
    return type(value) is int and value in question.values


def score(instrument: Instrument | str, answers: Mapping[str, Answer]) -> Score:
    instrument = instrument_for(instrument)
    validate_answers(instrument, answers)
    given = [answers[item.key] for item in instrument.items if answers.get(item.key) is not None]
    unanswered = len(instrument.items) - len(given)
    total, reason = _total(instrument, given)
    band = band_for(instrument, total)
    # The safety check runs whether or not there is a total: an answered
    # item 9 counts even when too many other items are blank.
    reasons = _safety_reasons(instrument, answers)
    return Score(
        instrument=instrument.kind,
        total=total,
        band=band.key if band else None,
        band_label=band.label if band else None,
        answered=len(given),
        prorated=total is not None and unanswered > 0,
        reason_no_total=reason,
        safety_flag=bool(reasons),
        safety_reasons=reasons,
    )


def _total(instrument: Instrument, given: list[int]) -> tuple[int | None, str]:
    item_count = len(instrument.items)
    unanswered = item_count - len(given)
    # product.md: 1-2 of the PHQ's 9 items unanswered -> prorate, 3+ -> no
    # total. The GAD-7 gets the same allowance of 2 missing out of its 7.
    if unanswered > MAX_UNANSWERED_FOR_PRORATING:
        return None, (
            f"{unanswered} of {item_count} items unanswered: a total needs at "
            f"least {instrument.min_answered_for_total} answers"
        )
    if unanswered == 0:
        return sum(given), ""
    # Prorate as sum x items / answered, rounded half up (4.5 -> 5). Python's
    # round() rounds half to even (4.5 -> 4), which could drop a borderline
    # score into a lower band; integer arithmetic keeps the halves exact.
    answered = len(given)
    return (2 * sum(given) * item_count + answered) // (2 * answered), ""


def _safety_reasons(instrument: Instrument, answers: Mapping[str, Answer]) -> tuple[str, ...]:
    """Why this administration is a safety event (product.md): item 9 above 0,
    or a "yes" to a PHQ-A suicide question."""
    reasons = []
    key = instrument.safety_item_key
    value = answers.get(key) if key else None
    if value is not None and value > 0:
        item = instrument.question(key)
        reasons.append(
            f'Item {item.number} (thoughts of being better off dead or of self-harm) answered "{item.label_for(value)}"'
        )
    for question in instrument.yes_no_questions:
        if question.asks_about_suicide and answers.get(question.key) is True:
            reasons.append(f'Answered yes to "{question.text}"')
    return tuple(reasons)
