"""SM-2 (Wozniak 1990) as pure functions: a state and a grade in, a new state out.

EF is kept in integer hundredths so every step is exact; the open points of the paper
are settled as in SuperMemo's published plug-in (docs/scheduling.md, "How SM-2 schedules (exactly)").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from mlsflash.model import Grade, ReviewState

MIN_EASINESS = 130
# 0.1 - (5 - q) * (0.08 + (5 - q) * 0.02), in hundredths.
EASINESS_DELTA = {5: 10, 4: 0, 3: -14, 2: -32, 1: -54, 0: -80}


@dataclass(frozen=True)
class Outcome:
    """What one scheduled answer did to a card."""

    before: ReviewState
    after: ReviewState
    grade: Grade
    lapsed: bool  # failed after at least one success: counts in `lapses`


def next_interval(state: ReviewState) -> int:
    """Days until the next review after a passing grade (uses EF before this answer's update)."""
    if state.repetitions == 0:
        return 1
    if state.repetitions == 1:
        return 6
    return -(-state.interval * state.easiness // 100)  # ceil(I * EF), exact in integers


def review(state: ReviewState, grade: Grade | int, today: date) -> Outcome:
    """Apply one scheduled answer given on study day `today`."""
    grade = Grade(grade)
    if grade.is_pass:
        interval = next_interval(state)
        repetitions = state.repetitions + 1
        lapses = state.lapses
    else:
        interval, repetitions = 1, 0
        lapses = state.lapses + (1 if state.repetitions > 0 else 0)
    after = ReviewState(
        repetitions=repetitions,
        easiness=max(MIN_EASINESS, state.easiness + EASINESS_DELTA[grade]),
        interval=interval,
        due=today + timedelta(days=interval),
        lapses=lapses,
    )
    return Outcome(before=state, after=after, grade=grade, lapsed=lapses > state.lapses)


def preview(state: ReviewState, today: date) -> dict[Grade, int]:
    """Days until the next review that each grade would give now under plain SM-2 (`review` run
    once per grade). The review screen asks `scheduler.preview` instead, which follows the
    scheduler in use (SM-2 or FSRS) and `maximum_interval`."""
    return {grade: review(state, grade, today).after.interval for grade in Grade}
