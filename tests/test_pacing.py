"""Pacing's pure rules on small hand-worked cases: the domains' turns, the window's choices
and the workload forecast (test_exam_date checks them through the CLI)."""

from __future__ import annotations

from datetime import date, timedelta

from mlsflash.scheduling import pacing
from mlsflash.scheduling.memory import retrievability
from mlsflash.model import ReviewState

TODAY = date(2027, 1, 4)


def day(offset: int) -> date:
    return TODAY + timedelta(days=offset)


# --- the domains' shares and turns --------------------------------------------------------


def test_one_new_card_goes_to_the_domain_that_lacks_it():
    assert pacing.domain_shares(1, {1: 3}, {1: 5, 2: 5}, {1: 1, 2: 1}) == {1: 0, 2: 1}


def test_a_domain_missing_from_the_unseen_counts_has_nothing_to_give():
    assert pacing.domain_shares(4, {}, {1: 10}, {1: 1, 2: 1}) == {1: 4, 2: 0}


def test_a_domain_with_too_few_cards_gives_them_all_and_the_others_share_the_rest():
    # Three equal domains, nine cards to split: domain 2 holds two, so 1 and 3 split seven (4, 3).
    assert pacing.domain_shares(9, {}, {1: 10, 2: 2, 3: 10}, {1: 1, 2: 1, 3: 1}) == {1: 4, 2: 2, 3: 3}


def test_domains_take_turns_by_share_then_by_weight_then_by_number():
    # Shares 2 and 1: the bigger share leads, and every first k keep the shares.
    assert pacing.interleave({1: ["a1", "a2"], 2: ["b1"]}, {}, {1: 2, 2: 1}, 3) == ["a1", "b1", "a2"]
    # Equal shares (domain 2 has already seen its part): the heavier domain goes first.
    assert pacing.interleave({1: ["a1"], 2: ["b1"]}, {2: 3}, {1: 1, 2: 3}, 2) == ["b1", "a1"]
    # Equal shares and weights: the lower-numbered domain goes first.
    assert pacing.interleave({2: ["b1"], 1: ["a1"]}, {}, {2: 1, 1: 1}, 2) == ["a1", "b1"]


def test_turns_follow_the_shares_as_the_order_goes_on():
    # Shares 6 and 2: at step k domain 1 is due 6k/8 cards, domain 2 2k/8; the one furthest
    # behind goes next (steps 2 and 6 tie at a half each: the heavier domain 1 goes).
    order = pacing.interleave({1: [f"a{n}" for n in range(6)], 2: ["b0", "b1"]}, {}, {1: 3, 2: 1}, 8)
    assert order == ["a0", "a1", "b0", "a2", "a3", "a4", "b1", "a5"]


# --- the final window -----------------------------------------------------------------------


def test_recall_on_the_day_uses_the_decay_given_and_is_zero_for_an_unseen_card():
    state = ReviewState(repetitions=2, interval=5, due=day(5), stability=4.0, difficulty=5.0)
    assert pacing.recall_on(day(10), state, decay=0.5) == retrievability(4.0, 10, 0.5)
    assert pacing.recall_on(day(10), ReviewState()) == 0.0
    assert pacing.recall_on(day(10), ReviewState(due=day(3), interval=1)) == 0.0  # scheduled, no memory state


def test_a_card_exactly_at_the_desired_retention_on_the_exam_day_needs_no_window_review():
    exam = pacing.ExamDate(day(20), final_days=7)
    state = ReviewState(repetitions=3, interval=25, due=day(25), stability=30.0, difficulty=5.0)
    on_the_day = pacing.recall_on(exam.day, state, decay=0.3)
    assert not pacing.needs_window_review(state, TODAY, exam, on_the_day, decay=0.3)
    assert pacing.needs_window_review(state, TODAY, exam, on_the_day + 1e-9, decay=0.3)
    # The decay is the learner's: with the default one the same card is under the retention.
    assert pacing.needs_window_review(state, TODAY, exam, on_the_day) != (
        pacing.recall_on(exam.day, state) >= on_the_day)


def test_a_card_due_on_the_windows_first_day_keeps_it_one_due_on_the_exam_day_does_not():
    exam = pacing.ExamDate(day(10), final_days=3)
    weak = ReviewState(repetitions=2, interval=7, due=exam.window_start, stability=3.0, difficulty=5.0)
    later = ReviewState(repetitions=2, interval=12, due=day(12), stability=3.0, difficulty=5.0)
    assert pacing.keeps_window_review(weak, later, TODAY, exam, 0.9)
    on_the_day = ReviewState(repetitions=2, interval=10, due=exam.day, stability=3.0, difficulty=5.0)
    assert not pacing.keeps_window_review(on_the_day, later, TODAY, exam, 0.9)


