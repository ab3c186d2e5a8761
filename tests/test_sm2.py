"""SM-2 as docs/scheduling.md, "How SM-2 schedules (exactly)" defines it: pure, exact, golden sequences."""

from datetime import date, timedelta

import pytest

from mlsflash.scheduling import sm2
from mlsflash.model import ReviewState

DAY0 = date(2026, 1, 5)


def run(grades: list[int]) -> list[tuple[int, float, int]]:
    """Answer each grade on the day the card falls due; (n, EF, I) after each."""
    state, today, seen = ReviewState(), DAY0, []
    for grade in grades:
        outcome = sm2.review(state, grade, today)
        state = outcome.after
        assert state.due == today + timedelta(days=state.interval)
        seen.append((state.repetitions, state.easiness / 100, state.interval))
        today = state.due
    return seen


@pytest.mark.parametrize(
    ("grades", "expected"),
    [
        ([5, 5, 5, 5, 5], [(1, 2.60, 1), (2, 2.70, 6), (3, 2.80, 17), (4, 2.90, 48), (5, 3.00, 140)]),
        ([3, 3, 3, 3], [(1, 2.36, 1), (2, 2.22, 6), (3, 2.08, 14), (4, 1.94, 30)]),
        ([5, 5, 2, 5, 5], [(1, 2.60, 1), (2, 2.70, 6), (0, 2.38, 1), (1, 2.48, 1), (2, 2.58, 6)]),
    ],
    ids=["all-fives", "all-threes", "lapse-in-the-middle"],
)
def test_reference_vectors(grades, expected):
    assert run(grades) == expected


def test_mixed_grades_give_the_issue_intervals():
    seen = run([5, 4, 3, 4, 5, 5])
    assert [interval for _, _, interval in seen] == [1, 6, 16, 40, 99, 254]
    assert seen[-1][1] == 2.66


def test_easiness_never_drops_below_1_30():
    state = ReviewState()
    for _ in range(10):
        state = sm2.review(state, 0, DAY0).after
    assert state.easiness == 130
    assert state.repetitions == 0 and state.interval == 1


def test_each_grade_moves_easiness_by_the_sm2_formula():
    for grade, delta in {5: 10, 4: 0, 3: -14, 2: -32, 1: -54, 0: -80}.items():
        assert sm2.review(ReviewState(), grade, DAY0).after.easiness == 250 + delta


def test_a_lapse_after_maturity_counts_and_a_first_failure_does_not():
    first_failure = sm2.review(ReviewState(), 1, DAY0)
    assert first_failure.after.lapses == 0 and not first_failure.lapsed
    mature = ReviewState(repetitions=5, easiness=260, interval=120, due=DAY0, lapses=2)
    lapse = sm2.review(mature, 2, DAY0)
    assert lapse.lapsed and lapse.after.lapses == 3
    assert (lapse.after.repetitions, lapse.after.interval, lapse.after.due) == (0, 1, DAY0 + timedelta(days=1))


def test_a_late_review_uses_the_stored_interval_from_the_day_reviewed():
    state = ReviewState(repetitions=2, easiness=250, interval=6, due=DAY0)
    late = sm2.review(state, 4, DAY0 + timedelta(days=10)).after
    assert late.interval == 15
    assert late.due == DAY0 + timedelta(days=25)


def test_long_run_of_fives_is_exact_in_integers():
    intervals = [interval for _, _, interval in run([5] * 8)]
    assert intervals == [1, 6, 17, 48, 140, 420, 1302, 4167]


def test_review_is_pure():
    state = ReviewState(repetitions=3, easiness=245, interval=14, due=DAY0, lapses=1)
    assert sm2.review(state, 4, DAY0) == sm2.review(state, 4, DAY0)
    assert state == ReviewState(repetitions=3, easiness=245, interval=14, due=DAY0, lapses=1)


def test_an_outcome_names_the_state_and_grade_it_came_from():
    before = ReviewState(repetitions=2, easiness=250, interval=6, due=DAY0, lapses=0)
    outcome = sm2.review(before, 4, DAY0)
    assert outcome.before is before
    assert outcome.grade is sm2.Grade(4)
    assert (outcome.after.interval, outcome.lapsed) == (15, False)


def test_preview_gives_each_grade_the_interval_review_would():
    state = ReviewState(repetitions=2, easiness=250, interval=6, due=DAY0, lapses=1)
    assert sm2.preview(state, DAY0) == {0: 1, 1: 1, 2: 1, 3: 15, 4: 15, 5: 15}
    assert sm2.preview(ReviewState(), DAY0) == dict.fromkeys(range(6), 1)


def test_a_fail_after_one_success_is_a_lapse_and_a_fail_of_a_new_card_is_not():
    once = sm2.review(ReviewState(), 4, DAY0).after
    failed = sm2.review(once, 1, DAY0 + timedelta(days=1))
    assert (failed.after.lapses, failed.lapsed) == (1, True)
    new_fail = sm2.review(ReviewState(), 1, DAY0)
    assert (new_fail.after.lapses, new_fail.lapsed) == (0, False)
