"""The SQL of pacing to an exam date and of `exam status`: the schedules of the cards and what
the review log tells of the learner's pace. Every function takes an open `Connection` of
`Store.read()`/`write()`:
- `seen_ids(connection)`, `new_ids(connection)`, `new_ids_in_order(connection)`, `new_count(connection)`;
- `introduced_on(connection, day)`, `introductions_on(connection, day)`: cards answered first that day;
- `due_counts(connection, start, end) -> Counter[date]`: seen cards due on each day of [start, end);
- `seen_due_before(connection, day) -> int`, `schedule_counts(connection)`;
- `may_need_window_review(connection, exam_day, ...) -> list[CardSchedule]`;
- `active_schedules(connection) -> list[TopicSchedule]`: every active card's schedule and topic;
- `latest_durations(connection, limit)`, `latest_review_grades(connection, limit)`.
`move_cards` sets cards' new due days; `seen_cards_due_after` reads those a missed bank item
brings forward.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import TYPE_CHECKING, NamedTuple

from mlsflash.model import ReviewState
from mlsflash.states import ReviewKind
from mlsflash.storage.predicates import ACTIVE, NEW, SEEN
from mlsflash.storage.rows import all_as

if TYPE_CHECKING:
    from mlsflash.storage.db import Connection, Result

SCHEDULED = ReviewKind.SCHEDULED.value


def seen_ids(connection: Connection) -> list[str]:
    """Ids of the active cards answered at least once."""
    return [card_id for (card_id,) in connection.execute(f"SELECT id FROM cards WHERE {SEEN}")]


def new_ids(connection: Connection) -> set[str]:
    """Ids of the active cards never answered."""
    return {row[0] for row in connection.execute(f"SELECT id FROM cards WHERE {NEW}")}


def new_ids_in_order(connection: Connection) -> list[str]:
    """Ids of the new cards in the order a review session introduces them."""
    return [row[0] for row in connection.execute(
        f"SELECT id FROM cards WHERE {NEW} ORDER BY deck_id, source_file, position")]


def new_count(connection: Connection) -> int:
    return int(connection.execute(f"SELECT count(*) FROM cards WHERE {NEW}").scalar_one())


def introduced_on(connection: Connection, day: date) -> set[str]:
    """Ids of the cards answered for the first time on study day `day`."""
    return {
        row[0] for row in connection.execute(
            "SELECT DISTINCT card_id FROM reviews WHERE study_day = ? AND due_before IS NULL", (day.isoformat(),)
        )
    }


def introductions_on(connection: Connection, day: date) -> int:
    """How many scheduled answers on study day `day` introduced a new card."""
    return int(connection.execute(
        f"SELECT count(*) FROM reviews WHERE study_day = ? AND due_before IS NULL AND kind = '{SCHEDULED}'",
        (day.isoformat(),),
    ).scalar_one())


def due_counts(connection: Connection, start: date, end: date) -> Counter[date]:
    """How many seen cards fall due on each day from `start` until before `end`."""
    rows = connection.execute(
        f"SELECT due, count(*) FROM cards WHERE {SEEN} AND due >= ? AND due < ? GROUP BY due",
        (start.isoformat(), end.isoformat()),
    )
    return Counter({date.fromisoformat(day): count for day, count in rows})


def seen_due_before(connection: Connection, day: date) -> int:
    return int(connection.execute(f"SELECT count(*) FROM cards WHERE {SEEN} AND due < ?", (day.isoformat(),))
               .scalar_one())


def schedule_counts(connection: Connection) -> dict[tuple[date, int, int, int], int]:
    """(due, repetitions, interval, easiness) -> how many seen cards have that schedule."""
    return {
        (date.fromisoformat(row.due), row.repetitions, row.interval, row.easiness): row.cards
        for row in connection.execute(
            f"SELECT due, repetitions, interval, easiness, count(*) AS cards FROM cards WHERE {SEEN} "
            "GROUP BY due, repetitions, interval, easiness"
        )
    }


class CardSchedule(NamedTuple):
    id: str
    repetitions: int
    easiness: int  # EF in hundredths
    interval: int
    due: str  # ISO date
    lapses: int
    stability: float | None
    difficulty: float | None

    def state(self) -> ReviewState:
        return ReviewState(self.repetitions, self.easiness, self.interval, date.fromisoformat(self.due), self.lapses,
                           self.stability, self.difficulty)


def may_need_window_review(connection: Connection, exam_day: date, *, decay: float,
                           desired_retention: float) -> list[CardSchedule]:
    """The seen cards not due before `exam_day` whose recall on it may fall below
    `desired_retention` (the formula of `memory.retrievability`; cards without a memory state
    and those due on the day come too): a superset the caller's rule decides over."""
    day = exam_day.isoformat()
    factor = 0.9 ** (-1 / decay) - 1
    return all_as(connection.execute(
        f"SELECT id, repetitions, easiness, interval, due, lapses, stability, difficulty FROM cards "
        f"WHERE {SEEN} AND due >= ? AND (stability IS NULL OR due = ? OR pow(1 + ? * "
        f"(julianday(?) - julianday(due) + interval) / stability, -?) < ?)",
        (day, day, factor, day, decay, desired_retention + 1e-9),
    ), CardSchedule)


class TopicSchedule(NamedTuple):
    id: str
    topic: str
    deck: str
    repetitions: int
    easiness: int  # EF in hundredths
    interval: int
    due: str | None  # ISO date; None while new
    lapses: int
    stability: float | None
    difficulty: float | None

    def state(self) -> ReviewState:
        """The review state of a seen card (`due` set)."""
        return ReviewState(self.repetitions, self.easiness, self.interval,
                           date.fromisoformat(self.due) if self.due else None, self.lapses, self.stability,
                           self.difficulty)


def active_schedules(connection: Connection) -> list[TopicSchedule]:
    """Every active card's schedule, with its deck's name and its topic."""
    return all_as(connection.execute(
        "SELECT c.id, c.topic, d.name AS deck, c.repetitions, c.easiness, c.interval, c.due, c.lapses, "
        f"c.stability, c.difficulty FROM cards c JOIN decks d ON d.id = c.deck_id WHERE c.{ACTIVE}"
    ), TopicSchedule)


def latest_durations(connection: Connection, limit: int) -> list[int]:
    """The times (ms) of the latest `limit` answers that recorded one, latest first."""
    return [row[0] for row in connection.execute(
        "SELECT duration_ms FROM reviews WHERE duration_ms > 0 ORDER BY id DESC LIMIT ?", (limit,)
    )]


def latest_review_grades(connection: Connection, limit: int) -> list[int]:
    """The grades of the latest `limit` scheduled answers to cards seen before, latest first."""
    return [row[0] for row in connection.execute(
        f"SELECT grade FROM reviews WHERE kind = '{SCHEDULED}' AND due_before IS NOT NULL ORDER BY id DESC LIMIT ?",
        (limit,),
    )]


def seen_cards_due_after(connection: Connection, today: date) -> Result:
    """The seen cards due after `today`: id, deck name, plain front and review state columns."""
    return connection.execute(
        "SELECT c.id, d.name, c.front_plain, c.repetitions, c.easiness, c.interval, c.due, c.lapses, c.stability, "
        f"c.difficulty FROM cards c JOIN decks d ON d.id = c.deck_id WHERE c.{SEEN} AND c.due > ?",
        (today.isoformat(),),
    )


def move_cards(connection: Connection, updates: list[tuple[str | None, int, str]]) -> None:
    """Set (due, interval) of each card id."""
    connection.run_per_row("UPDATE cards SET due = ?, interval = ? WHERE id = ?", updates)
