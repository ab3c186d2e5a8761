"""The review log and the schedules read back in bulk, and the recomputed states written back
(for `mlsflash reschedule`, `optimize` and `reset-parameters`; the arithmetic is history.py's).
All take an open `Connection` of `Store.read()`/`write()`:
- `scheduled_answers(connection) -> dict[str, AnsweredCard]`: each card's scheduled answers
  (re-drills never count), oldest first (study day, then log order), with the state before
  the first;
- `scheduled_cards(connection, *, live_only=False) -> list[tuple[str, ReviewState]]`: every
  card with a due date (retired ones too unless `live_only`), by id;
- `save_memory(connection, states)`: (card id, stability, difficulty) each;
- `save_schedules(connection, updates)`: (card id, interval, due) each.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Iterable, NamedTuple

from mlsflash import states
from mlsflash.model import ReviewState
from mlsflash.storage import predicates

if TYPE_CHECKING:
    from mlsflash.storage.db import Connection


class AnsweredCard(NamedTuple):
    """One card's scheduled answers: the state before the first, then (grade, study day) each."""

    first_before: ReviewState
    answers: list[tuple[int, date]]


_ANSWERS = (
    "SELECT card_id, study_day, grade, repetitions_before, easiness_before, interval_before, due_before "
    f"FROM reviews WHERE kind = '{states.ReviewKind.SCHEDULED.value}' ORDER BY card_id, study_day, id"
)
_SCHEDULED_CARDS = "SELECT id, repetitions, easiness, interval, due, lapses, stability, difficulty FROM cards "


def scheduled_answers(connection: Connection) -> dict[str, AnsweredCard]:
    cards: dict[str, AnsweredCard] = {}
    for row in connection.execute(_ANSWERS):
        card = cards.get(row.card_id)
        if card is None:
            before = ReviewState(
                repetitions=row.repetitions_before, easiness=row.easiness_before, interval=row.interval_before,
                due=date.fromisoformat(row.due_before) if row.due_before else None,
            )
            card = cards[row.card_id] = AnsweredCard(before, [])
        card.answers.append((row.grade, date.fromisoformat(row.study_day)))
    return cards


def scheduled_cards(connection: Connection, *, live_only: bool = False) -> list[tuple[str, ReviewState]]:
    where = f"AND {predicates.NOT_RETIRED}" if live_only else ""
    rows = connection.execute(f"{_SCHEDULED_CARDS} WHERE due IS NOT NULL {where} ORDER BY id").all()
    return [
        (row.id, ReviewState(row.repetitions, row.easiness, row.interval, date.fromisoformat(row.due), row.lapses,
                             row.stability, row.difficulty))
        for row in rows
    ]


def save_memory(connection: Connection, memory_states: Iterable[tuple[str, float, float]]) -> None:
    connection.run_per_row(
        "UPDATE cards SET stability = ?, difficulty = ? WHERE id = ?",
        [(stability, difficulty, card_id) for card_id, stability, difficulty in memory_states],
    )


def save_schedules(connection: Connection, updates: Iterable[tuple[str, int, date]]) -> None:
    connection.run_per_row(
        "UPDATE cards SET interval = ?, due = ? WHERE id = ?",
        [(interval, due.isoformat(), card_id) for card_id, interval, due in updates],
    )