def test_the_window_review_decision_uses_the_learners_decay():
    exam = pacing.ExamDate(day(10), final_days=3)
    current = ReviewState(repetitions=2, interval=8, due=day(8), stability=30.0, difficulty=5.0)
    recomputed = ReviewState(repetitions=2, interval=12, due=day(12), stability=30.0, difficulty=5.0)
    retention = pacing.recall_on(exam.day, recomputed, decay=0.9)
    between = (retention + pacing.recall_on(exam.day, recomputed)) / 2
    assert pacing.keeps_window_review(current, recomputed, TODAY, exam, between) != (
        pacing.keeps_window_review(current, recomputed, TODAY, exam, between, decay=0.9))


def test_the_least_loaded_day_counts_a_day_without_reviews_as_empty():
    assert pacing.least_loaded([day(1), day(2)], {day(1): 1}) == day(2)
    assert pacing.least_loaded([], {}) is None


def test_only_a_card_due_on_the_exam_day_moves_to_the_day_after():
    exam = pacing.ExamDate(day(10), final_days=3)
    before = ReviewState(repetitions=2, interval=4, due=day(9))
    assert pacing.off_the_exam_day(before, exam) == before
    on_the_day = ReviewState(repetitions=2, interval=5, due=exam.day)
    assert pacing.off_the_exam_day(on_the_day, exam).due == day(11)


def test_placing_a_card_counts_its_interval_from_its_last_review():
    answered_today = ReviewState(repetitions=1, interval=1, due=day(1))
    assert pacing.place(answered_today, day(1)).interval == 1  # last review today, back tomorrow
    unseen = ReviewState(interval=0)
    assert pacing.place(unseen, day(3)) == ReviewState(interval=0, due=day(3))


# --- the workload forecast --------------------------------------------------------------------


def workload(schedules=(), **changes) -> pacing.Workload:
    values = dict(today=TODAY, schedules=dict(schedules), exam_unseen_at_day_start=0, exam_unseen=0, other_unseen=0,
                  new_per_day=0, introduced_today=0, seconds_per_answer=60.0)
    return pacing.Workload(**{**values, **changes})


def loads(forecast: list[pacing.DayLoad]) -> list[tuple[int, int]]:
    return [(load.reviews, load.new) for load in forecast]


def test_reviews_falling_on_the_exam_day_go_to_the_least_loaded_window_days():
    exam = pacing.ExamDate(day(10), final_days=3)  # window: days 7, 8 and 9
    far = (9, 100, 250)  # n, interval, EF: not back before the exam
    work = workload({(day(8), *far): 1, (exam.day, *far): 5})
    forecast = pacing.forecast(work, exam)
    assert [load.day for load in forecast] == [day(offset) for offset in range(10)]
    assert loads(forecast)[7:] == [(2, 0), (2, 0), (2, 0)]  # 1 + 5, one by one onto the lightest day
    assert sum(load.reviews for load in forecast) == 6 and forecast[7].minutes == 2


def test_inside_the_window_the_exam_days_reviews_wait_for_tomorrow():
    exam = pacing.ExamDate(day(2), final_days=5)  # today is in the window
    work = workload({(exam.day, 9, 100, 250): 3})
    assert loads(pacing.forecast(work, exam)) == [(0, 0), (3, 0)]


def test_on_the_eve_the_exam_days_reviews_have_nowhere_to_go():
    exam = pacing.ExamDate(day(1), final_days=3)
    assert loads(pacing.forecast(workload({(exam.day, 9, 100, 250): 2}), exam)) == [(0, 0)]
    assert loads(pacing.forecast(workload(), exam)) == [(0, 0)]
    assert pacing.forecast(workload(), pacing.ExamDate(TODAY)) == []  # the day has come


def test_a_new_card_introduced_on_the_eve_is_back_on_the_exam_day_so_in_the_window():
    exam = pacing.ExamDate(day(3), final_days=7)  # window: tomorrow and the eve
    work = workload(other_unseen=5, new_per_day=1)
    # Each day's new card is back the next day; the eve's would be back on the exam day.
    assert loads(pacing.forecast(work, exam)) == [(0, 1), (2, 1), (1, 1)]


