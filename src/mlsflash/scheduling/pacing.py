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
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Mapping, Sequence

from mlsflash.model import DEFAULT_FINAL_DAYS, ReviewState
from mlsflash.profiles import allocate
from mlsflash.scheduling import memory, sm2

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
# Each remaining day's answers: the reviews of the cards already seen and of the new cards
# the day's limit brings in. Each review is passed with the learner's pass rate (grade 4:
# back after SM-2's next interval, EF unchanged) and otherwise failed (grade 1: re-drilled
# once the same day, back the next day with n = 0 and EF 0.54 lower); an overdue card counts
# today. The counts are expected values. A review that would fall on the exam day counts on
# the window's least-loaded day, as the final window places it.

SECONDS_UNTIL_KNOWN = 8.0  # seconds an answer takes until the learner's own median is known
ANSWERS_FOR_A_MEDIAN = 50  # timed answers (reviews) before their median time (pass rate) is used
LATER_DATES_TRIED = 365  # how far past the exam date `date_under_limit` looks
_NEGLIGIBLE = 1e-3  # expected cards below this are followed no further

_Schedule = tuple[int, int, int]  # n, interval, EF in hundredths


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
    pass_rate: float = 1.0  # share of reviews passed (graded 3 or more)
    maximum_interval: int = 36_500
    # The new cards in note order, True for an exam card (empty: the exam's first): the places
    # `new_per_day` gives go to whatever comes first, the pace's exam cards on top of them.
    new_order: tuple[bool, ...] = ()


@dataclass(frozen=True)
class DayLoad:
    day: date
    reviews: int  # answers to cards seen before the day, re-drills included
    new: int
    minutes: int


def forecast(work: Workload, exam: ExamDate) -> list[DayLoad]:
    """Every day from today to the eve of the exam: reviews, new cards and minutes."""
    days_left = max(0, exam.days_left(work.today))
    return _forecast(work, exam, _seen_reviews(work, days_left), _new_card_reviews(work, days_left))


def date_under_limit(work: Workload, exam: ExamDate, limit: int) -> date | None:
    """The earliest exam date after `exam`'s, a year later at most, whose forecast keeps every
    day within `limit` minutes (found by halving the range: a later date lowers the pace of new
    cards). None when the reviews already due today pass the limit alone (no date changes
    them), or a year later still does not do it."""
    last = exam.days_left(work.today) + LATER_DATES_TRIED
    seen, new_card = _seen_reviews(work, last), _new_card_reviews(work, last)
    if _minutes(round(seen[0]), work) > limit:
        return None

    def keeps_under(days_later: int) -> bool:
        later = replace(exam, day=exam.day + timedelta(days=days_later))
        return all(load.minutes <= limit for load in _forecast(work, later, seen, new_card))

    low, high = 0, LATER_DATES_TRIED
    if not keeps_under(high):
        return None
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (low, middle) if keeps_under(middle) else (middle, high)
    return exam.day + timedelta(days=high)


def _forecast(work: Workload, exam: ExamDate, seen: Sequence[float],
              new_card: Sequence[tuple[int, float]]) -> list[DayLoad]:
    """`seen` and `new_card` as `_seen_reviews` and `_new_card_reviews` give them, far enough."""
    days_left = max(0, exam.days_left(work.today))
    new = _new_cards(work, exam, days_left)
    reviews = list(seen[: days_left + 1])
    for start, count in enumerate(new):
        for offset, expected in new_card:
            if start + offset > days_left:
                break
            reviews[start + offset] += count * expected
    window = [(day - work.today).days for day in window_days(work.today, exam, reviewed_today=True)]
    for _ in range(round(reviews.pop()) if window else 0):  # the exam day's, one by one
        reviews[min(window, key=lambda offset: (reviews[offset], offset))] += 1
    return [DayLoad(work.today + timedelta(days=offset), round(reviews[offset]), count,
                    _minutes(round(reviews[offset]) + count, work)) for offset, count in enumerate(new)]


