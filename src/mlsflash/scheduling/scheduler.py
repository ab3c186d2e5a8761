"""One scheduled answer under the chosen scheduler: a state, a grade and a policy in, the new
state out (pure: no clock, no database).

Both schedulers keep SM-2's n, EF and lapses and FSRS's memory state; they differ only in
the interval. SM-2's is exact (sm2.py); FSRS's is the one that brings recall probability
down to the desired retention, in whole days. `maximum_interval` caps both.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from mlsflash.model import DEFAULT_MAXIMUM_INTERVAL, DEFAULT_RETENTION, Grade, ReviewState, Scheduler
from mlsflash.scheduling import memory, sm2


@dataclass(frozen=True)
class Policy:
    scheduler: Scheduler = Scheduler.SM2
    desired_retention: float = DEFAULT_RETENTION
    maximum_interval: int = DEFAULT_MAXIMUM_INTERVAL
    parameters: memory.Parameters | None = None  # None: FSRS-6 defaults


def review(state: ReviewState, grade: Grade | int, today: date, policy: Policy = Policy()) -> sm2.Outcome:
    """Apply one scheduled answer given on study day `today`."""
    outcome = sm2.review(state, grade, today)
    before = current_memory(state, policy.parameters)
    elapsed = 0 if state.last_review is None else (today - state.last_review).days
    after_memory, fsrs_interval = memory.step(before, grade, elapsed, policy.desired_retention, policy.parameters)
    if policy.scheduler is Scheduler.FSRS:
        interval = memory.whole_days(fsrs_interval)
    else:
        interval = outcome.after.interval
    interval = min(interval, policy.maximum_interval)
    after = replace(
        outcome.after, interval=interval, due=today + timedelta(days=interval),
        stability=after_memory.stability, difficulty=after_memory.difficulty,
    )
    return replace(outcome, after=after)


def preview(state: ReviewState, today: date, policy: Policy = Policy()) -> dict[Grade, int]:
    """Days until the next review that each grade would give now, under the policy's scheduler
    (SM-2 or FSRS) and cap: `review` run once per grade, so what the review screen promises is
    what an answer does."""
    return {grade: review(state, grade, today, policy).after.interval for grade in Grade}


def current_memory(state: ReviewState, parameters: memory.Parameters | None = None) -> memory.Memory | None:
    """The card's memory state; a scheduled card without one (its answers predate the log)
    gets the state its SM-2 schedule implies."""
    if state.is_new:
        return None
    if state.stability is None or state.difficulty is None:
        return memory.from_sm2(state.easiness, state.interval, parameters)
    return memory.Memory(state.stability, state.difficulty)


def fsrs_interval(stability: float, policy: Policy) -> int:
    """FSRS's whole-day interval for a stability under the policy's retention and cap."""
    days = memory.whole_days(memory.interval_for(stability, policy.desired_retention, policy.parameters))
    return min(days, policy.maximum_interval)


def sm2_interval(grades: list[int], policy: Policy, start: ReviewState = ReviewState()) -> int:
    """SM-2's interval after these scheduled grades from `start` (its intervals depend on
    grades alone, never on the days between answers)."""
    state, day = start, date(2000, 1, 1)
    for grade in grades:
        after = sm2.review(state, grade, day).after
        state = replace(after, interval=min(after.interval, policy.maximum_interval))
    return state.interval
