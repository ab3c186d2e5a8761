"""Pacing to an exam date (pure: value objects in, value objects out; no clock, no database).

SM-2 and FSRS aim at long-term memory and know nothing of a date: a card learned early may
next be due long after the exam, and 20 new cards a day may not reach the last card in
time. With an exam date, for the exam's cards only:

- new cards are paced: enough a day to have seen every exam card before the final window,
  drawn from the exam's domains by weight (`interleave`), so that a learner who falls behind
  has seen each domain in its share;
- in the final window (the last `final_days` days before the exam) every card whose
  predicted recall on the exam day is below the desired retention, and that has no review
  planned before the exam, gets one on the least-loaded day of the window. Capping every
  interval at the exam date instead would pile the whole collection onto the last days.

Nothing is ever placed on the exam day itself (a card answered correctly on the eve is next
due the day after), and nothing changes once the date has passed.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Mapping, Sequence

from mlsflash import memory, sm2
from mlsflash.model import DEFAULT_FINAL_DAYS, ReviewState
from mlsflash.profiles import allocate

HEAVY_NEW_PER_DAY = 60  # above this many new cards a day, the pace is flagged as hard to keep


@dataclass(frozen=True)
class ExamDate:
    day: date
    final_days: int = DEFAULT_FINAL_DAYS

    @property
    def window_start(self) -> date:
        return self.day - timedelta(days=self.final_days)

    def days_left(self, today: date) -> int:
        return (self.day - today).days

    def active(self, today: date) -> bool:
        """Pacing applies before the exam day, never on or after it."""
        return today < self.day


def new_cards_needed(unseen: int, today: date, exam: ExamDate) -> int:
    """New exam cards a day to have introduced all `unseen` by the start of the final window
    (all of them today once the window has begun)."""
    if unseen <= 0 or not exam.active(today):
        return 0
    days = (exam.window_start - today).days
    return unseen if days <= 0 else math.ceil(unseen / days)


def domain_shares(count: int, seen: Mapping[int, int], unseen: Mapping[int, int],
                  weights: Mapping[int, int]) -> dict[int, int]:
    """How many of the next `count` new exam cards each domain gives. The cards seen after them
    are split by weight (largest remainder); a domain with too few cards for its part gives
    all it has and the others share the rest by weight. Each domain then gets what it lacks of
    its part (split by largest remainder again when some domain is already past its part, so
    that the shares add up to `count`)."""
    count = min(count, sum(unseen.values()))
    if count <= 0:
        return {domain: 0 for domain in weights}
    capacity = {domain: seen.get(domain, 0) + unseen.get(domain, 0) for domain in weights}
    parts = _capped_split(sum(seen.get(domain, 0) for domain in weights) + count, capacity, weights)
    lacking = {domain: max(0, parts[domain] - seen.get(domain, 0)) for domain in weights}
    return allocate(count, lacking)


def _capped_split(total: int, capacity: Mapping[int, int], weights: Mapping[int, int]) -> dict[int, int]:
    """`total` split by weight, no domain above its capacity (total <= the capacities' sum)."""
    fixed: dict[int, int] = {}
    while True:
        open_weights = {domain: weight for domain, weight in weights.items() if domain not in fixed}
        shares = allocate(total - sum(fixed.values()), open_weights)
        full = {domain for domain, share in shares.items() if share >= capacity[domain]}
        if not full or not open_weights:
            return fixed | shares
        fixed |= {domain: capacity[domain] for domain in full}


def interleave(candidates: Mapping[int, Sequence[str]], seen: Mapping[int, int], weights: Mapping[int, int],
               count: int) -> list[str]:
    """The next `count` new exam cards: `domain_shares` of them from each domain, in note order
    within a domain (`candidates` lists each domain's unseen cards in note order), the domains
    taking turns so that every first k of them keep the shares too (a learner may stop
    anywhere). Every domain of `weights` counts, one with nothing left to show too: its cards
    seen are in the total."""
    shares = domain_shares(count, seen, {domain: len(candidates.get(domain, ())) for domain in weights}, weights)
    total = sum(shares.values())
    taken = {domain: 0 for domain in shares}
    order: list[str] = []
    for step in range(1, total + 1):
        domain = max(
            (domain for domain in shares if taken[domain] < shares[domain]),
            key=lambda domain: (shares[domain] * step / total - taken[domain], weights.get(domain, 0), -domain),
        )
        order.append(candidates[domain][taken[domain]])
        taken[domain] += 1
    return order


def new_limit(new_per_day: int, unseen: int, today: date, exam: ExamDate) -> int:
    """The day's new-card limit: the larger of the setting and the pace the date needs."""
    return max(new_per_day, new_cards_needed(unseen, today, exam))


def recall_on(day: date, state: ReviewState, decay: float = memory.DEFAULT_DECAY) -> float:
    """Predicted probability of recall on `day` if the card is not reviewed before (0 unseen)."""
    last = state.last_review
    if last is None or state.stability is None:
        return 0.0
    return memory.retrievability(state.stability, (day - last).days, decay)


def needs_window_review(
    state: ReviewState, today: date, exam: ExamDate, desired_retention: float, decay: float = memory.DEFAULT_DECAY
) -> bool:
    """A seen card with no review planned before the exam (due on or after the exam day) whose
    predicted recall on the day is below the desired retention; or one due on the exam day."""
    if not exam.active(today) or state.due is None or state.due < exam.day:
        return False
    return state.due == exam.day or recall_on(exam.day, state, decay) < desired_retention


def keeps_window_review(
    current: ReviewState, recomputed: ReviewState, today: date, exam: ExamDate, desired_retention: float,
    decay: float = memory.DEFAULT_DECAY,
) -> bool:
    """A card due in the final window whose recomputed due date (`reschedule`) would need a
    window review again: it keeps its day in the window, which the next session would only
    have to find again."""
    if current.due is None or not exam.window_start <= current.due < exam.day:
        return False
    return needs_window_review(recomputed, today, exam, desired_retention, decay)


def window_days(today: date, exam: ExamDate, reviewed_today: bool) -> list[date]:
    """The days a window review can go on: the window's days from today on (from tomorrow for
    a card answered today), never the exam day."""
    first = max(exam.window_start, today + timedelta(days=1 if reviewed_today else 0))
    return [first + timedelta(days=offset) for offset in range((exam.day - first).days)]


def least_loaded(days: Sequence[date], load: Mapping[date, int]) -> date | None:
    """The day with the fewest reviews planned, the earliest of equals."""
    return min(days, key=lambda day: (load.get(day, 0), day), default=None)


def off_the_exam_day(state: ReviewState, exam: ExamDate) -> ReviewState:
    """A card answered correctly when no window day is left (on the eve) and due on the exam
    day: that answer was its last review before the exam, so it is next due the day after."""
    return place(state, exam.day + timedelta(days=1)) if state.due == exam.day else state


def place(state: ReviewState, day: date) -> ReviewState:
    """The card due on `day`; its interval keeps counting from its last review, so that
    `last_review` (due - interval) still says when it was last answered."""
    last = state.last_review
    interval = state.interval if last is None else max(1, (day - last).days)
    return replace(state, due=day, interval=interval)


# --- the workload forecast ----------------------------------------------------------------
#
# Each remaining day's answers: the reviews of the cards already seen, each answered Good
# (grade 4) when due and back after SM-2's next interval with its EF unchanged (an overdue
# card counts today), plus the new cards the day's limit brings in and their own reviews,
# projected the same way. A review that would fall on the exam day counts on the window's
# least-loaded day, as the final window places it. Lapses and re-drills are not foreseen.

SECONDS_UNTIL_KNOWN = 8.0  # seconds an answer takes until the learner's own median is known
ANSWERS_FOR_A_MEDIAN = 50  # answers with a recorded time before their median is used
LATER_DATES_TRIED = 365  # how far past the exam date `date_under_limit` looks


@dataclass(frozen=True)
class Workload:
    """What a forecast starts from: the collection today."""

    today: date
    schedules: Mapping[tuple[date, int, int, int], int]  # (due, n, interval, EF) of seen cards -> how many
    exam_unseen_at_day_start: int  # what today's pace is counted from (see `new_cards_needed`)
    exam_unseen: int
    other_unseen: int  # new cards outside the exam
    new_per_day: int
    introduced_today: int
    seconds_per_answer: float
    maximum_interval: int = 36_500


@dataclass(frozen=True)
class DayLoad:
    day: date
    reviews: int
    new: int
    minutes: int


def forecast(work: Workload, exam: ExamDate) -> list[DayLoad]:
    """Every day from today to the eve of the exam: reviews, new cards and minutes."""
    return _forecast(work, exam, _seen_reviews(work, exam.day + timedelta(days=1)))


def date_under_limit(work: Workload, exam: ExamDate, limit: int) -> date | None:
    """The first exam date after `exam`'s (a year later at most) whose forecast keeps every day
    within `limit` minutes: a later date lowers the pace of new cards. None when the reviews
    already due today pass the limit alone (no date changes them), or no such date is found."""
    if _minutes(_seen_reviews(work, work.today + timedelta(days=1))[work.today], work) > limit:
        return None
    seen = _seen_reviews(work, exam.day + timedelta(days=LATER_DATES_TRIED + 1))
    for days in range(1, LATER_DATES_TRIED + 1):
        later = replace(exam, day=exam.day + timedelta(days=days))
        if all(load.minutes <= limit for load in _forecast(work, later, seen)):
            return later.day
    return None


def _forecast(work: Workload, exam: ExamDate, seen: Mapping[date, int]) -> list[DayLoad]:
    days = [work.today + timedelta(days=offset) for offset in range(max(0, exam.days_left(work.today)))]
    new = _new_cards(work, exam, days)
    reviews: Counter[date] = Counter({day: seen.get(day, 0) for day in [*days, exam.day]})
    # A new card answered Good today has n = 1 and I = 1: back tomorrow, then as any card.
    offsets = _review_offsets(ReviewState(repetitions=1, interval=1), 1, len(days), work.maximum_interval)
    for day, count in zip(days, new, strict=True):
        for offset in offsets:
            if day + timedelta(days=offset) <= exam.day:
                reviews[day + timedelta(days=offset)] += count
    on_the_day = reviews.pop(exam.day, 0)
    window = window_days(work.today, exam, reviewed_today=True)
    for _ in range(on_the_day if window else 0):
        reviews[least_loaded(window, reviews) or exam.day] += 1
    return [DayLoad(day, reviews[day], count, _minutes(reviews[day] + count, work))
            for day, count in zip(days, new, strict=True)]


def _new_cards(work: Workload, exam: ExamDate, days: Sequence[date]) -> list[int]:
    """Each day's new cards: the day's limit (the larger of `new_per_day` and the pace) while
    new cards are left, the exam's first."""
    exam_left, other_left, result = work.exam_unseen, work.other_unseen, []
    for day in days:
        if day == work.today:
            limit = max(work.new_per_day, new_cards_needed(work.exam_unseen_at_day_start, day, exam))
            limit -= work.introduced_today
        else:
            limit = max(work.new_per_day, new_cards_needed(exam_left, day, exam))
        count = max(0, min(limit, exam_left + other_left))
        from_exam = min(exam_left, count)
        exam_left, other_left = exam_left - from_exam, other_left - (count - from_exam)
        result.append(count)
    return result


def _seen_reviews(work: Workload, until: date) -> Counter[date]:
    """The reviews of the cards already seen on each day before `until`."""
    reviews: Counter[date] = Counter()
    for (due, repetitions, interval, easiness), count in work.schedules.items():
        first = max(due, work.today)
        state = ReviewState(repetitions=repetitions, easiness=easiness, interval=interval)
        for offset in _review_offsets(state, 0, (until - first).days - 1, work.maximum_interval):
            reviews[first + timedelta(days=offset)] += count
    return reviews


def _review_offsets(state: ReviewState, first: int, last: int, maximum_interval: int) -> list[int]:
    """Days from now of a card's reviews up to `last`, the first `first` days from now, each
    answered Good (SM-2's next interval, EF unchanged)."""
    offsets, offset = [], first
    while offset <= last:
        offsets.append(offset)
        interval = max(1, min(sm2.next_interval(state), maximum_interval))
        state = replace(state, repetitions=state.repetitions + 1, interval=interval)
        offset += interval
    return offsets


def _minutes(answers: int, work: Workload) -> int:
    return round(answers * work.seconds_per_answer / 60)
