"""Does pacing to an exam date work, and is a mock's verdict honest? A simulated learner
studies the bundled decks for an exam 60 days ahead, once with the exam date set (pacing,
SM-2) and once with plain SM-2 at 20 new cards a day, through mlsflash's own review sessions,
and takes a mock exam on three checkpoint days.

    python benchmarks/exam_sim.py           # the full run: every bundled deck, exam in 60 days
    python benchmarks/exam_sim.py --days 45 --notes NOTES.md   # the checkpoints of issue 28
    python benchmarks/exam_sim.py --quick   # CI-sized: one deck, exam in 30 days (report only)

The learner: ground-truth memory is FSRS-6 with default parameters; each scheduled review is
recalled with the probability that memory gives (one seeded random stream), graded 4 when
recalled and 1 when not; a new card's first showing is graded 4 (read and understood); a
re-drill is passed with 4. The learner does every review every day. For each run it reports
the day the last card was first seen, the mean true recall on the exam day over every exam
card (unseen cards count 0), and the peak and mean reviews per day.

Goal: with pacing, every card first seen at least 7 days before the exam and a mean recall
on the exam day of at least 0.90.

Mocks: on the days a third and two thirds of the way and on the eve of the exam (15, 30 and
44 of 45), after the day's reviews, the learner takes a mock drawn by mlsflash (its own
seeded stream, so the reviews are the same with or without it): a question on a card it
recalls (with the probability its true memory gives today; never for an unseen card) is
answered right, any other is a blind pick. The verdict (`mlsflash.study.prediction`) is checked
against the truth: the learner's true recall today of every exam card (unseen 0), weighted
by domain, on the 100-1000 scale. It fails when the predicted range misses the truth, or when
it says pass with an exam card unseen or the truth under the pass line.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from pathlib import Path

START = date(2027, 1, 4)
FINAL_DAYS = 7
GOAL_RECALL = 0.90


@dataclass
class Checkpoint:
    run: str
    day: int
    unseen: int
    readiness: float  # `exam status`: on the exam day when a date is set, else today
    mock_right: int
    mock_questions: int
    mock_score: int
    by_memory: tuple[int, int]
    by_mock: tuple[int, int]
    low: int
    high: int
    passed: bool
    truth: int  # the learner's true expected score today
    passing_score: int

    @property
    def problem(self) -> str | None:
        if not self.low <= self.truth <= self.high:
            return f"the range {self.low}-{self.high} misses the truth {self.truth}"
        if self.passed and (self.unseen or self.truth < self.passing_score):
            return "says pass too early"
        return None


@dataclass
class Outcome:
    run: str
    cards: int
    seen: int
    exam_day: str
    last_first_seen: str | None
    days_before_exam: int | None
    mean_recall_on_exam_day: float
    peak_reviews_per_day: int
    mean_reviews_per_day: float
    checkpoints: list[Checkpoint]


def checkpoint_days(days: int) -> list[int]:
    """A third and two thirds of the way, and the eve of the exam: 15, 30 and 44 of 45."""
    return [days // 3, 2 * days // 3, days - 1]


def simulate(run: str, days: int, decks: list[Path], pacing: bool, seed: int, work: Path,
             forgets: float = 1.0) -> Outcome:
    from mlsflash.study import exam_date
    from mlsflash.notes import importer
    from mlsflash.scheduling import memory, scheduler
    from mlsflash.model import Grade
    from mlsflash.study.session import ReviewSession
    from mlsflash.collection.settings import load
    from mlsflash.storage import open_store

    store = open_store(work / f"{run}.db")
    importer.import_notes(store, [importer.read_notes(path) for path in decks])
    exam = START + timedelta(days=days)
    with store.write() as connection:
        if pacing:
            exam_date.save_date(connection, exam)
        settings = load(connection)
        exam_cards = exam_date.exam_card_ids(connection)
    rng = random.Random(seed)
    truth: dict[str, tuple[memory.Memory, date]] = {}  # the learner's real memory, last review day
    first_seen: dict[str, date] = {}
    per_day: list[int] = []
    checkpoints: list[Checkpoint] = []
    mock_rng = random.Random(seed * 1000 + 1)
    for offset in range(days):
        today = START + timedelta(days=offset)
        session = ReviewSession(store, today=today, settings=settings)
        reviews = 0
        while (card := session.next_card()) is not None:
            if card.kind == "redrill":
                grade = Grade.GOOD
            elif card.id not in truth:
                grade = Grade.GOOD
            else:
                known, last = truth[card.id]
                recalled = rng.random() < memory.retrievability(known.stability / forgets, (today - last).days)
                grade = Grade.GOOD if recalled else Grade.WRONG_FAMILIAR
            result = session.answer(card, grade)
            reviews += 1
            if result.kind.value == "scheduled":
                before = truth.get(card.id)
                elapsed = 0 if before is None else (today - before[1]).days
                known, _ = memory.step(before[0] if before else None, grade, elapsed, scheduler.DEFAULT_RETENTION)
                truth[card.id] = (known, today)
                first_seen.setdefault(card.id, today)
        per_day.append(reviews)
        if offset in checkpoint_days(days):
            checkpoints.append(take_mock(run, offset, store, today, settings, truth, mock_rng, forgets))
    store.close()
    recalls = [
        memory.retrievability(truth[card_id][0].stability / forgets, (exam - truth[card_id][1]).days)
        if card_id in truth else 0.0
        for card_id in exam_cards
    ]
    last = max((first_seen[card_id] for card_id in exam_cards if card_id in first_seen), default=None)
    unseen = any(card_id not in first_seen for card_id in exam_cards)
    return Outcome(
        run=run, cards=len(exam_cards), seen=sum(1 for card_id in exam_cards if card_id in first_seen),
        exam_day=exam.isoformat(),
        last_first_seen=None if unseen or last is None else last.isoformat(),
        days_before_exam=None if unseen or last is None else (exam - last).days,
        mean_recall_on_exam_day=round(statistics.fmean(recalls), 4) if recalls else 0.0,
        peak_reviews_per_day=max(per_day), mean_reviews_per_day=round(statistics.fmean(per_day), 1),
        checkpoints=checkpoints,
    )


def take_mock(run: str, day: int, store, today: date, settings, truth: dict, rng: random.Random,
              forgets: float) -> Checkpoint:
    """A mock drawn by mlsflash, answered by the simulated learner, and its verdict against the
    learner's true expected score today."""
    from mlsflash.study import exam, exam_date
    from mlsflash.scheduling import memory
    from mlsflash.profiles import estimate_score

    with store.read() as connection:
        profile = exam.current_profile(connection)
        domains = exam.card_domains(connection, profile)
        pool = exam.question_cards(connection, domains)
        readiness_today, unseen = exam_date.known_today(connection, today, settings)
        status = exam_date.status(connection, today, settings)

    def recall(card_id: str) -> float:
        if card_id not in truth:
            return 0.0
        known, last = truth[card_id]
        return memory.retrievability(known.stability / forgets, (today - last).days)

    questions = exam.mock_questions(pool, profile, rng)
    answers = []
    for question in questions:
        if rng.random() < recall(question.card_id):
            answers.append(sorted(question.right))
        else:
            answers.append(sorted(rng.sample(range(len(question.options)), question.choose)))
    result = exam.mock_result(profile, questions, answers, False, readiness_today, unseen)
    per_domain: dict[int, list[float]] = {domain.number: [] for domain in profile.domains}
    for card_id, number in domains.of_card.items():
        if number is not None:
            per_domain[number].append(recall(card_id))
    weights = {domain.number: domain.weight for domain in profile.domains if per_domain[domain.number]}
    true_share = sum(weights[number] * statistics.fmean(per_domain[number]) for number in weights) / sum(
        domain.weight for domain in profile.domains)
    return Checkpoint(
        run=run, day=day, unseen=unseen, readiness=status["readiness"], mock_right=result.correct,
        mock_questions=result.questions, mock_score=result.score, by_memory=result.prediction.memory.scores(),
        by_mock=result.prediction.mock.scores(), low=result.prediction.low,
        high=result.prediction.high, passed=result.passed, truth=estimate_score(true_share),
        passing_score=profile.passing_score,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="one deck, exam in 30 days; always exits 0")
    parser.add_argument("--days", type=int, default=60, help="days to the exam (30 with --quick)")
    parser.add_argument("--forgets", type=float, default=1.0,
                        help="the learner forgets this many times faster than FSRS's default memory says")
    parser.add_argument("--notes", type=Path, action="append", default=[], help="also study this notes file")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true", help="also print the outcomes as JSON")
    options = parser.parse_args()
    from mlsflash.notes.importer import bundled_decks_dir

    decks = sorted(bundled_decks_dir().glob("*.md"))
    days = 30 if options.quick else options.days
    if options.quick:
        decks = decks[:1]
    decks += options.notes
    with tempfile.TemporaryDirectory(prefix="mlsflash-exam-sim-") as folder:
        outcomes = [
            simulate("pacing", days, decks, True, options.seed, Path(folder), options.forgets),
            simulate("sm2-20-new", days, decks, False, options.seed, Path(folder), options.forgets),
        ]
    print(f"{'run':<12} {'cards':>6} {'seen':>6} {'last card first seen':>22} {'recall on exam day':>19} "
          f"{'peak/day':>9} {'mean/day':>9}")
    for outcome in outcomes:
        seen = (f"{outcome.last_first_seen} ({outcome.days_before_exam} d before)" if outcome.last_first_seen
                else "not all seen")
        print(f"{outcome.run:<12} {outcome.cards:>6} {outcome.seen:>6} {seen:>22} "
              f"{outcome.mean_recall_on_exam_day:>19.3f} "
              f"{outcome.peak_reviews_per_day:>9} {outcome.mean_reviews_per_day:>9}")
    paced = outcomes[0]
    met = (paced.days_before_exam is not None and paced.days_before_exam >= FINAL_DAYS
           and paced.mean_recall_on_exam_day >= GOAL_RECALL)
    print(f"\npacing goal (every card seen >= {FINAL_DAYS} days before, recall >= {GOAL_RECALL}): "
          f"{'PASS' if met else 'FAIL'}  (exam {paced.exam_day}, {days} days, seed {options.seed})")
    problems = report_checkpoints(outcomes)
    if options.json:
        print(json.dumps([asdict(outcome) for outcome in outcomes], indent=2))
    return 0 if options.quick or (met and not problems) else 1