def test_new_exam_cards_are_paced_in_note_order_by_default():
    exam = pacing.ExamDate(day(20), final_days=7)  # 13 days before the window
    work = workload(exam_unseen_at_day_start=26, exam_unseen=26)
    assert [load.new for load in pacing.forecast(work, exam)] == [2] * 13 + [0] * 7
    other_first = workload(other_unseen=3, new_per_day=1)
    assert [load.new for load in pacing.forecast(other_first, exam)] == [1, 1, 1] + [0] * 17


def test_cards_introduced_today_count_against_todays_places_and_pace():
    exam = pacing.ExamDate(day(20), final_days=7)
    work = workload(other_unseen=10, new_per_day=2, introduced_today=2)
    assert [load.new for load in pacing.forecast(work, exam)][:3] == [0, 2, 2]
    paced = workload(exam_unseen_at_day_start=26, exam_unseen=24)  # two of today's two introduced
    assert [load.new for load in pacing.forecast(paced, exam)][:3] == [0, 2, 2]


def test_a_later_exam_date_is_found_by_halving_and_none_when_today_alone_is_over():
    exam = pacing.ExamDate(day(10), final_days=3)
    work = workload(exam_unseen_at_day_start=60, exam_unseen=60, pass_rate=1.0)
    limit = 5
    later = pacing.date_under_limit(work, exam, limit)
    assert later is not None and later > exam.day
    assert max(load.minutes for load in pacing.forecast(work, pacing.ExamDate(later, 3))) <= limit
    assert max(load.minutes for load in pacing.forecast(work, pacing.ExamDate(later - timedelta(days=1), 3))) > limit
    due_today = workload({(TODAY, 9, 100, 250): limit})
    assert pacing.date_under_limit(due_today, exam, limit) is not None  # exactly at the limit is within it
    tomorrow_heavy = workload({(day(1), 9, 100, 250): 10, (TODAY, 9, 100, 250): 1})
    assert pacing.date_under_limit(tomorrow_heavy, exam, limit) is None  # no date moves tomorrow's reviews


def test_the_later_date_is_the_first_whose_forecast_keeps_under_the_limit_with_a_one_day_window():
    # 21 exam cards, 7 minutes a day at most: the search follows the cards due on each tried
    # exam day onto its window, as the forecast of that date does.
    exam = pacing.ExamDate(day(8), final_days=1)
    work = workload(exam_unseen_at_day_start=21, exam_unseen=21)
    later = pacing.date_under_limit(work, exam, 7)
    assert later is not None
    assert max(load.minutes for load in pacing.forecast(work, pacing.ExamDate(later, 1))) <= 7
    assert max(load.minutes for load in pacing.forecast(work, pacing.ExamDate(later - timedelta(days=1), 1))) > 7


def test_a_domain_whose_part_is_all_its_cards_leaves_the_rest_to_the_others():
    # Ten cards after this one, split 3:3:1 -> 4.29, 4.29, 1.43 -> 4, 4, 2. Domain 1 holds just
    # 4 cards, so it keeps 4 and domains 2 and 3 split the other 6 by 3:1 -> 4.5, 1.5 -> 5, 1
    # (the tie to the heavier). Domain 2 then lacks 2 of its part, domain 1 only 1: it gets the card.
    shares = pacing.domain_shares(1, {1: 3, 2: 3, 3: 3}, {1: 1, 2: 3, 3: 0}, {1: 3, 2: 3, 3: 1})
    assert shares == {1: 0, 2: 1, 3: 0}


def test_the_day_needs_one_new_card_for_a_single_one_left():
    exam = pacing.ExamDate(day(20), final_days=7)
    assert pacing.new_cards_needed(1, TODAY, exam) == 1
    assert pacing.new_cards_needed(14, TODAY, exam) == 2  # 13 days before the window


def test_inside_the_window_a_card_not_answered_today_can_go_on_today():
    exam = pacing.ExamDate(day(3), final_days=5)  # the window began two days ago
    assert pacing.window_days(TODAY, exam, reviewed_today=False) == [TODAY, day(1), day(2)]
    assert pacing.window_days(TODAY, exam, reviewed_today=True) == [day(1), day(2)]


def test_overdue_cards_all_count_today_and_cards_answered_together_come_back_together():
    exam = pacing.ExamDate(day(30), final_days=7)
    overdue = workload({(day(-3), 9, 100, 250): 2, (day(-1), 9, 100, 250): 3, (TODAY, 9, 100, 250): 1})
    assert pacing.forecast(overdue, exam)[0].reviews == 6
    # n = 1: back 6 days after a pass, whatever the interval was.
    together = workload({(TODAY, 1, 1, 250): 2, (TODAY, 1, 3, 250): 3})
    assert [load.reviews for load in pacing.forecast(together, exam)][:8] == [5, 0, 0, 0, 0, 0, 5, 0]


