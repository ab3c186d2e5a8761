"""Does pacing to an exam date work? A simulated learner studies the bundled decks for an exam
60 days ahead, once with the exam date set (pacing, SM-2) and once with plain SM-2 at 20 new
cards a day, through mlsflash's own review sessions.

    python benchmarks/exam_sim.py           # the full run: every bundled deck, exam in 60 days
    python benchmarks/exam_sim.py --quick   # CI-sized: one deck, exam in 30 days (report only)

The learner: ground-truth memory is FSRS-6 with default parameters; each scheduled review is
recalled with the probability that memory gives (one seeded random stream), graded 4 when
recalled and 1 when not; a new card's first showing is graded 4 (read and understood); a
re-drill is passed with 4. The learner does every review every day. For each run it reports
the day the last card was first seen, the mean true recall on the exam day over every exam
card (unseen cards count 0), and the peak and mean reviews per day.

Goal: with pacing, every card first seen at least 7 days before the exam and a mean recall
on the exam day of at least 0.90.
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


def simulate(run: str, days: int, decks: list[Path], pacing: bool, seed: int, work: Path) -> Outcome:
    from mlsflash import exam_date, importer, memory, scheduler
    from mlsflash.model import Grade
    from mlsflash.session import ReviewSession
    from mlsflash.settings import load
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
                recalled = rng.random() < memory.retrievability(known.stability, (today - last).days)
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
    store.close()
    recalls = [
        memory.retrievability(truth[card_id][0].stability, (exam - truth[card_id][1]).days) if card_id in truth else 0.0
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
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="one deck, exam in 30 days; always exits 0")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true", help="also print the outcomes as JSON")
    options = parser.parse_args()
    from mlsflash.importer import bundled_decks_dir

    decks = sorted(bundled_decks_dir().glob("*.md"))
    days = 30 if options.quick else 60
    if options.quick:
        decks = decks[:1]
    with tempfile.TemporaryDirectory(prefix="mlsflash-exam-sim-") as folder:
        outcomes = [
            simulate("pacing", days, decks, True, options.seed, Path(folder)),
            simulate("sm2-20-new", days, decks, False, options.seed, Path(folder)),
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
    if options.json:
        print(json.dumps([asdict(outcome) for outcome in outcomes], indent=2))
    return 0 if options.quick or met else 1


if __name__ == "__main__":
    sys.exit(main())