def _new_cards(work: Workload, exam: ExamDate, days_left: int) -> list[int]:
    """Each day's new cards, as a review session brings them in: the first `new_per_day` in
    note order (exam cards or not), then exam cards up to the pace. Within the exam's cards,
    the forecast takes them in note order; which ones the domains' turns pick changes no count."""
    order = work.new_order or (True,) * work.exam_unseen + (False,) * work.other_unseen
    exam_at = [index for index, is_exam in enumerate(order) if is_exam]
    other_at = [index for index, is_exam in enumerate(order) if not is_exam]
    exam_taken = other_taken = 0
    result = []
    for offset in range(days_left):
        day = work.today + timedelta(days=offset)
        if offset == 0:
            places = max(0, work.new_per_day - work.introduced_today)
            pace = new_cards_needed(work.exam_unseen_at_day_start, day, exam)
            pace -= work.exam_unseen_at_day_start - work.exam_unseen  # introduced today already
        else:
            places = work.new_per_day
            pace = new_cards_needed(len(exam_at) - exam_taken, day, exam)
        exam_usual, other_usual = _first_places(exam_at, exam_taken, other_at, other_taken, places)
        from_exam = min(len(exam_at) - exam_taken, max(exam_usual, pace))
        exam_taken += from_exam
        other_taken += other_usual
        result.append(from_exam + other_usual)
    return result


def _first_places(exam_at: Sequence[int], exam_taken: int, other_at: Sequence[int], other_taken: int,
                  places: int) -> tuple[int, int]:
    """How many exam cards and other cards the first `places` new cards in note order hold,
    once the first `exam_taken` exam cards and `other_taken` others have been seen."""
    exam = other = 0
    while exam + other < places:
        next_exam = exam_at[exam_taken + exam] if exam_taken + exam < len(exam_at) else None
        next_other = other_at[other_taken + other] if other_taken + other < len(other_at) else None
        if next_exam is None and next_other is None:
            break
        if next_other is None or next_exam is not None and next_exam < next_other:
            exam += 1
        else:
            other += 1
    return exam, other


def _seen_reviews(work: Workload, last: int) -> list[float]:
    """Expected review answers of the cards already seen on each day from today (0) to `last`."""
    starts: dict[int, defaultdict[_Schedule, float]] = {}
    for (due, repetitions, interval, easiness), count in work.schedules.items():
        first = max(0, (due - work.today).days)
        starts.setdefault(first, defaultdict(float))[(repetitions, interval, easiness)] += count
    return _project(starts, last, work)


def _new_card_reviews(work: Workload, last: int) -> list[tuple[int, float]]:
    """(days after its first answer, expected review answers) of one new card, up to `last`
    days: answered Good, it has n = 1 and I = 1 and is back the next day."""
    answers = _project({1: {(1, 1, ReviewState().easiness): 1.0}}, last, work)
    return [(offset, expected) for offset, expected in enumerate(answers) if expected]


def _project(starts: Mapping[int, Mapping[_Schedule, float]], last: int, work: Workload) -> list[float]:
    """Expected answers on each day 0..`last` of cards next reviewed on a given day with a given
    schedule, each review passed or failed as the pass rate says (see above)."""
    pending: dict[int, defaultdict[_Schedule, float]] = {
        day: defaultdict(float, schedules) for day, schedules in starts.items()
    }
    answers = [0.0] * (last + 1)
    failing = 1 - work.pass_rate
    for day in range(last + 1):
        for (repetitions, interval, easiness), count in pending.pop(day, {}).items():
            if count < _NEGLIGIBLE:
                continue
            answers[day] += count * (1 + failing)  # a failed review is re-drilled once
            if failing and day + 1 <= last:
                lapsed = (0, 1, max(sm2.MIN_EASINESS, easiness + sm2.EASINESS_DELTA[1]))
                pending.setdefault(day + 1, defaultdict(float))[lapsed] += count * failing
            state = ReviewState(repetitions=repetitions, easiness=easiness, interval=interval)
            following = max(1, min(sm2.next_interval(state), work.maximum_interval))
            if day + following <= last:
                pending.setdefault(day + following, defaultdict(float))[(repetitions + 1, following, easiness)] += (
                    count * work.pass_rate)
    return answers


def _minutes(answers: int, work: Workload) -> int:
    return round(answers * work.seconds_per_answer / 60)
