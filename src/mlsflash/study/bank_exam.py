"""The question bank in exam practice, drills and mocks, over the store: the live items, each
answer logged and scheduled under the scheduler in use (a missed item back the next day, then
on a growing interval), a missed item's linked cards brought forward, the due items of the
weakest task statements first, and results per task statement."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Sequence

from mlsflash.model import Grade, ReviewState, Scheduler, deck_key
from mlsflash.scheduling import pacing, scheduler
from mlsflash.storage import bank as bank_db
from mlsflash.storage import exam_pacing as pacing_db
from mlsflash.study.bank import BankItem

if TYPE_CHECKING:
    from mlsflash.collection.settings import Settings
    from mlsflash.profiles import Profile
    from mlsflash.storage.db import Connection

RIGHT_GRADE = Grade.GOOD  # a right answer: the item comes back later
WRONG_GRADE = Grade.WRONG_FAMILIAR  # a miss: back the next day, then on a growing interval


@dataclass(frozen=True)
class Answered:
    """One bank answer as logged."""

    item: BankItem
    mode: str  # practice, mock or drill
    correct: bool
    chosen: str  # as the learner typed it: `b`, `ace`, `cabd`, `1b 2a`; empty when unanswered
    seconds: float


def items(connection: Connection) -> list[BankItem]:
    """The active items, in their files' order."""
    return bank_db.active_items(connection)


def record(connection: Connection, answered: Answered, today: date, settings: Settings,
           mock_id: int | None = None, scored: bool = True) -> ReviewState:
    """Log the answer and schedule the item under the scheduler in use (a right answer before
    the item is due, or no answer, keeps its schedule); a miss brings its linked cards forward.
    Returns the item's new state."""
    before = bank_db.item_state(connection, answered.item.id)
    bank_db.record_answer(connection, answered.item.id, mode=answered.mode, correct=answered.correct,
                             chosen=answered.chosen, duration_ms=round(answered.seconds * 1000), study_day=today,
                             mock_id=mock_id, scored=scored)
    if not answered.chosen:
        # A mock item left unanswered counts as wrong in the score, but nothing was recalled or
        # forgotten: a mock submitted early must not make every item it skipped due tomorrow.
        return before
    if answered.correct and before.due is not None and before.due > today:
        # Practice and mocks ask items that are not due: under SM-2 each right answer would
        # multiply the interval as if it had passed (five in a day: 595 days), so an early
        # right answer leaves the schedule as it is.
        return before
    grade = RIGHT_GRADE if answered.correct else WRONG_GRADE
    after = scheduler.review(before, grade, today, settings.policy).after
    if before.is_new and answered.correct and settings.policy.scheduler is Scheduler.SM2:
        # SM-2's first step is one day whatever the grade: an item known at first sight takes
        # its second step too, so a right answer comes back later than a miss.
        after = scheduler.review(after, grade, today, settings.policy).after
    bank_db.save_state(connection, answered.item.id, after, today)
    if not answered.correct:
        bring_cards_forward(connection, answered.item, today)
    return after


def bring_cards_forward(connection: Connection, item: BankItem, today: date) -> int:
    """Each seen card the item names (deck › term) due later than the next review session is
    made due then, as the exam window places a card early: its last review stays where it was.
    Returns how many were moved."""
    if not item.cards:
        return 0
    wanted = {(deck_key(deck), " ".join(term.split()).casefold()) for deck, term in item.cards}
    updates = []
    for row in pacing_db.seen_cards_due_after(connection, today):
        if (deck_key(row.name), " ".join(row.front_plain.split()).casefold()) not in wanted:
            continue
        state = ReviewState(row.repetitions, row.easiness, row.interval, date.fromisoformat(row.due), row.lapses,
                            row.stability, row.difficulty)
        day = today if state.last_review is not None and state.last_review < today else today + timedelta(days=1)
        if state.due is not None and state.due > day:
            placed = pacing.place(state, day)
            updates.append((placed.due.isoformat() if placed.due else None, placed.interval, row.id))
    pacing_db.move_cards(connection, updates)
    return len(updates)


def drill_items(connection: Connection, today: date, count: int) -> list[BankItem]:
    """The items due today, those of the weakest task statements (lowest share right) first,
    the longest overdue first within a task."""
    live = {item.id: item for item in items(connection)}
    due = [(state.due, item_id) for item_id, state in bank_db.item_states(connection, live).items()
           if state.due is not None and state.due <= today]
    results = bank_db.task_results(connection)

    def weakness(entry: tuple[date | None, str]) -> tuple[float, str, date | None, str]:
        task = live[entry[1]].task
        right, answered = results.get(task, (0, 0))
        return (right / answered if answered else 0.0, task, entry[0], entry[1])

    return [live[item_id] for _, item_id in sorted(due, key=weakness)[:count]]


def by_task(answers: Sequence[tuple[BankItem, bool]]) -> dict[str, tuple[int, int]]:
    """Task statement -> (right, asked), in task order."""
    found: dict[str, tuple[int, int]] = {}
    for item, correct in answers:
        right, asked = found.get(item.task, (0, 0))
        found[item.task] = (right + correct, asked + 1)
    return dict(sorted(found.items(), key=lambda entry: tuple(int(part) for part in entry[0].split("."))))


def status_rows(connection: Connection, profile: Profile, today: date) -> list[dict[str, object]]:
    """Per task statement of the profile: bank items, answers, right and due today (none when
    no bank is imported)."""
    live = items(connection)
    if not live:
        return []
    count = Counter(item.task for item in live)
    ids = {item.id: item.task for item in live}
    due = Counter(ids[item_id] for item_id, state in bank_db.item_states(connection, ids).items()
                  if state.due is not None and state.due <= today)
    results = bank_db.task_results(connection)
    found: list[dict[str, object]] = []
    for domain in profile.domains:
        for task in domain.tasks:
            right, answered = results.get(task.id, (0, 0))
            found.append({"task": task.id, "name": task.name, "items": count[task.id], "answered": answered,
                          "correct": right, "share": round(right / answered, 4) if answered else None,
                          "due": due[task.id]})
    return found