def test_a_pass_is_back_after_sm2s_interval_with_the_cards_own_easiness():
    exam = pacing.ExamDate(day(30), final_days=7)
    # n = 2, I = 6, EF 1.30: back after ceil(6 * 1.3) = 8 days, then ceil(8 * 1.3) = 11.
    hard = workload({(TODAY, 2, 6, 130): 1})
    reviews = [load.reviews for load in pacing.forecast(hard, exam)]
    assert [offset for offset, count in enumerate(reviews) if count] == [0, 8, 19]
    # A new card answered Good today: back tomorrow (I = 1), then after 6 days.
    one_new = workload(other_unseen=1, new_per_day=1)
    assert [(load.reviews, load.new) for load in pacing.forecast(one_new, exam)][:8] == (
        [(0, 1), (1, 0)] + [(0, 0)] * 5 + [(1, 0)])


def test_failed_reviews_are_re_drilled_and_come_back_the_next_day_as_new_learning():
    # 100 cards due today (n = 2, I = 6, EF 2.50), half of all reviews failed. A failed review
    # counts twice (re-drilled the same day) and is back the next day with n = 0 and EF 0.54
    # lower (at least 1.30); a passed one follows SM-2 (n = 0 -> 1 day, n = 1 -> 6 days).
    # Day 0: 100 answered, 50 re-drilled: 150. Fail 50 -> day 1 (n 0, EF 1.96); pass 50 -> day 15.
    # Day 1: 50 -> 75. Fail 25 -> day 2 (0, 1.42); pass 25 -> day 2 (n 1, 1.96).
    # Day 2: 25 + 25 -> 75. Fails: 12.5 (0, 1.30), 12.5 (0, 1.42) -> day 3; passes: 12.5
    #        (1, 1.42) -> day 3, 12.5 (2, 1.96) -> day 8.
    # Day 3: 37.5 -> 56.25. Fails: 18.75 (0, 1.30) -> day 4; passes: 6.25 (1, 1.30) and
    #        6.25 (1, 1.42) -> day 4, 6.25 (2, 1.42) -> day 9.
    # Day 4: 31.25 -> 46.875, shown as 47.
    exam = pacing.ExamDate(day(30), final_days=7)
    work = workload({(TODAY, 2, 6, 250): 100}, pass_rate=0.5)
    forecast = pacing.forecast(work, exam)
    assert [load.reviews for load in forecast][:5] == [150, 75, 75, 56, 47]
    assert forecast[0].minutes == 150  # a minute an answer


def test_what_falls_due_on_the_exam_day_after_the_eve_goes_to_the_window():
    exam = pacing.ExamDate(day(5), final_days=2)  # window: days 3 and 4
    # 10 cards seen once (n = 0) due on day 4, passed: back on day 5, the exam day.
    passed = workload({(day(4), 0, 0, 250): 10})
    assert [load.reviews for load in pacing.forecast(passed, exam)][3:] == [10, 10]
    # 100 cards due on day 4, half failed: the 50 failed are back on the exam day, re-drilled
    # too (75 answers), and go to day 3, the lighter window day.
    failing = workload({(day(4), 9, 100, 250): 100}, pass_rate=0.5)
    assert [load.reviews for load in pacing.forecast(failing, exam)][3:] == [75, 150]


def test_the_days_places_go_to_the_first_notes_and_the_pace_adds_exam_cards_on_top():
    # Notes: exam, exam, other, exam; 2 places a day; the window begins tomorrow, so today's
    # pace is all 3 exam cards: the 2 places take the first two notes, the pace the third exam
    # card, and the other card waits for tomorrow's places.
    exam_first = workload(new_order=(True, True, False, True), exam_unseen_at_day_start=3, exam_unseen=3,
                          other_unseen=1, new_per_day=2)
    assert [load.new for load in pacing.forecast(exam_first, pacing.ExamDate(day(2), final_days=1))] == [3, 1]
    # Notes: other, other, exam, other; three days before the window: a pace of 1 exam card a
    # day, on top of the two other cards the places take; the last other card comes tomorrow.
    other_first = workload(new_order=(False, False, True, False), exam_unseen_at_day_start=1, exam_unseen=1,
                           other_unseen=3, new_per_day=2)
    assert [load.new for load in pacing.forecast(other_first, pacing.ExamDate(day(5), final_days=2))] == [
        3, 1, 0, 0, 0]