def report_checkpoints(outcomes: list[Outcome]) -> list[str]:
    """The mocks' table, and what is wrong with any verdict."""
    print(f"\n{'run':<12} {'day':>4} {'unseen':>7} {'readiness':>10} {'mock right':>11} {'mock score':>11} "
          f"{'by memory':>10} {'by mock':>10} {'predicted':>10} {'verdict':>8} {'truth':>6}")
    problems = []
    for outcome in outcomes:
        for point in outcome.checkpoints:
            verdict = "pass" if point.passed else "not yet"
            print(f"{point.run:<12} {point.day:>4} {point.unseen:>7} {point.readiness:>10.3f} "
                  f"{f'{point.mock_right}/{point.mock_questions}':>11} {point.mock_score:>11} "
                  f"{'-'.join(map(str, point.by_memory)):>10} {'-'.join(map(str, point.by_mock)):>10} "
                  f"{f'{point.low}-{point.high}':>10} {verdict:>8} {point.truth:>6}")
            if point.problem:
                problems.append(f"{point.run} day {point.day}: {point.problem}")
    print(f"\nmock verdicts (the range holds the truth, no pass too early): {'FAIL' if problems else 'PASS'}")
    for problem in problems:
        print(f"  {problem}")
    return problems


if __name__ == "__main__":
    sys.exit(main())
